import { formatHostPort, gatewayUrlOf, redactUrl } from "../broker-address.js";
import {
  CLOSE_CODE_NAMES,
  describeSecret,
  describeValue,
  GatewayRefusedError,
  invalidArgument,
  ProducerError,
  ProducerErrorCode,
} from "../errors.js";
import type {
  BrokerAddress,
  ConnectOptions,
  Transport,
  TransportConnector,
  TransportHandlers,
} from "./transport.js";

/**
 * Kafka bytes over a WebSocket through a Tributary gateway (DESIGN.md, "The gateway contract"):
 * one WebSocket per broker connection, binary messages only, each request frame in one message,
 * answers in chunks whose boundaries mean nothing (the connection's FrameSplitter reassembles
 * them). Web-standard: it takes any WebSocket constructor — the global one in browsers, Deno,
 * Bun, Workers and Node 22+, or `ws`'s on Node 20 — and imports nothing runtime-specific.
 *
 * Where a connection goes: a bootstrap entry written as a gateway URL is opened as it is (the
 * gateway picks one of its bootstrap brokers); a broker the cluster advertises is opened as
 * `<gateway>/<host>:<port>` under the gateway URL that last opened, query kept.
 *
 * Semantics the transport contract leaves to each transport, kept as node-tcp.ts keeps them:
 * - write(): one ws.send() per call (the connection writes one frame per call). Returns
 *   undefined while bufferedAmount stays at or under the high-water mark, else a promise that
 *   resolves once it falls to half of it. Browsers have no drain event, so the promise polls.
 *   If the WebSocket closes first, the promise REJECTS with the reason it closed. Writing after
 *   close() or after the WebSocket closed throws CONNECTION_CLOSED synchronously.
 * - close(): a normal close (1000); onClose(undefined) follows the closing handshake, or
 *   CLOSE_GRACE_MS at the latest.
 * - The gateway closing the WebSocket is an error: GatewayRefusedError for a refusal by policy
 *   (1008, 1009, 1003), CONNECTION_CLOSED (retriable) for anything else (1000 idle, 1001
 *   shutting down, 1011, 1014 broker unreachable, 1006 lost).
 */

/** The subprotocol a Tributary gateway speaks; it must answer with exactly this. */
export const SUBPROTOCOL = "tributary.v1";
/** Default bytes a WebSocket may hold unsent before write() asks the caller to wait. */
export const DEFAULT_HIGH_WATER_MARK = 1024 * 1024;
/** How long close() waits for the closing handshake before it gives the WebSocket up. */
export const CLOSE_GRACE_MS = 5_000;
/** How often a blocked write looks at bufferedAmount again (there is no drain event). */
const DRAIN_POLL_MS = 5;
/** After an error event before open, how long to wait for the close event that says more. */
const CLOSE_AFTER_ERROR_MS = 1_000;
/** WebSocket.readyState values (the same in every runtime). */
const OPEN = 1;

/** The events this transport reads; every runtime's events have at least these fields. */
interface MessageEventLike {
  readonly data: unknown;
}
interface CloseEventLike {
  readonly code: number;
  readonly reason: string;
}
interface ErrorEventLike {
  /** `ws` and undici put the cause here; browsers give nothing. */
  readonly message?: unknown;
  readonly error?: unknown;
}

/**
 * What this transport needs of a WebSocket instance: the web-standard API that browsers, Deno,
 * Bun, workerd, Node 22+ and the `ws` package all have.
 */
export interface WebSocketLike {
  binaryType: string;
  readonly protocol: string;
  readonly bufferedAmount: number;
  readonly readyState: number;
  send(data: Uint8Array<ArrayBuffer>): void;
  close(code?: number, reason?: string): void;
  addEventListener(
    type: "open" | "message" | "error" | "close",
    listener: (event: unknown) => void,
  ): void;
  /** `ws` only: drops the connection without the closing handshake. */
  terminate?(): void;
}

