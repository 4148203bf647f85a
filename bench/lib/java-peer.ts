/**
 * Kafka's own ProducerPerformance (the Java client) as the reference peer: runs it with given
 * producer properties and reads its closing summary line.
 *
 * Not through scripts/kafka/java.mjs#runTool: that one starts tools to exit quickly
 * (-XX:TieredStopAtLevel=1, i.e. no C2 compiler, serial GC, -Xmx256m), which measured here costs
 * the Java client about a sixth of its throughput (309k vs 372k records/s on 1M x 100 B). A peer
 * must run as Kafka ships it, so this runs the same jars, java and log4j config with the JVM
 * flags of bin/kafka-producer-perf-test.sh (KAFKA_HEAP_OPTS=-Xmx512M) and bin/kafka-run-class.sh
 * (KAFKA_JVM_PERFORMANCE_OPTS).
 */
import { spawn } from "node:child_process";
import { classpath } from "../../scripts/kafka/fetch.mjs";
import { jdkTool, toolLog4jFile } from "../../scripts/kafka/java.mjs";
import { peakRssOf, reapedChildrenCpuSeconds } from "./proc.js";

export const PEER_JVM_FLAGS = Object.freeze([
  "-Xmx512m",
  "-server",
  "-XX:+UseG1GC",
  "-XX:MaxGCPauseMillis=20",
  "-XX:InitiatingHeapOccupancyPercent=35",
  "-XX:+ExplicitGCInvokesConcurrent",
  "-Djava.awt.headless=true",
]);

const MAIN_CLASS = "org.apache.kafka.tools.ProducerPerformance";

export interface JavaPeerConfig {
  topic: string;
  records: number;
  /** Size of the tool's generated values (--record-size); ignored when payloadFile is given. */
  recordBytes: number;
  /**
   * Values from this file instead (--payload-file, one value per line): the tool reads it as
   * UTF-8 text and picks a line at random for each record (see JavaPeerResult.payloadLinesRead).
   */
  payloadFile?: string;
  /** Producer properties, e.g. { "bootstrap.servers": "127.0.0.1:9092", acks: "1" }. */
  props: Record<string, string>;
  timeoutMs: number;
  /** Gets ProducerPerformance's 5-second window lines as they come. */
  onWindow?: (line: string) => void;
}

/** ProducerPerformance's totals, as it prints them (latencies are whole milliseconds). */
export interface JavaPeerResult {
  ok: boolean;
  /** Why the run failed, when it did. */
  failure: string | undefined;
  recordsAcked: number;
  recordsPerSec: number;
  /**
   * 10^6 bytes of values per second (the tool itself prints MiB/s). With a payload file, from
   * the tool's own byte count (values differ in size), to its two printed decimals.
   */
  mbPerSec: number;
  /** With a payload file: how many values the tool read from it ("Number of messages read"). */
  payloadLinesRead: number | undefined;
  avgLatencyMs: number;
  maxLatencyMs: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  p999Ms: number;
  /** User + system CPU of the whole JVM process, start-up and JIT included. */
  cpuSeconds: number | undefined;
  peakRssBytes: number | undefined;
  /** Wall time of the whole process. */
  processSeconds: number;
  command: string;
  /** The first lines of stderr (the tool prints a stack trace per failed record there). */
  stderrHead: string;
}

/** ProducerPerformance prints this once it has read --payload-file. */
const PAYLOAD_READ = /^Number of messages read: (\d+)$/m;

// With no record acknowledged the average latency is 0/0, which Java prints as NaN.
const SUMMARY =
  /^(\d+) records sent, ([\d.]+) records\/sec \(([\d.]+) MB\/sec\), ([\d.]+|NaN) ms avg latency, ([\d.]+) ms max latency, (\d+) ms 50th, (\d+) ms 95th, (\d+) ms 99th, (\d+) ms 99\.9th\.$/;

/** The figures of ProducerPerformance's closing summary line, as printed. */
export interface PeerSummary {
  /** Records whose callback saw no exception (the tool counts only those). */
  recordsAcked: number;
  recordsPerSec: number;
  /** The tool's MB/sec, which is MiB (2^20 bytes) per second. */
  mibPerSec: number;
  avgLatencyMs: number;
  maxLatencyMs: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  p999Ms: number;
}

/** The last summary line in the tool's stdout; undefined when it printed none. */
export function parseSummary(stdout: string): PeerSummary | undefined {
  const lines = stdout.trim().split("\n").reverse();
  for (const line of lines) {
    const m = SUMMARY.exec(line.trim());
    if (m === null) continue;
    const n = (i: number) => Number(m[i]);
    return {
      recordsAcked: n(1),
      recordsPerSec: n(2),
      mibPerSec: n(3),
      avgLatencyMs: n(4),
      maxLatencyMs: n(5),
      p50Ms: n(6),
      p95Ms: n(7),
      p99Ms: n(8),
      p999Ms: n(9),
    };
  }
  return undefined;
}

