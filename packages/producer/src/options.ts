/**
 * The producer's options: what a caller may pass, the defaults, and `resolveOptions`, which turns
 * what was passed (our names, Kafka-style names, a preset) into one plain, fully checked
 * `ResolvedOptions`. Defaults follow Kafka's Java 4.x client (ProducerConfig.java) where it has
 * the setting; packages/producer/OPTIONS.md documents every option, default, alias and range.
 */
import type { BootstrapAddress } from "./broker-address.js";
import {
  describeSecret,
  describeValue,
  invalidArgument,
  ProducerError,
  ProducerErrorCode,
} from "./errors.js";
import { KAFKA_KEYS, nearestName, UNSUPPORTED_KAFKA_KEYS } from "./kafka-keys.js";
import {
  type Bootstrap,
  type CompressionCodec,
  type CompressionName,
  parseAcks,
  parseBoolean,
  parseBootstrap,
  parseClientId,
  parseCompression,
  parseGatewayToken,
  parseInteger,
  parsePartitioner,
  parsePreset,
  parseTransport,
  parseWebSocket,
  type ResolvedCompression,
  resolveCompressionName,
} from "./option-values.js";
import { PRESETS, type PresetName, type PresetValues } from "./presets.js";
import { parseSasl, type ResolvedSasl, type SaslOptions } from "./sasl/sasl-option.js";
import { parseTls, type TlsOptions } from "./tls-option.js";
import type { TlsSettings, TransportConnector } from "./transport/transport.js";
import type { GatewayToken, WebSocketConstructor } from "./transport/websocket.js";

export type { CompressionCodec, CompressionName, ResolvedCompression } from "./option-values.js";
export type { PresetName } from "./presets.js";

/** Everything `createProducer` accepts under our own names. Only `bootstrap` is required. */
export interface ProducerOptions {
  /** "host:port" entries (a string may list several, comma-separated), or ws:// / wss:// URLs. */
  bootstrap: string | readonly string[];
  clientId?: string | undefined;
  acks?: "all" | -1 | 0 | 1 | "-1" | "0" | "1" | undefined;
  idempotent?: boolean | undefined;
  lingerMs?: number | undefined;
  batchBytes?: number | undefined;
  batchMessages?: number | undefined;
  maxInFlight?: number | undefined;
  deliveryTimeoutMs?: number | undefined;
  requestTimeoutMs?: number | undefined;
  retryBackoffMs?: number | undefined;
  retryBackoffMaxMs?: number | undefined;
  bufferBytes?: number | undefined;
  maxRequestBytes?: number | undefined;
  connectTimeoutMs?: number | undefined;
  metadataMaxAgeMs?: number | undefined;
  maxBlockMs?: number | undefined;
  allowAutoTopicCreation?: boolean | undefined;
  /**
   * In a page (where `document` exists): flush when the page is hidden or left
   * (visibilitychange to hidden, pagehide), the last moment a page is sure to run. Default true.
   */
  flushOnHide?: boolean | undefined;
  compression?: CompressionName | CompressionCodec | undefined;
  preset?: PresetName | undefined;
  transport?: TransportConnector | undefined;
  partitioner?: "default" | undefined;
  /** The WebSocket constructor for ws:// / wss:// bootstrap URLs; default the global one. */
  webSocket?: WebSocketConstructor | undefined;
  /** The gateway token (or a function that returns one per connect) for ws:// / wss:// URLs. */
  gatewayToken?: GatewayToken | undefined;
  /** SASL authentication of every broker connection: { mechanism, username, password }. */
  sasl?: SaslOptions | undefined;
  /**
   * TLS on every direct TCP connection: true (the runtime's CA roots) or { ca, servername }.
   * Certificates are always verified. Gateway URLs say it themselves: wss:// is TLS.
   */
  tls?: boolean | TlsOptions | undefined;
}

