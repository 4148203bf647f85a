/** The producer bench's output: a side-by-side table, notes on what was measured, a JSON line. */
import { loadavg } from "node:os";
import type { BenchOptions } from "../producer.js";
import { type JavaPeerResult, PEER_JVM_FLAGS } from "./java-peer.js";
import type { TributaryResult } from "./tributary-run.js";

export interface BrokerInfo {
  bootstrap: string;
  startedByBench: boolean;
  pid: number | undefined;
}

const MB = 1e6;
const fmt = (n: number | undefined, digits = 0) =>
  n === undefined || Number.isNaN(n)
    ? "-"
    : n.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });

export interface ReportInput {
  opts: BenchOptions;
  t: TributaryResult;
  tBrokerCpu: number | undefined;
  j: JavaPeerResult | undefined;
  jBrokerCpu: number | undefined;
  broker: BrokerInfo;
  totalSeconds: number;
}

/** Prints the table, the notes under it and the JSON line; returns the JSON line. */
export function report(input: ReportInput): string {
  const { opts, t, tBrokerCpu, j, jBrokerCpu, broker, totalSeconds } = input;
  const tCpu = t.cpu.userSeconds + t.cpu.systemSeconds;
  type Row = [
    label: string,
    tributary: number | undefined,
    java: number | undefined,
    digits: number,
  ];
  const rows: Row[] = [
    ["records/s", t.recordsPerSec, j?.recordsPerSec, 0],
    ["MB/s of values", t.valueMBPerSec, j?.mbPerSec, 1],
    ["MB/s of RecordBatches (wire)", t.batchMBPerSec, undefined, 1],
    ["ack latency p50 (ms)", t.latencyMs.p50, j?.p50Ms, 1],
    ["ack latency p99 (ms)", t.latencyMs.p99, j?.p99Ms, 1],
    ["ack latency p99.9 (ms)", t.latencyMs.p999, j?.p999Ms, 1],
    ["ack latency max (ms)", t.latencyMs.max, j?.maxLatencyMs, 1],
    ["ack latency mean (ms)", t.latencyMs.mean, j?.avgLatencyMs, 1],
    ["client CPU (s)", tCpu, j?.cpuSeconds, 2],
    [
      "client CPU per record (us)",
      t.cpu.usPerRecord,
      j?.cpuSeconds === undefined ? undefined : (j.cpuSeconds * 1e6) / opts.records,
      2,
    ],
    ["broker CPU (s)", tBrokerCpu, jBrokerCpu, 2],
    [
      "peak RSS, sampled (MB)",
      t.peakRssSampledBytes / MB,
      j?.peakRssBytes === undefined ? undefined : j.peakRssBytes / MB,
      0,
    ],
    ["peak RSS, maxRSS (MB)", t.maxRssBytes / MB, undefined, 0],
    ["batches sent", t.batchesSent, undefined, 0],
    ["mean records per batch", t.meanBatchRecords, undefined, 1],
    ["mean bytes per batch", t.meanBatchBytes, undefined, 0],
    ["waits for buffer room", t.queueFullWaits, undefined, 0],
    [
      "failed records",
      t.failures,
      j === undefined ? undefined : opts.records - (j.recordsAcked || 0),
      0,
    ],
  ];
  const width = Math.max(...rows.map((r) => r[0].length));
  const cols = ["tributary", "java", "tributary/java"];
  console.log();
  console.log(
    `${"".padEnd(width)}  ${cols[0]!.padStart(12)}  ${j === undefined ? "" : `${cols[1]!.padStart(12)}  ${cols[2]!.padStart(14)}`}`,
  );
  console.log(
    `${"-".repeat(width)}  ${"-".repeat(12)}  ${j === undefined ? "" : `${"-".repeat(12)}  ${"-".repeat(14)}`}`,
  );
  for (const [label, tv, jv, digits] of rows) {
    let line = `${label.padEnd(width)}  ${fmt(tv, digits).padStart(12)}`;
    if (j !== undefined) {
      const ratio = tv !== undefined && jv !== undefined && jv > 0 ? fmt(tv / jv, 2) : "";
      line += `  ${fmt(jv, digits).padStart(12)}  ${ratio.padStart(14)}`;
    }
    console.log(line.trimEnd());
  }
  const load = loadavg()[0] ?? 0;
  console.log(
    `\n${opts.records.toLocaleString("en-US")} records of ${opts.valueBytes} B values${opts.keys ? " + 16 B keys" : ", no keys"}, ` +
      `${opts.partitions} partitions, acks 1, no compression, no idempotence, linger ${opts.lingerMs} ms, ` +
      `batch ${opts.batchBytes} B, buffer ${opts.bufferBytes} B; MB = 10^6 B.`,
  );
  console.log(
    `tributary: ${fmt(t.seconds, 2)} s from the first produce() to flush() resolving, after ${opts.warmup.toLocaleString("en-US")} warm-up records; ` +
      `latency from each produce() call to its delivery callback; ratio > 1 means Tributary's figure is higher${t.offsetsChecked ? "; offsets checked contiguous per partition" : ""}.`,
  );
  if (j !== undefined) {
    console.log(
      `java: ProducerPerformance (Kafka's Java client) on its own topic${opts.keys ? ", keyless (the tool has no key option)" : ""}, no warm-up (the 4.1 tool has none), ${fmt(j.processSeconds, 1)} s ` +
        `in all; its latencies are whole ms from send() to callback; CPU and RSS are the whole JVM's; flags ${PEER_JVM_FLAGS.join(" ")}.`,
    );
  }
  console.log(
    `node ${process.version}; broker ${broker.bootstrap}${broker.startedByBench ? " (started by this bench)" : ""}; ` +
      `load average ${load.toFixed(2)} over 1 min${load > 1.5 ? " (busy machine: figures are low)" : ""}; ${fmt(totalSeconds, 1)} s in all.`,
  );
  if (!t.ok) {
    console.log(`\nTRIBUTARY RUN FAILED: ${t.failures} records failed`);
    for (const e of t.firstErrors) console.log(`  ${e}`);
    for (const p of t.problems) console.log(`  ${p}`);
  }
  if (j !== undefined && !j.ok) {
    console.log(`\nJAVA PEER FAILED: ${j.failure}\n  ${j.command}\n${j.stderrHead}`);
  }

  const round = (n: number | undefined, digits = 0) =>
    n === undefined || Number.isNaN(n) ? null : Number(n.toFixed(digits));
  const json = {
    bench: "producer",
    ok: t.ok && (j === undefined || j.ok),
    node: process.version,
    loadAverage: round(load, 2),
    config: {
      records: opts.records,
      warmup: opts.warmup,
      partitions: opts.partitions,
      valueBytes: opts.valueBytes,
      keys: opts.keys,
      acks: 1,
      compression: "none",
      idempotent: false,
      lingerMs: opts.lingerMs,
      batchBytes: opts.batchBytes,
      bufferBytes: opts.bufferBytes,
    },
    broker: { bootstrap: broker.bootstrap, startedByBench: broker.startedByBench },
    tributary: {
      ok: t.ok,
      failures: t.failures,
      firstErrors: t.firstErrors,
      problems: t.problems,
      seconds: round(t.seconds, 3),
      recordsPerSec: round(t.recordsPerSec),
      valueMBPerSec: round(t.valueMBPerSec, 2),
      batchMBPerSec: round(t.batchMBPerSec, 2),
      latencyMs: {
        p50: round(t.latencyMs.p50, 2),
        p99: round(t.latencyMs.p99, 2),
        p999: round(t.latencyMs.p999, 2),
        max: round(t.latencyMs.max, 2),
        mean: round(t.latencyMs.mean, 2),
      },
      cpuSeconds: round(tCpu, 3),
      cpuUsPerRecord: round(t.cpu.usPerRecord, 3),
      brokerCpuSeconds: round(tBrokerCpu, 2),
      peakRssSampledMB: round(t.peakRssSampledBytes / MB, 1),
      maxRssMB: round(t.maxRssBytes / MB, 1),
      batchesSent: t.batchesSent,
      meanBatchRecords: round(t.meanBatchRecords, 1),
      meanBatchBytes: round(t.meanBatchBytes),
      queueFullWaits: t.queueFullWaits,
    },
    java:
      j === undefined
        ? null
        : {
            ok: j.ok,
            failure: j.failure ?? null,
            recordsPerSec: round(j.recordsPerSec),
            valueMBPerSec: round(j.mbPerSec, 2),
            latencyMs: {
              p50: j.p50Ms,
              p95: j.p95Ms,
              p99: j.p99Ms,
              p999: j.p999Ms,
              max: j.maxLatencyMs,
              mean: j.avgLatencyMs,
            },
            cpuSeconds: round(j.cpuSeconds, 2),
            brokerCpuSeconds: round(jBrokerCpu, 2),
            peakRssMB: round(j.peakRssBytes === undefined ? undefined : j.peakRssBytes / MB, 1),
            processSeconds: round(j.processSeconds, 2),
          },
    ratio:
      j === undefined || !(j.recordsPerSec > 0)
        ? null
        : { recordsPerSec: round(t.recordsPerSec / j.recordsPerSec, 3) },
  };
  const line = JSON.stringify(json);
  console.log(line);
  return line;
}
