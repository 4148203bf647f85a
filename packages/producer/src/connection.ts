import {
  ApiVersionsClientCodec,
  type ClientCodec,
  decodeResponseFrame,
  encodeRequestFrame,
  FrameSplitter,
  type NegotiatedVersions,
  ProtocolDecodeError,
  peekResponseCorrelationId,
  TributaryError,
} from "@tributary/protocol";
import { formatBrokerAddress } from "./broker-address.js";
import {
  type CloseOptions,
  type ConnectionOptions,
  checkConnectionOptions,
  MAX_CORRELATION_ID,
  MAX_TIMER_MS,
  type RequestOptions,
  type SendOptions,
} from "./connection-options.js";
import { DeadlineTimer } from "./deadline-timer.js";
import { invalidArgument, ProducerError, ProducerErrorCode } from "./errors.js";
import { Fifo } from "./fifo.js";
import { FrameWriter } from "./frame-writer.js";
import {
  DEFAULT_CLIENT_SOFTWARE_NAME,
  DEFAULT_CLIENT_SOFTWARE_VERSION,
  negotiate,
} from "./negotiate.js";
import type { BrokerAddress, Transport, TransportHandlers } from "./transport/transport.js";

export type { CloseOptions, ConnectionOptions, RequestOptions, SendOptions };

/**
 * One connection to one broker: framing, correlation ids, version negotiation, timeouts and
 * backpressure on top of any byte-stream transport. Runtime-free (DESIGN.md, "producer core").
 *
 * Kafka answers the requests on a connection in the order they were sent
 * (https://kafka.apache.org/protocol#protocol_network), so the requests awaiting answers are a
 * FIFO and every response must carry the correlation id of the oldest one. Anything else — an
 * unknown id, an answer out of order, a frame that cannot be split — means the stream can no
 * longer be trusted, and the connection is failed, as Kafka's NetworkClient does
 * (InFlightRequests.completeNext / NetworkClient.correlate).
 */

interface Pending {
  readonly correlationId: number;
  readonly api: ClientCodec<unknown, unknown>;
  readonly version: number;
  readonly deadline: number;
  readonly timeoutMs: number;
  readonly resolve: (body: unknown) => void;
  readonly reject: (error: Error) => void;
}

type State = "connecting" | "ready" | "closing" | "closed";

