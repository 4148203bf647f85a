/**
 * The "batch" form for clients whose API is send(array of records) → promise (KafkaJS,
 * @platformatic/kafka): cut the phase into chunks, keep up to N sends outstanding, count every
 * acknowledged record, and give each record the latency of the send that carried it. With one
 * record per send and one outstanding it is also the "await-each" form (W4).
 */
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import type { RunResult, RunSpec } from "./contract.js";
import { bounded, markEnd, markStart, percentiles, progress } from "./runner-io.js";

/**
 * Records per send() so that one send carries about batch.size bytes of values: at least one,
 * so a value larger than batch.size still goes out alone (as Kafka's producer sends it alone).
 */
export function recordsPerSend(batchBytes: number, meanValueBytes: number): number {
  if (!(batchBytes > 0) || !(meanValueBytes > 0)) {
    throw new RangeError(
      `recordsPerSend needs positive sizes; received batchBytes ${batchBytes}, meanValueBytes ${meanValueBytes}`,
    );
  }
  return Math.max(1, Math.floor(batchBytes / meanValueBytes));
}

/** Sends records [first, first + count) of the phase; resolves once the broker acknowledged them. */
export type ChunkSend = (first: number, count: number) => Promise<unknown>;

export interface ChunkedPlan {
  /** Records in the phase. */
  records: number;
  recordsPerSend: number;
  /** Sends outstanding at most (each awaited before another starts once this many are out). */
  maxOutstanding: number;
  /** When given (length >= records), record i's send-to-acknowledgement time in ms lands at [i]. */
  latencies?: Float64Array | undefined;
}

export interface ChunkedOutcome {
  /** Records whose send resolved. */
  acknowledged: number;
  sends: number;
  failedSends: number;
  /** Records carried by sends that rejected. */
  failedRecords: number;
  /** The first rejection, described (describeError), or undefined when none failed. */
  firstFailure: string | undefined;
}

/**
 * Runs the plan. After the first rejected send no new send starts (a benchmark that keeps
 * going after a failure measures a different thing); the outstanding ones are still awaited so
 * every record has an outcome when this resolves. Never rejects: failures are in the outcome.
 */
export async function sendChunked(plan: ChunkedPlan, send: ChunkSend): Promise<ChunkedOutcome> {
  const { records, latencies } = plan;
  const per = Math.max(1, Math.floor(plan.recordsPerSend));
  const limit = Math.max(1, Math.floor(plan.maxOutstanding));
  if (latencies !== undefined && latencies.length < records) {
    throw new RangeError(`latencies holds ${latencies.length} entries for ${records} records`);
  }
  const out: ChunkedOutcome = {
    acknowledged: 0,
    sends: 0,
    failedSends: 0,
    failedRecords: 0,
    firstFailure: undefined,
  };
  let outstanding = 0;
  let wake: (() => void) | undefined;
  const settled = () => {
    outstanding--;
    const w = wake;
    wake = undefined;
    w?.();
  };
  const waitForSlot = () =>
    new Promise<void>((resolve) => {
      wake = resolve;
    });

  for (let first = 0; first < records && out.firstFailure === undefined; first += per) {
    while (outstanding >= limit) await waitForSlot();
    if (out.firstFailure !== undefined) break;
    const count = Math.min(per, records - first);
    const startedAt = performance.now();
    outstanding++;
    out.sends++;
    let sending: Promise<unknown>;
    try {
      sending = send(first, count);
    } catch (err) {
      // A client that throws synchronously instead of rejecting: the same outcome.
      sending = Promise.reject(err);
    }
    sending.then(
      () => {
        if (latencies !== undefined)
          latencies.fill(performance.now() - startedAt, first, first + count);
        out.acknowledged += count;
        settled();
      },
      (err: unknown) => {
        out.failedSends++;
        out.failedRecords += count;
        out.firstFailure ??= describeError(err);
        settled();
      },
    );
  }
  while (outstanding > 0) await waitForSlot();
  return out;
}

/** How a runner cuts its phases: one record per send for await-each, batch-sized arrays otherwise. */
export interface SendPlan {
  recordsPerSend: number;
  maxOutstanding: number;
}

/**
 * The plan a spec asks for, with the notes that explain it. Batch: enough records per send that
 * each partition's share is about batch.size, spec.maxInFlight sends outstanding. Both clients
 * spread keyless records over the partitions one by one, so a send of batch.size bytes would
 * leave each partition a sixth of a batch while Tributary and the Java client fill a whole
 * batch.size per partition; measured, sends of one batch.size ran W2 2-2.5x slower for both.
 * BENCH_RECORDS_PER_SEND (by-hand experiments only; the orchestrator never sets it) overrides
 * the records per send and says so in the notes.
 */
export function sendPlan(
  spec: RunSpec,
  env: NodeJS.ProcessEnv = process.env,
): { plan: SendPlan; notes: string[] } {
  if (spec.form === "await-each") {
    return {
      plan: { recordsPerSend: 1, maxOutstanding: 1 },
      notes: [
        "await-each: send() of one record, awaited before the next; latency = that send()'s round trip.",
      ],
    };
  }
  const mean = spec.measuredValueBytes / Math.max(1, spec.records);
  let per = recordsPerSend(spec.batchBytes, mean) * spec.partitions;
  const notes = [
    `batch form: send() of ${per} records each (${spec.partitions} partitions x max(1, floor(batch.size ${spec.batchBytes} B / mean value ${mean.toFixed(1)} B)): about batch.size per partition per send), at most ${spec.maxInFlight} sends outstanding; latency = from the send() call that carried a record to that send's resolution.`,
  ];
  const override = env.BENCH_RECORDS_PER_SEND;
  if (override !== undefined && override !== "") {
    const n = Number(override);
    if (!Number.isInteger(n) || n < 1) {
      throw new RangeError(
        `BENCH_RECORDS_PER_SEND must be a positive integer; received ${JSON.stringify(override)}`,
      );
    }
    per = n;
    notes.push(`EXPERIMENT: records per send overridden to ${n} by BENCH_RECORDS_PER_SEND.`);
  }
  return { plan: { recordsPerSend: per, maxOutstanding: spec.maxInFlight }, notes };
}

