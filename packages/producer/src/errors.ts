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
  /** The record was not acknowledged within deliveryTimeoutMs. */
  DeliveryTimeout: "DELIVERY_TIMEOUT",
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
} as const;
export type ProducerErrorCode = (typeof ProducerErrorCode)[keyof typeof ProducerErrorCode];

export class ProducerError extends TributaryError {
  declare readonly code: ProducerErrorCode;

  constructor(code: ProducerErrorCode, message: string, options?: TributaryErrorOptions) {
    super(code, message, options);
  }
}

/** The error for an option or argument that broke a rule: field, rule, and what was received. */
export function invalidArgument(field: string, rule: string, received: unknown): ProducerError {
  return new ProducerError(
    ProducerErrorCode.InvalidArgument,
    `${field}: ${rule}; received ${describeValue(received)}`,
  );
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
  if (typeof value === "object") return `an object (${value.constructor?.name ?? "no prototype"})`;
  return String(value);
}
