/**
 * The Tributary side of the producer bench: fire-and-forget produce() in a loop, waiting for
 * buffer room on QUEUE_FULL, then flush(); measures throughput, per-record ack latency, CPU and
 * memory over the measured phase, after a warm-up on the same producer and topic.
 */
import { randomBytes } from "node:crypto";
import { createProducer, type Producer, type ProducerMessage } from "@tributary/producer";

export interface TributaryRunConfig {
  bootstrap: string;
  topic: string;
  partitions: number;
  records: number;
  warmup: number;
  valueBytes: number;
  /** 16-byte keys when true; keyless records (sticky partitioner) otherwise. */
  keys: boolean;
  lingerMs: number;
  batchBytes: number;
  bufferBytes: number;
  /** Bound on each phase (warm-up, measured): produce loop plus flush. */
  timeoutMs: number;
  progress: (line: string) => void;
  /** Added to the producer's options (e.g. the WebSocket constructor for a gateway bootstrap). */
  extraOptions?: Record<string, unknown>;
}

export interface TributaryResult {
  ok: boolean;
  failures: number;
  /** The first few delivery errors, as "CODE: message". */
  firstErrors: string[];
  /** Problems with the run itself: callbacks missing after flush, offsets not contiguous. */
  problems: string[];
  records: number;
  seconds: number;
  recordsPerSec: number;
  /** Value bytes a second (10^6 B). */
  valueMBPerSec: number;
  /** RecordBatch bytes handed to the wire a second (10^6 B), from producer.stats. */
  batchMBPerSec: number;
  latencyMs: { p50: number; p99: number; p999: number; max: number; mean: number };
  cpu: { userSeconds: number; systemSeconds: number; usPerRecord: number };
  /** Largest process RSS seen by a 100 ms sampler during the measured phase. */
  peakRssSampledBytes: number;
  /** The process's peak RSS over its whole life (resourceUsage().maxRSS). */
  maxRssBytes: number;
  batchesSent: number;
  meanBatchRecords: number;
  meanBatchBytes: number;
  /** How often produce() found the buffer full and the loop waited for room. */
  queueFullWaits: number;
  /** The broker-side offsets check: acks per partition cover 0..max exactly. */
  offsetsChecked: boolean;
}

/** Distinct pre-generated values (and keys) cycled through; the producer never copies them. */
const POOL = 4096;

/** Random printable ASCII (0x20-0x7e), like text payloads; generated before any clock starts. */
function printableBytes(n: number): Uint8Array {
  const out = randomBytes(n);
  for (let i = 0; i < n; i++) out[i] = 0x20 + (out[i]! % 95);
  return new Uint8Array(out.buffer, out.byteOffset, n);
}

function messagePool(valueBytes: number, keys: boolean): ProducerMessage[] {
  const values = printableBytes(POOL * valueBytes);
  const keyBytes = keys ? printableBytes(POOL * 16) : undefined;
  const pool: ProducerMessage[] = [];
  for (let i = 0; i < POOL; i++) {
    const value = values.subarray(i * valueBytes, (i + 1) * valueBytes);
    pool.push(
      keyBytes === undefined ? { value } : { key: keyBytes.subarray(i * 16, i * 16 + 16), value },
    );
  }
  return pool;
}

/**
 * Per-record bookkeeping shared by the delivery callbacks. Times live in one preallocated
 * Float64Array: the send time is written at produce() and replaced by the latency on ack, so the
 * harness allocates nothing per record but the callback closure.
 */
class Acks {
  times: Float64Array;
  completed = 0;
  failures = 0;
  readonly firstErrors: string[] = [];
  /** True while produce() runs: a QUEUE_FULL reported then is the loop's cue to wait, not a failure. */
  inProduce = false;
  queueFullWaits = 0;
  readonly perPartition: Float64Array;
  readonly maxOffset: Float64Array;

  constructor(size: number, partitions: number) {
    this.times = new Float64Array(size);
    this.perPartition = new Float64Array(partitions);
    this.maxOffset = new Float64Array(partitions).fill(-1);
  }

  ack(
    i: number,
    partition: number | undefined,
    offset: bigint | undefined,
    err: { code: string; message: string } | undefined,
  ): void {
    if (err !== undefined) {
      if (this.inProduce && err.code === "QUEUE_FULL") return;
      this.failures++;
      if (this.firstErrors.length < 5) this.firstErrors.push(`${err.code}: ${err.message}`);
    } else if (partition !== undefined && offset !== undefined) {
      this.perPartition[partition]!++;
      const o = Number(offset);
      if (o > this.maxOffset[partition]!) this.maxOffset[partition] = o;
    }
    this.times[i] = performance.now() - this.times[i]!;
    this.completed++;
  }
}

/**
 * Room to wait for after QUEUE_FULL: at least what the producer counts for one record (its
 * estimate is the record's bytes plus at most 36 bytes of varints and fields, batch.ts). A bare
 * waitForRoom() waits for 1 byte only, which is there at once while the record still does not
 * fit: produce() and waitForRoom() then alternate on microtasks forever and no ack is ever read.
 */
function roomFor(message: ProducerMessage): number {
  const len = (b: unknown) => (b instanceof Uint8Array ? b.length : 0);
  return len(message.key) + len(message.value) + 64;
}

