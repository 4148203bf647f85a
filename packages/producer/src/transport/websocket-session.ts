import {
  CLOSE_CODE_NAMES,
  describeValue,
  GatewayRefusedError,
  ProducerError,
  ProducerErrorCode,
} from "../errors.js";
import type { Transport, TransportHandlers } from "./transport.js";
import { type Deferred, deferred } from "./transport-support.js";

/**
 * One broker connection as a WebSocket to a Tributary gateway: the Transport that
 * websocket.ts's connector hands over once the gateway has answered with our subprotocol.
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

type Phase = "connecting" | "open" | "closing" | "closed";

/** How the connector that opened the WebSocket hears whether it became a transport. */
export interface ConnectHooks {
  opened(): void;
  failed(reason: string, cause: unknown, retriable: boolean): void;
}

/** A WebSocket from its open event to its close, as the Transport the connection writes to. */
export class WebSocketTransport implements Transport {
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
  #drain: Deferred | undefined;
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
      this.#drain = deferred();
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

/** The text of an error event: `ws` and undici give a message or an error; browsers nothing. */
function errorEventText(e: ErrorEventLike): string | undefined {
  if (typeof e.message === "string" && e.message !== "") return e.message;
  const inner = e.error;
  if (inner instanceof Error && inner.message !== "") return inner.message;
  return undefined;
}

/** Removes a token from text a runtime wrote, in case it quotes the subprotocols. */
export function scrub(text: string, secret: string | undefined): string {
  return secret === undefined || secret === "" ? text : text.split(secret).join("[token]");
}

/** The message of anything thrown, for error text. */
export function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Lets the process exit while only this timer is pending (Node, Deno, Bun); a no-op elsewhere. */
function unref(timer: unknown): void {
  (timer as { unref?: () => void } | undefined)?.unref?.();
}
