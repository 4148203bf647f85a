import type { RecordHeader, TributaryError } from "@tributary/protocol";
import type { DeliveryReceipt } from "./receipt.js";

/**
 * One accepted record waiting for delivery. Its fields double as the protocol's RecordInput, so a
 * batch's records go to the encoder without being copied.
 */
export interface QueuedRecord {
  key: Uint8Array | null;
  value: Uint8Array | null;
  headers: RecordHeader[];
  timestamp: number;
  receipt: DeliveryReceipt;
  /** Bytes counted against bufferBytes (an upper-bound estimate of its encoded size). */
  size: number;
  /** The flush generation it was produced in (see Producer.flush). */
  gen: number;
}

/**
 * JS heap a queued record holds beyond its bytes: the record, its receipt and a callback. Measured
 * on Node 20 (V8): 354 B per record, 200,000 records queued, heap after a full GC. Charged
 * against bufferBytes with the record's size, so bufferBytes bounds memory rather than wire
 * bytes: counting only the encoded size let 32 MiB queue ~250,000 small records (~120 MB of
 * heap), which cost throughput to garbage collection and added a second of queueing latency
 * (bench W1: 264-353k records/s, p50 600-800 ms; with the same queue in records as this charge
 * gives, 380-410k records/s, p50 115-130 ms).
 */
export const RECORD_HEAP_BYTES = 350;

/** What a record of `size` encoded bytes takes from bufferBytes. */
export function bufferCharge(size: number): number {
  return size + RECORD_HEAP_BYTES;
}

/** Fixed bytes of a RecordBatch v2 header (DefaultRecordBatch.RECORD_BATCH_OVERHEAD). */
export const BATCH_OVERHEAD = 61;

/**
 * Upper bound of one record's encoded size inside a batch: the length varint, attributes,
 * timestamp and offset deltas, key, value, header count and headers, each with its varint
 * length (at most 5 bytes each; deltas counted at 5 and 10). Header keys are counted at 3 bytes
 * a UTF-16 unit, the most UTF-8 can take. See DefaultRecord.sizeInBytes in Kafka.
 */
export function estimateRecordSize(
  key: Uint8Array | null,
  value: Uint8Array | null,
  headers: readonly RecordHeader[],
): number {
  let n = 5 + 1 + 10 + 5 + 5 + (key?.length ?? 0) + 5 + (value?.length ?? 0) + 5;
  for (let i = 0; i < headers.length; i++) {
    const h = headers[i]!;
    n += 10 + h.key.length * 3 + (h.value?.length ?? 0);
  }
  return n;
}

/** A producer batch: records for one topic-partition, sent and retried as one unit. */
export class ProducerBatch {
  readonly topic: string;
  readonly partition: number;
  readonly records: QueuedRecord[] = [];
  /** Sum of the records' size estimates: the uncompressed records section is at most this. */
  bytes = 0;
  readonly createdAt: number;
  /** No more appends: full, lingered out, flushed, or drained. */
  closed = false;

  /**
   * Position among its partition's batches, counting up as batches open and never wrapping:
   * retries are put back in this order (sequence numbers wrap at 2^31, so they cannot decide it).
   */
  order = 0;
  /** Times sent; 0 until first drained. */
  attempts = 0;
  /** Not to be sent again before this time (retry backoff). */
  retryAt = 0;
  inFlight = false;
  sentAt = 0;
  /** Idempotence: assigned on first drain and kept across retries, so the broker can dedupe. */
  baseSequence = -1;
  producerId: bigint = -1n;
  producerEpoch = -1;
  /** Encoded RecordBatch kept for retries; dropped if the producer id/epoch/sequence change. */
  encoded: Uint8Array | undefined = undefined;
  /** Bytes of the records before compression, for the compression ratio. */
  uncompressedBytes = 0;
  /** Why the last attempt failed, while the batch waits to be sent again (a delivery timeout names it). */
  lastError: TributaryError | undefined = undefined;
  /**
   * A request carrying this batch ended with no answer from the broker (the connection closed or
   * the request timed out): the broker may have written it. If its delivery time then runs out
   * before a retry settles that (idempotence makes a retry answer "already written"), the records
   * fail with OUTCOME_UNKNOWN instead of DELIVERY_TIMEOUT, which promises they were not written.
   */
  maybeWritten = false;

  constructor(topic: string, partition: number, createdAt: number) {
    this.topic = topic;
    this.partition = partition;
    this.createdAt = createdAt;
  }

  get recordCount(): number {
    return this.records.length;
  }
}