async function produceAll(
  p: Producer,
  topic: string,
  n: number,
  pool: ProducerMessage[],
  acks: Acks,
): Promise<void> {
  const mask = POOL - 1;
  const times = acks.times;
  const room = Math.max(...pool.map(roomFor));
  for (let i = 0; i < n; i++) {
    const message = pool[i & mask]!;
    for (;;) {
      times[i] = performance.now();
      acks.inProduce = true;
      // An anonymous arrow in argument position: tsx (esbuild keepNames) wraps a named one in
      // __name(), a defineProperty per record that cost ~15% of the run in a profile.
      const receipt = p.produce(topic, message, (meta, err) =>
        acks.ack(i, meta?.partition, meta?.offset, err),
      );
      acks.inProduce = false;
      if (receipt.errorCode !== "QUEUE_FULL") break;
      acks.queueFullWaits++;
      await p.waitForRoom(room);
    }
  }
  await p.flush();
}

function bounded<T>(what: string, ms: number, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms / 1000} s`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

function percentile(sorted: Float64Array, q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
}

/** Creates the producer, warms up, measures, closes. */
export async function runTributary(config: TributaryRunConfig): Promise<TributaryResult> {
  const c = config;
  const pool = messagePool(c.valueBytes, c.keys);
  const producer = createProducer({
    bootstrap: c.bootstrap,
    clientId: "tributary-bench",
    acks: 1,
    idempotent: false,
    compression: "none",
    lingerMs: c.lingerMs,
    batchBytes: c.batchBytes,
    bufferBytes: c.bufferBytes,
    ...c.extraOptions,
  });

  // Warm-up acks count toward the offsets check: they hold the topic's first offsets.
  const warm = new Acks(c.warmup, c.partitions);
  if (c.warmup > 0) {
    c.progress(`tributary: warm-up, ${c.warmup.toLocaleString("en-US")} records (not measured)`);
    await bounded("the warm-up", c.timeoutMs, produceAll(producer, c.topic, c.warmup, pool, warm));
    if (warm.failures > 0)
      throw new Error(`warm-up: ${warm.failures} records failed; first: ${warm.firstErrors[0]}`);
  }

  c.progress(`tributary: producing ${c.records.toLocaleString("en-US")} records (measured)`);
  const acks = new Acks(c.records, c.partitions);
  const before = producer.stats.snapshot;
  let peakRss = process.memoryUsage().rss;
  let lastReport = performance.now();
  const sampler = setInterval(() => {
    const rss = process.memoryUsage().rss;
    if (rss > peakRss) peakRss = rss;
    const now = performance.now();
    if (now - lastReport >= 5000) {
      lastReport = now;
      c.progress(
        `  ... ${acks.completed.toLocaleString("en-US")} acked, ${acks.queueFullWaits.toLocaleString("en-US")} waits for buffer room`,
      );
    }
  }, 100);
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  try {
    await bounded(
      "the measured run",
      c.timeoutMs,
      produceAll(producer, c.topic, c.records, pool, acks),
    );
  } finally {
    clearInterval(sampler);
  }
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const rssNow = process.memoryUsage().rss;
  if (rssNow > peakRss) peakRss = rssNow;
  const after = producer.stats.snapshot;

  const problems: string[] = [];
  if (acks.completed !== c.records) {
    problems.push(
      `flush() resolved with ${c.records - acks.completed} of ${c.records} callbacks not yet called`,
    );
  }
  let offsetsChecked = false;
  if (acks.failures === 0) {
    offsetsChecked = true;
    for (let p = 0; p < c.partitions; p++) {
      const count = acks.perPartition[p]! + warm.perPartition[p]!;
      const max = Math.max(acks.maxOffset[p]!, warm.maxOffset[p]!);
      if (count > 0 && count !== max + 1) {
        problems.push(
          `partition ${p}: ${count} records acked but offsets reach ${max} (duplicates or gaps)`,
        );
      }
    }
  }

  c.progress("tributary: closing");
  await bounded("close()", 30_000, producer.close());

  const sorted = acks.times.slice().sort();
  let sum = 0;
  for (let i = 0; i < sorted.length; i++) sum += sorted[i]!;
  const batches = after.batchesSent - before.batchesSent;
  const batchRecords =
    after.meanBatchRecords * after.batchesSent - before.meanBatchRecords * before.batchesSent;
  const batchBytes =
    after.meanBatchBytes * after.batchesSent - before.meanBatchBytes * before.batchesSent;
  return {
    ok: acks.failures === 0 && problems.length === 0,
    failures: acks.failures,
    firstErrors: acks.firstErrors,
    problems,
    records: c.records,
    seconds,
    recordsPerSec: c.records / seconds,
    valueMBPerSec: (c.records * c.valueBytes) / seconds / 1e6,
    batchMBPerSec: batchBytes / seconds / 1e6,
    latencyMs: {
      p50: percentile(sorted, 0.5),
      p99: percentile(sorted, 0.99),
      p999: percentile(sorted, 0.999),
      max: sorted[sorted.length - 1] ?? Number.NaN,
      mean: sum / sorted.length,
    },
    cpu: {
      userSeconds: cpu.user / 1e6,
      systemSeconds: cpu.system / 1e6,
      usPerRecord: (cpu.user + cpu.system) / c.records,
    },
    peakRssSampledBytes: peakRss,
    maxRssBytes: process.resourceUsage().maxRSS * 1024,
    batchesSent: batches,
    meanBatchRecords: batches === 0 ? 0 : batchRecords / batches,
    meanBatchBytes: batches === 0 ? 0 : batchBytes / batches,
    queueFullWaits: acks.queueFullWaits,
    offsetsChecked,
  };
}
