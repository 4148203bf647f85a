import { connect, type Socket } from "node:net";
import {
  type ApiCodec,
  decodeResponseFrame,
  encodeRequestFrame,
  FrameSplitter,
  peekResponseCorrelationId,
} from "../../src/index.js";

interface Pending {
  decode: (frame: Uint8Array) => unknown;
  resolve: (value: unknown) => void;
  reject: (err: unknown) => void;
  timer: ReturnType<typeof setTimeout>;
}

/**
 * The smallest client that proves the protocol package against a real broker: node:net, the
 * FrameSplitter for chunk reassembly, correlation ids to pair answers with requests. The
 * producer's real connection layer (version negotiation, backpressure, SASL) is not this.
 */
export class BrokerConnection {
  readonly #socket: Socket;
  readonly #splitter = new FrameSplitter();
  readonly #pending = new Map<number, Pending>();
  #nextCorrelationId = 1;
  #failure: Error | undefined;

  private constructor(socket: Socket) {
    this.#socket = socket;
    socket.on("data", (chunk: Buffer) => this.#onData(chunk));
    socket.on("error", (err) => this.#fail(err));
    socket.on("close", () => this.#fail(new Error("broker closed the connection")));
  }

  static open(hostPort: string, timeoutMs = 10_000): Promise<BrokerConnection> {
    const [host, port] = splitHostPort(hostPort);
    return new Promise((resolve, reject) => {
      const socket = connect({ host, port });
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new Error(`no TCP connection to ${hostPort} within ${timeoutMs} ms`));
      }, timeoutMs);
      socket.once("connect", () => {
        clearTimeout(timer);
        socket.setNoDelay(true);
        resolve(new BrokerConnection(socket));
      });
      socket.once("error", (err) => {
        clearTimeout(timer);
        reject(err);
      });
    });
  }

  /** Sends one request and resolves with the decoded response body. */
  request<Req, Res>(
    api: ApiCodec<Req, Res>,
    version: number,
    body: Req,
    timeoutMs = 30_000,
  ): Promise<Res> {
    if (this.#failure) return Promise.reject(this.#failure);
    const correlationId = this.#nextCorrelationId++;
    const frame = encodeRequestFrame(
      api,
      version,
      { correlationId, clientId: "tributary-it" },
      body,
    );
    return new Promise<Res>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(correlationId);
        reject(new Error(`${api.name} v${version} got no answer within ${timeoutMs} ms`));
      }, timeoutMs);
      this.#pending.set(correlationId, {
        decode: (f) => decodeResponseFrame(api, version, f).body,
        resolve: resolve as (value: unknown) => void,
        reject,
        timer,
      });
      this.#socket.write(frame);
    });
  }

  close(): void {
    this.#socket.destroy();
  }

  #onData(chunk: Buffer): void {
    let frames: Uint8Array[];
    try {
      frames = this.#splitter.push(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.length));
    } catch (err) {
      this.#fail(err as Error);
      return;
    }
    for (const frame of frames) {
      const id = peekResponseCorrelationId(frame);
      const pending = this.#pending.get(id);
      if (!pending) continue;
      this.#pending.delete(id);
      clearTimeout(pending.timer);
      try {
        pending.resolve(pending.decode(frame));
      } catch (err) {
        pending.reject(err);
      }
    }
  }

  #fail(err: Error): void {
    this.#failure ??= err;
    for (const [id, pending] of this.#pending) {
      clearTimeout(pending.timer);
      pending.reject(err);
      this.#pending.delete(id);
    }
  }
}

function splitHostPort(hostPort: string): [string, number] {
  const at = hostPort.lastIndexOf(":");
  const port = Number(hostPort.slice(at + 1));
  if (at <= 0 || !Number.isInteger(port)) throw new Error(`expected host:port, got ${hostPort}`);
  return [hostPort.slice(0, at).replace(/^\[|\]$/g, ""), port];
}
