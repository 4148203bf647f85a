/**
 * The memory part's sizes: the records it produces, the buffer it produces them through, the
 * full and --short runs, and the broker quota that keeps the buffer full (faults/memory.ts).
 */
import { MIB } from "./rss.js";

export const BUFFER_BYTES = 32 * MIB;
export const PARTITIONS = 6;
/** Length of every value: a JSON object padded to this many ASCII characters (= bytes). */
export const VALUE_BYTES = 100;
/**
 * What one such record takes inside a RecordBatch on the wire: the value, a 2-byte length, 1
 * attributes byte, timestamp and offset deltas (1-3 bytes each), a null key and no headers
 * (1 byte each), plus its share of the 61-byte batch header. Measured from producer.stats
 * (meanBatchBytes / meanBatchRecords): 110.0 B.
 */
export const WIRE_BYTES_PER_RECORD = 110;
/**
 * What the producer charges one such record against bufferBytes (batch.ts bufferCharge): its
 * size estimate (36 + value) plus RECORD_HEAP_BYTES (350) for the heap a queued record holds.
 */
export const BUFFER_ESTIMATE_PER_RECORD = 36 + VALUE_BYTES + 350;

export interface Size {
  records: number;
  warmupRecords: number;
  /** The run's target length: the quota is records × wire bytes / this. */
  targetSeconds: number;
  /** Hard limit for producing + flushing; the part fails past it. */
  limitSeconds: number;
  /** How often live memory is measured with a forced full GC (a ~0.1-0.3 s pause each). */
  liveEverySeconds: number;
}

export const FULL: Size = {
  records: 5_000_000,
  warmupRecords: 50_000,
  targetSeconds: 180,
  limitSeconds: 480,
  liveEverySeconds: 20,
};
export const SHORT: Size = {
  records: 600_000,
  warmupRecords: 20_000,
  targetSeconds: 25,
  limitSeconds: 120,
  liveEverySeconds: 5,
};

/**
 * The quota. The broker lets through about this many bytes a second, so the run takes about
 * targetSeconds; a full buffer (32 MiB / 486 B = 69,042 records ≈ 7.6 MB on the wire) then
 * drains in bufferWire / quota seconds, which must stay well under deliveryTimeoutMs (120 s) or
 * records would expire in the buffer: 2.5 s full, 3 s short. Measured throughput matched the
 * quota within 1%.
 */
export function quotaFor(size: Size): number {
  return Math.round((size.records * WIRE_BYTES_PER_RECORD) / size.targetSeconds);
}
