import { ProducerError, ProducerErrorCode } from "../errors.js";
import { Fifo } from "../fifo.js";
import { CLOSE_GRACE_MS, closedBeforeDrain, connectionLost } from "./tcp-connect.js";
import type { Transport, TransportHandlers } from "./transport.js";
import { type Deferred, deferred } from "./transport-support.js";

/**
 * An open connection that speaks web streams: Deno's TcpConn, a socket from cloudflare:sockets.
 * Only what the adapter needs, so neither runtime's types are required to compile it.
 */
export interface StreamSocket {
  readonly readable: ReadableStream<Uint8Array>;
  readonly writable: WritableStream<Uint8Array>;
  /**
   * Tears the whole connection down at once. It may throw or reject when the runtime already
   * closed it (Deno closes the connection with its writable); the adapter ignores that.
   */
  close(): unknown;
}

export interface StreamSocketOptions {
  /** Unwritten bytes at which write() asks the caller to wait; default HIGH_WATER_MARK. */
  highWaterMark?: number | undefined;
}

/**
 * Unwritten bytes (queued here or handed to the writer, not yet written by the runtime) at
 * which write() asks the caller to wait.
 */
export const HIGH_WATER_MARK = 256 * 1024;

/**
 * Frames smaller than this written in the same tick reach the writer as one chunk of up to
 * COALESCE_BYTES. A runtime's writable writes each chunk with its own operation: Deno's
 * queues one chunk at a time (a high-water mark of 1), so 200-byte frames went out 8 times
 * slower than with node:net, measured here. With TCP_NODELAY each write is also a segment of
 * its own, and a burst of small pipelined requests floods the broker with tiny packets
 * (node-tcp.ts corks for the same reason).
 */
export const COALESCE_BYTES = 64 * 1024;

/**
 * Our Transport over a StreamSocket, with node-tcp.ts's semantics:
 * - write(): queues the bytes; at the end of the tick whatever the tick wrote goes to the
 *   stream's writer (small frames merged, see COALESCE_BYTES). Returns undefined while fewer
 *   than highWaterMark bytes are unwritten, else a promise that resolves once they fall under
 *   half of it. The stream's own desiredSize is not the signal: Deno's writable reports "full"
 *   after every single chunk. If the connection ends first the promise REJECTS with
 *   CONNECTION_CLOSED (retriable): the bytes may not have left. A write the stream refuses
 *   (a reset, a broken pipe) loses the connection: onClose(CONNECTION_CLOSED). Writing after
 *   close() or after the connection ended throws CONNECTION_CLOSED synchronously.
 * - Reading: one loop hands every chunk to onData in order. The chunks are the stream's own:
 *   a byte stream transfers each chunk's buffer to its reader (WHATWG Streams,
 *   ReadableByteStreamControllerEnqueue), so nothing reuses it behind onData's back.
 * - close(): closes the writer (what is queued is written first, then the runtime shuts the
 *   connection), then closes the socket; after CLOSE_GRACE_MS the socket is closed anyway.
 *   onClose(undefined) follows.
 * - The broker ending the stream (EOF) without our close() is an error: it dropped us.
 * onClose is called exactly once, and never from inside write() or close().
 */
export function streamSocketTransport(
  socket: StreamSocket,
  where: string,
  handlers: TransportHandlers,
  options: StreamSocketOptions = {},
): Transport {
  return new StreamSocketTransport(socket, where, handlers, options.highWaterMark);
}