export class Connection {
  readonly address: BrokerAddress;
  readonly #where: string;
  readonly #options: ConnectionOptions;
  readonly #splitter: FrameSplitter;
  readonly #inFlight = new Fifo<Pending>();
  readonly #writer = new FrameWriter({
    onBlocked: (since) => this.#timer.arm(since + this.#options.requestTimeoutMs),
    onIdle: () => this.#closeIfIdle(),
    onError: (error) => this.destroy(error),
  });
  readonly #timer = new DeadlineTimer((now) => this.#checkDeadlines(now));
  #transport: Transport | undefined;
  #state: State = "connecting";
  #opened = false;
  #versions: NegotiatedVersions | undefined;
  #nextCorrelationId: number;
  /** Why the connection ended; undefined while open or after a clean close. */
  #closeError: Error | undefined;

  #closeTimer: ReturnType<typeof setTimeout> | undefined;
  #transportClosed = false;
  #closedWaiters: (() => void)[] = [];

  private constructor(address: BrokerAddress, options: ConnectionOptions) {
    this.address = { host: address.host, port: address.port };
    this.#where = formatBrokerAddress(address);
    this.#options = options;
    this.#splitter = new FrameSplitter(
      options.maxFrameBytes === undefined ? {} : { maxFrameBytes: options.maxFrameBytes },
    );
    this.#nextCorrelationId = options.firstCorrelationId ?? 0;
  }

  /**
   * Connects, negotiates versions (ApiVersions, with the KIP-511 fallback) and runs the
   * `authenticate` seam. Rejects with CONNECTION_FAILED when the transport cannot connect or
   * negotiation fails; the half-open connection is destroyed first.
   */
  static async open(address: BrokerAddress, options: ConnectionOptions): Promise<Connection> {
    checkConnectionOptions(options);
    const conn = new Connection(address, options);
    const { signal } = options;
    const where = conn.#where;
    const onAbort = () =>
      conn.destroy(
        new ProducerError(ProducerErrorCode.ConnectionFailed, `connecting to ${where} aborted`, {
          cause: signal?.reason,
        }),
      );
    try {
      conn.#transport = await options.connector.connect(address, conn.#handlers(), {
        timeoutMs: options.connectTimeoutMs,
        signal,
        tls: options.tls,
      });
      conn.#writer.attach(conn.#transport);
    } catch (err) {
      conn.#state = "closed";
      if (err instanceof ProducerError) throw err;
      throw new ProducerError(
        ProducerErrorCode.ConnectionFailed,
        `${options.connector.name} transport could not connect to ${where}: ${messageOf(err)}`,
        { cause: err, retriable: true },
      );
    }
    if (conn.#state === "connecting") conn.#state = "ready";
    signal?.addEventListener("abort", onAbort, { once: true });
    try {
      if (signal?.aborted) onAbort();
      const { versions } = await negotiate(
        (version, body) => conn.request(ApiVersionsClientCodec, body, { version }),
        where,
        {
          clientSoftwareName: options.clientSoftwareName ?? DEFAULT_CLIENT_SOFTWARE_NAME,
          clientSoftwareVersion: options.clientSoftwareVersion ?? DEFAULT_CLIENT_SOFTWARE_VERSION,
        },
      ).catch((err: unknown) => {
        // An abort (or a refusal from negotiate()) already says what happened.
        for (const e of [conn.#closeError, err]) {
          if (e instanceof ProducerError && e.code === ProducerErrorCode.ConnectionFailed) throw e;
        }
        throw new ProducerError(
          ProducerErrorCode.ConnectionFailed,
          `version negotiation with ${where} failed: ${messageOf(err)}`,
          { cause: err, retriable: err instanceof TributaryError ? err.retriable : true },
        );
      });
      conn.#versions = versions;
      // SASL SEAM: authentication runs here, before anyone else can use the connection.
      await options.authenticate?.(conn);
      if (!conn.isOpen) throw conn.#closeError ?? conn.#closedError("open");
      conn.#opened = true;
      return conn;
    } catch (err) {
      conn.destroy(err instanceof Error ? err : new Error(String(err)));
      throw err;
    } finally {
      signal?.removeEventListener("abort", onAbort);
    }
  }

  /**
   * Ready for requests: open, not closing, and usable by the code running now. A connection
   * a finished Worker request opened is not: the caller opens another, and this one is left
   * alone (closing it would be I/O on that request's behalf too; workerd cancels its socket).
   */
  get isOpen(): boolean {
    return this.#state === "ready" && this.#transport?.usableHere?.() !== false;
  }

  /** Requests sent and not yet answered. */
  get inFlight(): number {
    return this.#inFlight.length;
  }

  /** The versions negotiated with this broker. */
  get versions(): NegotiatedVersions {
    if (this.#versions === undefined) {
      throw new ProducerError(
        ProducerErrorCode.ConnectionClosed,
        `versions of ${this.#where} are not negotiated yet`,
      );
    }
    return this.#versions;
  }

  /**
   * Sends a request and resolves with the broker's answer. Rejects with REQUEST_TIMEOUT when no
   * answer comes within the timeout (the connection is then closed, so a late answer can never
   * be taken for another request's), CONNECTION_CLOSED when the connection ends first, and with
   * the encoder's or decoder's error for a body that cannot be written or read.
   */
  request<Req, Res>(api: ClientCodec<Req, Res>, body: Req, opts?: RequestOptions): Promise<Res> {
    if (this.#state !== "ready") return Promise.reject(this.#closedError(api.name));
    const timeoutMs = opts?.timeoutMs ?? this.#options.requestTimeoutMs;
    if (!(timeoutMs > 0 && timeoutMs <= MAX_TIMER_MS)) {
      return Promise.reject(invalidArgument("timeoutMs", "must be in (0, 2147483647]", timeoutMs));
    }
    let version: number;
    let frame: Uint8Array;
    const correlationId = this.#nextCorrelationId;
    try {
      version = opts?.version ?? this.versions.version(api.apiKey);
      frame = this.#encode(api, version, correlationId, body);
    } catch (err) {
      return Promise.reject(err);
    }
    const deadline = performance.now() + timeoutMs;
    return new Promise<Res>((resolve, reject) => {
      this.#inFlight.push({
        correlationId,
        api: api as ClientCodec<unknown, unknown>,
        version,
        deadline,
        timeoutMs,
        resolve: resolve as (body: unknown) => void,
        reject,
      });
      this.#timer.arm(deadline);
      this.#writer.write(frame);
    });
  }

  /**
   * Sends a request the broker does not answer (Produce with acks 0). Resolves once the frame is
   * written to the transport and the transport takes more (its backpressure promise, if any,
   * has resolved); no correlation entry is kept. Rejects with CONNECTION_CLOSED if the
   * connection ends before the frame is written.
   */
  send<Req>(api: ClientCodec<Req, unknown>, body: Req, opts?: SendOptions): Promise<void> {
    if (this.#state !== "ready") return Promise.reject(this.#closedError(api.name));
    let frame: Uint8Array;
    try {
      const version = opts?.version ?? this.versions.version(api.apiKey);
      frame = this.#encode(api, version, this.#nextCorrelationId, body);
    } catch (err) {
      return Promise.reject(err);
    }
    return new Promise<void>((resolve, reject) => this.#writer.write(frame, { resolve, reject }));
  }

  /**
   * Graceful close: takes no new requests, waits for the answers to those in flight and for
   * queued frames to be written, at most `timeoutMs` (default requestTimeoutMs; what is still
   * unanswered then fails with CONNECTION_CLOSED), then closes the transport. Resolves once the
   * transport has closed. Safe to call more than once.
   */
  close(options?: CloseOptions): Promise<void> {
    if (this.#state === "ready" || this.#state === "connecting") {
      this.#state = "closing";
      const bound = options?.timeoutMs ?? this.#options.requestTimeoutMs;
      if (!this.#idle()) {
        this.#closeTimer = setTimeout(
          () =>
            this.destroy(
              new ProducerError(
                ProducerErrorCode.ConnectionClosed,
                `close(): ${this.inFlight} requests to ${this.#where} still unanswered after ${bound} ms`,
                { retriable: true },
              ),
            ),
          Math.min(Math.max(bound, 0), MAX_TIMER_MS),
        );
      }
      this.#closeIfIdle();
    }
    if (this.#transportClosed || this.#transport === undefined) return Promise.resolve();
    return new Promise<void>((resolve) => this.#closedWaiters.push(resolve));
  }

  /**
   * Immediate close: every request in flight and every frame not yet written fails with
   * CONNECTION_CLOSED (retriable, `cause` = `error`), and onClose gets `error`.
   */
  destroy(error?: Error): void {
    if (this.#state === "closed") return;
    this.#state = "closed";
    this.#closeError = error;
    this.#timer.cancel();
    if (this.#closeTimer !== undefined) clearTimeout(this.#closeTimer);
    const reason = error === undefined ? "the client closed the connection" : error.message;
    for (const p of this.#inFlight.drain()) {
      p.reject(
        new ProducerError(
          ProducerErrorCode.ConnectionClosed,
          `${p.api.name} v${p.version} (correlation id ${p.correlationId}) to ${this.#where} ` +
            `got no answer: ${reason}`,
          { retriable: true, cause: error },
        ),
      );
    }
    this.#writer.fail(
      () =>
        new ProducerError(
          ProducerErrorCode.ConnectionClosed,
          `request to ${this.#where} not sent: ${reason}`,
          { retriable: true, cause: error },
        ),
    );
    this.#transport?.close();
    if (this.#opened) {
      try {
        this.#options.onClose?.(error);
      } catch (err) {
        // A throwing listener must not leave this connection half torn down; report it apart.
        queueMicrotask(() => {
          throw err;
        });
      }
    }
  }

  #encode<Req>(
    api: ClientCodec<Req, unknown>,
    version: number,
    correlationId: number,
    body: Req,
  ): Uint8Array {
    const frame = encodeRequestFrame(
      api,
      version,
      { correlationId, clientId: this.#options.clientId },
      body,
    );
    // Only a frame that was built uses up its id. Kafka's ids are int32; wrap to 0 rather than
    // go negative (ids are matched in order, so reuse after 2^31 requests is harmless).
    this.#nextCorrelationId = correlationId === MAX_CORRELATION_ID ? 0 : correlationId + 1;
    return frame;
  }

  // ---- reading ----

  #handlers(): TransportHandlers {
    return {
      onData: (chunk) => this.#onData(chunk),
      onClose: (error) => this.#onTransportClose(error),
    };
  }

  #onData(chunk: Uint8Array): void {
    if (this.#state === "closed") return;
    let frames: Uint8Array[];
    try {
      frames = this.#splitter.push(chunk);
    } catch (err) {
      this.destroy(asError(err));
      return;
    }
    for (let i = 0; i < frames.length; i++) {
      const frame = frames[i]!;
      const oldest = this.#inFlight.peek();
      let id: number;
      try {
        id = peekResponseCorrelationId(frame);
      } catch (err) {
        this.destroy(asError(err));
        return;
      }
      if (oldest === undefined || oldest.correlationId !== id) {
        this.destroy(this.#unexpectedResponse(id, oldest));
        return;
      }
      this.#inFlight.shift();
      let body: unknown;
      try {
        body = decodeResponseFrame(oldest.api, oldest.version, frame).body;
      } catch (err) {
        // The frame was whole, so the stream is still in step: only this request fails.
        oldest.reject(asError(err));
        continue;
      }
      oldest.resolve(body);
    }
    this.#closeIfIdle();
  }

  #unexpectedResponse(id: number, oldest: Pending | undefined): ProtocolDecodeError {
    const expected =
      oldest === undefined
        ? "no request is awaiting an answer"
        : `the oldest request awaiting an answer is ${oldest.api.name} v${oldest.version} ` +
          `with correlation id ${oldest.correlationId}`;
    return new ProtocolDecodeError(
      `broker ${this.#where} sent a response with correlation id ${id}, but ${expected}; ` +
        "Kafka answers in order, so the connection cannot be trusted and is closed",
      0,
    );
  }

  #onTransportClose(error: Error | undefined): void {
    this.#transportClosed = true;
    if (this.#state !== "closed") {
      this.destroy(
        error ??
          new ProducerError(
            ProducerErrorCode.ConnectionClosed,
            `the ${this.#options.connector.name} transport to ${this.#where} closed`,
            { retriable: true },
          ),
      );
    }
    const waiters = this.#closedWaiters;
    this.#closedWaiters = [];
    for (const resolve of waiters) resolve();
  }

  // ---- timeouts (one DeadlineTimer for the whole connection) ----

  /** Fails the connection if a request or a stalled write is past its deadline. */
  #checkDeadlines(now: number): number {
    if (this.#state === "closed") return Number.POSITIVE_INFINITY;
    let next = Number.POSITIVE_INFINITY;
    for (const p of this.#inFlight) {
      if (p.deadline <= now) {
        this.#timeOut(p);
        return Number.POSITIVE_INFINITY;
      }
      if (p.deadline < next) next = p.deadline;
    }
    const blockedSince = this.#writer.blockedSince;
    if (blockedSince !== undefined) {
      const limit = this.#options.requestTimeoutMs;
      if (blockedSince + limit <= now) {
        this.destroy(
          new ProducerError(
            ProducerErrorCode.RequestTimeout,
            `broker ${this.#where} took none of our bytes for ${limit} ms (the transport ` +
              "stayed full); closing the connection",
            { retriable: true },
          ),
        );
        return Number.POSITIVE_INFINITY;
      }
      next = Math.min(next, blockedSince + limit);
    }
    return next;
  }

  /** Like Kafka's NetworkClient: a request timeout closes the connection (KIP-91, KIP-266). */
  #timeOut(p: Pending): void {
    const error = new ProducerError(
      ProducerErrorCode.RequestTimeout,
      `${p.api.name} v${p.version} (correlation id ${p.correlationId}) to broker ${this.#where} ` +
        `got no answer within ${p.timeoutMs} ms; closing the connection`,
      { retriable: true },
    );
    // p is settled first, so destroy()'s CONNECTION_CLOSED for it is a no-op.
    p.reject(error);
    this.destroy(error);
  }

  // ---- closing ----

  #idle(): boolean {
    return this.#inFlight.length === 0 && this.#writer.idle;
  }

  #closeIfIdle(): void {
    if (this.#state !== "closing" || !this.#idle()) return;
    this.destroy();
  }

  #closedError(what: string): ProducerError {
    const state = this.#state === "closing" ? "closing" : "closed";
    return new ProducerError(
      ProducerErrorCode.ConnectionClosed,
      `${what} not sent: the connection to ${this.#where} is ${state}`,
      { retriable: true, cause: this.#closeError },
    );
  }
}

function asError(err: unknown): Error {
  return err instanceof Error ? err : new Error(String(err));
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
