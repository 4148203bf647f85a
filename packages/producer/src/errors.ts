import { TributaryError, type TributaryErrorOptions } from "@tributary/protocol";

/**
 * Stable codes for the producer's own errors (Kafka's broker errors are KafkaError, named by
 * Kafka). Branch on `code`, never on the message.
 */
export const ProducerErrorCode = {
  /** An option or argument broke a rule: the message names the field, the rule and the value. */
  InvalidArgument: "INVALID_ARGUMENT",
  /** A topic name Kafka would refuse (empty, too long, illegal characters, "." or ".."). */
  InvalidTopic: "INVALID_TOPIC",
  /** One record, alone in a batch, would exceed maxRequestBytes. */
  RecordTooLarge: "RECORD_TOO_LARGE",
  /** bufferBytes are taken by records not yet delivered. */
  QueueFull: "QUEUE_FULL",
  /** produce() after close() began. */
  ProducerClosed: "PRODUCER_CLOSED",
  /**
   * The record was not acknowledged within deliveryTimeoutMs, and it was not written: every
   * request that carried it was answered by the broker without writing it, or none was sent.
   */
  DeliveryTimeout: "DELIVERY_TIMEOUT",
  /**
   * The record was not acknowledged within deliveryTimeoutMs, and a request that carried it got
   * no answer (the connection was lost or the request timed out), so the broker may have written
   * it: it is on the topic at most once, or not at all. The Java client reports both cases as one
   * TimeoutException ("may or may not have been written"); we keep them apart so that a failure
   * that is not ambiguous can be trusted to mean "not written".
   */
  OutcomeUnknown: "OUTCOME_UNKNOWN",
  /** No TCP/WebSocket connection could be made to a broker. */
  ConnectionFailed: "CONNECTION_FAILED",
  /** An open connection was lost with requests in flight. */
  ConnectionClosed: "CONNECTION_CLOSED",
  /** A broker did not answer a request within requestTimeoutMs. */
  RequestTimeout: "REQUEST_TIMEOUT",
  /** None of the bootstrap brokers could be reached within the time allowed. */
  BootstrapUnreachable: "BOOTSTRAP_UNREACHABLE",
  /** The topic does not exist and the broker will not create it. */
  UnknownTopic: "UNKNOWN_TOPIC",
  /** The idempotent producer lost its id/epoch to a newer producer or an unrecoverable state. */
  ProducerFenced: "PRODUCER_FENCED",
  /**
   * A Tributary gateway refused a request by policy (a topic or API it does not allow, a frame
   * too big, a text frame) and closed the WebSocket: GatewayRefusedError.
   */
  GatewayRefused: "GATEWAY_REFUSED",
  /**
   * SASL authentication failed: the broker refused our credentials, or the conversation broke a
   * rule of the mechanism (a SCRAM server's nonce, iterations or signature). Not retriable: the
   * same credentials would be refused again. The message names the mechanism and the rule, never
   * the password or anything derived from it.
   */
  AuthenticationFailed: "AUTHENTICATION_FAILED",
  /**
   * The durable queue was full and its policy is drop-oldest: this record, the oldest not yet
   * acknowledged, was removed to make room for a newer one. It may still have landed if a
   * request carrying it was already on its way.
   */
  RecordDropped: "RECORD_DROPPED",
  /** The record waited in the durable queue longer than its maxAgeMs and was removed unsent. */
  RecordExpired: "RECORD_EXPIRED",
  /** The durable queue's storage (IndexedDB) refused a read or write, e.g. over its quota. */
  StorageFailed: "STORAGE_FAILED",
} as const;
export type ProducerErrorCode = (typeof ProducerErrorCode)[keyof typeof ProducerErrorCode];

export class ProducerError extends TributaryError {
  declare readonly code: ProducerErrorCode;

  constructor(code: ProducerErrorCode, message: string, options?: TributaryErrorOptions) {
    super(code, message, options);
  }
}

