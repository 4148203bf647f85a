import type { IncomingMessage } from "node:http";
import {
  ApiKey,
  ApiVersionsApi,
  decodeRequestFrame,
  decodeRequestHeader,
  encodeResponseFrame,
  FrameSplitter,
  InitProducerIdApi,
  MetadataApi,
  type MetadataResponse,
  ProduceApi,
  type ProduceRequest,
  type ProduceResponse,
  uuidFromBytes,
} from "@tributary/protocol";
import { type WebSocket, WebSocketServer } from "ws";
import { everyClientVersion } from "./fake-answers.js";

/**
 * A stand-in for the Tributary gateway, for testing the client side on its own: a `ws` server on
 * 127.0.0.1 (port 0) that takes the subprotocol handshake, reassembles request frames from the
 * client's messages, asks a policy whether to refuse (closing with the code and reason the real
 * gateway uses), and otherwise answers from a tiny scripted broker. Answers can be cut and merged
 * at will before they go back, as a real gateway relaying TCP reads may. The end-to-end tests
 * through the real gateway and a real broker live elsewhere; this one exists so the transport and
 * the producer's refusal handling can be driven into every corner quickly.
 */

export interface Upgrade {
  path: string;
  /** The subprotocols the client offered, in order. */
  protocols: string[];
}

export interface Session {
  readonly ws: WebSocket;
  readonly path: string;
  /** Binary messages received. */
  messages: number;
  /** Request frames received (one per message when the client keeps to the contract). */
  frames: number;
  /** Messages that did not hold exactly one whole frame. */
  misframed: number;
  /** Text messages received. */
  texts: number;
  /** Set once the client's close arrived: its code. */
  closedWith: number | undefined;
}

export interface Refusal {
  code: number;
  reason: string;
}

export interface GatewayRequest {
  apiKey: number;
  apiVersion: number;
  /** Topic names the request names (Metadata, Produce); [] for others. */
  topics: string[];
}

export interface FakeGatewayOptions {
  /** The subprotocol to answer with; default "tributary.v1" when offered, else none. */
  protocol?: (offered: Set<string>) => string | false;
  /** Refuse every upgrade with this HTTP status. */
  status?: number;
  /** Cuts the bytes going back into messages; default: one message per flush. */
  chunk?: (bytes: Uint8Array) => Uint8Array[];
  /** Refuse a request (close the WebSocket) instead of answering it. */
  policy?: (req: GatewayRequest) => Refusal | undefined;
  /** Partitions per topic in Metadata answers; default 1. */
  partitions?: number;
  /** Called for every new session before any message. */
  onSession?: (session: Session) => void;
  /** Stop answering requests (they stay unanswered). */
  silent?: boolean;
}

export interface FakeGateway {
  /** ws://127.0.0.1:<port> */
  readonly origin: string;
  readonly port: number;
  readonly upgrades: Upgrade[];
  readonly sessions: Session[];
  /** Requests seen, by api key, across sessions. */
  readonly requests: GatewayRequest[];
  close(): Promise<void>;
}

const SUBPROTOCOL = "tributary.v1";