class StreamSocketTransport implements Transport {
  readonly #socket: StreamSocket;
  readonly #where: string;
  readonly #handlers: TransportHandlers;
  readonly #highWaterMark: number;
  readonly #writer: WritableStreamDefaultWriter<Uint8Array>;
  readonly #reader: ReadableStreamDefaultReader<Uint8Array>;
  /** close() was called: what follows is our doing. */
  #closing = false;
  /** onClose has been called: nothing more happens. */
  #closed = false;
  /** Written by the caller, not yet handed to the writer. */
  readonly #queue = new Fifo<Uint8Array>();
  #flushScheduled = false;
  /** Bytes in #queue plus bytes handed to the writer and not yet written. */
  #unwritten = 0;
  #drain: Deferred | undefined;
  #graceTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    socket: StreamSocket,
    where: string,
    handlers: TransportHandlers,
    highWaterMark = HIGH_WATER_MARK,
  ) {
    this.#socket = socket;
    this.#where = where;
    this.#handlers = handlers;
    this.#highWaterMark = highWaterMark;
    this.#writer = socket.writable.getWriter();
    this.#reader = socket.readable.getReader();
    void this.#readLoop();
  }

  write(bytes: Uint8Array): Promise<void> | undefined {
    if (this.#closing || this.#closed) {
      throw new ProducerError(
        ProducerErrorCode.ConnectionClosed,
        `cannot write ${bytes.length} bytes to ${this.#where}: the TCP connection is closed`,
        { retriable: true },
      );
    }
    this.#queue.push(bytes);
    this.#unwritten += bytes.length;
    if (!this.#flushScheduled) {
      this.#flushScheduled = true;
      queueMicrotask(this.#flushSoon);
    }
    if (this.#unwritten < this.#highWaterMark) return undefined;
    this.#drain ??= deferred();
    return this.#drain.promise;
  }

  close(): void {
    if (this.#closing || this.#closed) return;
    this.#closing = true;
    this.#flush(); // what is queued goes to the writer before its close
    this.#graceTimer = setTimeout(() => this.#end(undefined), CLOSE_GRACE_MS);
    this.#writer.close().then(
      () => this.#end(undefined),
      () => this.#end(undefined),
    );
  }

  readonly #flushSoon = (): void => {
    this.#flushScheduled = false;
    if (!this.#closing && !this.#closed) this.#flush();
  };

  /** Hands everything queued to the writer, small chunks merged. */
  #flush(): void {
    while (this.#queue.length > 0) {
      const chunk = this.#nextChunk();
      const size = chunk.length;
      this.#writer.write(chunk).then(
        () => this.#written(size),
        (err: unknown) => this.#lost(err),
      );
    }
  }

  #written(size: number): void {
    this.#unwritten -= size;
    const d = this.#drain;
    // A writer that closes leaves no one to wait for room; #end rejects the waiter instead.
    if (d === undefined || this.#closing || this.#closed) return;
    if (this.#unwritten <= this.#highWaterMark / 2) {
      this.#drain = undefined;
      d.resolve();
    }
  }

  /** The next chunk for the writer: a large one alone, or small ones merged. */
  #nextChunk(): Uint8Array {
    const first = this.#queue.shift()!;
    let size = first.length;
    const parts = [first];
    for (;;) {
      const next = this.#queue.peek();
      if (next === undefined || size + next.length > COALESCE_BYTES) break;
      parts.push(this.#queue.shift()!);
      size += next.length;
    }
    if (parts.length === 1) return first;
    const merged = new Uint8Array(size);
    let at = 0;
    for (const part of parts) {
      merged.set(part, at);
      at += part.length;
    }
    return merged;
  }

  async #readLoop(): Promise<void> {
    let failure: unknown;
    try {
      for (;;) {
        const { done, value } = await this.#reader.read();
        if (done || this.#closed) break;
        if (value.byteLength > 0) this.#handlers.onData(value);
      }
    } catch (err) {
      failure = err;
    }
    if (this.#closing || this.#closed) {
      this.#end(undefined);
    } else {
      this.#lost(failure);
    }
  }

  /** The connection broke (`cause`) or the broker ended it (undefined), not by our close(). */
  #lost(cause: unknown): void {
    if (this.#closed) return;
    if (this.#closing) {
      // A write or read failing while we close is our own teardown, not news.
      this.#end(undefined);
      return;
    }
    this.#end(connectionLost(this.#where, cause));
  }

  /** Releases everything and reports the end, once. */
  #end(error: ProducerError | undefined): void {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#graceTimer !== undefined) clearTimeout(this.#graceTimer);
    this.#queue.drain();
    this.#reader.cancel().catch(() => undefined);
    this.#writer.abort().catch(() => undefined);
    try {
      Promise.resolve(this.#socket.close()).catch(() => undefined);
    } catch {
      // already closed by the runtime (Deno closes the connection with its writable)
    }
    const d = this.#drain;
    this.#drain = undefined;
    d?.reject(error ?? closedBeforeDrain(this.#where));
    this.#handlers.onClose(error);
  }
}
