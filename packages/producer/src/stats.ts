import type { DurableStatsSnapshot } from "./durable/durable-stats.js";
import { SnapshotListeners } from "./snapshot-listeners.js";

/** A point-in-time view of the producer, replaced (never mutated) on every change. */
export interface ProducerStatsSnapshot {
  /** Records accepted by produce() and not yet completed (queued, in flight, or awaiting retry). */
  readonly queuedRecords: number;
  /** Bytes those records hold against bufferBytes. */
  readonly queuedBytes: number;
  /** Produce requests sent and not yet answered, over all connections. */
  readonly inFlightRequests: number;
  readonly delivered: number;
  readonly failed: number;
  /** Batches sent again after a retriable error. */
  readonly retries: number;
  readonly batchesSent: number;
  /** Mean records per batch sent. */
  readonly meanBatchRecords: number;
  /** Mean bytes per batch sent (after compression). */
  readonly meanBatchBytes: number;
  /** Uncompressed record bytes / bytes on the wire, over all batches (1 without compression). */
  readonly compressionRatio: number;
  /** Time from sending the last answered Produce request to its answer. */
  readonly lastAckLatencyMs: number | undefined;
  /** The durable queue's figures, for a producer made by createDurableProducer(). */
  readonly durable?: DurableStatsSnapshot;
}

export type StatsListener = (stats: ProducerStatsSnapshot) => void;

/**
 * The producer's counters, with the same subscribe contract as a receipt: listeners get the
 * current snapshot at once and a new one after changes. Changes made in one burst (a whole
 * batch completing) are coalesced into one notification per microtask, so per-record updates
 * cost nothing when nobody listens and one call per burst when someone does.
 */
export class ProducerStats {
  queuedRecords = 0;
  queuedBytes = 0;
  inFlightRequests = 0;
  delivered = 0;
  failed = 0;
  retries = 0;
  batchesSent = 0;
  #recordsSent = 0;
  #bytesSent = 0;
  #uncompressedBytes = 0;
  lastAckLatencyMs: number | undefined = undefined;

  #snapshot: ProducerStatsSnapshot | undefined = undefined;
  readonly #listeners = new SnapshotListeners<ProducerStatsSnapshot>(() => this.snapshot);

  /** The current snapshot (cached until the next change). */
  get snapshot(): ProducerStatsSnapshot {
    this.#snapshot ??= Object.freeze({
      queuedRecords: this.queuedRecords,
      queuedBytes: this.queuedBytes,
      inFlightRequests: this.inFlightRequests,
      delivered: this.delivered,
      failed: this.failed,
      retries: this.retries,
      batchesSent: this.batchesSent,
      meanBatchRecords: this.batchesSent === 0 ? 0 : this.#recordsSent / this.batchesSent,
      meanBatchBytes: this.batchesSent === 0 ? 0 : this.#bytesSent / this.batchesSent,
      compressionRatio: this.#bytesSent === 0 ? 1 : this.#uncompressedBytes / this.#bytesSent,
      lastAckLatencyMs: this.lastAckLatencyMs,
    });
    return this.#snapshot;
  }

  /** Subscribe to snapshots; returns the unsubscribe function. Can be passed unbound. */
  readonly subscribe: (listener: StatsListener) => () => void = this.#listeners.subscribe;

  /** @internal Records a batch handed to the wire. */
  batchSent(records: number, wireBytes: number, uncompressedBytes: number): void {
    this.batchesSent++;
    this.#recordsSent += records;
    this.#bytesSent += wireBytes;
    this.#uncompressedBytes += uncompressedBytes;
    this.changed();
  }

  /** @internal Marks the snapshot stale and schedules one notification for this burst. */
  changed(): void {
    this.#snapshot = undefined;
    this.#listeners.changed();
  }
}
