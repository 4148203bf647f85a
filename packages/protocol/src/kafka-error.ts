import { errorByCode, type KafkaErrorName } from "./error-codes.js";
import { TributaryError } from "./errors.js";

/**
 * Kafka error codes turned into errors a user can act on. The facts (name, retriable) come from
 * the table generated from Kafka's Errors.java (error-codes.ts); the text is ours, installed with
 * useErrorDescriptions (error-descriptions.ts), or else the code's name, number and Kafka's page.
 */

/** Prefix of the `code` given to error numbers that are not in the table. */
export const UNKNOWN_KAFKA_ERROR_PREFIX = "UNKNOWN_KAFKA_ERROR_";

/** The `code` string of a KafkaError: a Kafka error name, or the form used for unknown numbers. */
export type KafkaErrorCodeName = KafkaErrorName | `${typeof UNKNOWN_KAFKA_ERROR_PREFIX}${number}`;

/** Where the error happened and what the broker said, all optional. */
export interface KafkaErrorContext {
  /** The per-partition or top-level error message from the response, when the broker sent one. */
  brokerMessage?: string | null | undefined;
  topic?: string | undefined;
  partition?: number | undefined;
  /** Free-form: the request or step that failed, e.g. "Produce v11" or "SaslAuthenticate". */
  operation?: string | undefined;
  cause?: unknown;
}

/**
 * An error code a broker returned. `code` is Kafka's name for it (e.g. "NOT_LEADER_OR_FOLLOWER"),
 * `kafkaCode` the number on the wire, `retriable` Kafka's own verdict on whether the same request
 * can succeed when sent again, and `message` the code's description (see useErrorDescriptions)
 * followed by the context given.
 */
export class KafkaError extends TributaryError {
  declare readonly code: KafkaErrorCodeName;
  declare readonly kafkaCode: number;
  /** The broker's own text, verbatim, when the response carried one (often names the record). */
  readonly brokerMessage: string | undefined;
  readonly topic: string | undefined;
  readonly partition: number | undefined;
  readonly operation: string | undefined;

  constructor(kafkaCode: number, context: KafkaErrorContext = {}) {
    const info = errorByCode(kafkaCode);
    const brokerMessage = context.brokerMessage ?? undefined;
    super(
      errorName(kafkaCode),
      withContext(info?.message ?? unknownCodeMessage(kafkaCode), context, brokerMessage),
      {
        retriable: info?.retriable ?? false,
        kafkaCode,
        ...(context.cause === undefined ? {} : { cause: context.cause }),
      },
    );
    this.brokerMessage = brokerMessage;
    this.topic = context.topic;
    this.partition = context.partition;
    this.operation = context.operation;
  }
}

/**
 * The error for a code from a response. Code 0 (NONE) also yields an error object, named "NONE";
 * callers check for 0 before asking, as only they know whether success needs an error.
 */
export function kafkaErrorFromCode(code: number, context?: KafkaErrorContext): KafkaError {
  return new KafkaError(code, context);
}

/** Whether Kafka classes the code as retriable. Codes missing from the table are not retriable. */
export function isRetriableCode(code: number): boolean {
  return errorByCode(code)?.retriable ?? false;
}

/**
 * Kafka's name for a code, or `UNKNOWN_KAFKA_ERROR_<n>` (e.g. "UNKNOWN_KAFKA_ERROR_150",
 * "UNKNOWN_KAFKA_ERROR_-7") when the code is not in the table.
 *
 * Why unknown codes get their own name instead of being folded into UNKNOWN_SERVER_ERROR, as
 * Kafka's Java client does (`Errors.forCode`): a newer broker may send a code added after the
 * Kafka release our table comes from, and keeping the number in the name lets a user look it up
 * and branch on it. They are treated as not retriable, like Java's fallback, because resending a
 * request whose failure we cannot classify could repeat a non-idempotent effect forever.
 */
export function errorName(code: number): KafkaErrorCodeName {
  return errorByCode(code)?.name ?? `${UNKNOWN_KAFKA_ERROR_PREFIX}${code}`;
}

function unknownCodeMessage(code: number): string {
  return (
    `The broker answered with error code ${code}, which is not among the Kafka error codes this ` +
    "client knows: the broker may be newer than the client, or the response was misread. " +
    "It is treated as not retriable."
  );
}

/** Our message, then where it happened, then the broker's own words. */
function withContext(
  message: string,
  context: KafkaErrorContext,
  brokerMessage: string | undefined,
): string {
  const where: string[] = [];
  if (context.operation !== undefined) where.push(context.operation);
  if (context.topic !== undefined) where.push(`topic ${JSON.stringify(context.topic)}`);
  if (context.partition !== undefined) where.push(`partition ${context.partition}`);
  let text = message;
  if (where.length > 0) text += ` [${where.join(", ")}]`;
  if (brokerMessage !== undefined && brokerMessage !== "") {
    text += ` Broker says: ${brokerMessage}`;
  }
  return text;
}
