/** One synthetic browser telemetry event, as a web app might ship it. */
export interface TelemetryEvent {
  key: string;
  value: string;
  headers: Record<string, string>;
}

const PAGES = ["/", "/search", "/product/42", "/cart", "/checkout", "/account"];
const TYPES = ["page_view", "click", "scroll", "web_vital", "js_error"] as const;
const VITALS = ["LCP", "INP", "CLS", "TTFB"] as const;

const pick = <T>(items: readonly T[], n: number): T => items[n % items.length] as T;

/**
 * Deterministic per (run, seq), so the end-to-end tests can check exactly what landed: eight
 * sessions per run as keys (so records spread over partitions), a JSON value, and `run`/`seq`
 * headers beside the same fields in the value.
 */
export function telemetryEvent(run: string, seq: number): TelemetryEvent {
  const session = `s-${run}-${seq % 8}`;
  const type = pick(TYPES, seq * 7 + 3);
  const event: Record<string, unknown> = {
    type,
    run,
    seq,
    session,
    page: pick(PAGES, seq * 5 + 1),
    ts: Date.now(),
    viewport: pick(["390x844", "1440x900", "1920x1080"], seq),
  };
  if (type === "click") event.target = pick(["#buy", "#search", "a.nav", "#menu"], seq);
  if (type === "scroll") event.depth = (seq * 13) % 101;
  if (type === "web_vital") {
    event.name = pick(VITALS, seq);
    event.value = ((seq * 37) % 2500) / 10;
  }
  if (type === "js_error") event.message = "TypeError: cannot read properties of undefined";
  return {
    key: session,
    value: JSON.stringify(event),
    headers: { source: "web-demo", run, seq: String(seq) },
  };
}

/**
 * Calls `emit(seq)` for seq 0..count-1 at `rate` per second, paced against the clock (a late
 * tick catches up, so a busy main thread lowers smoothness, not the total). Returns a stop
 * function; `onEnd(stopped)` runs once, after the last record or on stop.
 */
export function generate(
  rate: number,
  count: number,
  emit: (seq: number) => void,
  onEnd: (stopped: boolean) => void,
): () => void {
  const started = performance.now();
  let next = 0;
  let ended = false;
  const end = (stopped: boolean) => {
    if (ended) return;
    ended = true;
    clearInterval(timer);
    onEnd(stopped);
  };
  const tick = () => {
    const due = Math.min(count, Math.floor(((performance.now() - started) * rate) / 1000) + 1);
    while (next < due) emit(next++);
    if (next >= count) end(false);
  };
  const timer = setInterval(tick, 20);
  tick();
  return () => end(true);
}