export async function startFakeGateway(options: FakeGatewayOptions = {}): Promise<FakeGateway> {
  const upgrades: Upgrade[] = [];
  const sessions: Session[] = [];
  const requests: GatewayRequest[] = [];
  const broker = new FakeBroker(options.partitions ?? 1);
  const wss = new WebSocketServer({
    host: "127.0.0.1",
    port: 0,
    perMessageDeflate: false,
    handleProtocols: (offered) =>
      options.protocol !== undefined
        ? options.protocol(offered)
        : offered.has(SUBPROTOCOL)
          ? SUBPROTOCOL
          : false,
    verifyClient: (info: { req: IncomingMessage }, done: (ok: boolean, code?: number) => void) => {
      upgrades.push({
        path: info.req.url ?? "",
        protocols: (info.req.headers["sec-websocket-protocol"] ?? "")
          .split(",")
          .map((p) => p.trim())
          .filter((p) => p !== ""),
      });
      if (options.status !== undefined) done(false, options.status);
      else done(true);
    },
  });
  await new Promise<void>((resolve) => wss.once("listening", resolve));
  const { port } = wss.address() as { port: number };

  wss.on("connection", (ws, req) => {
    const session: Session = {
      ws,
      path: req.url ?? "",
      messages: 0,
      frames: 0,
      misframed: 0,
      texts: 0,
      closedWith: undefined,
    };
    sessions.push(session);
    ws.on("close", (code) => {
      session.closedWith = code;
    });
    options.onSession?.(session);
    const splitter = new FrameSplitter();
    let out: Uint8Array[] = [];
    let flushing = false;
    let closed = false;
    const flush = () => {
      flushing = false;
      if (out.length === 0 || ws.readyState !== ws.OPEN) return;
      const bytes = concat(out);
      out = [];
      for (const piece of options.chunk?.(bytes) ?? [bytes]) ws.send(piece);
    };
    ws.on("message", (data, isBinary) => {
      if (closed) return;
      if (!isBinary) {
        session.texts++;
        return;
      }
      session.messages++;
      const chunk = new Uint8Array(data as Buffer);
      const frames = splitter.push(chunk);
      if (frames.length !== 1 || splitter.buffered !== 0) session.misframed++;
      for (const frame of frames) {
        session.frames++;
        const req = describeRequest(frame, broker);
        requests.push(req);
        const refusal = options.policy?.(req);
        if (refusal !== undefined) {
          // Like the gateway: what was answered before goes out, the refused frame never does.
          flush();
          closed = true;
          ws.close(refusal.code, refusal.reason);
          return;
        }
        if (options.silent) continue;
        const answer = broker.answer(frame);
        if (answer !== undefined) out.push(answer);
      }
      if (!flushing && out.length > 0) {
        // Answers to requests that arrive in the same turn go back together, so a chunker
        // sees several frames at once and can merge them.
        flushing = true;
        setImmediate(flush);
      }
    });
  });

  return {
    origin: `ws://127.0.0.1:${port}`,
    port,
    upgrades,
    sessions,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        for (const c of wss.clients) c.terminate();
        wss.close(() => resolve());
      }),
  };
}

/** What a request frame asks for; filler bytes (backpressure tests) read as api -1. */
function describeRequest(frame: Uint8Array, broker: FakeBroker): GatewayRequest {
  try {
    const h = decodeRequestHeader(frame);
    let topics: string[] = [];
    if (h.apiKey === ApiKey.Metadata) {
      topics = (decodeRequestFrame(MetadataApi, frame).body.topics ?? []).map((t) => t.name ?? "");
    } else if (h.apiKey === ApiKey.Produce) {
      topics = decodeRequestFrame(ProduceApi, frame).body.topicData.map(
        // Up to v12 by name; from v13 by id only (name "").
        (t) => t.name || broker.nameOf(t.topicId ?? ""),
      );
    }
    return { apiKey: h.apiKey, apiVersion: h.apiVersion, topics };
  } catch {
    return { apiKey: -1, apiVersion: -1, topics: [] };
  }
}

/**
 * Answers what a producer asks, the way one broker would: ApiVersions (every version this client
 * speaks), Metadata (each topic asked for exists, led by node 1), InitProducerId, Produce (every
 * batch appended; offsets count up per partition). Nothing else.
 */
export class FakeBroker {
  readonly #partitions: number;
  readonly #offsets = new Map<string, bigint>();
  readonly #ids = new Map<string, string>();
  #epoch = 0;

  constructor(partitions: number) {
    this.#partitions = partitions;
  }

  /** A stable topic id per name. */
  idOf(name: string): string {
    let id = this.#ids.get(name);
    if (id === undefined) {
      const bytes = new Uint8Array(16);
      bytes[0] = 1;
      const text = new TextEncoder().encode(name);
      for (let i = 0; i < text.length; i++) bytes[1 + (i % 15)]! ^= text[i]!;
      bytes[15] = this.#ids.size + 1;
      id = uuidFromBytes(bytes);
      this.#ids.set(name, id);
    }
    return id;
  }