/** What a client without linger or batch.size does with the spec's linger, in a note. */
export function noLingerNote(client: string, spec: RunSpec): string {
  return spec.lingerMs === 0
    ? `${client} has no linger option: each send() goes out at once, which is what linger 0 asks.`
    : `${client} has no linger or batch.size option: the spec's linger ${spec.lingerMs} ms cannot be applied; each send() goes out at once, so the arrays above stand in for batch.size.`;
}

/** The part of a RunResult the phases decide. */
export type PhaseResult = Pick<RunResult, "ok" | "records" | "seconds" | "latencyMs"> & {
  failure?: string;
};

/** Time kept back from spec.timeoutMs for closing the client and printing the result. */
const CLOSE_MARGIN_MS = 10_000;

/**
 * Warm-up (not measured, same client and topic), MARK start, the measured phase, MARK end.
 * Record i of either phase is payload line i % lines (the send function does the indexing).
 * Each phase is bounded by what is left of spec.timeoutMs, so a stuck client ends in a named
 * failure before the orchestrator's kill.
 */
export async function warmUpAndMeasure(
  spec: RunSpec,
  plan: SendPlan,
  send: ChunkSend,
): Promise<PhaseResult> {
  const left = () => Math.max(1_000, spec.timeoutMs - CLOSE_MARGIN_MS - performance.now());
  if (spec.warmupRecords > 0) {
    progress(spec, `warm-up: ${spec.warmupRecords.toLocaleString("en-US")} records (not measured)`);
    const w = await bounded(
      "the warm-up",
      left(),
      sendChunked({ ...plan, records: spec.warmupRecords }, send),
    );
    if (w.firstFailure !== undefined) {
      return {
        ok: false,
        failure: `warm-up failed (${w.failedSends} of ${w.sends} sends): ${w.firstFailure}`,
        records: 0,
        seconds: 0,
        latencyMs: null,
      };
    }
  }
  progress(spec, `measured: ${spec.records.toLocaleString("en-US")} records`);
  const latencies = new Float64Array(spec.records);
  markStart();
  const started = performance.now();
  const m = await bounded(
    "the measured phase",
    left(),
    sendChunked({ ...plan, records: spec.records, latencies }, send),
  );
  const seconds = (performance.now() - started) / 1000;
  markEnd();
  if (m.firstFailure !== undefined || m.acknowledged !== spec.records) {
    return {
      ok: false,
      failure:
        `${m.acknowledged} of ${spec.records} records acknowledged; ${m.failedSends} of ${m.sends} sends failed` +
        (m.firstFailure === undefined ? "" : `, first: ${m.firstFailure}`),
      records: m.acknowledged,
      seconds,
      latencyMs: null,
    };
  }
  return { ok: true, records: m.acknowledged, seconds, latencyMs: percentiles(latencies) };
}

/** The result for a form or workload the client cannot run (the table shows n/a and why). */
export function unsupportedResult(reason: string, settings: RunResult["settings"] = {}): RunResult {
  return {
    ok: false,
    unsupported: true,
    failure: reason,
    records: 0,
    seconds: 0,
    latencyMs: null,
    settings,
    notes: [],
  };
}

/**
 * One line for an error and what caused it: "Name: message ← Name: message", following `cause`,
 * AggregateError-style `errors` and KafkaJS's `originalError`, a few levels deep, so a retry
 * wrapper does not hide the refusal underneath it.
 */
export function describeError(err: unknown): string {
  const parts: string[] = [];
  const seen = new Set<unknown>();
  let current: unknown = err;
  for (let depth = 0; depth < 5 && current !== undefined && current !== null; depth++) {
    if (seen.has(current)) break;
    seen.add(current);
    if (!(current instanceof Error)) {
      parts.push(String(current));
      break;
    }
    const line = `${current.name}: ${current.message}`;
    if (parts[parts.length - 1] !== line) parts.push(line);
    const e = current as Error & { originalError?: unknown; errors?: unknown };
    const inner = Array.isArray(e.errors) && e.errors.length > 0 ? e.errors[0] : undefined;
    current = e.cause ?? e.originalError ?? inner;
  }
  return parts.join(" ← ");
}

/**
 * An installed package's version for the settings column, read from its package.json next to
 * its resolved entry (some packages, e.g. @platformatic/kafka, do not export ./package.json).
 */
export function installedVersion(pkg: string): string {
  const require = createRequire(import.meta.url);
  try {
    let dir = dirname(require.resolve(pkg));
    for (let up = 0; up < 4; up++, dir = dirname(dir)) {
      const file = join(dir, "package.json");
      if (!existsSync(file)) continue;
      const json = JSON.parse(readFileSync(file, "utf8")) as { name?: string; version?: string };
      if (json.name === pkg && json.version !== undefined) return json.version;
    }
  } catch {
    // Not installed: the settings then say so rather than failing the run.
  }
  return "unknown version";
}