/**
 * A Tributary gateway closed the WebSocket because of what we sent: 1008 (policy: an API or a
 * topic it does not allow, a bad size prefix), 1009 (a message larger than it takes) or 1003 (a
 * text frame). Sending the same again would be refused again, so it is not retriable. `topic` is
 * the topic the gateway named, when it named one: the producer then fails only that topic's
 * records and carries on with the others.
 */
export class GatewayRefusedError extends ProducerError {
  declare readonly code: typeof ProducerErrorCode.GatewayRefused;
  /** The WebSocket close code (RFC 6455 section 7.4.1). */
  readonly closeCode: number;
  /** The gateway's close reason, as it sent it ("" when it gave none). */
  readonly reason: string;
  /** The refused topic, parsed from the reason; undefined when the reason names none. */
  readonly topic: string | undefined;

  constructor(closeCode: number, reason: string, where: string) {
    const why = reason === "" ? "no reason given" : reason;
    super(
      ProducerErrorCode.GatewayRefused,
      `gateway ${where} refused our request and closed the WebSocket with ${closeCode} (${CLOSE_CODE_NAMES[closeCode] ?? "refused"}): ${why}`,
    );
    this.closeCode = closeCode;
    this.reason = reason;
    this.topic = refusedTopic(reason);
  }
}

/** Names of the close codes a gateway sends (RFC 6455 section 7.4.1, IANA registry). */
export const CLOSE_CODE_NAMES: Readonly<Record<number, string>> = {
  1000: "normal closure",
  1001: "going away",
  1003: "unsupported data",
  1006: "abnormal closure, no close frame",
  1008: "policy violation",
  1009: "message too big",
  1011: "internal error",
  1014: "bad gateway",
};

/**
 * The topic in a gateway's refusal reason. The gateway writes it JSON-quoted, as in
 * `topic "orders" is not allowed`, so any name (quotes and backslashes included) reads back
 * exactly; a reason without that shape names no topic.
 */
function refusedTopic(reason: string): string | undefined {
  const m = /topic "((?:[^"\\]|\\.)*)"/.exec(reason);
  if (m === null) return undefined;
  try {
    const name: unknown = JSON.parse(`"${m[1]}"`);
    return typeof name === "string" ? name : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The GatewayRefusedError behind an error, if any. A refusal closes the connection, so the
 * requests in flight on it fail with CONNECTION_CLOSED whose `cause` (perhaps a few levels
 * down) is the refusal.
 */
export function gatewayRefusalOf(error: unknown): GatewayRefusedError | undefined {
  let e = error;
  for (let depth = 0; depth < 8 && e instanceof Error; depth++) {
    if (e instanceof GatewayRefusedError) return e;
    e = e.cause;
  }
  return undefined;
}

/** The error for an option or argument that broke a rule: field, rule, and what was received. */
/** What produce() answers once close() has begun. */
export function producerClosed(): ProducerError {
  return new ProducerError(
    ProducerErrorCode.ProducerClosed,
    "produce() after close(): the producer is closed",
  );
}

export function invalidArgument(field: string, rule: string, received: unknown): ProducerError {
  return new ProducerError(
    ProducerErrorCode.InvalidArgument,
    `${field}: ${rule}; received ${describeValue(received)}`,
  );
}

/** How a secret that broke a rule is shown: its kind and length, never its characters. */
export function describeSecret(value: unknown): string {
  if (typeof value === "string") {
    return `a string of ${value.length} characters (not shown: it is a secret)`;
  }
  return typeof value === "function" ? "a function" : describeValue(value);
}

/** A short rendering of a received value (never dumps a large buffer or a secret-sized string). */
export function describeValue(value: unknown): string {
  if (typeof value === "string") {
    return value.length > 80 ? `a string of ${value.length} characters` : JSON.stringify(value);
  }
  if (typeof value === "bigint") return `${value}n`;
  if (value instanceof Uint8Array) return `${value.constructor.name}(${value.length})`;
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (value === null || value === undefined) return String(value);
  // Never a function's source: it could hold anything, a token included.
  if (typeof value === "function")
    return value.name === "" ? "a function" : `a function (${value.name})`;
  if (typeof value === "object") return `an object (${value.constructor?.name ?? "no prototype"})`;
  return String(value);
}