/** The Kafka-style names `resolveOptions` also accepts (kafka-keys.ts), typed for editors. */
export interface KafkaStyleOptions {
  "bootstrap.servers"?: string | readonly string[];
  "metadata.broker.list"?: string | readonly string[];
  "client.id"?: string;
  acks?: "all" | -1 | 0 | 1 | "-1" | "0" | "1";
  "request.required.acks"?: "all" | -1 | 0 | 1 | "-1" | "0" | "1";
  "enable.idempotence"?: boolean | "true" | "false";
  "linger.ms"?: number | string;
  "queue.buffering.max.ms"?: number | string;
  "batch.size"?: number | string;
  "batch.num.messages"?: number | string;
  "max.in.flight.requests.per.connection"?: number | string;
  "max.in.flight"?: number | string;
  "delivery.timeout.ms"?: number | string;
  "message.timeout.ms"?: number | string;
  "request.timeout.ms"?: number | string;
  "retry.backoff.ms"?: number | string;
  "retry.backoff.max.ms"?: number | string;
  "buffer.memory"?: number | string;
  "queue.buffering.max.kbytes"?: number | string;
  "max.request.size"?: number | string;
  "message.max.bytes"?: number | string;
  "socket.connection.setup.timeout.ms"?: number | string;
  "metadata.max.age.ms"?: number | string;
  "max.block.ms"?: number | string;
  "allow.auto.create.topics"?: boolean | "true" | "false";
  "compression.type"?: CompressionName | CompressionCodec;
  "compression.codec"?: CompressionName | CompressionCodec;
}

/** Every option with a plain value; what the rest of the producer reads. */
export interface ResolvedOptions {
  /**
   * The bootstrap entries as addresses (IPv6 hosts without brackets). A ws:// or wss:// entry
   * has the gateway's host and port and its URL in `url`.
   */
  readonly brokers: BootstrapAddress[];
  /** The ws:// and wss:// bootstrap entries, exactly as given. */
  readonly bootstrapUrls: string[];
  readonly clientId: string;
  /** -1 is "all". */
  readonly acks: -1 | 0 | 1;
  readonly idempotent: boolean;
  readonly lingerMs: number;
  readonly batchBytes: number;
  readonly batchMessages: number;
  readonly maxInFlight: number;
  readonly deliveryTimeoutMs: number;
  readonly requestTimeoutMs: number;
  readonly retryBackoffMs: number;
  readonly retryBackoffMaxMs: number;
  readonly bufferBytes: number;
  readonly maxRequestBytes: number;
  readonly connectTimeoutMs: number;
  readonly metadataMaxAgeMs: number;
  /** How long a record may wait for its topic's metadata before it fails (Java's max.block.ms). */
  readonly maxBlockMs: number;
  readonly allowAutoTopicCreation: boolean;
  readonly flushOnHide: boolean;
  /** `codec` is undefined for "none" and for a named codec nobody supplied yet. */
  readonly compression: ResolvedCompression;
  readonly preset: PresetName | undefined;
  readonly transport: TransportConnector | undefined;
  readonly partitioner: "default";
  readonly webSocket: WebSocketConstructor | undefined;
  /** A string token is kept inside a function, so printing the options cannot show it. */
  readonly gatewayToken: (() => string | Promise<string>) | undefined;
  /** The password is kept inside a function, like the gateway token. */
  readonly sasl: ResolvedSasl | undefined;
  /** Undefined: plain TCP. */
  readonly tls: TlsSettings | undefined;
}

/** The largest delay a timer can take everywhere (setTimeout fires at once beyond int32). */
const MAX_MS = 2_147_483_647;

