import { BATCH_OVERHEAD, ProducerBatch, type QueuedRecord } from "./batch.js";

type Batch = ProducerBatch;

export interface BatchLimits {
  batchBytes: number;
  batchMessages: number;
  lingerMs: number;
}

/**
 * The unsent batches of one topic-partition, oldest first. Batches leave the queue when drained
 * into a request and come back (in sequence order) only to be retried.
 */
export class PartitionQueue {
  readonly topic: string;
  readonly partition: number;
  readonly batches: Batch[] = [];
  /** Batches of this partition in requests not yet answered. */
  inFlight = 0;
  /** The `order` the next batch opened for this partition gets. */
  nextOrder = 0;

  constructor(topic: string, partition: number) {
    this.topic = topic;
    this.partition = partition;
  }
}

/**
 * Collects records into batches per topic-partition (Kafka's RecordAccumulator). A batch closes
 * when the next record would take it past batchBytes, when it holds batchMessages records, when
 * lingerMs has passed since its first record, or on flush; the sender decides when that is.
 */
export class Accumulator {
  readonly #limits: BatchLimits;
  readonly #queues = new Map<string, PartitionQueue[]>();
  /** Queues that hold at least one batch: the sender looks only at these. */
  readonly #pending = new Set<PartitionQueue>();

  constructor(limits: BatchLimits) {
    this.#limits = limits;
  }

  queue(topic: string, partition: number): PartitionQueue {
    let byPartition = this.#queues.get(topic);
    if (byPartition === undefined) {
      byPartition = [];
      this.#queues.set(topic, byPartition);
    }
    let q = byPartition[partition];
    if (q === undefined) {
      q = new PartitionQueue(topic, partition);
      byPartition[partition] = q;
    }
    return q;
  }

  /**
   * Appends a record to its partition's open batch, opening a new one when there is none or the
   * record does not fit. Returns the batch it went into and whether an earlier batch was closed
   * for being full (the sticky partitioner moves on when that happens).
   */
  append(
    record: QueuedRecord,
    topic: string,
    partition: number,
    now: number,
  ): { batch: Batch; closedFull: boolean; opened: boolean } {
    const q = this.queue(topic, partition);
    const last = q.batches[q.batches.length - 1];
    let closedFull = false;
    let batch: Batch;
    let opened = false;
    if (last !== undefined && !last.closed && this.#fits(last, record)) {
      batch = last;
    } else {
      if (last !== undefined && !last.closed) {
        last.closed = true;
        closedFull = true;
      }
      batch = new ProducerBatch(topic, partition, now);
      batch.order = q.nextOrder++;
      q.batches.push(batch);
      this.#pending.add(q);
      opened = true;
    }
    batch.records.push(record);
    batch.bytes += record.size;
    // A batch that can take no more goes without waiting out the linger (Java: batch.isFull()).
    if (
      batch.records.length >= this.#limits.batchMessages ||
      BATCH_OVERHEAD + batch.bytes >= this.#limits.batchBytes
    ) {
      batch.closed = true;
      closedFull = true;
    }
    return { batch, closedFull, opened };
  }

  #fits(batch: Batch, record: QueuedRecord): boolean {
    return (
      batch.records.length < this.#limits.batchMessages &&
      BATCH_OVERHEAD + batch.bytes + record.size <= this.#limits.batchBytes
    );
  }

  /** Whether the front batch of `q` may be drained now (ignoring leaders and in-flight limits). */
  headReady(q: PartitionQueue, now: number, flushing: boolean): Batch | undefined {
    const head = q.batches[0];
    if (head === undefined || head.retryAt > now) return undefined;
    if (head.closed || flushing || head.attempts > 0) return head;
    return now >= head.createdAt + this.#limits.lingerMs ? head : undefined;
  }

  /** Takes the front batch out of its queue to put it in a request. */
  take(q: PartitionQueue): Batch {
    const batch = q.batches.shift() as Batch;
    batch.closed = true;
    if (q.batches.length === 0) this.#pending.delete(q);
    q.inFlight++;
    return batch;
  }

  /**
   * Puts a batch back to be sent again, ahead of every batch opened after it: retries reach the
   * broker in produce order, which is also sequence order under idempotence.
   */
  requeue(batch: Batch): void {
    const q = this.queue(batch.topic, batch.partition);
    let i = 0;
    while (i < q.batches.length && q.batches[i]!.order < batch.order) i++;
    q.batches.splice(i, 0, batch);
    this.#pending.add(q);
  }

  /** The queues that hold batches, for the sender to walk. */
  pendingQueues(): Iterable<PartitionQueue> {
    return this.#pending;
  }

  /**
   * Earliest future time a queued batch becomes sendable by itself: the end of an open batch's
   * linger, or a retry's backoff. Batches that are ready but blocked (leader unknown, connection
   * busy) are not counted: answers, connects and metadata wake the sender for those.
   */
  nextReadyTime(now: number): number | undefined {
    let next: number | undefined;
    for (const q of this.#pending) {
      const head = q.batches[0];
      if (head === undefined) continue;
      let at: number;
      if (head.retryAt > now) at = head.retryAt;
      else if (!head.closed && head.attempts === 0) at = head.createdAt + this.#limits.lingerMs;
      else continue;
      if (at > now && (next === undefined || at < next)) next = at;
    }
    return next;
  }

  /** Whether any batch is queued (not counting those in flight). */
  get hasQueued(): boolean {
    return this.#pending.size > 0;
  }

  /** Removes and returns every queued (not in-flight) batch, e.g. to fail them on close. */
  drainAll(): Batch[] {
    const out: Batch[] = [];
    for (const q of this.#pending) {
      out.push(...q.batches);
      q.batches.length = 0;
    }
    this.#pending.clear();
    return out;
  }

  /** Removes queued batches that match, e.g. expired ones; returns them. */
  removeWhere(predicate: (batch: Batch) => boolean): Batch[] {
    const out: Batch[] = [];
    for (const q of this.#pending) {
      for (let i = 0; i < q.batches.length; ) {
        const b = q.batches[i]!;
        if (predicate(b)) {
          out.push(b);
          q.batches.splice(i, 1);
        } else i++;
      }
      if (q.batches.length === 0) this.#pending.delete(q);
    }
    return out;
  }
}
