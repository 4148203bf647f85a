/**
 * The Kafka-aware filter on the client-to-broker byte stream. It reassembles request frames
 * from WebSocket messages whose boundaries mean nothing, reads each frame's header with
 * @tributary/protocol and lets through only what a producer needs: ApiVersions, Metadata,
 * Produce and InitProducerId (plus SaslHandshake/SaslAuthenticate with client SASL pass-through),
 * naming only allowed topics. Anything else ends the session: the stream cannot be trusted
 * after a refused frame, so a violation is sticky and nothing after it is forwarded.
 *
 * Frames are checked whole and forwarded unchanged (size prefix included): a frame is never
 * forwarded in part, so a bad size prefix or a refused request never reaches the broker.
 *
 * Frame layout: https://kafka.apache.org/protocol#protocol_common (size:int32, then header and
 * body). Produce v13 names topics by id and Metadata v10+ may too (KIP-516), so those ids are
 * resolved to names through the gateway's own view of the cluster before the allowlist check.
 */
import {
  ApiKey,
  apiName,
  decodeRequestFrame,
  decodeRequestHeader,
  FrameSizeError,
  FrameSplitter,
  MetadataApi,
  ProduceApi,
  ProtocolDecodeError,
  ZERO_UUID,
} from "@tributary/protocol";
import type { RejectionReason } from "./metrics.js";

export type InspectResult =
  | { ok: true; frames: Uint8Array[] }
  | {
      ok: false;
      code: 1008 | 1009;
      reason: string;
      rejection: RejectionReason;
      apiKey?: number;
      topic?: string;
    };

type Violation = Extract<InspectResult, { ok: false }>;

export interface RequestInspectorOptions {
  /** Largest request accepted, without the 4-byte size prefix (Kafka's max.request.size). */
  maxRequestBytes: number;
  /** Lets SaslHandshake and SaslAuthenticate through, for clients that log in to the broker. */
  saslPassthrough: boolean;
  topicAllowed: (topic: string) => boolean;
  /** Name of a topic id (Produce v13, Metadata v10+); undefined when the cluster has none. */
  topicNameForId: (id: string) => Promise<string | undefined>;
  /** Called once per request that is forwarded, with its API key. */
  onRequest?: (apiKey: number) => void;
}

const SIZE_PREFIX = 4;
/** A WebSocket close reason is at most 123 bytes of UTF-8 (RFC 6455 section 5.5). */
const MAX_REASON_BYTES = 123;

const ALWAYS_ALLOWED: ReadonlySet<number> = new Set([
  ApiKey.ApiVersions,
  ApiKey.Metadata,
  ApiKey.Produce,
  ApiKey.InitProducerId,
]);
const SASL_APIS: ReadonlySet<number> = new Set([ApiKey.SaslHandshake, ApiKey.SaslAuthenticate]);

/** A topic id still to be named before the frame that carries it may pass. */
interface IdLookup {
  apiKey: number;
  id: string;
}

export class RequestInspector {
  readonly #maxRequestBytes: number;
  readonly #saslPassthrough: boolean;
  readonly #topicAllowed: (topic: string) => boolean;
  readonly #topicNameForId: (id: string) => Promise<string | undefined>;
  readonly #onRequest: ((apiKey: number) => void) | undefined;

  /** Reassembles request frames; it refuses a bad size prefix as soon as its 4 bytes are in. */
  readonly #splitter: FrameSplitter;
  #failure: Violation | undefined;
  /** Set while a topic-id lookup runs, so later chunks wait and order holds. */
  #busy: Promise<InspectResult> | undefined;

  constructor(options: RequestInspectorOptions) {
    if (!Number.isInteger(options.maxRequestBytes) || options.maxRequestBytes < 0) {
      throw new RangeError(
        `maxRequestBytes must be a non-negative integer; received ${options.maxRequestBytes}`,
      );
    }
    this.#maxRequestBytes = Math.min(options.maxRequestBytes, 0x7fffffff);
    this.#splitter = new FrameSplitter({ maxFrameBytes: this.#maxRequestBytes });
    this.#saslPassthrough = options.saslPassthrough;
    this.#topicAllowed = options.topicAllowed;
    this.#topicNameForId = options.topicNameForId;
    this.#onRequest = options.onRequest;
  }

  /** Bytes held for a frame that is not whole yet (at most one frame plus its prefix). */
  get buffered(): number {
    return this.#splitter.buffered;
  }

