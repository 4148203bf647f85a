/**
 * Readers for single option values: each takes what the caller passed and either returns it in
 * resolved form or throws INVALID_ARGUMENT naming the key the caller used, the rule and the
 * value. `loose` is true under a Kafka-style key, where values may be strings as in a Java
 * properties file ("5", "true", "all").
 */
import type { BootstrapAddress } from "./broker-address.js";
import { describeSecret, invalidArgument, ProducerError, ProducerErrorCode } from "./errors.js";
import { isPresetName, type PresetName } from "./presets.js";
import type { TransportConnector } from "./transport/transport.js";
import { isTokenText, TOKEN_RULE, type WebSocketConstructor } from "./transport/websocket.js";

export type CompressionName = "none" | "gzip" | "snappy" | "lz4" | "zstd";

/**
 * A compression codec, as @tributary/codecs provides them. `id` is the codec's number in the
 * RecordBatch attributes (Kafka's CompressionType): 1 gzip, 2 snappy, 3 lz4, 4 zstd. `compress`
 * turns the uncompressed records section into what Kafka expects for that codec.
 */
export interface CompressionCodec {
  readonly id: 1 | 2 | 3 | 4;
  readonly name: string;
  compress(data: Uint8Array): Uint8Array | Promise<Uint8Array>;
}

export interface ResolvedCompression {
  readonly name: string;
  /** 0 for none, else the RecordBatch attributes codec id. */
  readonly id: 0 | 1 | 2 | 3 | 4;
  /** Undefined for "none", and for a codec named by a string that nobody supplied yet. */
  readonly codec: CompressionCodec | undefined;
}

export interface Bootstrap {
  /** Every entry as an address; a gateway URL entry carries its `url`. */
  brokers: BootstrapAddress[];
  /** The gateway URL entries, exactly as written. */
  urls: string[];
}

const CODEC_IDS = { none: 0, gzip: 1, snappy: 2, lz4: 3, zstd: 4 } as const;
const CODEC_NAMES = ["none", "gzip", "snappy", "lz4", "zstd"] as const;
const INTEGER_TEXT = /^\s*[-+]?\d+\s*$/;

export function parseInteger(
  raw: unknown,
  key: string,
  loose: boolean,
  min: number,
  max: number,
  unit: string,
): number {
  const n = loose && typeof raw === "string" && INTEGER_TEXT.test(raw) ? Number(raw) : raw;
  if (typeof n === "number" && Number.isInteger(n) && n >= min && n <= max) return n;
  throw invalidArgument(key, `must be an integer from ${min} to ${max}${unit}`, raw);
}

export function parseBoolean(raw: unknown, key: string, loose: boolean): boolean {
  if (typeof raw === "boolean") return raw;
  if (loose && typeof raw === "string") {
    const text = raw.trim().toLowerCase();
    if (text === "true") return true;
    if (text === "false") return false;
  }
  throw invalidArgument(
    key,
    loose ? 'must be true or false (or "true"/"false")' : "must be true or false",
    raw,
  );
}

/** Kafka's acks: "all" and -1 are the same; 0 and 1. Numbers or their strings, anywhere. */
export function parseAcks(raw: unknown, key: string, loose: boolean): -1 | 0 | 1 {
  const value = loose && typeof raw === "string" ? raw.trim().toLowerCase() : raw;
  switch (value) {
    case "all":
    case "-1":
    case -1:
      return -1;
    case "0":
    case 0:
      return 0;
    case "1":
    case 1:
      return 1;
  }
  throw invalidArgument(key, 'must be "all" (same as -1), 1 or 0', raw);
}

/** Printable, at most 255 characters: the id shows up in broker logs, metrics and quotas. */
export function parseClientId(raw: unknown, key: string): string {
  if (typeof raw !== "string") throw invalidArgument(key, "must be a string", raw);
  if (raw.length > 255) throw invalidArgument(key, "must be at most 255 characters", raw);
  for (let i = 0; i < raw.length; i++) {
    const c = raw.charCodeAt(i);
    if (c < 0x20 || (c >= 0x7f && c <= 0x9f)) {
      throw invalidArgument(key, `must be printable (a control character is at index ${i})`, raw);
    }
  }
  return raw;
}

