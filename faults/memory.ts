/**
 * Faults part "memory": the producer's memory stays bounded by bufferBytes while a throttled
 * broker keeps its buffer full, and a closed producer leaves no heap, sockets or timers behind.
 *
 *   node --conditions=source --import tsx --expose-gc faults/memory.ts [--short] [--bootstrap H:P]
 *
 * Full: 5,000,000 records of ~100 B through `bufferBytes: 32 MiB` against the single node, with a
 * Kafka client quota (producer_byte_rate) on this run's own client id, so the broker slows the
 * producer down and the buffer stays full for nearly all of the run (it holds 69,042 such
 * records). --short: 600,000 records, the same buffer, a quota sized for ~25 s (full for nearly
 * all of it: only the last 69,042 records drain). The records are produced with produce() and,
 * when it answers QUEUE_FULL, waitForRoom(): the producer's backpressure path (produceAsync()
 * waits for the ack of each record, so going fast with it takes one pending promise per record:
 * an unbounded queue of its own).
 *
 * Checks: every record delivered, none failed; GetOffsetShell counts exactly the delivered records
 * (and the warm-up's) on the topic; peak RSS under `rssBound`; live memory (forced GC every few
 * seconds while producing) under `liveHeapBound`; queuedBytes never over bufferBytes; heapUsed after
 * close() and a full GC within HEAP_ALLOWANCE of heapUsed before the producer was created; no
 * socket or timer of the producer left after close(). Progress on stderr, one RESULT line on
 * stdout (see the faults contract), exit 0 iff every check held.
 *
 * This file sets the run up and judges it. The pieces: lib/memory-sizes.ts (records, buffer,
 * quota), lib/memory-bounds.ts (the bounds and how they were measured), lib/memory-produce.ts
 * (the QUEUE_FULL/waitForRoom loop), lib/memory-run.ts (the measured run and its sampling),
 * lib/memory-broker.ts, lib/memory-process.ts (progress lines, cleanup, the RESULT line).
 */
import { randomBytes } from "node:crypto";
import { endOffsets } from "../scripts/conformance/end-offsets.mjs";
import { createTopic, deleteTopic } from "../scripts/kafka/helpers.mjs";
import {
  GC_SLACK,
  HEAP_ALLOWANCE,
  IN_FLIGHT_BOUND,
  LIVE_SLACK,
  MAX_QUEUED,
  PER_RECORD_HEAP_BOUND,
  PER_RECORD_LIVE_BOUND,
  rssBound,
  V8_SLACK,
} from "./lib/memory-bounds.js";
import { ensureBroker } from "./lib/memory-broker.js";
import {
  abandon,
  cleanup,
  failure,
  finish,
  log,
  PART,
  type PartResult,
  type Row,
  undoLater,
} from "./lib/memory-process.js";
import { warmUp } from "./lib/memory-produce.js";
import { throttledRun } from "./lib/memory-run.js";
import {
  BUFFER_BYTES,
  BUFFER_ESTIMATE_PER_RECORD,
  FULL,
  PARTITIONS,
  quotaFor,
  SHORT,
  VALUE_BYTES,
} from "./lib/memory-sizes.js";
import {
  activeResources,
  canForceGc,
  heapAfterGc,
  type MemoryFigures,
  memoryNow,
  mib,
} from "./lib/rss.js";
import { removeProducerByteRate, setProducerByteRate } from "./lib/throttle.js";

const fmt = (n: number): string => n.toLocaleString("en-US");

// ---- arguments ---------------------------------------------------------------------------------

interface Args {
  short: boolean;
  bootstrap: string;
}

function parseArgs(argv: string[]): Args {
  const a: Args = { short: false, bootstrap: "127.0.0.1:9092" };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    if (flag === "--short") a.short = true;
    else if (flag === "--bootstrap") {
      const v = argv[++i];
      if (v === undefined || !/^[^,\s]+:\d+$/.test(v)) {
        throw new RangeError(`--bootstrap takes one host:port; received ${JSON.stringify(v)}`);
      }
      a.bootstrap = v;
    } else {
      throw new RangeError(
        `unknown argument ${JSON.stringify(flag)}; usage: faults/memory.ts [--short] [--bootstrap host:port]`,
      );
    }
  }
  return a;
}

// ---- signals and crashes: clean up, then one failed RESULT --------------------------------------

// The producer is abandoned on a signal (close() would first drain a full, throttled buffer);
// exiting drops its sockets.
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    log(`${signal}: removing the quota and the topic, then exiting`);
    abandon(`interrupted by ${signal}`);
  });
}

