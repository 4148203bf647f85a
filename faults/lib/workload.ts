/**
 * The stream a fault scenario runs: `records` records produced in order, record i to partition
 * i % partitions, its id i as the key, so Kafka's console consumer can tell each record apart
 * and say where it landed. The ledger keeps every receipt by id, with when it was produced and
 * when it completed; the scenario waits on progress (`reached`) to inject its fault mid-stream.
 *
 * Partitions are chosen explicitly, not by the sticky partitioner, so records keep arriving for
 * the partitions whose leader is gone: they must wait out the failover (and the retries), which
 * is the hard case, instead of being steered to partitions that still have a leader.
 */
import type { DeliveryReceipt, Producer } from "@tributary/producer";

export interface WorkloadOptions {
  producer: Producer;
  topic: string;
  partitions: number;
  records: number;
  /** Bytes of each value (ASCII). */
  valueBytes: number;
  /** Records per second; undefined: as fast as the producer takes them. */
  ratePerSec?: number | undefined;
  signal: AbortSignal;
}

/** Everything produce() returned, by record id. */
export class Ledger {
  readonly receipts: DeliveryReceipt[] = [];
  /** The partition each record was produced to. */
  readonly partitionOf: Int32Array;
  /** performance.now() when produce() accepted it, and when its receipt completed (0: not yet). */
  readonly producedAt: Float64Array;
  readonly completedAt: Float64Array;
  completed = 0;
  /** Times produce() answered QUEUE_FULL and the loop waited for room (the record is then produced again, same id). */
  queueFullWaits = 0;
  firstProducedAt = 0;
  lastProducedAt = 0;
  lastCompletedAt = 0;
  readonly #settleWaiters: (() => void)[] = [];

  constructor(records: number) {
    this.partitionOf = new Int32Array(records);
    this.producedAt = new Float64Array(records);
    this.completedAt = new Float64Array(records);
  }

  get produced(): number {
    return this.receipts.length;
  }

  /** @internal called by each receipt's callback */
  complete(id: number): void {
    const now = performance.now();
    this.completedAt[id] = now;
    this.lastCompletedAt = now;
    this.completed++;
    if (this.completed === this.produced) for (const w of this.#settleWaiters.splice(0)) w();
  }

  /**
   * Resolves once every receipt produced so far has completed, or at `deadline` (a
   * performance.now() time), whichever is first; returns how many are still pending.
   */
  async settled(deadline: number): Promise<number> {
    if (this.completed < this.produced) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.max(0, deadline - performance.now()));
        this.#settleWaiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    return this.produced - this.completed;
  }
}

export interface Workload {
  ledger: Ledger;
  /** Resolves once `fraction` of the records have been produced (or the stream ended). */
  reached(fraction: number): Promise<void>;
  /** How much of the stream has been produced, e.g. "37%". */
  progress(): string;
  /** Resolves when the last record has been produced (not yet delivered). */
  done: Promise<void>;
}

const pad = (n: number) => "x".repeat(Math.max(0, n));

/** Starts producing at once; see Workload. */
export function startWorkload(o: WorkloadOptions): Workload {
  const ledger = new Ledger(o.records);
  const waiters: { at: number; resolve: () => void }[] = [];
  const release = () => {
    for (let i = 0; i < waiters.length; ) {
      const w = waiters[i]!;
      if (ledger.produced >= w.at) {
        waiters.splice(i, 1);
        w.resolve();
      } else i++;
    }
  };
  const filler = pad(o.valueBytes);
  const done = (async () => {
    try {
      await produceAll(o, ledger, filler, () => {
        if (waiters.length > 0) release();
      });
    } finally {
      // An aborted or finished stream releases everyone waiting for a milestone.
      for (const w of waiters.splice(0)) w.resolve();
    }
  })();
  return {
    ledger,
    done,
    reached: (fraction) =>
      new Promise<void>((resolve) => {
        const at = Math.ceil(o.records * fraction);
        if (ledger.produced >= at || ledger.produced === o.records) resolve();
        else waiters.push({ at, resolve });
      }),
    progress: () => `${Math.round((100 * ledger.produced) / o.records)}%`,
  };
}

async function produceAll(
  o: WorkloadOptions,
  ledger: Ledger,
  filler: string,
  onProduced: () => void,
): Promise<void> {
  const { producer, topic, partitions, records, ratePerSec, signal } = o;
  const began = performance.now();
  ledger.firstProducedAt = began;
  for (let id = 0; id < records && !signal.aborted; ) {
    const partition = id % partitions;
    const key = String(id);
    const value = `${key} ${filler}`.slice(0, Math.max(o.valueBytes, key.length));
    const current = id;
    const receipt = producer.produce(topic, { key, value, partition }, (_meta, error) => {
      // QUEUE_FULL is only ever answered inside produce(), for a record that was not taken.
      if (error?.code !== "QUEUE_FULL") ledger.complete(current);
    });
    if (receipt.errorCode === "QUEUE_FULL") {
      // Refused at the door (never queued): wait for room and produce the same record again,
      // as the Java client's send() would block. Not a delivery failure.
      ledger.queueFullWaits++;
      await producer.waitForRoom().catch(() => undefined);
      continue;
    }
    ledger.receipts.push(receipt);
    ledger.partitionOf[id] = partition;
    ledger.producedAt[id] = performance.now();
    ledger.lastProducedAt = ledger.producedAt[id]!;
    id++;
    onProduced();
    if (ratePerSec !== undefined) {
      // Paced: never ahead of rate x elapsed.
      const ahead = id / ratePerSec - (performance.now() - began) / 1000;
      if (ahead > 0.005) await sleepMs(ahead * 1000);
    } else if (id % 256 === 0) {
      // Full speed still lets the event loop in: the producer sends from timers and microtasks,
      // and a loop that never yields would only fill the buffer.
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }
}

const sleepMs = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
