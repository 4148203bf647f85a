/**
 * Debian's Chromium, headless, driven over the Chrome DevTools Protocol on a pipe: the browser
 * reads commands from its fd 3 and writes answers and events to its fd 4, each message JSON
 * ended by a NUL byte (`--remote-debugging-pipe`, the transport Playwright uses too).
 *
 * Why not Playwright here: Playwright enables the Network domain on every page and worker it
 * attaches to, and it attaches to all of them. Chromium then copies every WebSocket frame the
 * page sends or receives, base64-encoded, into a Network.webSocketFrameSent/Received event, and
 * Playwright's server parses each one. At W1's rate that cost a whole core of the runner's Node
 * process plus work in Chromium's browser process (measured: see the bench report); an
 * application page has no debugger attached and pays none of it. With our own session we enable
 * only what the runner reads: Runtime (bindings, uncaught exceptions, console), Log (network
 * errors such as a failed WebSocket), Inspector (renderer crash), Page (load).
 *
 * Protocol: https://chromedevtools.github.io/devtools-protocol/
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Readable, Writable } from "node:stream";

/** What `chromium` is started with, besides the profile directory and the pipe. */
const CHROMIUM_ARGS = [
  "--headless",
  // The runner is often root in a container, where the sandbox cannot start.
  "--no-sandbox",
  "--disable-dev-shm-usage",
  // Nothing in the background competes with the page (same switches Playwright passes).
  "--disable-background-networking",
  "--disable-background-timer-throttling",
  "--disable-backgrounding-occluded-windows",
  "--disable-renderer-backgrounding",
  "--disable-component-update",
  "--disable-default-apps",
  "--disable-extensions",
  "--disable-sync",
  "--disable-breakpad",
  "--no-first-run",
  "--no-default-browser-check",
  "--metrics-recording-only",
  "--password-store=basic",
  "--mute-audio",
];

type Params = Record<string, unknown>;
type Listener = (params: Params, sessionId: string | undefined) => void;

interface Pending {
  method: string;
  resolve(result: Params): void;
  reject(err: Error): void;
}

export class ChromiumPipe {
  readonly #child: ChildProcess;
  readonly #toBrowser: Writable;
  readonly #profileDir: string;
  readonly #pending = new Map<number, Pending>();
  readonly #listeners = new Map<string, Listener[]>();
  #nextId = 1;
  #closed: string | undefined;
  /** Resolves with a description of how the browser process ended. */
  readonly exited: Promise<string>;
  /** The browser's last stderr lines, for a launch failure's message. */
  #stderrTail = "";

