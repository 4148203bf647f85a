/** Where the session id is kept: per tab, so it survives reloads but not a new tab. */
const SESSION_KEY = "tributary-session-id";

interface SessionStorageLike {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

/**
 * The tab's session id: kept in sessionStorage when there is one (a page), else made once per
 * producer (a worker). Storage can throw (blocked cookies, a sandboxed frame): then it is made
 * fresh, which only splits a session in two.
 */
export function tabSessionId(): string {
  let storage: SessionStorageLike | undefined;
  try {
    storage = (globalThis as { sessionStorage?: SessionStorageLike }).sessionStorage;
    const known = storage?.getItem(SESSION_KEY);
    if (known) return known;
  } catch {
    storage = undefined;
  }
  const id = crypto.randomUUID();
  try {
    storage?.setItem(SESSION_KEY, id);
  } catch {
    // Not kept: this page's events still share the id.
  }
  return id;
}
