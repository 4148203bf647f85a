/**
 * Flush when a page is hidden or left. On phones a hidden page is often frozen or discarded
 * without another event, so `visibilitychange` to hidden is the last moment sure to run;
 * `pagehide` covers leaving on desktop browsers, where a tab can close without being hidden
 * first (https://developer.chrome.com/docs/web-platform/page-lifecycle-api#advice-hidden).
 * `unload` and `beforeunload` are not used: they are unreliable on mobile and keep a page out
 * of the back/forward cache.
 *
 * Web-standard and feature-detected: outside a page (Workers, Deno, Node) this does nothing.
 */

interface PageEvents {
  addEventListener(type: string, listener: () => void): void;
  removeEventListener(type: string, listener: () => void): void;
}

interface PageDocument extends PageEvents {
  readonly visibilityState?: string;
}

/** Calls `onHide` when the page is hidden or left; returns the function that stops watching. */
export function watchPageHide(onHide: () => void): () => void {
  const g = globalThis as { document?: PageDocument; addEventListener?: unknown };
  const doc = g.document;
  if (doc === undefined || typeof g.addEventListener !== "function") return () => undefined;
  const win = globalThis as unknown as PageEvents;
  const onVisibility = () => {
    if (doc.visibilityState === "hidden") onHide();
  };
  doc.addEventListener("visibilitychange", onVisibility);
  win.addEventListener("pagehide", onHide);
  return () => {
    doc.removeEventListener("visibilitychange", onVisibility);
    win.removeEventListener("pagehide", onHide);
  };
}