/** How many values the tool read from --payload-file; undefined when it did not say. */
export function payloadLinesRead(stdout: string): number | undefined {
  const m = PAYLOAD_READ.exec(stdout);
  return m === null ? undefined : Number(m[1]);
}

/** Runs the peer; `abortSignal` kills it (Ctrl-C). Resolves with what it reported. */
export function runJavaPeer(
  config: JavaPeerConfig,
  abortSignal?: AbortSignal,
): Promise<JavaPeerResult> {
  const props = Object.entries(config.props).map(([k, v]) => `${k}=${v}`);
  const args = [
    ...PEER_JVM_FLAGS,
    `-Dlog4j2.configurationFile=${toolLog4jFile()}`,
    "-cp",
    classpath(),
    MAIN_CLASS,
    "--topic",
    config.topic,
    "--num-records",
    String(config.records),
    ...(config.payloadFile === undefined
      ? ["--record-size", String(config.recordBytes)]
      : ["--payload-file", config.payloadFile]),
    "--throughput",
    "-1",
    "--producer-props",
    ...props,
  ];
  const java = jdkTool("java");
  const command = `${java} ${args.map((a) => (/[\s*]/.test(a) ? `'${a}'` : a)).join(" ")}`;
  const cpuBefore = reapedChildrenCpuSeconds();
  const began = performance.now();

  return new Promise((resolve, reject) => {
    const child = spawn(java, args, { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    let pending = "";
    let peakRss: number | undefined;
    let killedFor: string | undefined;
    child.stdout.setEncoding("utf8");
    child.stderr.setEncoding("utf8");
    child.stdout.on("data", (s: string) => {
      stdout += s;
      pending += s;
      const lines = pending.split("\n");
      pending = lines.pop() ?? "";
      for (const line of lines) if (!SUMMARY.test(line)) config.onWindow?.(line);
    });
    child.stderr.on("data", (s: string) => {
      if (stderr.length < 64_000) stderr += s;
    });
    // VmHWM is already a peak; sampling only has to catch it before the process is gone.
    const sampler = setInterval(() => {
      if (child.pid !== undefined) peakRss = peakRssOf(child.pid) ?? peakRss;
    }, 100);
    const kill = (why: string) => {
      killedFor ??= why;
      child.kill("SIGKILL");
    };
    const timer = setTimeout(
      () => kill(`timed out after ${config.timeoutMs / 1000} s`),
      config.timeoutMs,
    );
    const onAbort = () => kill("interrupted");
    abortSignal?.addEventListener("abort", onAbort, { once: true });
    const done = () => {
      clearInterval(sampler);
      clearTimeout(timer);
      abortSignal?.removeEventListener("abort", onAbort);
    };
    child.on("error", (err) => {
      done();
      reject(
        new Error(`could not run ${java} (is a JDK on PATH or JAVA_HOME set?): ${err.message}`),
      );
    });
    child.on("close", (code) => {
      done();
      const cpuAfter = reapedChildrenCpuSeconds();
      const summary = parseSummary(stdout);
      const acked = summary?.recordsAcked ?? Number.NaN;
      let failure: string | undefined = killedFor;
      if (failure === undefined && code !== 0) failure = `exited with code ${code}`;
      if (failure === undefined && summary === undefined) failure = "printed no summary line";
      if (failure === undefined && acked !== config.records) {
        failure = `${config.records - acked} of ${config.records} records failed`;
      }
      const nan = Number.NaN;
      resolve({
        ok: failure === undefined,
        failure,
        recordsAcked: acked,
        recordsPerSec: summary?.recordsPerSec ?? nan,
        mbPerSec:
          config.payloadFile === undefined
            ? ((summary?.recordsPerSec ?? nan) * config.recordBytes) / 1e6
            : ((summary?.mibPerSec ?? nan) * 1024 * 1024) / 1e6,
        payloadLinesRead: config.payloadFile === undefined ? undefined : payloadLinesRead(stdout),
        avgLatencyMs: summary?.avgLatencyMs ?? nan,
        maxLatencyMs: summary?.maxLatencyMs ?? nan,
        p50Ms: summary?.p50Ms ?? nan,
        p95Ms: summary?.p95Ms ?? nan,
        p99Ms: summary?.p99Ms ?? nan,
        p999Ms: summary?.p999Ms ?? nan,
        cpuSeconds:
          cpuBefore === undefined || cpuAfter === undefined ? undefined : cpuAfter - cpuBefore,
        peakRssBytes: peakRss,
        processSeconds: (performance.now() - began) / 1000,
        command,
        stderrHead: stderr.split("\n").slice(0, 20).join("\n"),
      });
    });
  });
}