  nameOf(id: string): string {
    for (const [name, i] of this.#ids) if (i === id) return name;
    return "";
  }

  answer(frame: Uint8Array): Uint8Array | undefined {
    const h = decodeRequestHeader(frame);
    switch (h.apiKey) {
      case ApiKey.ApiVersions:
        return encodeResponseFrame(
          ApiVersionsApi,
          h.apiVersion,
          h.correlationId,
          everyClientVersion(),
        );
      case ApiKey.Metadata:
        return encodeResponseFrame(
          MetadataApi,
          h.apiVersion,
          h.correlationId,
          this.#metadata(frame),
        );
      case ApiKey.InitProducerId:
        return encodeResponseFrame(InitProducerIdApi, h.apiVersion, h.correlationId, {
          throttleTimeMs: 0,
          errorCode: 0,
          producerId: 4242n,
          producerEpoch: this.#epoch++,
          ongoingTxnProducerId: -1n,
          ongoingTxnProducerEpoch: -1,
        });
      case ApiKey.Produce: {
        const { body } = decodeRequestFrame(ProduceApi, frame);
        if (body.acks === 0) return undefined;
        return encodeResponseFrame(ProduceApi, h.apiVersion, h.correlationId, this.#produce(body));
      }
      default:
        throw new Error(`the fake broker does not answer api key ${h.apiKey}`);
    }
  }

  #metadata(frame: Uint8Array): MetadataResponse {
    const asked = decodeRequestFrame(MetadataApi, frame).body.topics ?? [];
    return {
      throttleTimeMs: 0,
      brokers: [{ nodeId: 1, host: "127.0.0.1", port: 9092, rack: null }],
      clusterId: "fake",
      controllerId: 1,
      topics: asked.map((t) => ({
        errorCode: 0,
        name: t.name,
        topicId: this.idOf(t.name ?? ""),
        isInternal: false,
        partitions: Array.from({ length: this.#partitions }, (_, i) => ({
          errorCode: 0,
          partitionIndex: i,
          leaderId: 1,
          leaderEpoch: 0,
          replicaNodes: [1],
          isrNodes: [1],
          offlineReplicas: [],
        })),
        topicAuthorizedOperations: -2147483648,
      })),
      clusterAuthorizedOperations: -2147483648,
      errorCode: 0,
    };
  }

  #produce(body: ProduceRequest): ProduceResponse {
    return {
      throttleTimeMs: 0,
      nodeEndpoints: [],
      responses: body.topicData.map((t) => {
        const name = t.name || this.nameOf(t.topicId ?? "");
        return {
          name: t.name ?? "",
          topicId: t.topicId ?? "AAAAAAAAAAAAAAAAAAAAAA",
          partitionResponses: t.partitionData.map((p) => {
            const key = `${name}-${p.index}`;
            const base = this.#offsets.get(key) ?? 0n;
            // RecordBatch v2: lastOffsetDelta is the int32 at byte 23.
            const records = p.records;
            const count =
              records === null || records.length < 27
                ? 1
                : new DataView(records.buffer, records.byteOffset).getInt32(23) + 1;
            this.#offsets.set(key, base + BigInt(count));
            return {
              index: p.index,
              errorCode: 0,
              baseOffset: base,
              logAppendTimeMs: -1n,
              logStartOffset: 0n,
              recordErrors: [],
              errorMessage: null,
              currentLeader: { leaderId: -1, leaderEpoch: -1 },
            };
          }),
        };
      }),
    };
  }
}

function concat(parts: Uint8Array[]): Uint8Array {
  if (parts.length === 1) return parts[0]!;
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Cuts bytes at random points (seeded), 1 byte to the whole at a time. */
export function randomCuts(random: () => number): (bytes: Uint8Array) => Uint8Array[] {
  return (bytes) => {
    const out: Uint8Array[] = [];
    let at = 0;
    while (at < bytes.length) {
      const left = bytes.length - at;
      // Mostly small pieces (split size prefixes and headers), sometimes the whole rest.
      const n = random() < 0.2 ? left : Math.max(1, Math.min(left, Math.floor(random() * 16)));
      out.push(bytes.subarray(at, at + n));
      at += n;
    }
    return out;
  };
}
