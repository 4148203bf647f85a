/**
 * Checks on what produce() is given: the topic name and the message. Both run once per record,
 * so they are written for the hot path: no closures, no Object.entries, and strings encoded
 * into a shared slab (see SlabEncoder) rather than one fresh buffer per string.
 */
import type { RecordHeader } from "@tributary/protocol";
import { describeValue, invalidArgument, ProducerError, ProducerErrorCode } from "./errors.js";

/** A header value: a string is sent as UTF-8; null is a header without a value. */
export type HeaderValue = string | Uint8Array | null;

/**
 * Headers in any of the usual shapes. Kafka allows a key more than once and keeps the order;
 * an object cannot repeat a key and lists integer-like keys first, so use an array when either
 * matters.
 */
export type MessageHeaders =
  | { readonly [key: string]: HeaderValue }
  | ReadonlyMap<string, HeaderValue>
  | ReadonlyArray<readonly [string, HeaderValue]>
  | ReadonlyArray<{ readonly key: string; readonly value: HeaderValue }>;

/** What produce() takes. Strings are sent as UTF-8; Uint8Arrays are sent as they are, uncopied. */
export interface ProducerMessage {
  key?: string | Uint8Array | null | undefined;
  /** null is a tombstone (a delete marker on a compacted topic); it must be given explicitly. */
  value: string | Uint8Array | null;
  headers?: MessageHeaders | null | undefined;
  /** Send to this partition instead of letting the partitioner choose. */
  partition?: number | null | undefined;
  /** Milliseconds since the epoch (or a Date); the default is the time the batch is made. */
  timestamp?: number | Date | null | undefined;
}

/**
 * A message in the shape the producer works with: bytes and a header list. It is a valid
 * `RecordInput` for @tributary/protocol's encodeRecords as it stands. Uint8Arrays the caller
 * passed are referenced, not copied: changing one before the record is sent changes the record.
 * Encoded strings are views into a shared slab: read them through their byteOffset/byteLength,
 * never their whole `.buffer`, and do not transfer that buffer.
 */
export interface NormalizedMessage {
  key: Uint8Array | null;
  value: Uint8Array | null;
  headers: RecordHeader[];
  partition: number | undefined;
  timestamp: number | undefined;
}

/** What normalizeMessage encodes strings with; TextEncoder fits. */
export interface Utf8Encoder {
  encode(input: string): Uint8Array;
}

/** Kafka's limit (Topic.java, MAX_NAME_LENGTH): a partition's directory name adds to it. */
export const MAX_TOPIC_NAME_LENGTH = 249;
const INT32_MAX = 0x7fffffff;

/**
 * UTF-8 into views of a shared 64 KiB slab. TextEncoder.encode allocates a new ArrayBuffer per
 * call, which costs ~0.5 µs even for a 5-character key (Node 20); encodeInto a slab costs about
 * a third of that, and a plain loop is cheaper still for short ASCII. Like Node's Buffer pool, a
 * view keeps its slab alive until the view is collected: at most 64 KiB per long-lived record.
 */
class SlabEncoder implements Utf8Encoder {
  static readonly SLAB_BYTES = 65_536;
  /** Longer strings get their own buffer: they would waste too much of a slab's tail. */
  static readonly MAX_SLAB_STRING = 8192;
  /** Up to this length an ASCII string is copied by hand (cheaper than the encodeInto call). */
  static readonly HAND_COPY = 24;
  readonly #text = new TextEncoder();
  #slab = new Uint8Array(SlabEncoder.SLAB_BYTES);
  #offset = 0;

  encode(input: string): Uint8Array {
    const n = input.length;
    if (n > SlabEncoder.MAX_SLAB_STRING) return this.#text.encode(input);
    let slab = this.#slab;
    let start = this.#offset;
    // A UTF-16 code unit takes at most 3 UTF-8 bytes.
    if (n * 3 > slab.length - start) {
      slab = this.#slab = new Uint8Array(SlabEncoder.SLAB_BYTES);
      start = 0;
    }
    if (n <= SlabEncoder.HAND_COPY) {
      let i = 0;
      for (; i < n; i++) {
        const c = input.charCodeAt(i);
        if (c > 0x7f) break;
        slab[start + i] = c;
      }
      if (i === n) {
        this.#offset = start + n;
        return slab.subarray(start, start + n);
      }
    }
    const { written } = this.#text.encodeInto(input, slab.subarray(start));
    this.#offset = start + written;
    return slab.subarray(start, start + written);
  }
}

