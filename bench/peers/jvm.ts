/**
 * Runner: the Java client (kafka-clients, the jars scripts/kafka/fetch.mjs brings), started with
 * the JVM flags Kafka's own scripts use (bench/lib/java-peer.ts PEER_JVM_FLAGS).
 *
 * - batch (W1-W3): Kafka's ProducerPerformance (`kafka-producer-perf-test`), which sends with a
 *   callback per record and no throttle, values from the payload file. Figures are the tool's
 *   own summary. Its 4.1 release has no --warmup-records (KIP-1052 came later), so the warm-up
 *   is a separate, earlier run of the tool on the same topic, and the measured JVM starts cold.
 * - await-each (W4): bench/peers/jvm/AwaitEach.java, our own program (ProducerPerformance cannot
 *   await one record at a time), run with the single-file source launcher; it warms up on its
 *   own producer and prints the marks itself.
 */
import { spawn, spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { connect } from "node:net";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { classpath } from "../../scripts/kafka/fetch.mjs";
import { jdkTool, toolLog4jFile } from "../../scripts/kafka/java.mjs";
import { KAFKA_VERSION } from "../../scripts/kafka/paths.mjs";
import { type JavaPeerResult, PEER_JVM_FLAGS, runJavaPeer } from "../lib/java-peer.js";
import type { RunResult, RunSpec } from "./contract.js";
import { markEnd, markStart, progress, readSpec, runMain } from "./runner-io.js";

/** Left of spec.timeoutMs for reporting after a child is killed (runMain gives up at timeoutMs). */
const REPORT_MARGIN_MS = 3_000;

const AWAIT_EACH_SOURCE = join(dirname(fileURLToPath(import.meta.url)), "jvm", "AwaitEach.java");

/** The Java client's acks value for the spec's 0 / 1 / -1. */
export function javaAcks(acks: RunSpec["acks"]): string {
  return acks === -1 ? "all" : String(acks);
}

/**
 * Producer properties for a spec, in the Java client's own names
 * (https://kafka.apache.org/documentation/#producerconfigs). Everything else stays at its default
 * (buffer.memory 32 MiB, delivery.timeout.ms 120 s, the built-in partitioner: sticky for
 * records without a key, KIP-794).
 */
export function producerProps(spec: RunSpec): Record<string, string> {
  return {
    "bootstrap.servers": spec.bootstrap,
    acks: javaAcks(spec.acks),
    "linger.ms": String(spec.lingerMs),
    "batch.size": String(spec.batchBytes),
    "compression.type": spec.compression,
    "max.in.flight.requests.per.connection": String(spec.maxInFlight),
    "enable.idempotence": String(spec.idempotent),
  };
}

/** `java` plus the arguments that run AwaitEach.java for a spec. */
export function awaitEachCommand(spec: RunSpec): { java: string; args: string[] } {
  const props = Object.entries(producerProps(spec)).map(([k, v]) => `${k}=${v}`);
  return {
    java: jdkTool("java"),
    args: [
      ...PEER_JVM_FLAGS,
      `-Dlog4j2.configurationFile=${toolLog4jFile()}`,
      "-cp",
      classpath(),
      AWAIT_EACH_SOURCE,
      spec.topic,
      spec.payloadFile,
      String(spec.warmupRecords),
      String(spec.records),
      ...props,
    ],
  };
}

/** What AwaitEach.java reports on its last line. */
export type AwaitEachReport =
  | { kind: "result"; acked: number; seconds: number; p50Ms: number; p99Ms: number }
  | { kind: "failed"; why: string }
  | { kind: "info"; java: string; kafkaClients: string };

const AWAIT_EACH_RESULT =
  /^AWAIT-EACH acked=(\d+) seconds=([\d.eE+-]+) p50Ms=([\d.eE+-]+) p99Ms=([\d.eE+-]+)$/;
const AWAIT_EACH_FAILED = /^AWAIT-EACH-FAILED (.+)$/;
const AWAIT_EACH_INFO = /^AWAIT-EACH-INFO java=(\S+) kafka-clients=(\S+)$/;

/** Reads one of AwaitEach.java's report lines; undefined for any other line. */
export function parseAwaitEachLine(line: string): AwaitEachReport | undefined {
  const r = AWAIT_EACH_RESULT.exec(line);
  if (r !== null) {
    return {
      kind: "result",
      acked: Number(r[1]),
      seconds: Number(r[2]),
      p50Ms: Number(r[3]),
      p99Ms: Number(r[4]),
    };
  }
  const f = AWAIT_EACH_FAILED.exec(line);
  if (f !== null) return { kind: "failed", why: f[1] ?? "" };
  const i = AWAIT_EACH_INFO.exec(line);
  if (i !== null) return { kind: "info", java: i[1] ?? "?", kafkaClients: i[2] ?? "?" };
  return undefined;
}

/**
 * The line of a JVM's stderr that best says what went wrong: the client's first warning or
 * error (e.g. NetworkClient's "Connection to node -1 ... could not be established"), else the
 * first exception line of a stack trace.
 */
export function firstProblem(stderr: string): string | undefined {
  const lines = stderr.split("\n").map((l) => l.trim());
  return (
    lines.find((l) => /^(WARN|ERROR|FATAL) /.test(l)) ??
    lines.find((l) => /^[\w.$]+(Exception|Error)(: |$)/.test(l))
  );
}

/** Java's own version line, e.g. `openjdk version "17.0.15" 2025-04-15`. */
function javaVersion(): string {
  const r = spawnSync(jdkTool("java"), ["-version"], { encoding: "utf8", timeout: 10_000 });
  const line = `${r.stderr ?? ""}`.split("\n")[0]?.trim();
  return line === undefined || line === "" ? "unknown" : line;
}

/**
 * Fails fast, with a clear reason, when no bootstrap broker accepts a TCP connection: the Java
 * client itself would retry quietly for max.block.ms (60 s) per record before giving up.
 */
export async function checkReachable(
  bootstrap: string,
  timeoutMs = 3_000,
): Promise<string | undefined> {
  const problems: string[] = [];
  for (const server of bootstrap.split(",").map((s) => s.trim())) {
    const colon = server.lastIndexOf(":");
    const host = server.slice(0, colon);
    const port = Number(server.slice(colon + 1));
    const problem = await new Promise<string | undefined>((done) => {
      const socket = connect({ host, port });
      const timer = setTimeout(() => {
        socket.destroy();
        done(`no answer within ${timeoutMs / 1000} s`);
      }, timeoutMs);
      socket.once("connect", () => {
        clearTimeout(timer);
        socket.destroy();
        done(undefined);
      });
      socket.once("error", (err: NodeJS.ErrnoException) => {
        clearTimeout(timer);
        done(err.code ?? err.message);
      });
    });
    if (problem === undefined) return undefined;
    problems.push(`${server}: ${problem}`);
  }
  return `no bootstrap broker accepts connections (${problems.join("; ")})`;
}

function fail(failure: string, settings: RunResult["settings"], notes: string[]): RunResult {
  return { ok: false, failure, records: 0, seconds: 0, latencyMs: null, settings, notes };
}

function peerFailure(what: string, r: JavaPeerResult): string {
  const problem = firstProblem(r.stderrHead);
  return `${what}: ${r.failure ?? "failed"}${problem === undefined ? "" : ` (${problem})`}`;
}

/**
 * ProducerPerformance reads --payload-file as UTF-8 text and sends each value re-encoded; bytes
 * that are not valid UTF-8 would change on the way, so such a file is refused rather than sent.
 */
function checkUtf8(path: string): string | undefined {
  try {
    new TextDecoder("utf-8", { fatal: true }).decode(readFileSync(path));
    return undefined;
  } catch {
    return `payload file ${path} is not valid UTF-8, which ProducerPerformance would alter`;
  }
}

async function runBatch(spec: RunSpec, deadline: number): Promise<RunResult> {
  const props = producerProps(spec);
  const settings: RunResult["settings"] = {
    client: `kafka-clients ${KAFKA_VERSION}`,
    tool: "org.apache.kafka.tools.ProducerPerformance --throughput -1 --payload-file",
    jvm: javaVersion(),
    jvmFlags: PEER_JVM_FLAGS.join(" "),
    ...props,
  };
  const notes = [
    "Values come from the payload file, but ProducerPerformance picks a line at random for each record (fixed seed), so the bytes sent match the other clients' in distribution, not in order.",
    "Warm-up: ProducerPerformance 4.1 has no --warmup-records (KIP-1052 came in a later release), so the warm-up records are sent by a separate earlier run of the tool on the same topic; the measured JVM starts cold (start-up, JIT and first metadata fetch are inside its figures).",
    "records/s and latencies are the tool's own summary: its clock runs from just before the first send (whose metadata fetch it includes) to the end of producer.close(); latencies are whole milliseconds from send() to the callback, sampled on at most 500,000 records.",
    "MARK start is printed just before the JVM is launched and MARK end when it exits, so the CPU figure includes JVM start-up, reading the payload file and JIT compilation.",
  ];
  if (spec.compression !== "none") {
    notes.push(
      "With compression the Java client holds batch.size against a batch's estimated compressed size (a per-topic ratio estimate, starting at 1.0, that adapts batch by batch), so its batches grow past 16 KB of values as the estimate falls; librdkafka and Tributary count uncompressed bytes.",
    );
  }
  const utf8 = checkUtf8(spec.payloadFile);
  if (utf8 !== undefined) return fail(utf8, settings, notes);
  const unreachable = await checkReachable(spec.bootstrap);
  if (unreachable !== undefined) return fail(unreachable, settings, notes);

  const run = (records: number) =>
    runJavaPeer({
      topic: spec.topic,
      records,
      recordBytes: 0,
      payloadFile: spec.payloadFile,
      props,
      timeoutMs: Math.max(1, deadline - performance.now()),
      onWindow: (line) => progress(spec, `java: ${line}`),
    });

  if (spec.warmupRecords > 0) {
    progress(spec, `warm-up: ProducerPerformance, ${spec.warmupRecords} records`);
    const w = await run(spec.warmupRecords);
    if (!w.ok) return fail(peerFailure("warm-up run of ProducerPerformance", w), settings, notes);
  }

  progress(spec, `measured: ProducerPerformance, ${spec.records} records`);
  markStart();
  const r = await run(spec.records);
  markEnd();

  // The tool's own clock: its summary gives records and records/s, so their ratio.
  const toolSeconds = r.recordsAcked > 0 ? r.recordsAcked / r.recordsPerSec : 0;
  notes.push(
    `The JVM process ran ${r.processSeconds.toFixed(2)} s from launch to exit; the tool's own clock measured ${toolSeconds.toFixed(2)} s.`,
  );
  const expectedMb = spec.measuredValueBytes / 1e6;
  const sentMb = r.mbPerSec * toolSeconds;
  // The tool prints MiB/s to two decimals: up to 0.005 MiB/s of rounding over its run.
  const rounding = 0.005 * 1.048576 * toolSeconds;
  if (toolSeconds > 0 && Math.abs(sentMb - expectedMb) > rounding + expectedMb * 0.001) {
    notes.push(
      `Because of the random picks it sent about ${sentMb.toFixed(1)} MB of values against the spec's ${expectedMb.toFixed(1)} MB (from the tool's rounded MB/sec).`,
    );
  }
  const result: RunResult = {
    ok: r.ok,
    records: Number.isFinite(r.recordsAcked) ? r.recordsAcked : 0,
    seconds: toolSeconds,
    latencyMs:
      Number.isFinite(r.p50Ms) && Number.isFinite(r.p99Ms) ? { p50: r.p50Ms, p99: r.p99Ms } : null,
    settings,
    notes,
  };
  if (!r.ok) return { ...result, ok: false, failure: peerFailure("ProducerPerformance", r) };
  if (r.payloadLinesRead !== spec.payloadLines) {
    return {
      ...result,
      ok: false,
      failure: `ProducerPerformance read ${r.payloadLinesRead} values from ${spec.payloadFile}, expected ${spec.payloadLines}`,
    };
  }
  return result;
}

async function runAwaitEach(spec: RunSpec, deadline: number): Promise<RunResult> {
  const settings: RunResult["settings"] = {
    client: `kafka-clients ${KAFKA_VERSION}`,
    tool: "bench/peers/jvm/AwaitEach.java: send(record).get() one at a time",
    jvmFlags: PEER_JVM_FLAGS.join(" "),
    ...producerProps(spec),
  };
  const notes = [
    "Our own program (bench/peers/jvm/AwaitEach.java), run by the JVM's single-file source launcher: each record is send(record).get(), timed with System.nanoTime from before send() to the acknowledgement.",
    "Warm-up runs first on the same producer and connection; the program prints the marks itself, so JVM start-up, compiling the program and the warm-up are outside them.",
  ];
  const unreachable = await checkReachable(spec.bootstrap);
  if (unreachable !== undefined) return fail(unreachable, settings, notes);

  const { java, args } = awaitEachCommand(spec);
  const child = spawn(java, args, { stdio: ["ignore", "pipe", "pipe"] });
  let report: AwaitEachReport | undefined;
  let failed: string | undefined;
  let stderr = "";
  let killedFor: string | undefined;
  let pending = "";
  child.stdout.setEncoding("utf8");
  child.stderr.setEncoding("utf8");
  child.stdout.on("data", (chunk: string) => {
    pending += chunk;
    const lines = pending.split("\n");
    pending = lines.pop() ?? "";
    for (const line of lines) {
      // The marks pass straight through: the orchestrator samples CPU when it reads them.
      if (line === "MARK start") markStart();
      else if (line === "MARK end") markEnd();
      else {
        const parsed = parseAwaitEachLine(line);
        if (parsed?.kind === "info") {
          settings.client = `kafka-clients ${parsed.kafkaClients}`;
          settings.jvm = parsed.java;
        } else if (parsed?.kind === "failed") failed = parsed.why;
        else if (parsed?.kind === "result") report = parsed;
        else if (line.trim() !== "") progress(spec, `java: ${line}`);
      }
    }
  });
  child.stderr.on("data", (chunk: string) => {
    if (stderr.length < 64_000) stderr += chunk;
  });
  const timer = setTimeout(
    () => {
      killedFor = `timed out after ${Math.round(spec.timeoutMs / 1000)} s`;
      child.kill("SIGKILL");
    },
    Math.max(1, deadline - performance.now()),
  );
  const code = await new Promise<number | null>((done) => {
    child.once("error", (err) => {
      failed = `could not run ${java} (is a JDK on PATH or JAVA_HOME set?): ${err.message}`;
      done(null);
    });
    child.once("close", (c) => done(c));
  });
  clearTimeout(timer);

  let why = killedFor ?? failed;
  if (why === undefined && code !== 0) why = `AwaitEach.java exited with code ${code}`;
  if (why === undefined && report?.kind !== "result") why = "AwaitEach.java printed no result";
  if (why === undefined && report?.kind === "result" && report.acked !== spec.records) {
    why = `${spec.records - report.acked} of ${spec.records} records were not acknowledged`;
  }
  if (why !== undefined || report?.kind !== "result") {
    const problem = firstProblem(stderr);
    const detail = problem === undefined ? "" : ` (${problem})`;
    return fail(`${why ?? "AwaitEach.java printed no result"}${detail}`, settings, notes);
  }
  return {
    ok: true,
    records: report.acked,
    seconds: report.seconds,
    latencyMs: { p50: report.p50Ms, p99: report.p99Ms },
    settings,
    notes,
  };
}

function main(): void {
  const spec = readSpec();
  runMain(spec, async () => {
    const deadline = performance.now() + spec.timeoutMs - REPORT_MARGIN_MS;
    switch (spec.form) {
      case "batch":
        return runBatch(spec, deadline);
      case "await-each":
        return runAwaitEach(spec, deadline);
      default:
        return {
          ...fail(
            `the Java client runner has no "${spec.form}" form (Tributary's API forms only)`,
            {},
            [],
          ),
          unsupported: true,
        };
    }
  });
}

// Run only when started as a runner, not when a test imports the helpers above.
if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main();
}
