import { formatBrokerAddress } from "../broker-address.js";
import { ProducerError, ProducerErrorCode } from "../errors.js";
import { Fifo } from "../fifo.js";
import {
  CLOSE_GRACE_MS,
  type ConnectFailure,
  closedBeforeDrain,
  connectionLost,
  describeError,
  describeTlsFailure,
  dialTcp,
  isArgumentError,
} from "./tcp-connect.js";
import type {
  BrokerAddress,
  ConnectOptions,
  TlsSettings,
  Transport,
  TransportConnector,
  TransportHandlers,
} from "./transport.js";
import { type Deferred, deferred } from "./transport-support.js";

/**
 * Direct TCP to a broker with Bun.connect (https://bun.com/docs/api/tcp), Bun's own socket
 * API: TCP_NODELAY and keep-alive on, as node-tcp.ts sets them, no half-open connections.
 *
 * Bun's socket.write() does not buffer: it returns how many bytes the kernel took, which may
 * be fewer than given (or -1 once the socket is closed). So this transport keeps its own
 * queue: write() queues, and at the end of the tick whatever the tick wrote goes out (small
 * frames merged into one socket write, see COALESCE_BYTES); what the kernel does not take
 * waits, in order, for the `drain` callback. Semantics otherwise as node-tcp.ts:
 * - write(): undefined while fewer than HIGH_WATER_MARK bytes wait to be written; otherwise a
 *   promise that resolves once all of them are written, and REJECTS with CONNECTION_CLOSED
 *   (retriable) if the socket closes first. Writing after close() or after the socket closed
 *   throws CONNECTION_CLOSED synchronously.
 * - close(): once the queued bytes are written, end() (FIN); the socket is terminated if
 *   that takes longer than CLOSE_GRACE_MS. onClose(undefined) follows.
 * - The broker ending the stream (EOF) without our close() is an error: it dropped us.
 * onClose is called exactly once, never from inside write() or close() (Bun's end() runs the
 * close callback before it returns).
 *
 * With ConnectOptions.tls the socket speaks TLS (Bun.connect's `tls`: `ca` replaces Bun's roots,
 * `serverName` is sent in SNI and checked, `rejectUnauthorized` set explicitly). Bun resolves
 * Bun.connect at the TCP connect, before the handshake, and reports the verdict on the
 * certificate only to the `handshake` callback (`authorizationError`); so the connect here
 * waits for that callback and fails unless the handshake succeeded with no authorization
 * error. A socket whose certificate was refused is never handed out, whatever Bun does with it.
 */
export const bunTcp: TransportConnector = {
  name: "tcp",
  connect: connectBun,
  // Bun's tls takes any CA list and any server name.
  checkTls: () => undefined,
};

/** The members of a Bun socket used here (no @types: bun-types is not a dependency). */
interface BunSocket {
  write(data: Uint8Array): number;
  end(): void;
  terminate(): void;
  setNoDelay?(noDelay: boolean): unknown;
  setKeepAlive?(enable: boolean, initialDelayMs?: number): unknown;
}

interface BunSocketHandlers {
  binaryType: "uint8array";
  open(socket: BunSocket): void;
  /** TLS only: the handshake ended; `authorizationError` is null when the certificate passed. */
  handshake(socket: BunSocket, success: boolean, authorizationError: Error | null): void;
  data(socket: BunSocket, data: Uint8Array): void;
  drain(socket: BunSocket): void;
  end(socket: BunSocket): void;
  close(socket: BunSocket, error?: Error): void;
  error(socket: BunSocket, error: Error): void;
  connectError(socket: BunSocket, error: Error): void;
}

/** Bun's TLS options for a client socket (https://bun.com/docs/api/tcp). */
interface BunTlsOptions {
  ca?: string[];
  serverName?: string;
  rejectUnauthorized: true;
}

interface BunNet {
  connect(options: {
    hostname: string;
    port: number;
    allowHalfOpen: boolean;
    tls?: BunTlsOptions;
    socket: BunSocketHandlers;
  }): Promise<BunSocket>;
}

function bunNamespace(): BunNet {
  const bun = (globalThis as { Bun?: Partial<BunNet> }).Bun;
  if (typeof bun?.connect !== "function") {
    throw new TypeError(
      "bunTcp runs only under Bun (globalThis.Bun.connect is missing); use this runtime's " +
        "entry of @tributary/producer, which picks its own transport",
    );
  }
  return bun as BunNet;
}