const sharedEncoder: Utf8Encoder = new SlabEncoder();

/**
 * Returns `topic` if Kafka would accept it as a topic name, else throws INVALID_TOPIC. Kafka's
 * rules (clients/.../common/internals/Topic.java): not empty, not "." or "..", at most 249
 * characters, only ASCII letters, digits, '.', '_' and '-'.
 *
 * Kafka also warns (but allows) names with '.' or '_': metric names turn '.' into '_', so
 * "a.b" and "a_b" collide there. Creating both is the broker's call, not ours.
 */
export function validateTopicName(topic: unknown): string {
  if (typeof topic !== "string") throw invalidTopic("must be a string", topic);
  const length = topic.length;
  if (length === 0) throw invalidTopic("must not be empty", topic);
  if (length > MAX_TOPIC_NAME_LENGTH) {
    throw invalidTopic(`must be at most ${MAX_TOPIC_NAME_LENGTH} characters`, topic);
  }
  for (let i = 0; i < length; i++) {
    const c = topic.charCodeAt(i);
    // a-z, A-Z, 0-9, '.', '_', '-'
    if (
      !(
        (c >= 97 && c <= 122) ||
        (c >= 65 && c <= 90) ||
        (c >= 48 && c <= 57) ||
        c === 46 ||
        c === 95 ||
        c === 45
      )
    ) {
      const code = `U+${c.toString(16).toUpperCase().padStart(4, "0")}`;
      // Show the character itself unless it is a control character or half a surrogate pair.
      const printable = (c >= 0x20 && c < 0x7f) || (c >= 0xa0 && (c < 0xd800 || c > 0xdfff));
      const shown = printable ? `'${topic[i]}' (${code})` : code;
      throw invalidTopic(
        `may contain only ASCII letters, digits, '.', '_' and '-' (${shown} is at index ${i})`,
        topic,
      );
    }
  }
  if (topic === "." || topic === "..") throw invalidTopic(`must not be "${topic}"`, topic);
  return topic;
}

function invalidTopic(rule: string, received: unknown): ProducerError {
  return new ProducerError(
    ProducerErrorCode.InvalidTopic,
    `topic: ${rule}; received ${describeValue(received)}`,
  );
}

/**
 * Checks a message and returns it as bytes. Throws INVALID_ARGUMENT naming the field (such as
 * `message.headers["trace"]`), the rule and the value. Pass a TextEncoder to reuse one of your
 * own; by default one shared encoder is used.
 */
/**
 * The headers of every record that has none: one frozen array rather than a new one per record,
 * which would live as long as the record waits for its acknowledgement (a queued record holds
 * ~350 B of heap; this was 32 of them).
 */
const NO_HEADERS = Object.freeze([]) as unknown as RecordHeader[];

export function normalizeMessage(
  message: unknown,
  encoder: Utf8Encoder = sharedEncoder,
): NormalizedMessage {
  if (typeof message !== "object" || message === null || Array.isArray(message)) {
    throw invalidArgument("message", "must be an object such as { key, value, headers }", message);
  }
  const m = message as ProducerMessage;
  const value = m.value;
  if (value === undefined) {
    throw invalidArgument(
      "message.value",
      "is required: a string, a Uint8Array, or null for a tombstone",
      value,
    );
  }
  return {
    key: toBytes(m.key, "message.key", encoder),
    value: toBytes(value, "message.value", encoder),
    headers:
      m.headers === undefined || m.headers === null ? NO_HEADERS : toHeaders(m.headers, encoder),
    partition: toPartition(m.partition),
    timestamp: toTimestamp(m.timestamp),
  };
}

function toBytes(data: unknown, field: string, encoder: Utf8Encoder): Uint8Array | null {
  if (typeof data === "string") return encoder.encode(data);
  if (data instanceof Uint8Array) return data;
  if (data === null || data === undefined) return null;
  throw invalidArgument(field, "must be a string, a Uint8Array or null", data);
}

