/**
 * Runner: kcat, the command-line client built on librdkafka (Debian's package; see
 * scripts/bench/ensure-kcat.mjs). Batch form only (W1-W3): `kcat -P -l <file>` sends a file's
 * lines as records, which is how kcat is used. It cannot await one record at a time, so W4 is
 * reported unsupported.
 *
 * kcat prints nothing per delivered record, so the count is established in two ways: kcat exits
 * 1 when any delivery report carried an error (kcat.c producer_run, `tx_err_dr`), and after it
 * exits the topic's end offsets must add up to warm-up + measured records.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { closeSync, openSync, readFileSync, rmSync, writeSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { RunResult, RunSpec } from "./contract.js";
import { markEnd, markStart, progress, readSpec, runMain } from "./runner-io.js";

/** Left of spec.timeoutMs for reporting after a child is killed (runMain gives up at timeoutMs). */
const REPORT_MARGIN_MS = 3_000;

export function kcatPath(): string {
  return process.env.KCAT_PATH ?? "kcat";
}

export interface KcatVersion {
  kcat: string;
  librdkafka: string;
}

/** Reads `kcat -V`: "Version 1.7.1 (JSON, ..., librdkafka 2.0.2 builtin.features=...)". */
export function parseKcatVersion(text: string): KcatVersion | undefined {
  const kcat = /^Version (\S+)/m.exec(text)?.[1];
  const librdkafka = /librdkafka (\S+)/.exec(text)?.[1];
  return kcat === undefined || librdkafka === undefined ? undefined : { kcat, librdkafka };
}

/**
 * librdkafka properties for a spec, in its own names
 * (https://github.com/confluentinc/librdkafka/blob/master/CONFIGURATION.md): `acks`, `linger.ms`
 * and `compression.codec` are its aliases of request.required.acks, queue.buffering.max.ms and
 * the topic's compression codec.
 */
export function kcatProperties(spec: RunSpec): Record<string, string> {
  return {
    acks: spec.acks === -1 ? "all" : String(spec.acks),
    "linger.ms": String(spec.lingerMs),
    "batch.size": String(spec.batchBytes),
    "compression.codec": spec.compression,
    "max.in.flight.requests.per.connection": String(spec.maxInFlight),
    "enable.idempotence": String(spec.idempotent),
  };
}

/** Arguments that send every line of `file` to the spec's topic. */
export function produceArgs(spec: RunSpec, file: string): string[] {
  const args = ["-P", "-b", spec.bootstrap, "-t", spec.topic, "-l", file];
  // No kcat.conf from $HOME or $KCAT_CONFIG may change the matched settings.
  args.push("-F", "none");
  for (const [k, v] of Object.entries(kcatProperties(spec))) args.push("-X", `${k}=${v}`);
  return args;
}

/** Arguments that ask for the end offset of every partition (-Q with timestamp -1: latest). */
export function endOffsetArgs(spec: RunSpec): string[] {
  const args = ["-Q", "-b", spec.bootstrap, "-F", "none"];
  for (let p = 0; p < spec.partitions; p++) args.push("-t", `${spec.topic}:${p}:-1`);
  return args;
}

/** Reads `kcat -Q` output lines such as "events [3] offset 1234" into partition -> offset. */
export function parseEndOffsets(text: string, topic: string): Map<number, number> {
  const offsets = new Map<number, number>();
  for (const line of text.split("\n")) {
    const m = /^(\S+) \[(\d+)\] offset (-?\d+)$/.exec(line.trim());
    if (m !== null && m[1] === topic) offsets.set(Number(m[2]), Number(m[3]));
  }
  return offsets;
}

/**
 * Writes `count` lines to `out`: the payload's lines in order, from the first again after the
 * last (record i gets line i % lines, as contract.ts asks), each ended by a newline.
 */
export function writeRepeated(
  payloadFile: string,
  lines: number,
  count: number,
  out: string,
): void {
  const payload = readFileSync(payloadFile);
  // One cycle = every line plus its newline; the payload file has no trailing newline.
  const cycle = Buffer.concat([payload, Buffer.from("\n")]);
  // Byte offset where line k ends (its newline included), to cut the last partial cycle.
  const ends: number[] = [];
  for (let i = 0; i < cycle.length; i++) if (cycle[i] === 0x0a) ends.push(i + 1);
  if (ends.length !== lines) {
    throw new Error(`payload file ${payloadFile}: expected ${lines} lines, found ${ends.length}`);
  }
  const fd = openSync(out, "w");
  try {
    for (let c = 0; c < Math.floor(count / lines); c++) writeSync(fd, cycle);
    const rest = count % lines;
    if (rest > 0) writeSync(fd, cycle, 0, ends[rest - 1] ?? 0);
  } finally {
    closeSync(fd);
  }
}