/** A WebSocket constructor: `globalThis.WebSocket`, or `WebSocket` from the `ws` package. */
export type WebSocketConstructor = new (url: string, protocols?: string[]) => WebSocketLike;

/** A gateway token, or a function that returns one per connect (so a short-lived JWT can be renewed). */
export type GatewayToken = string | (() => string | Promise<string>);

export interface WebSocketConnectorOptions {
  /** Gateway URLs (ws:// or wss://); the first is where brokers are reached until another opens. */
  urls: readonly string[];
  /** Sent as the subprotocol `bearer.<token>` beside `tributary.v1`; never logged or shown. */
  token?: GatewayToken | undefined;
  /** Default: the runtime's global WebSocket. On Node 20, pass `WebSocket` from `ws`. */
  WebSocket?: WebSocketConstructor | undefined;
  /** Bytes queued in the WebSocket before write() asks the caller to wait; default 1 MiB. */
  highWaterMark?: number | undefined;
}

/**
 * Characters of an RFC 7230 token (section 3.2.6): a subprotocol, and so `bearer.<token>`, must
 * be one (RFC 6455 section 4.1), or the WebSocket constructor throws.
 */
const TOKEN_TEXT = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/** The rule a gateway token must meet, as error messages state it. */
export const TOKEN_RULE =
  "must be a non-empty string of RFC 7230 token characters (letters, digits and !#$%&'*+-.^_`|~), " +
  "because it travels in the Sec-WebSocket-Protocol header as bearer.<token>";

/** Whether a string can travel as `bearer.<token>` in Sec-WebSocket-Protocol. */
export function isTokenText(value: unknown): value is string {
  return typeof value === "string" && TOKEN_TEXT.test(value);
}

/** Checks a ws:// or wss:// URL; returns it unchanged. */
export function checkGatewayUrl(value: unknown, field: string): string {
  let url: URL | undefined;
  try {
    url = typeof value === "string" ? new URL(value) : undefined;
  } catch {
    url = undefined;
  }
  if (url === undefined || (url.protocol !== "ws:" && url.protocol !== "wss:")) {
    throw invalidArgument(field, "must be a ws:// or wss:// URL of a Tributary gateway", value);
  }
  // The WebSocket constructor refuses a fragment (WHATWG WebSockets, "new WebSocket" step 4).
  if (url.hash !== "" || (value as string).includes("#")) {
    throw invalidArgument(field, "must not have a #fragment (WebSocket URLs cannot)", value);
  }
  return value as string;
}

/** The global WebSocket constructor, if this runtime has one. */
export function globalWebSocket(): WebSocketConstructor | undefined {
  const ctor = (globalThis as { WebSocket?: unknown }).WebSocket;
  return typeof ctor === "function" ? (ctor as WebSocketConstructor) : undefined;
}

/** Opens broker connections as WebSockets through a Tributary gateway. */
export function webSocketConnector(options: WebSocketConnectorOptions): TransportConnector {
  if (typeof options !== "object" || options === null) {
    throw invalidArgument(
      "options",
      'must be an object such as { urls: ["wss://gw/kafka"] }',
      options,
    );
  }
  const { urls, token } = options;
  if (!Array.isArray(urls) || urls.length === 0) {
    throw invalidArgument(
      "urls",
      "must be a non-empty array of ws:// or wss:// gateway URLs",
      urls,
    );
  }
  for (let i = 0; i < urls.length; i++) checkGatewayUrl(urls[i], `urls[${i}]`);
  if (!(token === undefined || typeof token === "function" || isTokenText(token))) {
    throw new ProducerError(
      ProducerErrorCode.InvalidArgument,
      `token: ${TOKEN_RULE}, or a function returning one; received ${describeSecret(token)}`,
    );
  }
  const WebSocket = options.WebSocket ?? globalWebSocket();
  if (typeof WebSocket !== "function") {
    throw invalidArgument(
      "WebSocket",
      options.WebSocket === undefined
        ? "is required: this runtime has no global WebSocket (Node 20); pass WebSocket from the ws package"
        : "must be a WebSocket constructor",
      options.WebSocket,
    );
  }
  const highWaterMark = options.highWaterMark ?? DEFAULT_HIGH_WATER_MARK;
  if (!(Number.isSafeInteger(highWaterMark) && highWaterMark >= 1)) {
    throw invalidArgument(
      "highWaterMark",
      "must be a positive integer number of bytes",
      highWaterMark,
    );
  }
  /** The gateway URL brokers are reached under: the last gateway URL that opened. */
  let base = urls[0]!;
  return {
    name: "websocket",
    connect(address, handlers, connectOptions) {
      const gatewayUrl = gatewayUrlOf(address);
      const url = gatewayUrl ?? brokerUrl(base, address);
      return openWebSocket(
        { WebSocket, token, highWaterMark },
        url,
        handlers,
        connectOptions,
        () => {
          if (gatewayUrl !== undefined) base = gatewayUrl;
        },
      );
    },
  };
}