  /**
   * Takes the next client bytes; returns the whole, allowed frames (size prefix included) to
   * forward, or a violation. May return a promise (topic-id lookup); a chunk pushed meanwhile
   * waits for it, so results keep the order of the chunks.
   *
   * The chunk belongs to the inspector once pushed: frames returned, and pieces held, may be
   * views of it.
   */
  push(chunk: Uint8Array): InspectResult | Promise<InspectResult> {
    if (this.#failure) return this.#failure;
    const busy = this.#busy;
    if (busy) {
      const next = busy.then(() => this.#pushNow(chunk));
      this.#track(next);
      return next;
    }
    const result = this.#pushNow(chunk);
    if (result instanceof Promise) this.#track(result);
    return result;
  }

  #track(pending: Promise<InspectResult>): void {
    this.#busy = pending;
    const clear = (): void => {
      if (this.#busy === pending) this.#busy = undefined;
    };
    pending.then(clear, clear);
  }

  #pushNow(chunk: Uint8Array): InspectResult | Promise<InspectResult> {
    if (this.#failure) return this.#failure;
    const frames = this.#split(chunk);
    if (!Array.isArray(frames)) return this.#fail(frames);
    return this.#check(frames, 0, []);
  }

  /** Cuts whole frames (with their size prefixes) out of the stream, or finds a bad size. */
  #split(chunk: Uint8Array): Uint8Array[] | Violation {
    let bodies: Uint8Array[];
    try {
      bodies = this.#splitter.push(chunk);
    } catch (err) {
      if (!(err instanceof FrameSizeError)) throw err;
      return {
        ok: false,
        code: 1008,
        reason: `request size ${err.size} is out of range (max ${this.#maxRequestBytes})`,
        rejection: "frame_size",
      };
    }
    const only = bodies.length === 1 ? bodies[0]! : undefined;
    if (
      only !== undefined &&
      only.buffer === chunk.buffer &&
      only.byteOffset === chunk.byteOffset + SIZE_PREFIX &&
      only.length + SIZE_PREFIX === chunk.length
    ) {
      // The usual case: the chunk is exactly one frame, and goes on as the very same buffer.
      return [chunk];
    }
    return bodies.map(withSizePrefix);
  }

  /** Checks frames[from..] in order; the API keys of those passed so far are in `passed`. */
  #check(
    frames: Uint8Array[],
    from: number,
    passed: number[],
  ): InspectResult | Promise<InspectResult> {
    for (let i = from; i < frames.length; i++) {
      const verdict = this.#inspect(frames[i]!);
      if (typeof verdict === "number") {
        passed.push(verdict);
        continue;
      }
      if ("ok" in verdict) return this.#fail(verdict);
      return this.#resolveIds(verdict.lookups).then((bad) => {
        if (bad) return this.#fail(bad);
        passed.push(verdict.apiKey);
        return this.#check(frames, i + 1, passed);
      });
    }
    if (this.#onRequest) for (const key of passed) this.#onRequest(key);
    return { ok: true, frames };
  }

  /**
   * One whole frame: its API key when it may pass, a violation, or the topic ids that must be
   * named first.
   */
  #inspect(frame: Uint8Array): number | Violation | { apiKey: number; lookups: IdLookup[] } {
    const body = frame.subarray(SIZE_PREFIX);
    let apiKey: number;
    let apiVersion: number;
    try {
      ({ apiKey, apiVersion } = decodeRequestHeader(body));
    } catch (err) {
      if (!(err instanceof ProtocolDecodeError)) throw err;
      return {
        ok: false,
        code: 1008,
        reason: `request header is malformed (frame of ${body.length} bytes)`,
        rejection: "api",
      };
    }
    if (!ALWAYS_ALLOWED.has(apiKey) && !(this.#saslPassthrough && SASL_APIS.has(apiKey))) {
      return {
        ok: false,
        code: 1008,
        reason: `api ${apiName(apiKey)} (${apiKey}) is not allowed`,
        rejection: "api",
        apiKey,
      };
    }
    try {
      if (apiKey === ApiKey.Produce) return this.#inspectProduce(body, apiVersion);
      if (apiKey === ApiKey.Metadata) return this.#inspectMetadata(body, apiVersion);
    } catch (err) {
      if (!(err instanceof ProtocolDecodeError)) throw err;
      return {
        ok: false,
        code: 1008,
        reason: `${apiName(apiKey)} v${apiVersion} request is malformed: ${err.message}`,
        rejection: "api",
        apiKey,
      };
    }
    // ApiVersions, InitProducerId and the SASL APIs name no topic: their header is enough.
    return apiKey;
  }

  #inspectProduce(
    body: Uint8Array,
    version: number,
  ): number | Violation | { apiKey: number; lookups: IdLookup[] } {
    const apiKey = ApiKey.Produce;
    const unreadable = this.#checkVersion(ProduceApi, version);
    if (unreadable) return unreadable;
    const request = decodeRequestFrame(ProduceApi, body).body;
    const lookups: IdLookup[] = [];
    for (const topic of request.topicData) {
      // The decoder fills both fields: the name up to v12, the id from v13.
      if (version >= 13) lookups.push({ apiKey, id: topic.topicId ?? ZERO_UUID });
      else {
        const refused = this.#checkTopic(apiKey, topic.name ?? "");
        if (refused) return refused;
      }
    }
    return lookups.length > 0 ? { apiKey, lookups } : apiKey;
  }

  #inspectMetadata(
    body: Uint8Array,
    version: number,
  ): number | Violation | { apiKey: number; lookups: IdLookup[] } {
    const apiKey = ApiKey.Metadata;
    const unreadable = this.#checkVersion(MetadataApi, version);
    if (unreadable) return unreadable;
    const request = decodeRequestFrame(MetadataApi, body).body;
    if (request.topics === null) {
      // v1+: a null list asks for every topic in the cluster, names the allowlist hides.
      return {
        ok: false,
        code: 1008,
        reason: "Metadata for all topics is not allowed",
        rejection: "topic",
        apiKey,
      };
    }
    const lookups: IdLookup[] = [];
    for (const topic of request.topics) {
      const id = topic.topicId ?? ZERO_UUID;
      if (topic.name !== null) {
        const refused = this.#checkTopic(apiKey, topic.name);
        if (refused) return refused;
      } else if (id === ZERO_UUID) {
        return {
          ok: false,
          code: 1008,
          reason: "Metadata topic entry with neither a name nor an id is not allowed",
          rejection: "topic",
          apiKey,
        };
      }
      // v10+ may carry an id beside (or instead of) the name; whichever the broker reads must
      // be allowed, so a set id is always checked.
      if (id !== ZERO_UUID) lookups.push({ apiKey, id });
    }
    return lookups.length > 0 ? { apiKey, lookups } : apiKey;
  }

  /** Versions outside the codec's range cannot be read, so their topics cannot be checked. */
  #checkVersion(
    api: { apiKey: number; name: string; minVersion: number; maxVersion: number },
    version: number,
  ): Violation | undefined {
    if (version >= api.minVersion && version <= api.maxVersion) return undefined;
    return {
      ok: false,
      code: 1008,
      reason: `${api.name} v${version} is not allowed (the gateway reads v${api.minVersion}-v${api.maxVersion})`,
      rejection: "api",
      apiKey: api.apiKey,
    };
  }

  #checkTopic(apiKey: number, topic: string): Violation | undefined {
    if (this.#topicAllowed(topic)) return undefined;
    return { ok: false, code: 1008, reason: topicReason(topic), rejection: "topic", apiKey, topic };
  }

  /** Names each id, then applies the allowlist; the first refusal wins. */
  async #resolveIds(lookups: IdLookup[]): Promise<Violation | undefined> {
    for (const { apiKey, id } of lookups) {
      let name: string | undefined;
      try {
        name = await this.#topicNameForId(id);
      } catch {
        name = undefined;
      }
      if (name === undefined) {
        return {
          ok: false,
          code: 1008,
          reason: `topic id ${JSON.stringify(id)} is not known to the gateway`,
          rejection: "topic",
          apiKey,
        };
      }
      const refused = this.#checkTopic(apiKey, name);
      if (refused) return refused;
    }
    return undefined;
  }

  #fail(violation: Violation): Violation {
    // Sticky: the stream cannot be trusted after a refused frame. The session closes, and the
    // inspector (with any partial frame it holds) goes with it.
    this.#failure = violation;
    return violation;
  }
}

