/** The element with this id, typed by the caller; a missing id is a bug in index.html. */
export function byId<T extends HTMLElement>(id: string): T {
  const el = document.getElementById(id);
  if (el === null) throw new Error(`index.html has no element with id "${id}"`);
  return el as T;
}

/** An integer from a number input, or an error naming the field, the rule and what it held. */
export function intValue(input: HTMLInputElement, label: string, min: number, max: number): number {
  const n = Number(input.value);
  if (input.value.trim() === "" || !Number.isInteger(n) || n < min || n > max) {
    throw new RangeError(
      `${label}: must be an integer from ${min} to ${max}; received ${JSON.stringify(input.value)}`,
    );
  }
  return n;
}

/** Sets a status line's text and whether it shows an error. */
export function setStatus(el: HTMLElement, text: string, isError = false): void {
  el.textContent = text;
  el.classList.toggle("error", isError);
}

/**
 * `render`, at most once a frame however often the result is called: stats change many times a
 * frame under load, and drawing is what costs.
 */
export function oncePerFrame(render: () => void): () => void {
  let scheduled = false;
  return () => {
    if (scheduled) return;
    scheduled = true;
    requestAnimationFrame(() => {
      scheduled = false;
      render();
    });
  };
}
