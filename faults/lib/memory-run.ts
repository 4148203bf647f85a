/**
 * The memory part's measured run: one producer with a 32 MiB buffer pushes the run's records into
 * the throttled broker, while a 250 ms sampler keeps peaks of RSS, heap and the buffer's fill and,
 * every few seconds once the buffer is full, forces a full GC to read what is live. Then flush(),
 * close(), and what the closed producer leaves behind (faults/memory.ts judges the figures).
 */
import { createProducer, type ProducerStatsSnapshot } from "@tributary/producer";
import { liveHeapBound } from "./memory-bounds.js";
import { log } from "./memory-process.js";
import { bounded, produceAll, Tally } from "./memory-produce.js";
import { BUFFER_BYTES, BUFFER_ESTIMATE_PER_RECORD, type Size } from "./memory-sizes.js";
import {
  heapAfterGc,
  liveMemoryNow,
  type MemoryFigures,
  mib,
  settleResources,
  startMemorySampler,
} from "./rss.js";

const fmt = (n: number): string => n.toLocaleString("en-US");

export interface RunFigures {
  tally: Tally;
  elapsedMs: number;
  peak: Readonly<MemoryFigures>;
  stats: ProducerStatsSnapshot;
  bufferBytes: number;
  peakQueuedBytes: number;
  peakQueuedRecords: number;
  /** Share of the samples taken while producing in which the buffer was full. */
  fullShare: number;
  /** Heap + ArrayBuffer growth over the baseline per queued record, at the buffer's peak. */
  bytesPerQueuedRecord: number;
  /** Live heap per queued record: forced full GC, full buffer (the first live sample). */
  liveHeapPerRecord: number;
  /**
   * Live ArrayBuffers (the values' slabs) per queued record, from the lowest reading of all live
   * samples: a reading right after gc() may still count dead slabs.
   */
  liveSlabPerRecord: number;
  /** Live samples (forced GC) taken while producing, the largest heap, those over the bound. */
  liveSamples: number;
  maxLiveHeap: number;
  liveLimit: number;
  overLive: string[];
  /** heapUsed after close() and GC, the closed producer still referenced. */
  heapAfterClose: number;
  /** Resources beyond those before the producer, after close() (should be none). */
  leftover: string[];
}

/**
 * The measured run: one producer, `size.records` records into the throttled broker, close().
 * The producer lives only in here, so once this returns the caller can measure the heap without it.
 */
