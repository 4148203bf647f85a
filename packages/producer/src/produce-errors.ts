import {
  isRetriableCode,
  KafkaError,
  kafkaErrorFromCode,
  type ProduceResponsePartition,
  type TributaryError,
} from "@tributary/protocol";
import type { ProducerBatch } from "./batch.js";

export const BatchOutcome = {
  Delivered: "delivered",
  Retry: "retry",
  PartialRetry: "partial-retry",
  Failed: "failed",
} as const;

export type Outcome =
  | { kind: "delivered"; baseOffset: bigint | undefined }
  | {
      kind: "retry";
      /** The broker's error; sequence errors are not retriable by Kafka's table but are here. */
      error: TributaryError;
      refreshMetadata: boolean;
      bumpEpoch: boolean;
    }
  | { kind: "partial-retry"; failed: Map<number, TributaryError>; error: TributaryError }
  | { kind: "failed"; error: TributaryError };

// Kafka error codes the sender treats specially (Errors.java).
const UNKNOWN_TOPIC_OR_PARTITION = 3;
const LEADER_NOT_AVAILABLE = 5;
const NOT_LEADER_OR_FOLLOWER = 6;
const OUT_OF_ORDER_SEQUENCE_NUMBER = 45;
const DUPLICATE_SEQUENCE_NUMBER = 46;
const INVALID_PRODUCER_EPOCH = 47;
const KAFKA_STORAGE_ERROR = 56;
const UNKNOWN_PRODUCER_ID = 59;
const INVALID_RECORD = 87;

/** Errors after which our view of the partition's leader is stale (Java: InvalidMetadataException). */
const STALE_METADATA = new Set([
  UNKNOWN_TOPIC_OR_PARTITION,
  LEADER_NOT_AVAILABLE,
  NOT_LEADER_OR_FOLLOWER,
  KAFKA_STORAGE_ERROR,
]);

/**
 * What to do with a batch given its partition's answer, following Kafka's Sender.completeBatch and
 * TransactionManager for idempotent producers:
 * - NONE: delivered. DUPLICATE_SEQUENCE_NUMBER also means the broker already has the batch, so
 *   it is delivered too (its offset is then unknown unless the broker sent it).
 * - Retriable errors: sent again after backoff, refreshing metadata first when the leader moved.
 * - OUT_OF_ORDER_SEQUENCE_NUMBER: if a lower sequence of the partition is still unresolved, the
 *   gap is ours (that batch failed and will be resent first), so this one is simply retried;
 *   otherwise broker and producer disagree and the epoch is bumped, which restarts sequences
 *   (KIP-360). UNKNOWN_PRODUCER_ID and INVALID_PRODUCER_EPOCH likewise bump and retry: the
 *   broker did not write the batch, so sending it under the new epoch cannot duplicate it.
 * - INVALID_RECORD with per-record errors (KIP-467): only the named records fail; the rest of
 *   the batch is sent again, so one bad record does not take good ones down with it.
 * - Anything else fails the batch with the Kafka error.
 */
export function classifyPartitionError(
  p: ProduceResponsePartition,
  batch: ProducerBatch,
  sequence: { earlierUnresolved: boolean },
): Outcome {
  const code = p.errorCode;
  if (code === 0) return { kind: BatchOutcome.Delivered, baseOffset: p.baseOffset };
  const context = {
    topic: batch.topic,
    partition: batch.partition,
    operation: "Produce",
    brokerMessage: p.errorMessage,
  };
  const error = kafkaErrorFromCode(code, context);
  if (code === DUPLICATE_SEQUENCE_NUMBER) {
    return {
      kind: BatchOutcome.Delivered,
      baseOffset: p.baseOffset >= 0n ? p.baseOffset : undefined,
    };
  }
  if (batch.baseSequence >= 0) {
    if (code === OUT_OF_ORDER_SEQUENCE_NUMBER) {
      return retry(error, false, !sequence.earlierUnresolved);
    }
    if (code === UNKNOWN_PRODUCER_ID || code === INVALID_PRODUCER_EPOCH) {
      return retry(error, false, true);
    }
  }
  if (code === INVALID_RECORD && p.recordErrors.length > 0) {
    const failed = new Map<number, TributaryError>();
    for (const e of p.recordErrors) {
      failed.set(
        e.batchIndex,
        new KafkaError(code, {
          ...context,
          brokerMessage: e.batchIndexErrorMessage ?? p.errorMessage,
        }),
      );
    }
    return { kind: BatchOutcome.PartialRetry, failed, error };
  }
  if (isRetriableCode(code)) return retry(error, STALE_METADATA.has(code), false);
  return { kind: BatchOutcome.Failed, error };
}

function retry(error: TributaryError, refreshMetadata: boolean, bumpEpoch: boolean): Outcome {
  return { kind: BatchOutcome.Retry, error, refreshMetadata, bumpEpoch };
}