  private constructor(executable: string, scratchDir: string) {
    mkdirSync(scratchDir, { recursive: true });
    this.#profileDir = mkdtempSync(join(scratchDir, "chromium-profile-"));
    this.#child = spawn(
      executable,
      [
        ...CHROMIUM_ARGS,
        `--user-data-dir=${this.#profileDir}`,
        "--remote-debugging-pipe",
        "about:blank",
      ],
      // fd 3: our commands in; fd 4: its messages out. Not detached: the browser is in the
      // runner's process tree (its CPU is sampled with the runner's) and exits when the pipe
      // closes, so a killed runner leaves no browser behind.
      { stdio: ["ignore", "ignore", "pipe", "pipe", "pipe"] },
    );
    this.#toBrowser = this.#child.stdio[3] as Writable;
    const fromBrowser = this.#child.stdio[4] as Readable;
    this.#child.stderr?.setEncoding("utf8");
    this.#child.stderr?.on("data", (s: string) => {
      this.#stderrTail = (this.#stderrTail + s).slice(-2000);
    });
    this.#toBrowser.on("error", () => {}); // EPIPE after exit; exited says why.
    let buffered: Buffer[] = [];
    fromBrowser.on("data", (chunk: Buffer) => {
      let start = 0;
      for (let end = chunk.indexOf(0); end !== -1; end = chunk.indexOf(0, start)) {
        buffered.push(chunk.subarray(start, end));
        this.#dispatch(Buffer.concat(buffered).toString("utf8"));
        buffered = [];
        start = end + 1;
      }
      if (start < chunk.length) buffered.push(chunk.subarray(start));
    });
    this.exited = new Promise((resolve) => {
      this.#child.once("error", (err) => resolve(`could not start ${executable}: ${err.message}`));
      this.#child.once("exit", (code, signal) =>
        resolve(`the browser process exited (${signal ?? `code ${code}`})`),
      );
    });
    void this.exited.then((why) => this.#shutDown(why));
  }

  /**
   * Starts Chromium and waits until it answers on the pipe. Its profile directory goes under
   * `scratchDir` (default: the system's temporary directory) and is removed by close().
   */
  static async launch(
    executable: string,
    timeoutMs: number,
    scratchDir: string = tmpdir(),
  ): Promise<ChromiumPipe> {
    const pipe = new ChromiumPipe(executable, scratchDir);
    const timer = setTimeout(() => pipe.kill(), timeoutMs);
    try {
      await pipe.send("Browser.getVersion");
      return pipe;
    } catch (err) {
      pipe.kill();
      const tail = pipe.#stderrTail.trim().split("\n").slice(-5).join("\n");
      const why = err instanceof Error ? err.message : String(err);
      throw new Error(
        `Chromium (${executable}) did not start within ${timeoutMs / 1000} s: ${why}${tail === "" ? "" : `\n${tail}`}`,
      );
    } finally {
      clearTimeout(timer);
    }
  }

  get pid(): number | undefined {
    return this.#child.pid;
  }

  /** Sends a command (to a target when sessionId is given) and resolves with its result. */
  send(method: string, params: Params = {}, sessionId?: string): Promise<Params> {
    if (this.#closed !== undefined) {
      return Promise.reject(new Error(`${method}: ${this.#closed}`));
    }
    const id = this.#nextId++;
    const message = JSON.stringify(
      sessionId === undefined ? { id, method, params } : { id, method, params, sessionId },
    );
    return new Promise<Params>((resolve, reject) => {
      this.#pending.set(id, { method, resolve, reject });
      this.#toBrowser.write(`${message}\0`);
    });
  }

  /** Calls `listener` for every event named `method`, from any session. */
  on(method: string, listener: Listener): void {
    const list = this.#listeners.get(method) ?? [];
    list.push(listener);
    this.#listeners.set(method, list);
  }

  /** Browser.close, then SIGKILL if the process has not exited within `timeoutMs`. */
  async close(timeoutMs: number): Promise<void> {
    if (this.#child.exitCode === null && this.#child.signalCode === null) {
      void this.send("Browser.close").catch(() => {});
      const timer = setTimeout(() => this.kill(), timeoutMs);
      await this.exited;
      clearTimeout(timer);
    }
    rmSync(this.#profileDir, { recursive: true, force: true });
  }

  kill(): void {
    if (this.#child.exitCode === null && this.#child.signalCode === null)
      this.#child.kill("SIGKILL");
  }

  #dispatch(text: string): void {
    let message: {
      id?: number;
      method?: string;
      params?: Params;
      result?: Params;
      error?: { message: string };
      sessionId?: string;
    };
    try {
      message = JSON.parse(text);
    } catch {
      return;
    }
    if (message.id !== undefined) {
      const p = this.#pending.get(message.id);
      if (p === undefined) return;
      this.#pending.delete(message.id);
      if (message.error !== undefined) p.reject(new Error(`${p.method}: ${message.error.message}`));
      else p.resolve(message.result ?? {});
      return;
    }
    if (message.method === undefined) return;
    for (const listener of this.#listeners.get(message.method) ?? []) {
      listener(message.params ?? {}, message.sessionId);
    }
  }

  #shutDown(why: string): void {
    this.#closed = why;
    for (const p of this.#pending.values()) p.reject(new Error(`${p.method}: ${why}`));
    this.#pending.clear();
  }
}
