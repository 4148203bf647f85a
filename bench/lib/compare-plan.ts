/**
 * What the comparison run runs: the workloads of issue 9 at full and quick size, the clients,
 * and the settings every client is given. One place, so the table, the JSON and the README
 * all say the same thing.
 */
import type { ApiForm, Compression, WorkloadId } from "../peers/contract.js";

export interface Workload {
  id: WorkloadId;
  title: string;
  /** Which payload file the values come from. */
  payload: "random-100" | "telemetry";
  records: number;
  warmup: number;
  acks: 0 | 1 | -1;
  compression: Compression;
  lingerMs: number;
  /** The forms run; one row per (client, form). W5 lists Tributary's four API forms. */
  forms: ApiForm[];
  /** Records for the await-each form when it is one form among faster ones (W5). */
  awaitEachRecords?: number;
  /** What the workload is judged on. */
  metric: "throughput" | "latency";
}

export interface Client {
  id: string;
  /** bench/peers/<runner>.ts */
  runner: string;
  label: string;
  /** Workloads it runs; others are not attempted (W5 is Tributary's API). */
  workloads: WorkloadId[];
}

/** Matched for every client (printed with the table). */
export const SHARED = {
  partitions: 6,
  batchBytes: 16_384,
  maxInFlight: 5,
  idempotent: false,
  inFlightLimit: 1000,
} as const;

export const CLIENTS: readonly Client[] = [
  {
    id: "tributary-tcp",
    runner: "tributary",
    label: "Tributary, Node, TCP",
    workloads: ["W1", "W2", "W3", "W4", "W5"],
  },
  {
    id: "tributary-ws",
    runner: "tributary",
    label: "Tributary, Node, WebSocket via gateway",
    workloads: ["W1", "W2", "W3", "W4"],
  },
  {
    id: "tributary-chromium",
    runner: "chromium",
    label: "Tributary, Chromium, via gateway",
    workloads: ["W1", "W2", "W3", "W4"],
  },
  { id: "kafkajs", runner: "kafkajs", label: "KafkaJS 2.2.4", workloads: ["W1", "W2", "W3", "W4"] },
  {
    id: "platformatic",
    runner: "platformatic",
    label: "@platformatic/kafka",
    workloads: ["W1", "W2", "W3", "W4"],
  },
  {
    id: "jvm",
    runner: "jvm",
    label: "Java client (ProducerPerformance)",
    workloads: ["W1", "W2", "W3", "W4"],
  },
  { id: "kcat", runner: "kcat", label: "kcat (librdkafka)", workloads: ["W1", "W2", "W3", "W4"] },
];

/**
 * full: the published figures. quick: a tenth, for a look in a few minutes. smoke: tiny, for
 * `npm test` to prove that every runner and the report work end to end (figures meaningless).
 */
export type Size = "full" | "quick" | "smoke";

export function workloads(size: Size): Workload[] {
  const q = (full: number, short: number) =>
    size === "full" ? full : size === "quick" ? short : Math.max(100, Math.round(short / 20));
  return [
    {
      id: "W1",
      title: "100 B records, acks 1, no compression",
      payload: "random-100",
      records: q(1_000_000, 100_000),
      warmup: q(100_000, 10_000),
      acks: 1,
      compression: "none",
      lingerMs: 5,
      forms: ["batch"],
      metric: "throughput",
    },
    {
      id: "W2",
      title: "~1 KB telemetry JSON, acks all, lz4",
      payload: "telemetry",
      records: q(200_000, 20_000),
      warmup: q(20_000, 2_000),
      acks: -1,
      compression: "lz4",
      lingerMs: 5,
      forms: ["batch"],
      metric: "throughput",
    },
    {
      id: "W3",
      title: "~1 KB telemetry JSON, acks all, zstd",
      payload: "telemetry",
      records: q(200_000, 20_000),
      warmup: q(20_000, 2_000),
      acks: -1,
      compression: "zstd",
      lingerMs: 5,
      forms: ["batch"],
      metric: "throughput",
    },
    {
      id: "W4",
      title: "latency: one record at a time, awaited; acks all, linger 0",
      payload: "random-100",
      records: q(10_000, 1_000),
      warmup: q(500, 100),
      acks: -1,
      compression: "none",
      lingerMs: 0,
      forms: ["await-each"],
      metric: "latency",
    },
    {
      id: "W5",
      title: "Tributary's API forms on W1's records (acks 1, linger 5)",
      payload: "random-100",
      records: q(1_000_000, 100_000),
      warmup: q(100_000, 10_000),
      acks: 1,
      compression: "none",
      lingerMs: 5,
      forms: ["fire-and-forget", "callback", "await-each", "in-flight"],
      awaitEachRecords: q(5_000, 500),
      metric: "throughput",
    },
  ];
}

/** Records in the measured phase of one (workload, form). */
export function recordsFor(w: Workload, form: ApiForm): number {
  return form === "await-each" && w.awaitEachRecords !== undefined ? w.awaitEachRecords : w.records;
}