function toHeaders(headers: unknown, encoder: Utf8Encoder): RecordHeader[] {
  if (Array.isArray(headers)) return arrayHeaders(headers, encoder);
  if (headers instanceof Map) return mapHeaders(headers, encoder);
  if (typeof headers === "object" && headers !== null) {
    const proto = Object.getPrototypeOf(headers);
    if (proto === Object.prototype || proto === null) {
      return objectHeaders(headers as { readonly [key: string]: unknown }, encoder);
    }
  }
  throw invalidArgument(
    "message.headers",
    "must be an object of key: value, a Map, an array of [key, value] or an array of { key, value }",
    headers,
  );
}

function objectHeaders(
  headers: { readonly [key: string]: unknown },
  encoder: Utf8Encoder,
): RecordHeader[] {
  const out: RecordHeader[] = [];
  for (const key in headers) {
    // for-in also walks inherited keys; a plain object (checked above) has none that enumerate.
    out.push({ key, value: headerValue(headers[key], key, encoder) });
  }
  return out;
}

function mapHeaders(headers: ReadonlyMap<unknown, unknown>, encoder: Utf8Encoder): RecordHeader[] {
  const out: RecordHeader[] = [];
  for (const [key, value] of headers) {
    if (typeof key !== "string") {
      throw invalidArgument("message.headers", "must have string keys", key);
    }
    out.push({ key, value: headerValue(value, key, encoder) });
  }
  return out;
}

function arrayHeaders(headers: readonly unknown[], encoder: Utf8Encoder): RecordHeader[] {
  const length = headers.length;
  const out: RecordHeader[] = new Array(length);
  for (let i = 0; i < length; i++) {
    const entry = headers[i];
    let key: unknown;
    let value: unknown;
    if (Array.isArray(entry) && entry.length === 2) {
      key = entry[0];
      value = entry[1];
    } else if (typeof entry === "object" && entry !== null && !Array.isArray(entry)) {
      key = (entry as { key?: unknown }).key;
      value = (entry as { value?: unknown }).value;
    } else {
      throw invalidArgument(
        `message.headers[${i}]`,
        "must be [key, value] or { key, value }",
        entry,
      );
    }
    if (typeof key !== "string") {
      throw invalidArgument(`message.headers[${i}].key`, "must be a string", key);
    }
    out[i] = { key, value: headerValue(value, key, encoder) };
  }
  return out;
}

function headerValue(value: unknown, key: string, encoder: Utf8Encoder): Uint8Array | null {
  if (typeof value === "string") return encoder.encode(value);
  if (value instanceof Uint8Array || value === null) return value;
  throw invalidArgument(
    `message.headers[${JSON.stringify(key)}]`,
    "must be a string, a Uint8Array or null",
    value,
  );
}

/** Kafka partitions are int32 ids from 0 (ProducerRecord refuses negative ones). */
function toPartition(partition: unknown): number | undefined {
  if (partition === undefined || partition === null) return undefined;
  if (
    typeof partition === "number" &&
    Number.isInteger(partition) &&
    partition >= 0 &&
    partition <= INT32_MAX
  ) {
    return partition;
  }
  throw invalidArgument(
    "message.partition",
    `must be an integer from 0 to ${INT32_MAX}`,
    partition,
  );
}

/** Kafka timestamps are int64 milliseconds; ProducerRecord refuses negative ones. */
function toTimestamp(timestamp: unknown): number | undefined {
  if (timestamp === undefined || timestamp === null) return undefined;
  const ms = timestamp instanceof Date ? timestamp.getTime() : timestamp;
  if (typeof ms === "number" && Number.isSafeInteger(ms) && ms >= 0) return ms;
  if (timestamp instanceof Date) {
    throw invalidArgument(
      "message.timestamp",
      "must be a valid Date at or after 1970-01-01",
      timestamp,
    );
  }
  throw invalidArgument(
    "message.timestamp",
    "must be a whole number of milliseconds since the epoch, 0 or more (or a Date)",
    timestamp,
  );
}
