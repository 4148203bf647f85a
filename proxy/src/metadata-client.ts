/**
 * The directory's view of the cluster, asked of the cluster itself: a one-shot connection over
 * node:net that sends ApiVersions, negotiates versions, then Metadata for all topics
 * (topics: null), whose answer carries each topic's id for Produce v13 (KIP-516).
 */
import { connect, type Socket } from "node:net";
import {
  type ApiCodec,
  ApiKey,
  ApiVersionsApi,
  CLIENT_VERSIONS,
  decodeResponseFrame,
  encodeRequestFrame,
  FrameSplitter,
  MetadataApi,
  type MetadataResponse,
  negotiateVersions,
  peekResponseCorrelationId,
} from "@tributary/protocol";
import type { HostPort } from "./config.js";
import { labelOf } from "./host-patterns.js";

/** Kafka's request.timeout.ms default. */
const REQUEST_TIMEOUT_MS = 30_000;
const CLIENT_ID = "tributary-proxy";

/**
 * One-shot: connect, ApiVersions, Metadata (all topics), close. The socket is in `sockets` while
 * the exchange runs, so its owner can cut it short (BrokerDirectory.stop()).
 */
export async function fetchMetadata(
  broker: HostPort,
  connectTimeoutMs: number,
  sockets: Set<Socket>,
): Promise<MetadataResponse> {
  const conn = await OneShotConnection.open(broker, connectTimeoutMs);
  sockets.add(conn.socket);
  try {
    // Ask at our highest ApiVersions; an older broker answers UNSUPPORTED_VERSION with its own
    // range, and we ask again at the version both speak (KIP-511).
    let versions = await conn.request(ApiVersionsApi, CLIENT_VERSIONS[ApiKey.ApiVersions].max, {
      clientSoftwareName: CLIENT_ID,
      clientSoftwareVersion: "0.1.0",
    });
    if (versions.errorCode === 35) {
      const retry = negotiateVersions(versions).version(ApiKey.ApiVersions);
      versions = await conn.request(ApiVersionsApi, retry, {
        clientSoftwareName: CLIENT_ID,
        clientSoftwareVersion: "0.1.0",
      });
    }
    if (versions.errorCode !== 0)
      throw new Error(`ApiVersions answered error code ${versions.errorCode}`);
    const version = negotiateVersions(versions).version(ApiKey.Metadata);
    const metadata = await conn.request(MetadataApi, version, {
      topics: null,
      allowAutoTopicCreation: false,
    });
    if (metadata.errorCode !== 0)
      throw new Error(`Metadata answered error code ${metadata.errorCode}`);
    return metadata;
  } finally {
    sockets.delete(conn.socket);
    conn.socket.destroy();
  }
}

/** A TCP connection for sequential requests, one in flight at a time. */
class OneShotConnection {
  readonly socket: Socket;
  readonly #splitter = new FrameSplitter();
  #correlationId = 0;
  #waiting: ((frame: Uint8Array | Error) => void) | undefined;
  #failure: Error | undefined;

  private constructor(socket: Socket) {
    this.socket = socket;
    socket.on("data", (chunk: Buffer) => {
      let frames: Uint8Array[];
      try {
        frames = this.#splitter.push(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.length));
      } catch (err) {
        this.#fail(err as Error);
        return;
      }
      for (const frame of frames) this.#take(frame);
    });
    socket.on("error", (err) => this.#fail(err));
    socket.on("close", () => this.#fail(new Error("the broker closed the connection")));
  }

  static open(broker: HostPort, timeoutMs: number): Promise<OneShotConnection> {
    return new Promise((resolve, reject) => {
      const socket = connect({ host: broker.host, port: broker.port });
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new Error(`no TCP connection to ${labelOf(broker)} within ${timeoutMs} ms`));
      }, timeoutMs);
      socket.once("connect", () => {
        clearTimeout(timer);
        socket.removeListener("error", onError);
        resolve(new OneShotConnection(socket));
      });
      const onError = (err: Error) => {
        clearTimeout(timer);
        reject(err);
      };
      socket.once("error", onError);
    });
  }

  async request<Req, Res>(api: ApiCodec<Req, Res>, version: number, body: Req): Promise<Res> {
    if (this.#failure !== undefined) throw this.#failure;
    const correlationId = ++this.#correlationId;
    const answer = new Promise<Uint8Array | Error>((resolve) => {
      this.#waiting = resolve;
    });
    this.socket.write(
      encodeRequestFrame(api, version, { correlationId, clientId: CLIENT_ID }, body),
    );
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<Error>((resolve) => {
      timer = setTimeout(
        () =>
          resolve(
            new Error(`${api.name} v${version} got no answer within ${REQUEST_TIMEOUT_MS} ms`),
          ),
        REQUEST_TIMEOUT_MS,
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

  #take(frame: Uint8Array): void {
    const waiting = this.#waiting;
    this.#waiting = undefined;
    if (waiting === undefined) {
      this.#fail(
        new Error(`unexpected response (correlation id ${peekResponseCorrelationId(frame)})`),
      );
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
