/**
 * What the comparison run (bench/compare.ts) tells each client runner and what it reads back.
 *
 * A runner is one child process per (workload, client): `node --conditions=source --import tsx
 * bench/peers/<runner>.ts` with the RunSpec as JSON in the BENCH_SPEC environment variable. It
 * prints progress on stderr and, on stdout, exactly these lines:
 *
 *   MARK start          when the measured phase begins (after connecting and warming up)
 *   MARK end            when the last record of the measured phase is acknowledged
 *   RESULT {json}       last line: a RunResult
 *
 * The orchestrator samples the runner's whole process tree (CPU time, resident memory) at the
 * marks, so a runner need not measure its own CPU or memory. Exit code 0 iff result.ok.
 *
 * Every record's value comes from the payload file, line by line (record i gets line
 * i % lines), so every client sends exactly the same bytes; no keys, no headers.
 */

/** W1-W3 throughput, W4 latency, W5 the Tributary API forms on W1's records. */
export type WorkloadId = "W1" | "W2" | "W3" | "W4" | "W5";

/**
 * How the application hands records to the client:
 * - batch (W1-W3): the client's own fastest way to send many records without awaiting each one,
 *   still observing every record's outcome. Tributary: produce(topic, message, callback) in a
 *   loop, then flush(); KafkaJS / platformatic: send() of batch-sized arrays with up to
 *   maxInFlight sends outstanding; the JVM: send() with a callback (ProducerPerformance);
 *   kcat: a file of lines.
 * - await-each (W4 for every client, W5): one record at a time, each awaited before the next.
 * - Tributary only (W5): fire-and-forget (produce() with no callback, then flush(); outcomes
 *   read from producer.stats), callback (produce() with a callback, then flush()), in-flight
 *   (produceAsync() with at most inFlightLimit promises outstanding).
 */
export type ApiForm = "batch" | "fire-and-forget" | "callback" | "await-each" | "in-flight";

export type Compression = "none" | "lz4" | "zstd";

export interface RunSpec {
  workload: WorkloadId;
  /** The row label, e.g. "tributary-tcp", "kafkajs". */
  client: string;
  form: ApiForm;
  /** Outstanding produceAsync() promises for the in-flight form. */
  inFlightLimit: number;
  /** "127.0.0.1:9092" */
  bootstrap: string;
  /** ws://127.0.0.1:<port>/kafka: the gateway, for clients that go through it. */
  gatewayUrl: string;
  /**
   * http://127.0.0.1:<port>/: the same gateway's static files, served from bench/browser/dist
   * (the Chromium runner builds its page there before loading it; same origin as gatewayUrl).
   */
  gatewayHttpUrl: string;
  /** A fresh topic per run, already created with `partitions` partitions. */
  topic: string;
  partitions: number;
  /** Records in the measured phase. */
  records: number;
  /** Records sent first on the same topic and connection, not measured (0: none). */
  warmupRecords: number;
  /** Newline-separated values, no trailing newline; none contains a newline. */
  payloadFile: string;
  /** Lines in payloadFile. */
  payloadLines: number;
  /** Value bytes of the measured phase (sum over its records): MB/s = this / seconds. */
  measuredValueBytes: number;
  /** 0, 1 or -1 (all). */
  acks: 0 | 1 | -1;
  compression: Compression;
  lingerMs: number;
  /** Kafka's batch.size: the most bytes per partition batch. */
  batchBytes: number;
  /** Requests in flight per connection (max.in.flight.requests.per.connection). */
  maxInFlight: number;
  /** Idempotence off for every client (acks=1 workloads cannot have it; matched everywhere). */
  idempotent: false;
  /** Bound on the whole runner; the orchestrator kills it a little after. */
  timeoutMs: number;
  /** Scratch directory the runner may write into (removed afterwards). */
  scratchDir: string;
}

export interface RunResult {
  ok: boolean;
  /** Why the run failed or could not run, in one sentence. */
  failure?: string;
  /** True when the client cannot do this workload at all (the row shows n/a and the reason). */
  unsupported?: boolean;
  /** Records acknowledged in the measured phase. */
  records: number;
  /** Wall seconds of the measured phase: first send to last acknowledgement. */
  seconds: number;
  /** Per-record send-to-acknowledgement latency over the measured phase, if the client tells it. */
  latencyMs: { p50: number; p99: number } | null;
  /** The client's own settings as configured, in its own terms (printed with the table). */
  settings: Record<string, string | number | boolean>;
  /** Anything the reader must know: substitutions, what a figure includes. */
  notes: string[];
}

export const MARK_START = "MARK start";
export const MARK_END = "MARK end";
export const RESULT_PREFIX = "RESULT ";

/** Reads the spec a runner was started with. */
export function readSpec(): RunSpec {
  const raw = globalThis.process?.env?.BENCH_SPEC;
  if (raw === undefined)
    throw new Error("BENCH_SPEC is not set: runners are started by bench/compare.ts");
  return JSON.parse(raw) as RunSpec;
}