function connectBun(
  address: BrokerAddress,
  handlers: TransportHandlers,
  options: ConnectOptions,
): Promise<Transport> {
  const where = formatBrokerAddress(address);
  const tls = options.tls;
  return dialTcp<BunTcpTransport>(
    address,
    options,
    () => {
      const bun = bunNamespace();
      // Bun binds the callbacks at connect time; the transport exists from `open` on, before
      // any data can arrive. It is handed out once `ready` resolves: at `open` for TCP, after
      // a handshake that verified the broker for TLS. Until then a close is the connect's
      // failure, not the transport's.
      let transport: BunTcpTransport | undefined;
      let abandoned = false;
      let settled = false;
      let resolveReady!: (t: BunTcpTransport) => void;
      let rejectReady!: (e: Error) => void;
      const ready = new Promise<BunTcpTransport>((resolve, reject) => {
        resolveReady = resolve;
        rejectReady = reject;
      });
      // Awaited only once Bun.connect resolves; a failure before that is reported there.
      ready.catch(() => undefined);
      const succeed = (t: BunTcpTransport) => {
        settled = true;
        resolveReady(t);
      };
      const fail = (error: Error) => {
        settled = true;
        transport?.discard();
        rejectReady(error);
      };
      const connecting = bun.connect({
        hostname: address.host,
        port: address.port,
        allowHalfOpen: false,
        ...(tls === undefined ? {} : { tls: bunTlsOptions(tls) }),
        socket: {
          binaryType: "uint8array",
          open(socket) {
            if (abandoned) {
              socket.terminate();
              return;
            }
            transport = new BunTcpTransport(socket, where, handlers);
            if (tls === undefined) succeed(transport);
          },
          handshake(_, success, authorizationError) {
            if (settled || transport === undefined) return;
            if (success && authorizationError === null) succeed(transport);
            else fail(authorizationError ?? new Error("the TLS handshake failed"));
          },
          data: (_, data) => transport?.onData(data),
          drain: () => transport?.onDrain(),
          // With allowHalfOpen false, Bun closes the socket after the broker's FIN: `close`
          // reports it.
          end: () => undefined,
          close: (_, error) => {
            if (settled) transport?.onSocketClose(error);
            else fail(error ?? closedDuringHandshake());
          },
          error: (_, error) => {
            if (settled) transport?.onSocketError(error);
            else fail(error);
          },
          // Present so that Bun does not also report the rejection of `connecting` as unhandled.
          connectError: () => undefined,
        },
      });
      return {
        opened: connecting.then(() => {
          if (transport === undefined) throw new Error("Bun opened the socket without `open`");
          return ready;
        }),
        abandon: () => {
          abandoned = true;
          // A handshake that never ends must not leave its socket behind.
          if (!settled) fail(new Error("abandoned"));
        },
        discard: (late) => late.discard(),
      };
    },
    tls === undefined ? describeBunError : describeTlsFailure,
  );
}

function bunTlsOptions(tls: TlsSettings): BunTlsOptions {
  return {
    ...(tls.ca === undefined ? {} : { ca: [...tls.ca] }),
    ...(tls.servername === undefined ? {} : { serverName: tls.servername }),
    // Bun's default too; said here so that no default can ever turn verification off.
    rejectUnauthorized: true,
  };
}

function closedDuringHandshake(): Error {
  return Object.assign(new Error("the broker closed the connection during the TLS handshake"), {
    code: "ECONNRESET",
  });
}

function describeBunError(err: unknown): ConnectFailure {
  return { reason: describeError(err), retriable: !isArgumentError(err) };
}

/**
 * Bytes write() accepts before it asks the caller to wait. Only bytes the kernel has not taken
 * yet count, so this is reached only when the socket is slower than the producer.
 */
export const HIGH_WATER_MARK = 256 * 1024;

/**
 * Frames smaller than this that are written in the same tick go out in one socket write,
 * copied into one buffer of up to COALESCE_BYTES. Every Bun write is a syscall and, with
 * TCP_NODELAY, a segment of its own; a burst of small pipelined requests would otherwise cost
 * a syscall each (200-byte frames went out 20 times slower than through Bun's node:net,
 * measured here) and flood the broker with tiny packets (node-tcp.ts corks for the same
 * reason).
 */
const COALESCE_BYTES = 64 * 1024;