export function parseCompression(raw: unknown, key: string, loose: boolean): ResolvedCompression {
  if (typeof raw === "string") {
    const name = loose ? raw.trim().toLowerCase() : raw;
    if (Object.hasOwn(CODEC_IDS, name)) return resolveCompressionName(name as CompressionName);
  } else if (typeof raw === "object" && raw !== null && !Array.isArray(raw)) {
    return { ...checkCodec(raw as Partial<CompressionCodec>, key), codec: raw as CompressionCodec };
  }
  throw invalidArgument(
    key,
    'must be "none", "gzip", "snappy", "lz4", "zstd" or a codec object { id, name, compress }',
    raw,
  );
}

/** A codec object's id must be Kafka's id for its name, or batches would lie about their codec. */
function checkCodec(codec: Partial<CompressionCodec>, key: string): ResolvedCompression {
  const id = codec.id;
  if (id !== 1 && id !== 2 && id !== 3 && id !== 4) {
    throw invalidArgument(`${key}.id`, "must be 1 (gzip), 2 (snappy), 3 (lz4) or 4 (zstd)", id);
  }
  if (codec.name !== CODEC_NAMES[id]) {
    throw invalidArgument(
      `${key}.name`,
      `must be "${CODEC_NAMES[id]}" for codec id ${id}`,
      codec.name,
    );
  }
  if (typeof codec.compress !== "function") {
    throw invalidArgument(
      `${key}.compress`,
      "must be a function (data: Uint8Array) => bytes",
      codec.compress,
    );
  }
  return { name: codec.name, id, codec: undefined };
}

/** A codec named by a string resolves without its implementation; the producer asks for one. */
export function resolveCompressionName(name: CompressionName): ResolvedCompression {
  return { name, id: CODEC_IDS[name], codec: undefined };
}

export function parsePreset(raw: unknown, key: string): PresetName {
  if (isPresetName(raw)) return raw;
  throw invalidArgument(key, 'must be "high-throughput", "low-latency" or "reliable"', raw);
}

export function parsePartitioner(raw: unknown, key: string): "default" {
  if (raw === "default") return raw;
  throw invalidArgument(
    key,
    'must be "default" (murmur2 for keyed records, sticky otherwise)',
    raw,
  );
}

export function parseTransport(raw: unknown, key: string): TransportConnector {
  const t = raw as Partial<TransportConnector> | null;
  if (
    typeof t === "object" &&
    t !== null &&
    typeof t.connect === "function" &&
    typeof t.name === "string"
  ) {
    return t as TransportConnector;
  }
  throw invalidArgument(
    key,
    "must be a TransportConnector: an object with name (a string) and connect(address, handlers, options)",
    raw,
  );
}

/**
 * Bootstrap entries: "host:port" (a string may hold several, comma-separated, as in
 * bootstrap.servers), "[v6-address]:port", or a ws:// / wss:// URL of a gateway. The port is
 * required, as in Java's ClientUtils.parseAndValidateAddresses. Repeated entries count once.
 * Brokers and gateway URLs do not mix: a gateway reaches the brokers itself, and one producer
 * speaks either TCP or WebSocket.
 */
export function parseBootstrap(raw: unknown, key: string): Bootstrap {
  let entries: readonly unknown[];
  if (typeof raw === "string") entries = raw.trim() === "" ? [] : raw.split(",");
  else if (Array.isArray(raw)) entries = raw;
  else {
    throw invalidArgument(
      key,
      'must be "host:port", several of them comma-separated, an array of them, or ws:// / wss:// URLs',
      raw,
    );
  }
  if (entries.length === 0) throw invalidArgument(key, "must name at least one broker", raw);
  const brokers: BootstrapAddress[] = [];
  const urls: string[] = [];
  const seen = new Set<string>();
  let firstBroker: number | undefined;
  let firstUrl: number | undefined;
  for (let i = 0; i < entries.length; i++) {
    const entry = entries[i];
    const field = `${key}[${i}]`;
    if (typeof entry !== "string") throw invalidArgument(field, "must be a string", entry);
    const text = entry.trim();
    if (text === "") throw invalidArgument(field, "must not be empty (a stray comma?)", entry);
    if (seen.has(text)) continue;
    seen.add(text);
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) {
      const address = parseGatewayUrl(text, field);
      brokers.push(address);
      urls.push(address.url);
      firstUrl ??= i;
    } else {
      brokers.push(parseHostPort(text, field));
      firstBroker ??= i;
    }
  }
  if (firstBroker !== undefined && firstUrl !== undefined) {
    throw invalidArgument(
      key,
      `must list either host:port brokers or ws:// / wss:// gateway URLs, not both (a gateway reaches the brokers itself): ${key}[${firstBroker}] is host:port and ${key}[${firstUrl}] a URL`,
      raw,
    );
  }
  return { brokers, urls };
}