/**
 * `topic "<name>" is not allowed`, the shape clients parse (a JSON-quoted name). A name too
 * long for a close reason is shortened inside the quotes, so the reason still parses.
 */
export function topicReason(topic: string): string {
  const full = `topic ${JSON.stringify(topic)} is not allowed`;
  if (utf8Bytes(full) <= MAX_REASON_BYTES) return full;
  const chars = Array.from(topic);
  // Every character takes at least one byte, so no more than the limit can fit.
  let keep = Math.min(chars.length, MAX_REASON_BYTES);
  let reason = full;
  while (keep > 0) {
    keep--;
    reason = `topic ${JSON.stringify(`${chars.slice(0, keep).join("")}…`)} is not allowed`;
    if (utf8Bytes(reason) <= MAX_REASON_BYTES) break;
  }
  return reason;
}

function utf8Bytes(text: string): number {
  return Buffer.byteLength(text, "utf8");
}

/**
 * The frame as it came, size prefix included. A body that lay in one chunk is a view whose four
 * bytes before it are its size prefix, so the view just widens; a body joined from several
 * chunks gets the prefix written in front of a copy.
 */
function withSizePrefix(body: Uint8Array): Uint8Array {
  const n = body.length;
  if (body.byteOffset >= SIZE_PREFIX) {
    const framed = new Uint8Array(body.buffer, body.byteOffset - SIZE_PREFIX, n + SIZE_PREFIX);
    if (
      framed[0] === n >>> 24 &&
      framed[1] === ((n >>> 16) & 0xff) &&
      framed[2] === ((n >>> 8) & 0xff) &&
      framed[3] === (n & 0xff)
    ) {
      return framed;
    }
  }
  const framed = new Uint8Array(n + SIZE_PREFIX);
  new DataView(framed.buffer).setInt32(0, n);
  framed.set(body, SIZE_PREFIX);
  return framed;
}