/** Our option names and how each value is read; `loose` is true under a Kafka-style key. */
const OPTION_PARSERS = {
  bootstrap: parseBootstrap,
  clientId: parseClientId,
  acks: parseAcks,
  idempotent: parseBoolean,
  lingerMs: integer(0, 900_000, " milliseconds"),
  batchBytes: integer(0, MAX_MS, " bytes"),
  batchMessages: integer(1, 1_000_000, ""),
  maxInFlight: integer(1, 1000, ""),
  deliveryTimeoutMs: integer(1, MAX_MS, " milliseconds"),
  requestTimeoutMs: integer(1, MAX_MS, " milliseconds"),
  retryBackoffMs: integer(0, MAX_MS, " milliseconds"),
  retryBackoffMaxMs: integer(0, MAX_MS, " milliseconds"),
  bufferBytes: integer(1, Number.MAX_SAFE_INTEGER, " bytes"),
  maxRequestBytes: integer(1024, MAX_MS, " bytes"),
  connectTimeoutMs: integer(1, MAX_MS, " milliseconds"),
  metadataMaxAgeMs: integer(0, MAX_MS, " milliseconds"),
  maxBlockMs: integer(0, MAX_MS, " milliseconds"),
  allowAutoTopicCreation: parseBoolean,
  flushOnHide: parseBoolean,
  compression: parseCompression,
  preset: parsePreset,
  transport: parseTransport,
  partitioner: parsePartitioner,
  webSocket: parseWebSocket,
  gatewayToken: parseGatewayToken,
  sasl: parseSasl,
  tls: parseTls,
} satisfies { [name in keyof ProducerOptions]-?: Parser };

type Parser = (raw: unknown, key: string, loose: boolean, factor?: number) => unknown;
type OptionName = keyof typeof OPTION_PARSERS;

function integer(min: number, max: number, unit: string): Parser {
  return (raw, key, loose, factor = 1) =>
    factor === 1
      ? parseInteger(raw, key, loose, min, max, unit)
      : // A scaled key (queue.buffering.max.kbytes) is checked in its own unit, then scaled.
        factor *
        parseInteger(raw, key, loose, Math.ceil(min / factor), Math.floor(max / factor), " KiB");
}

/** The defaults of every option but `bootstrap`, in resolved form. */
export const OPTION_DEFAULTS = {
  clientId: "tributary",
  acks: -1,
  idempotent: true,
  lingerMs: 5,
  batchBytes: 16_384,
  batchMessages: 10_000,
  maxInFlight: 5,
  deliveryTimeoutMs: 120_000,
  requestTimeoutMs: 30_000,
  retryBackoffMs: 100,
  retryBackoffMaxMs: 1000,
  bufferBytes: 33_554_432,
  maxRequestBytes: 1_048_576,
  connectTimeoutMs: 10_000,
  metadataMaxAgeMs: 300_000,
  maxBlockMs: 60_000,
  allowAutoTopicCreation: true,
  flushOnHide: true,
  compression: "none",
  partitioner: "default",
} as const;

/** Kafka (ProducerConfig.java) allows at most 5 in flight with idempotence: the broker keeps
 * the last 5 batches per producer to detect duplicates (ProducerStateEntry). */
const MAX_IN_FLIGHT_IDEMPOTENT = 5;

/** What the caller wrote for one option: under which key, the raw value, and its parsed value. */
interface Given {
  key: string;
  raw: unknown;
  value: unknown;
}

/**
 * An option's effective value and where it came from. `label` names it in errors: the key the
 * caller used, else our option name; `origin` says why it has this value when the caller did
 * not set it.
 */
interface Setting<T> {
  value: T;
  source: "option" | "preset" | "default";
  label: string;
  origin: string;
}

/**
 * Checks every option and returns them resolved. Throws a ProducerError with code
 * INVALID_ARGUMENT naming the option (under the key the caller used), the rule and the value.
 * Keys whose value is `undefined` count as not given.
 */
