/**
 * One page of a ChromiumPipe: created, given the runner's binding, navigated, and evaluated in;
 * what the page says on its own (binding calls, console and log lines, uncaught exceptions, a
 * renderer crash) goes to the handlers as it arrives.
 *
 * Domains enabled: Runtime (bindingCalled, exceptionThrown, consoleAPICalled), Log (entryAdded:
 * errors the browser itself reports, e.g. a WebSocket that failed to connect), Inspector
 * (targetCrashed), Page (loadEventFired). Never Network: see cdp-pipe.ts.
 */
import type { ChromiumPipe } from "./cdp-pipe.js";

export interface PageHandlers {
  /** A call of the binding: its one string argument. */
  binding(payload: string): void;
  /** A console call or browser log entry of level warning or error. */
  console(level: "warning" | "error", text: string): void;
  /** An uncaught exception or unhandled rejection in the page, or the renderer crashed. */
  trouble(why: string): void;
}

interface ExceptionDetails {
  text?: string;
  exception?: { description?: string; value?: unknown };
}

export class PageSession {
  readonly #browser: ChromiumPipe;
  readonly #sessionId: string;

  private constructor(browser: ChromiumPipe, sessionId: string) {
    this.#browser = browser;
    this.#sessionId = sessionId;
  }

  /** A new blank page with `bindingName` installed in every document it loads. */
  static async create(
    browser: ChromiumPipe,
    bindingName: string,
    handlers: PageHandlers,
  ): Promise<PageSession> {
    const { targetId } = await browser.send("Target.createTarget", { url: "about:blank" });
    const { sessionId } = await browser.send("Target.attachToTarget", { targetId, flatten: true });
    const id = String(sessionId);
    const mine = (sid: string | undefined) => sid === id;
    browser.on("Runtime.bindingCalled", (p, sid) => {
      if (mine(sid) && p.name === bindingName) handlers.binding(String(p.payload));
    });
    browser.on("Runtime.exceptionThrown", (p, sid) => {
      if (mine(sid))
        handlers.trouble(
          `uncaught in the page: ${exceptionText(p.exceptionDetails as ExceptionDetails)}`,
        );
    });
    browser.on("Runtime.consoleAPICalled", (p, sid) => {
      const type = p.type;
      if (!mine(sid) || (type !== "error" && type !== "warning")) return;
      const args = (p.args as { value?: unknown; description?: string }[] | undefined) ?? [];
      handlers.console(
        type,
        args
          .map((a) => (a.value !== undefined ? String(a.value) : (a.description ?? "")))
          .join(" "),
      );
    });
    browser.on("Log.entryAdded", (p, sid) => {
      const entry = p.entry as { level?: string; text?: string; url?: string } | undefined;
      const level = entry?.level;
      if (!mine(sid) || (level !== "error" && level !== "warning")) return;
      handlers.console(
        level,
        `${entry?.text ?? ""}${entry?.url === undefined ? "" : ` (${entry.url})`}`,
      );
    });
    browser.on("Inspector.targetCrashed", (_p, sid) => {
      if (mine(sid)) handlers.trouble("the page crashed (its renderer process died)");
    });
    const page = new PageSession(browser, id);
    await Promise.all([
      page.send("Runtime.enable"),
      page.send("Log.enable"),
      page.send("Inspector.enable"),
      page.send("Page.enable"),
      page.send("Runtime.addBinding", { name: bindingName }),
    ]);
    return page;
  }

  send(method: string, params: Record<string, unknown> = {}): Promise<Record<string, unknown>> {
    return this.#browser.send(method, params, this.#sessionId);
  }

  /** Navigates and waits for the load event. */
  async goto(url: string): Promise<void> {
    let loaded: () => void = () => {};
    const load = new Promise<void>((resolve) => {
      loaded = resolve;
    });
    this.#browser.on("Page.loadEventFired", (_p, sid) => {
      if (sid === this.#sessionId) loaded();
    });
    const nav = await this.send("Page.navigate", { url });
    if (typeof nav.errorText === "string" && nav.errorText !== "") {
      throw new Error(`cannot load ${url}: ${nav.errorText}`);
    }
    await load;
  }

  /** The value of `expression` (a promise is awaited); an exception in the page rejects. */
  async evaluate(expression: string): Promise<unknown> {
    const r = await this.send("Runtime.evaluate", {
      expression,
      awaitPromise: true,
      returnByValue: true,
    });
    if (r.exceptionDetails !== undefined) {
      throw new Error(exceptionText(r.exceptionDetails as ExceptionDetails));
    }
    return (r.result as { value?: unknown } | undefined)?.value;
  }
}

/** The first line of what was thrown ("Error: …"), else the protocol's summary text. */
function exceptionText(details: ExceptionDetails | undefined): string {
  const description = details?.exception?.description;
  if (description !== undefined) return description.split("\n")[0] ?? description;
  if (details?.exception?.value !== undefined) return String(details.exception.value);
  return details?.text ?? "(no details)";
}
