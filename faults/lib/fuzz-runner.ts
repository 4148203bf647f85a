/**
 * The fuzz part's parent side (faults/fuzz.ts): forks the child that runs the inputs, relays its
 * output, and watches its heartbeat file so that a hang, a stall, a run past the time budget or
 * a crash (a V8 fatal error included) is seen from outside and named by its input.
 */
import { fork } from "node:child_process";
import { closeSync, openSync, readSync, writeFileSync } from "node:fs";
import {
  type ChildJob,
  type ChildMessage,
  type FindingReport,
  HB,
  HB_BYTES,
  type Job,
  now,
  type TargetStats,
} from "./fuzz-ipc.js";
import { CHILD_HEAP_MB, HANG_MS, PROGRESS_MS, STALL_MS } from "./fuzz-limits.js";
import { errorText } from "./fuzz-outcome.js";

export const log = (text: string) => process.stderr.write(`[fuzz] ${text}\n`);

export interface Death {
  /** Index into the jobs the child was given. */
  job: number;
  index: number;
  inputs: number;
  ok: number;
  typed: number;
  findings: number;
  why: string;
}

export interface RunJobsOptions {
  /** The script the child runs with --child (faults/fuzz.ts: it hands over to lib/fuzz-child.ts). */
  script: string;
  seed: number;
  jobs: Job[];
  verbose: boolean;
  deadline: number;
  heartbeatFile: string;
  onFinding: (f: FindingReport) => void;
  /** Hands over the function that stops this child (for SIGINT/SIGTERM). */
  setStop: (stop: () => void) => void;
}

/** Last lines of the child's stderr kept for a crash report (V8 prints its fatal error there). */
const STDERR_TAIL = 6;

/**
 * Runs `jobs` in one child process (`o.script` with --child) and watches its heartbeat; resolves
 * with what finished and, if the child died or hung, why and on which input.
 */
export function runJobs(o: RunJobsOptions): Promise<{ done: TargetStats[]; died?: Death }> {
  const { jobs } = o;
  writeFileSync(o.heartbeatFile, new Uint8Array(HB_BYTES));
  const job: ChildJob = {
    seed: o.seed,
    jobs,
    deadline: o.deadline,
    verbose: o.verbose,
    heartbeatFile: o.heartbeatFile,
  };
  // The parent's flags (--conditions=source --import tsx --expose-gc) carry over; the heap cap
  // turns a runaway allocation into a crash this process reports instead of swapping.
  const child = fork(o.script, ["--child", JSON.stringify(job)], {
    execArgv: [...process.execArgv, `--max-old-space-size=${CHILD_HEAP_MB}`],
    stdio: ["ignore", "pipe", "pipe", "ipc"],
  });
  const tail: string[] = [];
  const relay = (chunk: Buffer) => {
    for (const line of chunk.toString("utf8").split("\n")) {
      if (line === "") continue;
      log(`child: ${line}`);
      // Native stack frames ("12: 0x10b8304 v8::...") say less than the error above them.
      if (/^\s*\d+: 0x/.test(line)) continue;
      tail.push(line);
      if (tail.length > STDERR_TAIL) tail.shift();
    }
  };
  child.stdout!.on("data", relay);
  child.stderr!.on("data", relay);
  const hb = new Float64Array(8);
  const readHeartbeat = () => {
    try {
      const fd = openSync(o.heartbeatFile, "r");
      try {
        readSync(fd, new Uint8Array(hb.buffer), 0, HB_BYTES, 0);
      } finally {
        closeSync(fd);
      }
    } catch {
      // Keep the last reading.
    }
  };
  const done: TargetStats[] = [];
  return new Promise((resolve) => {
    let died: Death | undefined;
    let lastProgress = Date.now();
    const spawnedAt = Date.now();
    const dieWith = (why: string) => {
      readHeartbeat();
      died ??= {
        job: hb[HB.job]!,
        index: hb[HB.index]!,
        inputs: hb[HB.done]!,
        ok: hb[HB.ok]!,
        typed: hb[HB.typed]!,
        findings: hb[HB.findings]!,
        why,
      };
      child.kill("SIGKILL");
    };
    o.setStop(() => dieWith("stopped by a signal"));
    const watch = setInterval(() => {
      readHeartbeat();
      const started = hb[HB.startedAt]!;
      const t = now();
      if (started > 0 && t - started > HANG_MS) {
        // Either the check of this input or the building of the next one is stuck.
        return dieWith(`hang: no progress for ${HANG_MS / 1000} s on this input; child killed`);
      }
      if (started === 0 && Date.now() - spawnedAt > STALL_MS) {
        return dieWith(`stalled: the child ran no input in ${STALL_MS / 1000} s; child killed`);
      }
      if (t > o.deadline + HANG_MS) {
        return dieWith("still running well past the run's time budget; child killed");
      }
      if (Date.now() - lastProgress >= PROGRESS_MS) {
        lastProgress = Date.now();
        const j = jobs[hb[HB.job]!];
        if (j && started > 0) {
          log(`${j.name}: ${hb[HB.done]}/${j.count} inputs, ${hb[HB.findings]} findings`);
        }
      }
    }, 200);
    child.on("message", (m: ChildMessage) => {
      if (m.type === "finding") o.onFinding(m.finding);
      else if (m.type === "log") for (const line of m.text.split("\n")) log(line);
      else {
        done.push(m.stats);
        const s = m.stats;
        log(
          `${s.name}: ${s.inputs} inputs, ${s.ok} ok, ${s.typed} typed, ${s.findings} findings, ` +
            `max ${s.maxMs.toFixed(1)} ms (input ${s.maxIndex}), ${(s.totalMs / 1000).toFixed(1)} s`,
        );
      }
    });
    child.on("error", (err) => dieWith(`the child could not run: ${errorText(err)}`));
    child.on("exit", (code, signal) => {
      clearInterval(watch);
      if (done.length < jobs.length && died === undefined) {
        const how = signal ? `signal ${signal}` : `code ${code}`;
        const last = tail.length > 0 ? `; its last words: ${tail.join(" | ").slice(0, 600)}` : "";
        dieWith(`crash: the child died (${how}) during this input${last}`);
      }
      resolve(died === undefined ? { done } : { done, died });
    });
  });
}