/** `<base>/<host>:<port>`: the base's path without its trailing slash, query kept. */
export function brokerUrl(base: string, address: BrokerAddress): string {
  const url = new URL(base);
  url.pathname = `${url.pathname.replace(/\/+$/, "")}/${formatHostPort(address.host, address.port)}`;
  url.hash = "";
  return url.href;
}

interface OpenContext {
  WebSocket: WebSocketConstructor;
  token: GatewayToken | undefined;
  highWaterMark: number;
}

function openWebSocket(
  ctx: OpenContext,
  url: string,
  handlers: TransportHandlers,
  options: ConnectOptions,
  onOpened: () => void,
): Promise<Transport> {
  const where = redactUrl(url);
  const { timeoutMs, signal } = options;
  return new Promise<Transport>((resolve, reject) => {
    if (!(typeof timeoutMs === "number" && timeoutMs > 0 && timeoutMs <= 0x7fffffff)) {
      reject(
        invalidArgument(
          "timeoutMs",
          "must be a number of milliseconds in (0, 2147483647]",
          timeoutMs,
        ),
      );
      return;
    }
    if (signal?.aborted) {
      reject(failed(where, "aborted before it began", signal.reason, false));
      return;
    }
    let settled = false;
    let transport: WebSocketTransport | undefined;
    let secret: string | undefined;
    const timer = setTimeout(
      () => giveUp(`no WebSocket connection within ${timeoutMs} ms`, undefined, true),
      timeoutMs,
    );
    const onAbort = () => giveUp("aborted", signal?.reason, false);
    signal?.addEventListener("abort", onAbort, { once: true });
    function settle(): boolean {
      if (settled) return false;
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
      return true;
    }
    function giveUp(reason: string, cause: unknown, retriable: boolean): void {
      if (!settle()) return;
      transport?.abandon();
      reject(failed(where, scrub(reason, secret), cause, retriable));
    }
    resolveToken(ctx.token).then(
      (token) => {
        if (settled) return;
        secret = token;
        let ws: WebSocketLike;
        try {
          ws = new ctx.WebSocket(
            url,
            token === undefined ? [SUBPROTOCOL] : [SUBPROTOCOL, `bearer.${token}`],
          );
        } catch (err) {
          // A malformed URL or subprotocol is refused synchronously (a SyntaxError).
          giveUp(messageOf(err), err, false);
          return;
        }
        transport = new WebSocketTransport(ws, where, handlers, ctx.highWaterMark, secret, {
          opened: () => {
            if (!settle()) {
              transport?.abandon(); // given up already: nobody would own it
              return;
            }
            onOpened();
            resolve(transport!);
          },
          failed: giveUp,
        });
      },
      (err: unknown) => giveUp(`the gateway token is not usable: ${messageOf(err)}`, err, false),
    );
  });
}

/** The token for one connect: a function is asked each time, and its answer is checked. */
async function resolveToken(token: GatewayToken | undefined): Promise<string | undefined> {
  if (typeof token !== "function") return token;
  const value = await token();
  if (!isTokenText(value)) {
    throw new ProducerError(
      ProducerErrorCode.InvalidArgument,
      `token: the token function's result ${TOKEN_RULE}; received ${describeSecret(value)}`,
    );
  }
  return value;
}

