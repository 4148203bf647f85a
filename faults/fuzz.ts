/**
 * The fuzz part of the faults suite (issue 8): the producer's response decoders, the record
 * batch decoder, the frame splitter and the gateway's request inspector meet seeded random and
 * mutated input. Allowed outcomes: a decoded value, or the typed error (ProtocolDecodeError,
 * FrameSizeError for the splitter), or for the gateway one of its verdicts. Anything else is a
 * finding: another error type, a wrong answer where the right one is known (a valid frame
 * refused or decoded differently, the splitter cutting frames wrong, the gateway forwarding what
 * its policy refuses or refusing what it allows), an input slower than the per-input limit, a
 * hang, a crash, or a large allocation.
 *
 *   node --conditions=source --import tsx --expose-gc faults/fuzz.ts [--short] [--seed N]
 *        [--target <name part>[,<name part>...]] [--index I] [--inputs N]
 *
 * --seed N reruns exactly the same inputs; --target with --index replays one input and prints it
 * in full. Input i of a target is built from (seed, target name, i) alone, so a finding names
 * its replay command.
 *
 * The inputs run in a child process (this file with --child) while this process watches a
 * heartbeat file the child rewrites before every input: a CPU-bound hang cannot be interrupted
 * from inside, and a V8 fatal error (a huge allocation) takes a whole process down, worker
 * threads included; from outside both can be seen, the input named, and the run carried on with
 * the next target. Output follows the faults contract: progress on stderr prefixed [fuzz], one
 * `RESULT {json}` line on stdout, exit 0 iff no finding.
 *
 * This file is the command line, the plan and the RESULT line; the rest is in lib/: the child
 * (fuzz-child.ts) and the parent's watchdog (fuzz-runner.ts) with what they share (fuzz-ipc.ts)
 * and the limits (fuzz-limits.ts); the targets (fuzz-targets.ts: fuzz-responses.ts,
 * fuzz-batches.ts, fuzz-splitter.ts, fuzz-gateway.ts; their contract in fuzz-outcome.ts); and
 * the inputs (rng.ts, mutators.ts, chunk.ts, seed-responses.ts, seed-batches.ts,
 * seed-requests.ts, bytes.ts).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { hex } from "./lib/bytes.js";
import { childMain } from "./lib/fuzz-child.js";
import { type FindingReport, type Job, now, type TargetStats } from "./lib/fuzz-ipc.js";
import {
  BUDGET_US_PER_INPUT,
  CHILD_HEAP_MB,
  FULL_INPUTS,
  HANG_MS,
  INPUT_ALLOCATION_LIMIT,
  MIN_BUDGET_MS,
  PER_INPUT_MS,
  SHORT_INPUTS,
} from "./lib/fuzz-limits.js";
import { errorText } from "./lib/fuzz-outcome.js";
import { type Death, log, runJobs } from "./lib/fuzz-runner.js";
import { TARGETS } from "./lib/fuzz-targets.js";
import { inputRng } from "./lib/rng.js";

interface Options {
  short: boolean;
  seed: number;
  target: string | undefined;
  index: number | undefined;
  inputs: number | undefined;
}

function parseArgs(argv: readonly string[]): Options {
  const opts: Options = {
    short: false,
    seed: (Math.random() * 0x1_0000_0000) >>> 0,
    target: undefined,
    index: undefined,
    inputs: undefined,
  };
  const int = (flag: string, v: string | undefined, max: number): number => {
    const n = Number(v);
    if (v === undefined || !Number.isInteger(n) || n < 0 || n > max) {
      throw new Error(`${flag} needs an integer in [0, ${max}]; received ${JSON.stringify(v)}`);
    }
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === "--short") opts.short = true;
    else if (a === "--seed") opts.seed = int(a, argv[++i], 0xffffffff);
    else if (a === "--index") opts.index = int(a, argv[++i], 2 ** 31);
    else if (a === "--inputs") opts.inputs = int(a, argv[++i], 100_000_000);
    else if (a === "--target") {
      const v = argv[++i];
      if (v === undefined) throw new Error("--target needs (part of) a target name");
      opts.target = v;
    } else throw new Error(`unknown argument ${JSON.stringify(a)}`);
  }
  if (opts.index !== undefined && opts.target === undefined) {
    throw new Error("--index replays one input of one target: give --target too");
  }
  return opts;
}

function plan(opts: Options): Job[] {
  const total = opts.inputs ?? (opts.short ? SHORT_INPUTS : FULL_INPUTS);
  let targets = TARGETS;
  if (opts.target !== undefined) {
    const parts = opts.target.toLowerCase().split(",");
    targets = TARGETS.filter((t) => parts.some((p) => t.name.toLowerCase().includes(p)));
    if (targets.length === 0) {
      throw new Error(
        `no target matches ${JSON.stringify(opts.target)}; targets: ${TARGETS.map((t) => t.name).join("; ")}`,
      );
    }
    if (opts.index !== undefined && targets.length > 1) {
      throw new Error(
        `--target ${JSON.stringify(opts.target)} matches ${targets.length} targets; name one`,
      );
    }
  }
  if (opts.index !== undefined) {
    return [{ name: targets[0]!.name, start: opts.index, count: 1 }];
  }
  const shares = targets.reduce((s, t) => s + t.share, 0);
  return targets.map((t) => {
    const count = Math.round((total * t.share) / shares);
    return {
      name: t.name,
      start: 0,
      count,
    };
  });
}

async function main(): Promise<number> {
  let opts: Options;
  let jobs: Job[];
  try {
    opts = parseArgs(process.argv.slice(2));
    jobs = plan(opts);
  } catch (err) {
    log(err instanceof Error ? err.message : String(err));
    result(false, [], [`bad arguments: ${err instanceof Error ? err.message : String(err)}`]);
    return 1;
  }
  const replay = opts.index !== undefined;
  const total = jobs.reduce((s, j) => s + j.count, 0);
  log(
    `seed ${opts.seed} (rerun with --seed ${opts.seed}); ${total} inputs over ${jobs.length} targets${opts.short ? " (--short)" : ""}`,
  );
  const started = Date.now();
  const budgetMs = Math.max(MIN_BUDGET_MS, (total * BUDGET_US_PER_INPUT) / 1000);
  const deadline = now() + budgetMs;
  const findings: FindingReport[] = [];
  const stats: TargetStats[] = [];
  let stop: (() => void) | undefined;
  let interrupted = false;
  const onSignal = (signal: string) => {
    interrupted = true;
    log(`${signal}: stopping the child`);
    stop?.();
  };
  process.once("SIGINT", () => onSignal("SIGINT"));
  process.once("SIGTERM", () => onSignal("SIGTERM"));

  const onFinding = (f: FindingReport) => {
    findings.push(f);
    log(`FINDING in ${f.target}, input ${f.index} (seed ${opts.seed}): ${f.message}`);
    log(`  input: ${f.describe}`);
    log(`  hex: ${f.hex}`);
    log(
      `  replay: node --conditions=source --import tsx faults/fuzz.ts --seed ${opts.seed} --target ${JSON.stringify(f.target)} --index ${f.index}`,
    );
  };
  const dir = mkdtempSync(join(tmpdir(), "tributary-fuzz-"));
  let remaining = jobs;
  try {
    while (remaining.length > 0 && !interrupted) {
      const run = await runJobs({
        script: fileURLToPath(import.meta.url),
        seed: opts.seed,
        jobs: remaining,
        verbose: replay,
        deadline,
        heartbeatFile: join(dir, "heartbeat"),
        onFinding,
        setStop: (s) => {
          stop = s;
        },
      });
      stats.push(...run.done);
      if (run.died === undefined) break;
      remaining = remaining.slice(recordDeath(run.died, remaining) + 1);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }

  /** Reports the input a child died on, counts its target as far as it got; returns its job. */
  function recordDeath(d: Death, remaining: Job[]): number {
    const job = remaining[d.job] ?? remaining[0]!;
    const target = TARGETS.find((t) => t.name === job.name)!;
    let describe = "(input could not be rebuilt)";
    let bytesHex = "";
    try {
      const input = target.generate(inputRng(opts.seed, job.name, d.index));
      describe = input.describe;
      bytesHex = hex(input.bytes);
    } catch (err) {
      describe = `(rebuilding the input failed: ${errorText(err)})`;
    }
    if (!interrupted)
      onFinding({ target: job.name, index: d.index, message: d.why, describe, hex: bytesHex });
    stats.push({
      name: job.name,
      planned: job.count,
      inputs: d.inputs,
      ok: d.ok,
      typed: d.typed,
      findings: d.findings + (interrupted ? 0 : 1),
      maxMs: Number.NaN,
      maxIndex: -1,
      reruns: 0,
      memoryChecks: 0,
      totalMs: Number.NaN,
      stopped: d.why,
      tally: {},
      rssMb: Number.NaN,
    });
    return d.job;
  }

  const wallS = (Date.now() - started) / 1000;
  const rows = stats.map((s) => ({
    target: s.name,
    inputs: s.inputs,
    ok: s.ok,
    "typed errors": s.typed,
    findings: s.findings,
    "max ms/input": Number.isNaN(s.maxMs) ? "n/a" : Number(s.maxMs.toFixed(2)),
    "total s": Number.isNaN(s.totalMs) ? "n/a" : Number((s.totalMs / 1000).toFixed(1)),
  }));
  const sum = (f: (s: TargetStats) => number) => stats.reduce((a, s) => a + f(s), 0);
  rows.push({
    target: "all",
    inputs: sum((s) => s.inputs),
    ok: sum((s) => s.ok),
    "typed errors": sum((s) => s.typed),
    findings: sum((s) => s.findings),
    "max ms/input": Number(
      Math.max(0, ...stats.map((s) => (Number.isNaN(s.maxMs) ? 0 : s.maxMs))).toFixed(2),
    ),
    "total s": Number(wallS.toFixed(1)),
  });
  const shortfalls = stats.filter((s) => s.stopped !== undefined);
  const missing = jobs.filter((j) => !stats.some((s) => s.name === j.name));
  const ok =
    !interrupted &&
    findings.length === 0 &&
    sum((s) => s.findings) === 0 &&
    shortfalls.length === 0 &&
    missing.length === 0;
  const notes = [
    `seed ${opts.seed}: rerun the same inputs with --seed ${opts.seed}`,
    `${total} inputs planned: ${jobs.map((j) => `${j.name} ${j.count}`).join(", ")}`,
    `limits: ${PER_INPUT_MS} ms per input (a slow input is re-run twice and counts only if every run is slow); ${HANG_MS / 1000} s on one input = hang (child killed); run budget ${(budgetMs / 1000).toFixed(0)} s; child heap cap ${CHILD_HEAP_MB} MiB; an input allocating > ${INPUT_ALLOCATION_LIMIT / 2 ** 20} MiB is a finding`,
    `re-runs after a slow first run (not findings): ${sum((s) => s.reruns)}; memory checks: ${sum((s) => s.memoryChecks)}`,
    `wall ${wallS.toFixed(1)} s; peak RSS of the fuzz child ${Math.max(0, ...stats.map((s) => s.rssMb || 0)).toFixed(0)} MB, of this process ${(process.memoryUsage.rss() / 2 ** 20).toFixed(0)} MB`,
    ...stats
      .filter((s) => Object.keys(s.tally).length > 0)
      .map(
        (s) =>
          `${s.name}: ${Object.entries(s.tally)
            .map(([k, n]) => `${k} ${n}`)
            .join(", ")}`,
      ),
    ...shortfalls.map((s) => `${s.name}: ${s.stopped}`),
    ...missing.map((j) => `${j.name}: did not run`),
    ...findings
      .slice(0, 20)
      .map(
        (f) =>
          `FINDING ${f.target} #${f.index}: ${f.message} [${f.describe}] hex ${f.hex.slice(0, 200)}`,
      ),
  ];
  if (interrupted) notes.push("interrupted by a signal");
  result(ok, rows, notes);
  return ok ? 0 : 1;
}

function result(
  ok: boolean,
  rows: Record<string, string | number | boolean>[],
  notes: string[],
): void {
  process.stdout.write(`RESULT ${JSON.stringify({ part: "fuzz", ok, rows, notes })}\n`);
}

if (process.argv[2] === "--child") {
  await childMain(process.argv[3]!);
} else {
  process.exitCode = await main();
}