export function resolveOptions(
  input: ProducerOptions | KafkaStyleOptions | Readonly<Record<string, unknown>>,
): ResolvedOptions {
  if (typeof input !== "object" || input === null || Array.isArray(input)) {
    throw invalidArgument("options", 'must be an object such as { bootstrap: "host:9092" }', input);
  }
  const given = collect(input as Readonly<Record<string, unknown>>);
  const bootstrap = given.get("bootstrap");
  if (bootstrap === undefined) {
    throw invalidArgument(
      "bootstrap",
      'is required: the brokers to start from, such as "127.0.0.1:9092" (Kafka-style: bootstrap.servers)',
      undefined,
    );
  }
  const presetName = given.get("preset")?.value as PresetName | undefined;
  const preset: PresetValues = presetName === undefined ? {} : PRESETS[presetName];

  function pick<T>(name: keyof typeof OPTION_DEFAULTS & OptionName): Setting<T> {
    const g = given.get(name);
    if (g !== undefined) return { value: g.value as T, source: "option", label: g.key, origin: "" };
    const p = preset[name as keyof PresetValues];
    if (p !== undefined) {
      const origin = `, from preset "${presetName}"`;
      return { value: p as T, source: "preset", label: name, origin };
    }
    const value = OPTION_DEFAULTS[name] as T;
    return { value, source: "default", label: name, origin: ", the default" };
  }

  const acks = pick<-1 | 0 | 1>("acks");
  const idempotent = pick<boolean>("idempotent");
  const maxInFlight = pick<number>("maxInFlight");
  const lingerMs = pick<number>("lingerMs");
  const requestTimeoutMs = pick<number>("requestTimeoutMs");
  const deliveryTimeoutMs = pick<number>("deliveryTimeoutMs");
  const maxRequestBytes = pick<number>("maxRequestBytes");
  const batchBytes = pick<number>("batchBytes");
  const compression = pick<ResolvedCompression | CompressionName>("compression");

  const { brokers, urls } = bootstrap.value as Bootstrap;
  const transport = given.get("transport")?.value as TransportConnector | undefined;
  checkGatewayOptions(given, urls, transport);
  const tls = given.get("tls");
  if (tls?.value !== undefined && urls.length > 0) {
    throw invalidArgument(
      tls.key,
      "applies to direct TCP connections; a gateway URL chooses TLS itself (wss://), and the gateway's own link to Kafka is set on the gateway (--upstream-tls)",
      tls.raw,
    );
  }
  return Object.freeze({
    brokers,
    bootstrapUrls: urls,
    clientId: pick<string>("clientId").value,
    acks: acks.value,
    idempotent: resolveIdempotence(idempotent, acks, maxInFlight),
    lingerMs: lingerMs.value,
    batchBytes: resolveBatchBytes(batchBytes, maxRequestBytes),
    batchMessages: pick<number>("batchMessages").value,
    maxInFlight: maxInFlight.value,
    deliveryTimeoutMs: resolveDeliveryTimeout(deliveryTimeoutMs, lingerMs, requestTimeoutMs),
    requestTimeoutMs: requestTimeoutMs.value,
    // retryBackoffMs above retryBackoffMaxMs is allowed: like Java (KIP-580) the backoff is then
    // a constant retryBackoffMaxMs, which min(max, base * 2^n) yields without a special case.
    retryBackoffMs: pick<number>("retryBackoffMs").value,
    retryBackoffMaxMs: pick<number>("retryBackoffMaxMs").value,
    bufferBytes: pick<number>("bufferBytes").value,
    maxRequestBytes: maxRequestBytes.value,
    connectTimeoutMs: pick<number>("connectTimeoutMs").value,
    metadataMaxAgeMs: pick<number>("metadataMaxAgeMs").value,
    maxBlockMs: pick<number>("maxBlockMs").value,
    allowAutoTopicCreation: pick<boolean>("allowAutoTopicCreation").value,
    flushOnHide: pick<boolean>("flushOnHide").value,
    compression:
      typeof compression.value === "string"
        ? resolveCompressionName(compression.value)
        : compression.value,
    preset: presetName,
    transport,
    partitioner: pick<"default">("partitioner").value,
    webSocket: given.get("webSocket")?.value as WebSocketConstructor | undefined,
    gatewayToken: given.get("gatewayToken")?.value as (() => string | Promise<string>) | undefined,
    sasl: given.get("sasl")?.value as ResolvedSasl | undefined,
    tls: given.get("tls")?.value as TlsSettings | undefined,
  });
}

