/**
 * The gateway's own requests on a broker socket: one in flight at a time, each answer matched
 * by correlation id. Used for the gateway's ApiVersions and SASL exchange before a session's
 * relay starts (upstream.ts), and for the directory's Metadata (metadata-client.ts).
 *
 * `detach()` hands the socket on with nothing of ours left on it: our listeners are removed in
 * the same tick the caller adds its own, so no chunk can arrive in between, and a stray byte
 * after the last answer is an error instead of being lost. The gateway's correlation ids are
 * its own; no answer to them ever reaches a client.
 */
import type { Socket } from "node:net";
import {
  type ApiCodec,
  decodeResponseFrame,
  encodeRequestFrame,
  FrameSplitter,
  peekResponseCorrelationId,
} from "@tributary/protocol";

/** Kafka's request.timeout.ms default. */
export const REQUEST_TIMEOUT_MS = 30_000;

/** Frames the gateway asks for are small (ApiVersions, SASL, Metadata of a cluster). */
const MAX_ANSWER_BYTES = 64 * 1024 * 1024;

export class BrokerRequests {
  readonly socket: Socket;
  readonly #clientId: string;
  readonly #splitter = new FrameSplitter({ maxFrameBytes: MAX_ANSWER_BYTES });
  #correlationId = 0;
  #waiting: ((frame: Uint8Array | Error) => void) | undefined;
  #failure: Error | undefined;
  readonly #onData = (chunk: Buffer): void => {
    let frames: Uint8Array[];
    try {
      frames = this.#splitter.push(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.length));
    } catch (err) {
      this.#fail(err as Error);
      return;
    }
    for (const frame of frames) this.#take(frame);
  };
  readonly #onError = (err: Error): void => this.#fail(err);
  readonly #onClose = (): void => this.#fail(new Error("the broker closed the connection"));

  constructor(socket: Socket, clientId: string) {
    this.socket = socket;
    this.#clientId = clientId;
    socket.on("data", this.#onData);
    socket.on("error", this.#onError);
    socket.on("close", this.#onClose);
  }

  /** Sends one request and decodes its answer; rejects on a broker error, close or timeout. */
  async request<Req, Res>(
    api: ApiCodec<Req, Res>,
    version: number,
    body: Req,
    timeoutMs = REQUEST_TIMEOUT_MS,
  ): Promise<Res> {
    if (this.#failure !== undefined) throw this.#failure;
    if (this.#waiting !== undefined) throw new Error(`${api.name}: a request is already waiting`);
    const correlationId = ++this.#correlationId;
    const answer = new Promise<Uint8Array | Error>((resolve) => {
      this.#waiting = resolve;
    });
    this.socket.write(
      encodeRequestFrame(api, version, { correlationId, clientId: this.#clientId }, body),
    );
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<Error>((resolve) => {
      timer = setTimeout(
        () => resolve(new Error(`${api.name} v${version} got no answer within ${timeoutMs} ms`)),
        timeoutMs,
      );
    });
    const frame = await Promise.race([answer, timeout]).finally(() => clearTimeout(timer));
    this.#waiting = undefined;
    if (frame instanceof Error) throw frame;
    const decoded = decodeResponseFrame(api, version, frame);
    if (decoded.correlationId !== correlationId) {
      throw new Error(
        `${api.name} answer has correlation id ${decoded.correlationId}, expected ${correlationId}`,
      );
    }
    return decoded.body;
  }

  /**
   * Removes our listeners and returns the socket for the caller to read from, in the same tick.
   * Throws if the broker sent bytes nobody asked for (they would otherwise be lost or misread).
   */
  detach(): Socket {
    if (this.#failure !== undefined) throw this.#failure;
    if (this.#waiting !== undefined) throw new Error("cannot hand the socket on mid-request");
    if (this.#splitter.buffered > 0) {
      throw new Error(
        `the broker sent ${this.#splitter.buffered} bytes after its last answer, unasked`,
      );
    }
    this.socket.off("data", this.#onData);
    this.socket.off("error", this.#onError);
    this.socket.off("close", this.#onClose);
    return this.socket;
  }

  #take(frame: Uint8Array): void {
    const waiting = this.#waiting;
    this.#waiting = undefined;
    if (waiting === undefined) {
      let id = "unreadable";
      try {
        id = String(peekResponseCorrelationId(frame));
      } catch {}
      this.#fail(new Error(`unexpected response (correlation id ${id})`));
      return;
    }
    waiting(frame);
  }

  #fail(err: Error): void {
    this.#failure ??= err;
    const waiting = this.#waiting;
    this.#waiting = undefined;
    waiting?.(this.#failure);
  }
}