export interface KcatRun {
  code: number | null;
  /** Set when the runner killed kcat. */
  killedFor: string | undefined;
  stdout: string;
  /** The first lines of stderr (kcat prints one line per failed delivery there). */
  stderrHead: string;
  /** "% Delivery failed for message" lines counted over the whole of stderr. */
  deliveryFailures: number;
  /** Wall seconds from spawning kcat to its exit. */
  seconds: number;
}

/** Runs kcat to its end, killing it at `timeoutMs`. */
export function runKcat(args: string[], timeoutMs: number, onSpawn?: () => void): Promise<KcatRun> {
  return new Promise((done, reject) => {
    onSpawn?.();
    const began = performance.now();
    const child: ChildProcess = spawn(kcatPath(), args, { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderrHead = "";
    let tail = "";
    let deliveryFailures = 0;
    let killedFor: string | undefined;
    child.stdout?.setEncoding("utf8");
    child.stderr?.setEncoding("utf8");
    child.stdout?.on("data", (s: string) => {
      if (stdout.length < 1_000_000) stdout += s;
    });
    child.stderr?.on("data", (s: string) => {
      if (stderrHead.length < 16_000) stderrHead += s;
      // Count whole lines only: a chunk may end inside one.
      const lines = (tail + s).split("\n");
      tail = lines.pop() ?? "";
      for (const line of lines)
        if (line.includes("Delivery failed for message")) deliveryFailures++;
    });
    const timer = setTimeout(() => {
      killedFor = `timed out after ${Math.round(timeoutMs / 1000)} s`;
      child.kill("SIGKILL");
    }, timeoutMs);
    child.once("error", (err) => {
      clearTimeout(timer);
      reject(
        new Error(
          `could not run ${kcatPath()}: ${err.message} (install it with: node scripts/bench/ensure-kcat.mjs)`,
        ),
      );
    });
    child.once("close", (code) => {
      clearTimeout(timer);
      const seconds = (performance.now() - began) / 1000;
      if (tail.includes("Delivery failed for message")) deliveryFailures++;
      done({ code, killedFor, stdout, stderrHead, deliveryFailures, seconds });
    });
  });
}

/**
 * The line of kcat's stderr that best says what went wrong: the error it terminated on, else its
 * first error, else the first failed delivery, else the first librdkafka log line of level 0-3.
 */
export function kcatProblem(stderr: string): string | undefined {
  const lines = stderr.split("\n").map((l) => l.trim());
  return (
    lines.find((l) => l.startsWith("% ERROR") && l.endsWith(": terminating")) ??
    lines.find((l) => l.startsWith("% ERROR")) ??
    lines.find((l) => l.includes("Delivery failed for message")) ??
    lines.find((l) => /^%[0-3]\|/.test(l))
  );
}

function runFailure(what: string, r: KcatRun): string | undefined {
  let why = r.killedFor;
  if (why === undefined && r.deliveryFailures > 0) {
    why = `${r.deliveryFailures} delivery report(s) carried an error`;
  }
  if (why === undefined && r.code !== 0) why = `exited with code ${r.code}`;
  if (why === undefined) return undefined;
  const problem = kcatProblem(r.stderrHead);
  return `${what}: ${why}${problem === undefined ? "" : ` (${problem})`}`;
}

function empty(failure: string, settings: RunResult["settings"], notes: string[]): RunResult {
  return { ok: false, failure, records: 0, seconds: 0, latencyMs: null, settings, notes };
}

function versionSettings(): RunResult["settings"] {
  const v = spawnSync(kcatPath(), ["-V"], { encoding: "utf8", timeout: 10_000 });
  const parsed = parseKcatVersion(`${v.stdout ?? ""}${v.stderr ?? ""}`);
  return parsed === undefined
    ? { client: `kcat (version unknown: ${v.error?.message ?? "kcat -V printed no version"})` }
    : { client: `kcat ${parsed.kcat}`, librdkafka: parsed.librdkafka };
}

async function runBatch(spec: RunSpec, deadline: number): Promise<RunResult> {
  const settings: RunResult["settings"] = { ...versionSettings(), ...kcatProperties(spec) };
  const notes = [
    "kcat -P -l reads the values from a file holding the measured records' lines in order (written before MARK start); reading it is part of kcat's measured work.",
    "Seconds and CPU cover the kcat process from start to exit: connecting and the first metadata request (a few ms on loopback), sending, and waiting for the last delivery report.",
    "kcat reports no per-record timing, so there is no latency figure.",
    "Warm-up: kcat is one-shot, so the warm-up records are sent by a separate earlier kcat on the same topic; the measured kcat opens its own connection.",
    "The count: kcat exits 1 if any delivery report failed, and afterwards (outside the marks) the topic's end offsets must equal warm-up + measured records.",
    "Other librdkafka defaults stay as shipped: partitioner consistent_random (a record without a key sticks to a random partition for sticky.partitioning.linger.ms = 10 ms), batch.num.messages 10000, queue.buffering.max.messages 100000.",
  ];
  if (spec.compression !== "none") {
    notes.push(
      "librdkafka holds batch.size against the uncompressed messages (about 17 telemetry records per batch), where the Java client uses an estimate of the compressed size.",
    );
  }
  const remaining = () => Math.max(1, deadline - performance.now());

  if (spec.warmupRecords > 0) {
    const warmFile = join(spec.scratchDir, `kcat-${process.pid}-warmup.txt`);
    writeRepeated(spec.payloadFile, spec.payloadLines, spec.warmupRecords, warmFile);
    progress(spec, `warm-up: kcat, ${spec.warmupRecords} records`);
    const w = await runKcat(produceArgs(spec, warmFile), remaining());
    rmSync(warmFile, { force: true });
    const failed = runFailure(`warm-up kcat -b ${spec.bootstrap}`, w);
    if (failed !== undefined) return empty(failed, settings, notes);
  }

  const file = join(spec.scratchDir, `kcat-${process.pid}-records.txt`);
  writeRepeated(spec.payloadFile, spec.payloadLines, spec.records, file);
  progress(spec, `measured: kcat, ${spec.records} records`);
  const r = await runKcat(produceArgs(spec, file), remaining(), markStart);
  markEnd();
  // W2's file is ~200 MB: gone at once rather than when the orchestrator clears the scratch dir.
  rmSync(file, { force: true });

  const failed = runFailure(`kcat -b ${spec.bootstrap}`, r);
  const q = await runKcat(endOffsetArgs(spec), Math.min(30_000, remaining()));
  const offsets = parseEndOffsets(q.stdout, spec.topic);
  let stored = 0;
  for (const o of offsets.values()) stored += o;
  const measured = Math.max(0, stored - spec.warmupRecords);
  const result: RunResult = {
    ok: true,
    records: measured,
    seconds: r.seconds,
    latencyMs: null,
    settings,
    notes,
  };
  if (failed !== undefined) return { ...result, ok: false, failure: failed };
  if (q.code !== 0 || offsets.size !== spec.partitions) {
    const problem = kcatProblem(q.stderrHead) ?? q.killedFor ?? `exit ${q.code}`;
    return {
      ...result,
      ok: false,
      failure: `could not read the end offsets of ${spec.topic} (${offsets.size} of ${spec.partitions} partitions answered: ${problem})`,
    };
  }
  const expected = spec.warmupRecords + spec.records;
  if (stored !== expected) {
    return {
      ...result,
      ok: false,
      failure: `kcat exited 0 but ${spec.topic} holds ${stored} records, expected ${expected} (${spec.warmupRecords} warm-up + ${spec.records})`,
    };
  }
  return result;
}

function main(): void {
  const spec = readSpec();
  runMain(spec, async () => {
    const deadline = performance.now() + spec.timeoutMs - REPORT_MARGIN_MS;
    if (spec.form === "batch") return runBatch(spec, deadline);
    return {
      ...empty(
        spec.form === "await-each"
          ? "kcat sends a stream of lines and cannot wait for one record's acknowledgement before sending the next"
          : `kcat has no "${spec.form}" form (Tributary's API forms only)`,
        versionSettings(),
        spec.form === "await-each"
          ? [
              "librdkafka's own latency tool, rdkafka_performance, is not packaged as a program in Debian: librdkafka-dev ships only its C source (usr/share/doc/librdkafka-dev/examples/rdkafka_performance.c).",
            ]
          : [],
      ),
      unsupported: true,
    };
  });
}

// Run only when started as a runner, not when a test imports the helpers above.
if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main();
}