/**
 * webSocket and gatewayToken configure the WebSocket transport the producer builds for gateway
 * URLs. Anywhere else they would do nothing — a token that is silently not sent is worse than
 * an error — so they are refused.
 */
function checkGatewayOptions(
  given: Map<OptionName, Given>,
  urls: readonly string[],
  transport: TransportConnector | undefined,
): void {
  for (const name of ["webSocket", "gatewayToken"] as const) {
    const g = given.get(name);
    if (g === undefined) continue;
    const shown = name === "gatewayToken" ? describeSecret(g.raw) : describeValue(g.raw);
    let rule: string | undefined;
    if (urls.length === 0) {
      rule = "applies only to ws:// or wss:// gateway URLs in bootstrap, and bootstrap has none";
    } else if (transport !== undefined) {
      rule = `is not used when transport is given; pass ${name === "webSocket" ? "WebSocket" : "token"} to webSocketConnector instead`;
    }
    if (rule !== undefined) {
      throw new ProducerError(
        ProducerErrorCode.InvalidArgument,
        `${g.key}: ${rule}; received ${shown}`,
      );
    }
  }
}

/**
 * Throws if the options name a codec (by string) that nobody supplied: codecs live in
 * @tributary/codecs, one entry point each, so that an application ships only the codec it
 * imports, and a name alone cannot load one. The producer calls this when it is created.
 */
export function requireCodec(options: ResolvedOptions): void {
  const { name, id, codec } = options.compression;
  if (id === 0 || codec !== undefined) return;
  const preset = options.preset;
  const from =
    preset !== undefined && PRESETS[preset].compression === name
      ? ` (from preset "${preset}")`
      : "";
  throw invalidArgument(
    "compression",
    `"${name}"${from} needs its codec: import it from @tributary/codecs/${name} and pass it as compression, or set compression to "none"`,
    name,
  );
}

/** Reads every key once: our names, Kafka-style names; refuses unknown keys and conflicts. */
function collect(input: Readonly<Record<string, unknown>>): Map<OptionName, Given> {
  const given = new Map<OptionName, Given>();
  for (const key of Object.keys(input)) {
    const raw = input[key];
    if (raw === undefined) continue;
    let option: OptionName;
    let value: unknown;
    if (Object.hasOwn(OPTION_PARSERS, key)) {
      option = key as OptionName;
      value = OPTION_PARSERS[option](raw, key, false);
    } else if (Object.hasOwn(KAFKA_KEYS, key)) {
      const mapping = KAFKA_KEYS[key]!;
      option = mapping.option;
      value = (OPTION_PARSERS[option] as Parser)(raw, key, true, mapping.factor);
    } else if (Object.hasOwn(UNSUPPORTED_KAFKA_KEYS, key)) {
      throw refuseKey(key, UNSUPPORTED_KAFKA_KEYS[key]!, raw, SECRET_KEY.test(key));
    } else {
      const near = nearestKey(key);
      const hint = near === undefined ? "" : ` (did you mean "${near}"?)`;
      const secret = SECRET_KEY.test(key) || near === "gatewayToken";
      throw refuseKey(key, `is not a known producer option${hint}`, raw, secret);
    }
    const earlier = given.get(option);
    if (earlier === undefined) {
      given.set(option, { key, raw, value });
    } else if (comparable(earlier.value) !== comparable(value)) {
      throw new ProducerError(
        ProducerErrorCode.InvalidArgument,
        `${key}: names the same option as ${earlier.key} with a different value; set it once; ` +
          `received ${describeValue(raw)}, while ${earlier.key} is ${describeValue(earlier.raw)}`,
      );
    }
  }
  return given;
}

/** Keys whose values are likely secrets (sasl.jaas.config, a token under another name, …). */
const SECRET_KEY = /tok(?:e)?n|secret|passw|jwt|jaas|credential|auth|bearer|sasl/i;