export async function throttledRun(
  size: Size,
  topic: string,
  clientId: string,
  bootstrap: string,
  resourcesBefore: Map<string, number>,
  before: MemoryFigures,
): Promise<RunFigures> {
  const heapBefore = before.heapUsed;
  const baselineArrayBuffers = before.arrayBuffers;
  const tally = new Tally();
  const producer = createProducer({ bootstrap, clientId, bufferBytes: BUFFER_BYTES });
  const bufferBytes = producer.options.bufferBytes;

  // Buffer figures, sampled with memory every 250 ms.
  let peakQueuedBytes = 0;
  let peakQueuedRecords = 0;
  let fullSamples = 0;
  let producingSamples = 0;
  let producing = true;
  let bytesPerQueuedRecord = 0;
  let minLiveArrayBuffers = Number.POSITIVE_INFINITY;
  let queuedAtLiveSample = 0;
  let liveSamples = 0;
  let maxLiveHeap = 0;
  let liveHeapPerRecord = 0;
  /** The first live sample waits for a full buffer, at least 3 s in. */
  let nextLiveAt = 3000;
  const liveLimit = liveHeapBound(before.heapUsed);
  const overLive: string[] = [];
  // "Full": within two batches (32 KiB) of bufferBytes. waitForRoom() resumes producing once a
  // batch's worth is free, so a buffer kept full hovers just below the limit.
  const nearlyFull = bufferBytes - 2 * producer.options.batchBytes;
  const nearlyFullRecords = Math.floor(nearlyFull / BUFFER_ESTIMATE_PER_RECORD);
  let lastProgress = 0;
  const t0 = performance.now();
  const sampler = startMemorySampler({
    intervalMs: 250,
    onSample: (m, at) => {
      const s = producer.stats.snapshot;
      if (s.queuedBytes > peakQueuedBytes) {
        peakQueuedBytes = s.queuedBytes;
        const grown = m.heapUsed - heapBefore + (m.arrayBuffers - baselineArrayBuffers);
        if (s.queuedRecords > 0) bytesPerQueuedRecord = grown / s.queuedRecords;
      }
      peakQueuedRecords = Math.max(peakQueuedRecords, s.queuedRecords);
      if (producing && at >= nextLiveAt && (liveSamples > 0 || s.queuedBytes >= nearlyFull)) {
        // What is live (not uncollected garbage): forced full GC, a short pause.
        nextLiveAt = at + size.liveEverySeconds * 1000;
        const live = liveMemoryNow();
        liveSamples++;
        maxLiveHeap = Math.max(maxLiveHeap, live.heapUsed);
        if (liveHeapPerRecord === 0 && s.queuedRecords > 0) {
          liveHeapPerRecord = (live.heapUsed - before.heapUsed) / s.queuedRecords;
        }
        if (s.queuedRecords >= nearlyFullRecords && live.arrayBuffers < minLiveArrayBuffers) {
          minLiveArrayBuffers = live.arrayBuffers;
          queuedAtLiveSample = s.queuedRecords;
        }
        if (live.heapUsed > liveLimit) {
          overLive.push(
            `at ${(at / 1000).toFixed(0)} s the live heap was ${mib(live.heapUsed)} MiB with ${fmt(s.queuedRecords)} records queued, over the bound ${mib(liveLimit)} MiB`,
          );
        }
        log(
          `live after a full GC at ${(at / 1000).toFixed(0)} s, ${fmt(s.queuedRecords)} records queued: heap ${mib(live.heapUsed)} MiB ` +
            `(bound ${mib(liveLimit)} MiB), ArrayBuffers ${mib(live.arrayBuffers)} MiB`,
        );
      }
      if (producing) {
        producingSamples++;
        if (s.queuedBytes >= nearlyFull) fullSamples++;
      }
      if (at - lastProgress >= 10_000) {
        lastProgress = at;
        log(
          `${(at / 1000).toFixed(0)} s: delivered ${fmt(tally.delivered)}, queued ${fmt(s.queuedRecords)} records / ` +
            `${mib(s.queuedBytes)} MiB, RSS ${mib(m.rss)} MiB, heap ${mib(m.heapUsed)} MiB`,
        );
      }
    },
  });

  let elapsedMs = 0;
  try {
    const limitMs = size.limitSeconds * 1000;
    await bounded(
      "producing",
      limitMs,
      produceAll(producer, topic, size.records, tally, t0 + limitMs),
    );
    producing = false;
    log(`all ${fmt(size.records)} produced; flushing`);
    await bounded("flush()", Math.max(5000, limitMs - (performance.now() - t0)), producer.flush());
    elapsedMs = performance.now() - t0;
    log(`flushed after ${(elapsedMs / 1000).toFixed(1)} s; closing`);
    await bounded("close()", 30_000, producer.close());
  } finally {
    producing = false;
    sampler.stop();
  }

  // Sockets finish closing a few ticks after close() resolves; the grace is generous.
  const leftover = await settleResources(resourcesBefore, 6000);
  const heapAfterClose = await heapAfterGc();
  log(
    `after close(): heapUsed ${mib(heapAfterClose)} MiB after GC (before: ${mib(heapBefore)} MiB)`,
  );
  return {
    tally,
    elapsedMs,
    peak: { ...sampler.peak },
    stats: producer.stats.snapshot,
    bufferBytes,
    peakQueuedBytes,
    peakQueuedRecords,
    fullShare: producingSamples === 0 ? 0 : fullSamples / producingSamples,
    bytesPerQueuedRecord,
    liveSlabPerRecord:
      queuedAtLiveSample === 0
        ? 0
        : (minLiveArrayBuffers - before.arrayBuffers) / queuedAtLiveSample,
    liveSamples,
    maxLiveHeap,
    liveHeapPerRecord,
    liveLimit,
    overLive,
    heapAfterClose,
    leftover,
  };
}