// An exception thrown from a timer or callback would otherwise end the process past the cleanup,
// leaving the quota and the topic behind.
for (const event of ["uncaughtException", "unhandledRejection"] as const) {
  process.on(event, (err: unknown) => {
    log(`${event}: ${(err as Error)?.stack ?? String(err)}`);
    abandon(`${event}: ${(err as Error)?.message ?? String(err)}`);
  });
}

// ---- the part ----------------------------------------------------------------------------------

async function main(args: Args): Promise<PartResult> {
  try {
    return await measure(args);
  } finally {
    await cleanup();
  }
}

async function measure(args: Args): Promise<PartResult> {
  const size = args.short ? SHORT : FULL;
  const bootstrap = args.bootstrap;
  const quota = quotaFor(size);
  const notes: string[] = [];
  const problems: string[] = [];
  if (!canForceGc()) throw new Error("run with --expose-gc: the leak check forces collections");

  const id = randomBytes(5).toString("hex");
  const topic = `t-faults-memory-${id}`;
  const clientId = `tributary-faults-memory-${id}`;
  log(
    `${args.short ? "short" : "full"} run: ${fmt(size.records)} records of ${VALUE_BYTES} B, bufferBytes ${mib(BUFFER_BYTES)} MiB, ` +
      `quota ${fmt(quota)} B/s on client ${clientId}, ${bootstrap}`,
  );

  await ensureBroker(bootstrap);
  undoLater(`deleted topic ${topic}`, () => deleteTopic(topic, { bootstrap }));
  await createTopic(topic, { partitions: PARTITIONS, bootstrap });

  // Warm-up on another producer (no quota, a small buffer so the QUEUE_FULL path runs too):
  // loads and compiles the modules, so the heap figure below holds no module code.
  log(`warm-up: ${fmt(size.warmupRecords)} records on a separate producer`);
  const warmTally = await warmUp(bootstrap, `${clientId}-warmup`, topic, size.warmupRecords);

  undoLater(`removed the quota of client ${clientId}`, () =>
    removeProducerByteRate(clientId, bootstrap),
  );
  await setProducerByteRate(clientId, quota, bootstrap);
  log(`quota set: producer_byte_rate=${fmt(quota)} for ${clientId}`);

  const resourcesBefore = activeResources();
  const heapBefore = await heapAfterGc();
  const baseline: MemoryFigures = { ...memoryNow(), heapUsed: heapBefore };
  log(
    `before the producer: heapUsed ${mib(heapBefore)} MiB after GC, RSS ${mib(baseline.rss)} MiB`,
  );

  const run = await throttledRun(size, topic, clientId, bootstrap, resourcesBefore, baseline);
  const { tally, peak, stats } = run;
  const heapAfterClose = run.heapAfterClose;
  // The producer is out of reach now: what the heap holds is what a dropped producer costs.
  const heapAfterRelease = await heapAfterGc();

  // ---- checks ----
  const { peakQueuedBytes, peakQueuedRecords, bufferBytes, leftover } = run;
  const seconds = run.elapsedMs / 1000;
  const bound = rssBound(baseline.rss);
  if (tally.delivered !== size.records || tally.failed > 0) {
    const codes = [...tally.failedByCode].map(([c, n]) => `${c} ×${n}`).join(", ");
    problems.push(
      `${fmt(tally.delivered)} of ${fmt(size.records)} delivered, ${fmt(tally.failed)} failed (${codes}); first: ${tally.firstError}`,
    );
  }
  if (peak.rss > bound) {
    problems.push(
      `peak RSS ${mib(peak.rss)} MiB is over the bound ${mib(bound)} MiB (baseline ${mib(baseline.rss)} MiB + buffer allowance)`,
    );
  }
  problems.push(...run.overLive);
  if (run.liveSamples === 0)
    problems.push("no live-memory sample was taken: the buffer never filled");
  if (peakQueuedBytes > bufferBytes) {
    problems.push(`queuedBytes reached ${peakQueuedBytes}, over bufferBytes ${bufferBytes}`);
  }
  const heapGrowth = heapAfterClose - heapBefore;
  if (heapGrowth > HEAP_ALLOWANCE) {
    problems.push(
      `heapUsed after close() + GC is ${mib(heapGrowth)} MiB above the figure before the producer (allowed: ${mib(HEAP_ALLOWANCE)} MiB)`,
    );
  }
  if (leftover.length > 0) {
    problems.push(`after close(), resources keep the process alive: ${leftover.join(", ")}`);
  }
  if (stats.queuedRecords !== 0 || stats.inFlightRequests !== 0) {
    problems.push(
      `after close(): ${stats.queuedRecords} records queued, ${stats.inFlightRequests} requests in flight`,
    );
  }

  // The broker's count: every delivered record, and the warm-up's, exactly once.
  let onTopic = -1;
  try {
    const ends = await endOffsets(topic, bootstrap);
    onTopic = [...ends.values()].reduce((a, b) => a + b, 0);
  } catch (err) {
    problems.push(`counting the topic failed: ${(err as Error).message.split("\n")[0]}`);
  }
  const expected = tally.delivered + warmTally.delivered;
  if (onTopic !== -1 && onTopic !== expected) {
    problems.push(
      `GetOffsetShell counts ${fmt(onTopic)} records on ${topic}; delivered ${fmt(expected)} (${fmt(warmTally.delivered)} of them in the warm-up)`,
    );
  }

  const fullShare = run.fullShare;
  notes.push(
    `peak RSS ${mib(peak.rss)} MiB (bound ${mib(bound)} MiB = baseline ${mib(baseline.rss)} + ${V8_SLACK} × ${fmt(MAX_QUEUED)} records × ${PER_RECORD_LIVE_BOUND} B + ${mib(IN_FLIGHT_BOUND)} MiB in flight + ${mib(GC_SLACK)} MiB GC)`,
    `live heap after forced GCs while producing (${run.liveSamples} samples): at most ${mib(run.maxLiveHeap)} MiB (bound ${mib(run.liveLimit)} MiB = before ${mib(baseline.heapUsed)} + ${fmt(MAX_QUEUED)} × ${PER_RECORD_HEAP_BOUND} B + ${mib(LIVE_SLACK)} MiB)`,
    `buffer: peak ${mib(peakQueuedBytes)} of ${mib(bufferBytes)} MiB, ${fmt(peakQueuedRecords)} records; full (within 32 KiB) in ${(fullShare * 100).toFixed(0)}% of the samples while producing; ${fmt(tally.refusals)} QUEUE_FULL waits`,
    `memory per queued record (${BUFFER_ESTIMATE_PER_RECORD} B against bufferBytes): live after a full GC ${Math.round(run.liveHeapPerRecord + run.liveSlabPerRecord)} B (heap ${Math.round(run.liveHeapPerRecord)} B + value slabs ${Math.round(run.liveSlabPerRecord)} B), with garbage at the buffer's peak ${Math.round(run.bytesPerQueuedRecord)} B (heap + ArrayBuffers over the baseline)`,
    `peaks: RSS ${mib(peak.rss)}, heapUsed ${mib(peak.heapUsed)}, heapTotal ${mib(peak.heapTotal)}, ArrayBuffers ${mib(peak.arrayBuffers)} MiB; baseline RSS ${mib(baseline.rss)}, heapTotal ${mib(baseline.heapTotal)} MiB`,
    `heapUsed after GC: before the producer ${mib(heapBefore)} MiB, after close() ${mib(heapAfterClose)} MiB (${heapGrowth >= 0 ? "+" : ""}${mib(heapGrowth)} MiB, allowed +${mib(HEAP_ALLOWANCE)}), after dropping it ${mib(heapAfterRelease)} MiB`,
    `wire: ${stats.batchesSent} batches, ${stats.meanBatchRecords.toFixed(1)} records and ${fmt(Math.round(stats.meanBatchBytes))} B each (${(stats.meanBatchBytes / Math.max(1, stats.meanBatchRecords)).toFixed(1)} B a record); last ack latency ${stats.lastAckLatencyMs ?? "-"} ms`,
    ...problems,
  );
  for (const n of notes) log(n);

  const row: Row = {
    records: size.records,
    "quota B/s": quota,
    "elapsed s": Math.round(seconds * 10) / 10,
    "records/s": Math.round(size.records / Math.max(seconds, 0.001)),
    "peak RSS MiB": mib(peak.rss),
    "RSS bound MiB": mib(bound),
    "peak heap MiB": mib(peak.heapUsed),
    "max live heap MiB": mib(run.maxLiveHeap),
    "buffer peak MiB": mib(peakQueuedBytes),
    "buffer full %": Math.round(fullShare * 100),
    "heap before MiB": mib(heapBefore),
    "heap after close MiB": mib(heapAfterClose),
    "on topic": onTopic,
    verdict: problems.length === 0 ? "ok" : "FAIL",
  };
  return { part: PART, ok: problems.length === 0, rows: [row], notes };
}

let args: Args;
try {
  args = parseArgs(process.argv.slice(2));
} catch (err) {
  log((err as Error).message);
  finish(failure((err as Error).message));
}
// main() has cleaned up by the time it settles, either way.
main(args).then(finish, (err: unknown) => {
  log(`failed: ${(err as Error)?.stack ?? String(err)}`);
  finish(failure(`failed: ${(err as Error)?.message ?? String(err)}`));
});