/** A gateway URL entry: the URL as written, with the gateway's host and port beside it. */
function parseGatewayUrl(text: string, field: string): BootstrapAddress & { url: string } {
  let url: URL | undefined;
  try {
    url = new URL(text);
  } catch {
    url = undefined;
  }
  if (url === undefined || (url.protocol !== "ws:" && url.protocol !== "wss:")) {
    throw invalidArgument(field, "must be host:port or a ws:// or wss:// URL", text);
  }
  // The WebSocket constructor refuses a fragment (WHATWG WebSockets, "new WebSocket").
  if (text.includes("#")) {
    throw invalidArgument(field, "must not have a #fragment (a WebSocket URL cannot)", text);
  }
  const host = url.hostname.startsWith("[") ? url.hostname.slice(1, -1) : url.hostname;
  const port = url.port === "" ? (url.protocol === "wss:" ? 443 : 80) : Number(url.port);
  return { host, port, url: text };
}

/** A WebSocket constructor: `WebSocket` from the `ws` package on Node 20, or any other. */
export function parseWebSocket(raw: unknown, key: string): WebSocketConstructor {
  if (typeof raw === "function") return raw as WebSocketConstructor;
  throw invalidArgument(
    key,
    "must be a WebSocket constructor, such as WebSocket from the ws package (Node 20) or globalThis.WebSocket",
    raw,
  );
}

/**
 * A gateway token: a string (checked now; it is never shown, not even in this error) or a
 * function returning one, asked at every connect so that a short-lived JWT can be renewed.
 * Resolved to a function either way, so that the token does not sit in the resolved options
 * where logging them would print it.
 */
export function parseGatewayToken(raw: unknown, key: string): () => string | Promise<string> {
  if (typeof raw === "function") return raw as () => string | Promise<string>;
  if (isTokenText(raw)) return () => raw;
  throw new ProducerError(
    ProducerErrorCode.InvalidArgument,
    `${key}: ${TOKEN_RULE}, or a function returning one; received ${describeSecret(raw)}`,
  );
}

/** RFC 1123 host names (plus '_', which Java and real clusters accept) and IPv4 addresses. */
const HOST_NAME =
  /^[A-Za-z0-9_](?:[A-Za-z0-9_-]*[A-Za-z0-9_])?(?:\.[A-Za-z0-9_](?:[A-Za-z0-9_-]*[A-Za-z0-9_])?)*\.?$/;
/** The inside of [brackets]: hex groups, '::', an IPv4 tail, an optional %zone. */
const IPV6 = /^[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*(?:%[A-Za-z0-9_.-]+)?$/;

function parseHostPort(text: string, field: string): BootstrapAddress {
  let host: string;
  let portText: string;
  if (text.startsWith("[")) {
    const close = text.indexOf("]");
    host = close < 0 ? "" : text.slice(1, close);
    if (close < 0 || text[close + 1] !== ":" || !IPV6.test(host)) {
      throw invalidArgument(field, "must be [IPv6-address]:port, such as [::1]:9092", text);
    }
    portText = text.slice(close + 2);
  } else {
    const colon = text.lastIndexOf(":");
    if (colon < 0) throw invalidArgument(field, "must be host:port (the port is required)", text);
    host = text.slice(0, colon);
    portText = text.slice(colon + 1);
    if (host.includes(":")) {
      throw invalidArgument(
        field,
        "must put an IPv6 address in brackets, such as [::1]:9092",
        text,
      );
    }
    if (host.length > 253 || !HOST_NAME.test(host)) {
      throw invalidArgument(
        field,
        "must start with a host name or IP address (letters, digits, '.', '-', '_')",
        text,
      );
    }
  }
  const port = /^\d{1,5}$/.test(portText) ? Number(portText) : 0;
  if (port < 1 || port > 65535)
    throw invalidArgument(field, "must end with a port from 1 to 65535", text);
  return { host, port };
}