/** An unknown or unsupported key; its value is not shown when it may be a secret. */
function refuseKey(key: string, rule: string, raw: unknown, secret: boolean): ProducerError {
  if (!secret) return invalidArgument(key, rule, raw);
  return new ProducerError(
    ProducerErrorCode.InvalidArgument,
    `${key}: ${rule}; received ${describeSecret(raw)}`,
  );
}

/** A value that is === for two spellings of the same setting ("5" and 5 parse alike). */
function comparable(value: unknown): unknown {
  if (typeof value !== "object" || value === null) return value;
  if ("brokers" in value) return JSON.stringify(value);
  const compression = value as ResolvedCompression;
  return compression.codec ?? compression.name;
}

/**
 * Kafka's rules (ProducerConfig.postProcessAndValidateIdempotenceConfigs): idempotence needs
 * acks=all and at most 5 requests in flight. Idempotence that is only the default gives way
 * quietly to acks 0 or 1; idempotence the caller asked for (directly or through a preset)
 * conflicting with them is an error. More than 5 in flight with idempotence on is an error even
 * when idempotence is the default, as in Java 4.x (3.x turned it off with a warning).
 */
function resolveIdempotence(
  idempotent: Setting<boolean>,
  acks: Setting<-1 | 0 | 1>,
  maxInFlight: Setting<number>,
): boolean {
  if (!idempotent.value) return false;
  if (acks.value !== -1) {
    if (idempotent.source === "default") return false;
    throw invalidArgument(
      idempotent.label,
      `requires acks "all" (-1), but ${acks.label} is ${acks.value}${acks.origin}; set acks to "all" or turn idempotence off`,
      true,
    );
  }
  if (maxInFlight.value > MAX_IN_FLIGHT_IDEMPOTENT) {
    const why =
      idempotent.source === "default"
        ? "idempotence is on by default"
        : `${idempotent.label} is true${idempotent.origin}`;
    throw invalidArgument(
      maxInFlight.label,
      `must be at most ${MAX_IN_FLIGHT_IDEMPOTENT} while idempotence is on (${why}; set idempotent to false to allow more)`,
      maxInFlight.value,
    );
  }
  return true;
}

/**
 * No request can carry a batch larger than maxRequestBytes. Java accepts batch.size above
 * max.request.size and silently caps it; we refuse it when the caller chose both numbers, and
 * cap a default or preset batch size (so a small maxRequestBytes works with any preset).
 */
function resolveBatchBytes(batchBytes: Setting<number>, maxRequestBytes: Setting<number>): number {
  if (batchBytes.value <= maxRequestBytes.value) return batchBytes.value;
  if (batchBytes.source !== "option") return maxRequestBytes.value;
  throw invalidArgument(
    batchBytes.label,
    `must be at most ${maxRequestBytes.label} (${maxRequestBytes.value}${maxRequestBytes.origin}): no request can carry a larger batch`,
    batchBytes.value,
  );
}

/**
 * A record may wait lingerMs and then a whole request, so delivery must be allowed at least that
 * long (KafkaProducer.configureDeliveryTimeout): an explicit smaller value is an error, a default
 * or preset value is raised to the sum, as Java does.
 */
function resolveDeliveryTimeout(
  delivery: Setting<number>,
  linger: Setting<number>,
  request: Setting<number>,
): number {
  const least = linger.value + request.value;
  if (delivery.value >= least) return delivery.value;
  if (delivery.source !== "option") return Math.min(least, MAX_MS);
  throw invalidArgument(
    delivery.label,
    `must be at least ${linger.label} + ${request.label} (${linger.value} + ${request.value} = ${least})`,
    delivery.value,
  );
}

/** Every key we know, for "did you mean" hints. */
const KNOWN_KEYS = [
  ...Object.keys(OPTION_PARSERS),
  ...Object.keys(KAFKA_KEYS),
  ...Object.keys(UNSUPPORTED_KAFKA_KEYS),
];

/** The known option name closest to a mistyped one, if any is close (see nearestName). */
export function nearestKey(key: string): string | undefined {
  return nearestName(key, KNOWN_KEYS);
}