type Phase = "connecting" | "open" | "closing" | "closed";

interface ConnectHooks {
  opened(): void;
  failed(reason: string, cause: unknown, retriable: boolean): void;
}

class WebSocketTransport implements Transport {
  readonly #ws: WebSocketLike;
  readonly #where: string;
  readonly #handlers: TransportHandlers;
  readonly #highWaterMark: number;
  /** The token of this connection, scrubbed from any message the runtime writes. */
  readonly #secret: string | undefined;
  #phase: Phase = "connecting";
  #connect: ConnectHooks | undefined;
  /** What the runtime said in its last error event, if anything. */
  #runtimeError: string | undefined;
  #runtimeCause: unknown;
  #errorTimer: ReturnType<typeof setTimeout> | undefined;
  #graceTimer: ReturnType<typeof setTimeout> | undefined;
  #drain: { promise: Promise<void>; resolve: () => void; reject: (e: Error) => void } | undefined;
  #drainTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    ws: WebSocketLike,
    where: string,
    handlers: TransportHandlers,
    highWaterMark: number,
    secret: string | undefined,
    connect: ConnectHooks,
  ) {
    this.#ws = ws;
    this.#where = where;
    this.#handlers = handlers;
    this.#highWaterMark = highWaterMark;
    this.#secret = secret;
    this.#connect = connect;
    ws.binaryType = "arraybuffer";
    ws.addEventListener("open", () => this.#onOpen());
    ws.addEventListener("message", (e) => this.#onMessage(e as MessageEventLike));
    ws.addEventListener("error", (e) => this.#onError(e as ErrorEventLike));
    ws.addEventListener("close", (e) => this.#onClose(e as CloseEventLike));
  }

  write(bytes: Uint8Array): Promise<void> | undefined {
    if (this.#phase !== "open") {
      throw new ProducerError(
        ProducerErrorCode.ConnectionClosed,
        `cannot write ${bytes.length} bytes to ${this.#where}: the WebSocket is closed`,
        { retriable: true },
      );
    }
    // The gateway's close frame has arrived but its close event has not: the bytes would be
    // dropped, and the close event is about to say why. Wait for it.
    if (this.#ws.readyState !== OPEN) return this.#waitForDrain();
    try {
      // Web-standard send() takes no views of a SharedArrayBuffer; frames never are (the
      // protocol's Writer allocates plain ArrayBuffers).
      this.#ws.send(bytes as Uint8Array<ArrayBuffer>);
    } catch (err) {
      throw new ProducerError(
        ProducerErrorCode.ConnectionClosed,
        `cannot write ${bytes.length} bytes to ${this.#where}: ${this.#scrub(messageOf(err))}`,
        { retriable: true, cause: err },
      );
    }
    return this.#ws.bufferedAmount > this.#highWaterMark ? this.#waitForDrain() : undefined;
  }

  close(): void {
    if (this.#phase !== "open") return;
    this.#phase = "closing";
    try {
      this.#ws.close(1000);
    } catch {
      // Already closing: the close event follows either way.
    }
    this.#graceTimer = setTimeout(() => {
      this.#ws.terminate?.();
      this.#finish(undefined);
    }, CLOSE_GRACE_MS);
    unref(this.#graceTimer);
  }

  /** Drops a WebSocket whose connect was given up (timeout, abort, not a gateway). */
  abandon(): void {
    if (this.#phase === "closed") return;
    this.#phase = "closed";
    this.#connect = undefined;
    if (this.#errorTimer !== undefined) clearTimeout(this.#errorTimer);
    try {
      this.#ws.close(1000);
    } catch {
      // Nothing more to do: it is closing already.
    }
  }

  #onOpen(): void {
    if (this.#phase !== "connecting") return;
    const answered = this.#ws.protocol;
    if (answered !== SUBPROTOCOL) {
      // A server that took the WebSocket but not our subprotocol is not a Tributary gateway
      // (a generic relay, a wrong path, an old gateway): Kafka bytes must not go there.
      const shown =
        answered === ""
          ? "none"
          : answered.startsWith("bearer.")
            ? "a bearer.… entry"
            : JSON.stringify(answered);
      this.#connect?.failed(
        `the server accepted the WebSocket but answered subprotocol ${shown}, not ${SUBPROTOCOL}: it is not a Tributary gateway (check the URL)`,
        undefined,
        false,
      );
      return;
    }
    this.#phase = "open";
    const connect = this.#connect;
    this.#connect = undefined;
    connect?.opened();
  }

  #onMessage(e: MessageEventLike): void {
    if (this.#phase === "closed") return;
    const data = e.data;
    if (data instanceof ArrayBuffer) {
      this.#handlers.onData(new Uint8Array(data));
    } else if (ArrayBuffer.isView(data)) {
      this.#handlers.onData(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
    } else {
      const what =
        typeof data === "string" ? "a text message" : `a message of ${describeValue(data)}`;
      this.#fail(
        new ProducerError(
          ProducerErrorCode.ConnectionClosed,
          `gateway ${this.#where} sent ${what}; ${SUBPROTOCOL} carries binary Kafka frames only, so the connection is closed`,
          { retriable: true },
        ),
      );
    }
  }

  #onError(e: ErrorEventLike): void {
    const text = errorEventText(e);
    if (text !== undefined) this.#runtimeError = this.#scrub(text);
    this.#runtimeCause ??= e.error;
    if (this.#phase === "connecting" && this.#errorTimer === undefined) {
      // The close event normally follows at once and carries the code; do not wait forever.
      this.#errorTimer = setTimeout(
        () => this.#connect?.failed(this.#describeFailure(undefined), this.#runtimeCause, true),
        CLOSE_AFTER_ERROR_MS,
      );
    }
  }

  #onClose(e: CloseEventLike): void {
    if (this.#errorTimer !== undefined) clearTimeout(this.#errorTimer);
    switch (this.#phase) {
      case "connecting": {
        this.#phase = "closed";
        const retriable = this.#httpStatus() === undefined || this.#httpStatus() === 503;
        this.#connect?.failed(this.#describeFailure(e), this.#runtimeCause, retriable);
        return;
      }
      case "open":
        this.#finish(this.#closeError(e.code, e.reason));
        return;
      case "closing":
        this.#finish(undefined);
        return;
      case "closed":
        return;
    }
  }

  /** Why the WebSocket closed after it opened, as the producer should see it. */
  #closeError(code: number, reason: string): Error {
    if (code === 1008 || code === 1009 || code === 1003) {
      return new GatewayRefusedError(code, reason, this.#where);
    }
    const name = CLOSE_CODE_NAMES[code];
    const detail =
      reason !== ""
        ? `: ${reason}`
        : code === 1006 && this.#runtimeError !== undefined
          ? `: ${this.#runtimeError}`
          : "";
    return new ProducerError(
      ProducerErrorCode.ConnectionClosed,
      `gateway ${this.#where} closed the WebSocket with ${code}${name === undefined ? "" : ` (${name})`}${detail}`,
      { retriable: true, cause: this.#runtimeCause },
    );
  }

  /** Why a connect failed: what the runtime said, the close code and reason, and a hint. */
  #describeFailure(e: CloseEventLike | undefined): string {
    const parts: string[] = [];
    if (this.#runtimeError !== undefined) parts.push(this.#runtimeError);
    if (e !== undefined) {
      const name = CLOSE_CODE_NAMES[e.code];
      parts.push(
        `close code ${e.code}${name === undefined ? "" : ` (${name})`}${e.reason === "" ? "" : `: ${e.reason}`}`,
      );
    }
    const status = this.#httpStatus();
    const hint =
      status !== undefined
        ? HTTP_HINTS[status]
        : /subprotocol/i.test(this.#runtimeError ?? "")
          ? `the server did not accept subprotocol ${SUBPROTOCOL}: is it a Tributary gateway?`
          : this.#runtimeError === undefined
            ? "this runtime gives no reason; check the URL, that the gateway runs, the token and the gateway's allowed origins"
            : undefined;
    if (hint !== undefined) parts.push(hint);
    return parts.join("; ");
  }

  /** The HTTP status the gateway refused the upgrade with, where the runtime says (`ws` does). */
  #httpStatus(): number | undefined {
    const m = /Unexpected server response: (\d{3})/.exec(this.#runtimeError ?? "");
    return m === null ? undefined : Number(m[1]);
  }

  /** Ends the connection from our side because of what the gateway sent. */
  #fail(error: Error): void {
    if (this.#phase === "closed") return;
    try {
      this.#ws.close(1000);
    } catch {
      // Closing already.
    }
    this.#finish(error);
  }

  #finish(error: Error | undefined): void {
    if (this.#phase === "closed") return;
    this.#phase = "closed";
    if (this.#graceTimer !== undefined) clearTimeout(this.#graceTimer);
    if (this.#drainTimer !== undefined) clearTimeout(this.#drainTimer);
    this.#drainTimer = undefined;
    const d = this.#drain;
    this.#drain = undefined;
    d?.reject(
      error ??
        new ProducerError(
          ProducerErrorCode.ConnectionClosed,
          `the WebSocket to ${this.#where} closed before its send buffer drained`,
          { retriable: true },
        ),
    );
    this.#handlers.onClose(error);
  }

  #waitForDrain(): Promise<void> {
    if (this.#drain === undefined) {
      let resolve!: () => void;
      let reject!: (e: Error) => void;
      const promise = new Promise<void>((res, rej) => {
        resolve = res;
        reject = rej;
      });
      this.#drain = { promise, resolve, reject };
      this.#pollDrain();
    }
    return this.#drain.promise;
  }

  readonly #pollDrain = (): void => {
    this.#drainTimer = undefined;
    const d = this.#drain;
    if (d === undefined || this.#phase === "closed") return;
    if (this.#ws.readyState === OPEN && this.#ws.bufferedAmount <= this.#highWaterMark / 2) {
      this.#drain = undefined;
      d.resolve();
      return;
    }
    this.#drainTimer = setTimeout(this.#pollDrain, DRAIN_POLL_MS);
  };

  #scrub(text: string): string {
    return scrub(text, this.#secret);
  }
}

/** What a runtime's HTTP refusal of the upgrade usually means with a Tributary gateway. */
const HTTP_HINTS: Readonly<Record<number, string>> = {
  400: "the gateway refused the handshake (it needs subprotocol tributary.v1)",
  401: "the gateway did not accept the token (gatewayToken): missing, wrong or expired",
  403: "the gateway refused: an Origin it does not allow, or a broker it does not relay to",
  404: "the gateway has no such path (its URL ends in /kafka, a broker's in /kafka/<host>:<port>)",
  503: "the gateway is at its connection limit or shutting down",
};

function failed(where: string, reason: string, cause: unknown, retriable: boolean): ProducerError {
  return new ProducerError(
    ProducerErrorCode.ConnectionFailed,
    `cannot open a WebSocket to ${where}: ${reason}`,
    { retriable, cause },
  );
}

/** The text of an error event: `ws` and undici give a message or an error; browsers nothing. */
function errorEventText(e: ErrorEventLike): string | undefined {
  if (typeof e.message === "string" && e.message !== "") return e.message;
  const inner = e.error;
  if (inner instanceof Error && inner.message !== "") return inner.message;
  return undefined;
}

/** Removes a token from text a runtime wrote, in case it quotes the subprotocols. */
function scrub(text: string, secret: string | undefined): string {
  return secret === undefined || secret === "" ? text : text.split(secret).join("[token]");
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Lets the process exit while only this timer is pending (Node, Deno, Bun); a no-op elsewhere. */
function unref(timer: unknown): void {
  (timer as { unref?: () => void } | undefined)?.unref?.();
}
