/**
 * The fuzz part's child process (faults/fuzz.ts --child): runs the inputs of its jobs, rewrites
 * the heartbeat file before each one, re-runs slow inputs, checks a large allocation after a GC,
 * and sends findings and per-target figures to the parent.
 */
import { closeSync, openSync, writeSync } from "node:fs";
import v8 from "node:v8";
import { hex } from "./bytes.js";
import {
  type ChildJob,
  type ChildMessage,
  HB,
  HB_BYTES,
  now,
  type TargetStats,
} from "./fuzz-ipc.js";
import {
  INPUT_ALLOCATION_LIMIT,
  MEMORY_ALARM_BYTES,
  PER_INPUT_MS,
  REPORTED_PER_TARGET,
} from "./fuzz-limits.js";
import { errorText, type Input, OK, type Outcome, TYPED, tally } from "./fuzz-outcome.js";
import { TARGETS } from "./fuzz-targets.js";
import { inputRng } from "./rng.js";

function heapBytes(): number {
  const s = v8.getHeapStatistics();
  return s.used_heap_size + s.external_memory;
}

function send(m: ChildMessage): Promise<void> {
  return new Promise((resolve) => process.send!(m, undefined, {}, () => resolve()));
}

async function runChild(job: ChildJob): Promise<void> {
  const fd = openSync(job.heartbeatFile, "r+");
  const hb = new Float64Array(8);
  const hbBytes = new Uint8Array(hb.buffer);
  const gc = (globalThis as { gc?: () => void }).gc;
  let rssMb = 0;

  for (let j = 0; j < job.jobs.length; j++) {
    const { name, start, count } = job.jobs[j]!;
    const target = TARGETS.find((t) => t.name === name)!;
    const stats: TargetStats = {
      name,
      planned: count,
      inputs: 0,
      ok: 0,
      typed: 0,
      findings: 0,
      maxMs: 0,
      maxIndex: -1,
      reruns: 0,
      memoryChecks: 0,
      totalMs: 0,
      stopped: undefined,
      tally: {},
      rssMb: 0,
    };
    tally.clear();
    const began = now();
    const report = (index: number, input: Input, message: string) => {
      stats.findings++;
      if (stats.findings > REPORTED_PER_TARGET && !job.verbose) return;
      const shown = job.verbose ? Number.POSITIVE_INFINITY : 512;
      const finding = { target: name, index, message, describe: input.describe };
      void send({ type: "finding", finding: { ...finding, hex: hex(input.bytes, shown) } });
    };
    /** Builds and checks input `index`; the time is the check's alone. */
    const runOnce = async (index: number) => {
      const input = target.generate(inputRng(job.seed, name, index));
      hb[HB.job] = j;
      hb[HB.index] = index;
      hb[HB.startedAt] = now();
      hb[HB.done] = stats.inputs;
      hb[HB.ok] = stats.ok;
      hb[HB.typed] = stats.typed;
      hb[HB.findings] = stats.findings;
      hb[HB.rssMb] = rssMb;
      writeSync(fd, hbBytes, 0, HB_BYTES, 0);
      const t0 = performance.now();
      let outcome: Outcome;
      try {
        const r = target.check(input);
        outcome = typeof r === "object" ? await r : r;
      } catch (err) {
        outcome = `the check itself failed: ${errorText(err)}`;
      }
      return { input, outcome, ms: performance.now() - t0 };
    };

    for (let k = 0; k < count; k++) {
      const index = start + k;
      let { input, outcome, ms } = await runOnce(index);
      if (ms > PER_INPUT_MS) {
        // One slow run can be the scheduler or a GC pause; a slow input is slow every time.
        for (let again = 0; again < 2 && ms > PER_INPUT_MS; again++) {
          ms = Math.min(ms, (await runOnce(index)).ms);
        }
        if (ms > PER_INPUT_MS) {
          const each = `${ms.toFixed(0)} ms on each of 3 runs`;
          report(index, input, `slow: ${each} (limit ${PER_INPUT_MS} ms)`);
        } else stats.reruns++;
      }
      if (heapBytes() > MEMORY_ALARM_BYTES && gc) {
        // Heap plus buffers is high: garbage, or this input allocated from an untrusted size.
        stats.memoryChecks++;
        gc();
        const before = heapBytes();
        await runOnce(index);
        const grew = heapBytes() - before;
        if (grew > INPUT_ALLOCATION_LIMIT) {
          const mib = (grew / 2 ** 20).toFixed(0);
          report(index, input, `allocated ${mib} MiB for a ${input.bytes.length}-byte input`);
        }
        gc();
      }
      if (ms > stats.maxMs) {
        stats.maxMs = ms;
        stats.maxIndex = index;
      }
      if (outcome === OK) stats.ok++;
      else if (outcome === TYPED) stats.typed++;
      else report(index, input, outcome);
      if (job.verbose) {
        const text = `input ${index}: ${input.describe}\n  outcome: ${outcomeText(outcome)}`;
        await send({ type: "log", text: `${text}\n  hex: ${hex(input.bytes, Infinity)}` });
      }
      stats.inputs++;
      if ((k & 1023) === 1023) {
        rssMb = Math.max(rssMb, process.memoryUsage.rss() / 2 ** 20);
        // Let I/O run (findings on their way to the parent, a parent that went away).
        await new Promise((resolve) => setImmediate(resolve));
      }
      if ((k & 255) === 255 && now() > job.deadline) {
        stats.stopped = `the run's time budget ran out after ${stats.inputs} of ${count} inputs`;
        break;
      }
    }
    stats.totalMs = now() - began;
    stats.tally = Object.fromEntries(tally);
    rssMb = Math.max(rssMb, process.memoryUsage.rss() / 2 ** 20);
    stats.rssMb = rssMb;
    await send({ type: "done", stats });
  }
  closeSync(fd);
  childFinished = true;
  process.disconnect();
}

let childFinished = false;

function outcomeText(o: Outcome): string {
  return o === OK ? "ok" : o === TYPED ? "typed error / refusal" : `FINDING: ${o}`;
}

/** The child's entry: `arg` is the ChildJob as JSON (faults/fuzz.ts --child <arg>). */
export async function childMain(arg: string): Promise<void> {
  // The parent decides when to stop (a Ctrl-C reaches the whole process group) and kills this
  // child; if the parent itself is gone, there is nobody to report to.
  process.on("SIGINT", () => {});
  process.on("SIGTERM", () => {});
  process.on("disconnect", () => {
    if (!childFinished) process.exit(1);
  });
  await runChild(JSON.parse(arg) as ChildJob);
}