class BunTcpTransport implements Transport {
  readonly #socket: BunSocket;
  readonly #where: string;
  readonly #handlers: TransportHandlers;
  /** close() was called: what follows is our doing. */
  #closing = false;
  #closed = false;
  #error: Error | undefined;
  /** Written by the caller, not yet taken by the socket, in order (after #partial). */
  readonly #queue = new Fifo<Uint8Array>();
  /** The tail of a chunk the socket took only part of: it goes out before the queue. */
  #partial: Uint8Array | undefined;
  /** Bytes in #partial and #queue. */
  #pendingBytes = 0;
  #flushScheduled = false;
  /** The socket refused bytes: nothing more is written until its `drain` callback. */
  #waitingForDrain = false;
  #drain: Deferred | undefined;
  #graceTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(socket: BunSocket, where: string, handlers: TransportHandlers) {
    this.#socket = socket;
    this.#where = where;
    this.#handlers = handlers;
    socket.setNoDelay?.(true);
    // 0 keeps the OS's idle time, as node-tcp's keepAlive: true does.
    socket.setKeepAlive?.(true, 0);
  }

  write(bytes: Uint8Array): Promise<void> | undefined {
    if (this.#closing || this.#closed) {
      throw new ProducerError(
        ProducerErrorCode.ConnectionClosed,
        `cannot write ${bytes.length} bytes to ${this.#where}: the TCP connection is closed`,
        { retriable: true, cause: this.#error },
      );
    }
    this.#queue.push(bytes);
    this.#pendingBytes += bytes.length;
    if (!this.#flushScheduled && !this.#waitingForDrain) {
      // Written at the end of this tick, with whatever else the tick writes.
      this.#flushScheduled = true;
      queueMicrotask(this.#flushSoon);
    }
    if (this.#pendingBytes < HIGH_WATER_MARK) return undefined;
    this.#drain ??= deferred();
    return this.#drain.promise;
  }

  close(): void {
    if (this.#closing || this.#closed) return;
    this.#closing = true;
    this.#graceTimer = setTimeout(() => this.#socket.terminate(), CLOSE_GRACE_MS);
    // With bytes still to write, the flush ends the socket once they are out.
    if (this.#pendingBytes === 0) this.#socket.end();
  }

  onData(data: Uint8Array): void {
    if (this.#closed || data.byteLength === 0) return;
    // Bun gives each callback its own buffer. A Buffer (a Bun ignoring binaryType) becomes a
    // plain view, since code below relies on Uint8Array semantics (Buffer#slice is a view).
    this.#handlers.onData(
      data.constructor === Uint8Array
        ? data
        : new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
    );
  }

  onDrain(): void {
    if (this.#closed || !this.#waitingForDrain) return;
    this.#waitingForDrain = false;
    this.#flush();
  }

  onSocketError(error: Error): void {
    // Bun reports here a callback that threw, and TLS failures; either way the connection is
    // no longer trustworthy. `close` follows and reports it.
    this.#error ??= error;
    this.#socket.terminate();
  }

  onSocketClose(error: Error | undefined): void {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#graceTimer !== undefined) clearTimeout(this.#graceTimer);
    this.#partial = undefined;
    this.#queue.drain();
    this.#pendingBytes = 0;
    const cause = error ?? this.#error;
    const reported = this.#closing ? undefined : connectionLost(this.#where, cause);
    const d = this.#drain;
    this.#drain = undefined;
    d?.reject(reported ?? closedBeforeDrain(this.#where));
    queueMicrotask(() => this.#handlers.onClose(reported));
  }

  /** A socket that opened after connect gave up: close it and tell no one. */
  discard(): void {
    this.#closed = true;
    this.#socket.terminate();
  }

  readonly #flushSoon = (): void => {
    this.#flushScheduled = false;
    if (!this.#closed && !this.#waitingForDrain) this.#flush();
  };

  /** Writes what is pending, in order, until the socket refuses bytes or nothing is left. */
  #flush(): void {
    while (this.#pendingBytes > 0) {
      const chunk = this.#nextChunk();
      const n = this.#socket.write(chunk);
      if (n < 0) return; // closed under us: the close callback reports it
      this.#pendingBytes -= n;
      if (n < chunk.length) {
        this.#partial = chunk.subarray(n);
        this.#waitingForDrain = true;
        return;
      }
    }
    if (this.#closing) {
      this.#socket.end();
      return;
    }
    const d = this.#drain;
    this.#drain = undefined;
    d?.resolve();
  }

  /** The next bytes to write: the partial tail, a large chunk alone, or small ones merged. */
  #nextChunk(): Uint8Array {
    const partial = this.#partial;
    if (partial !== undefined) {
      this.#partial = undefined;
      return partial;
    }
    const first = this.#queue.shift()!;
    let size = first.length;
    let count = 1;
    const parts = [first];
    for (;;) {
      const next = this.#queue.peek();
      if (next === undefined || size + next.length > COALESCE_BYTES) break;
      parts.push(this.#queue.shift()!);
      size += next.length;
      count++;
    }
    if (count === 1) return first;
    const merged = new Uint8Array(size);
    let at = 0;
    for (const part of parts) {
      merged.set(part, at);
      at += part.length;
    }
    return merged;
  }
}
