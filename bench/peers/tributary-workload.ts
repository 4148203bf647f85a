/**
 * The Tributary side of every comparison run, in any runtime: Node over TCP, Node through the
 * gateway, and the page Chromium loads. No Node APIs here, so the browser bundle uses the same
 * code and the two rows differ only in where they run.
 *
 * Forms (contract.ts ApiForm): batch and callback = produce() with a callback per record then
 * flush(); fire-and-forget = produce() with no callback then flush(), outcomes from stats;
 * await-each = produceAsync() awaited one by one; in-flight = produceAsync() with at most
 * inFlightLimit outstanding.
 */
import type { Producer, ProducerMessage } from "@tributary/producer";
import type { RunResult, RunSpec } from "./contract.js";

export interface WorkloadHooks {
  progress(line: string): void;
  mark(which: "start" | "end"): void;
}

/** The producer options a spec asks for, in Tributary's terms (compression supplied by the caller). */
export function tributaryOptions(spec: RunSpec, bootstrap: string): Record<string, unknown> {
  return {
    bootstrap,
    clientId: `tributary-bench-${spec.client}`,
    acks: spec.acks,
    idempotent: spec.idempotent,
    lingerMs: spec.lingerMs,
    batchBytes: spec.batchBytes,
    maxInFlight: spec.maxInFlight,
    bufferBytes: 32 * 1024 * 1024,
  };
}

/** The settings row printed with the table. */
export function tributarySettings(spec: RunSpec, transport: string): RunResult["settings"] {
  return {
    transport,
    form: spec.form,
    acks: spec.acks,
    compression: spec.compression,
    lingerMs: spec.lingerMs,
    batchBytes: spec.batchBytes,
    maxInFlight: spec.maxInFlight,
    idempotent: spec.idempotent,
    bufferBytes: 32 * 1024 * 1024,
    ...(spec.form === "in-flight" ? { inFlightLimit: spec.inFlightLimit } : {}),
  };
}

/** Counts outcomes and keeps per-record latency in one preallocated array (no per-record objects). */
class Outcomes {
  readonly sentAt: Float64Array;
  completed = 0;
  failures = 0;
  firstError: string | undefined;
  /** True while produce() runs: QUEUE_FULL then is the loop's cue to wait, not a failure. */
  inProduce = false;

  constructor(n: number) {
    this.sentAt = new Float64Array(n);
  }

  done(i: number, err: { code: string; message: string } | undefined): void {
    if (err !== undefined) {
      if (this.inProduce && err.code === "QUEUE_FULL") return;
      this.failures++;
      this.firstError ??= `${err.code}: ${err.message}`;
    }
    this.sentAt[i] = performance.now() - this.sentAt[i]!;
    this.completed++;
  }
}

/** Room to ask for after QUEUE_FULL: the record plus the producer's per-record overhead estimate. */
function roomFor(values: Uint8Array[]): number {
  let max = 0;
  for (const v of values) if (v.length > max) max = v.length;
  return max + 64;
}

async function produceWithCallbacks(
  p: Producer,
  topic: string,
  n: number,
  messages: ProducerMessage[],
  out: Outcomes,
  room: number,
): Promise<void> {
  const m = messages.length;
  const sentAt = out.sentAt;
  for (let i = 0; i < n; i++) {
    const message = messages[i % m]!;
    for (;;) {
      sentAt[i] = performance.now();
      out.inProduce = true;
      // An anonymous arrow in argument position: tsx/esbuild keepNames would wrap a named one
      // in __name(), a defineProperty per record (bench/lib/tributary-run.ts measured ~15%).
      const receipt = p.produce(topic, message, (_meta, err) => out.done(i, err));
      out.inProduce = false;
      if (receipt.errorCode !== "QUEUE_FULL") break;
      await p.waitForRoom(room);
    }
  }
  await p.flush();
}

async function produceFireAndForget(
  p: Producer,
  topic: string,
  n: number,
  messages: ProducerMessage[],
  room: number,
): Promise<void> {
  const m = messages.length;
  for (let i = 0; i < n; i++) {
    while (p.produce(topic, messages[i % m]!).errorCode === "QUEUE_FULL") {
      await p.waitForRoom(room);
    }
  }
  await p.flush();
}

async function produceInFlight(
  p: Producer,
  topic: string,
  n: number,
  messages: ProducerMessage[],
  out: Outcomes,
  limit: number,
): Promise<void> {
  const m = messages.length;
  let next = 0;
  // `limit` workers, each awaiting its own produceAsync() before taking the next record: at most
  // `limit` promises outstanding, as an application with a concurrency cap would do.
  const worker = async () => {
    while (next < n) {
      const i = next++;
      out.sentAt[i] = performance.now();
      try {
        await p.produceAsync(topic, messages[i % m]!);
        out.done(i, undefined);
      } catch (err) {
        out.done(i, asCoded(err));
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, n) }, worker));
}

function asCoded(err: unknown): { code: string; message: string } {
  const e = err as { code?: unknown; message?: unknown };
  return { code: String(e?.code ?? "ERROR"), message: String(e?.message ?? err) };
}

async function runForm(
  p: Producer,
  spec: RunSpec,
  n: number,
  messages: ProducerMessage[],
  out: Outcomes,
  room: number,
): Promise<void> {
  switch (spec.form) {
    case "batch":
    case "callback":
      return produceWithCallbacks(p, spec.topic, n, messages, out, room);
    case "fire-and-forget":
      return produceFireAndForget(p, spec.topic, n, messages, room);
    case "await-each":
      // One outstanding produceAsync() at a time: the in-flight form with a limit of one.
      return produceInFlight(p, spec.topic, n, messages, out, 1);
    case "in-flight":
      return produceInFlight(p, spec.topic, n, messages, out, spec.inFlightLimit);
  }
}

function percentile(sorted: Float64Array, q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
}

/**
 * Warms up, marks, runs the measured phase, marks, closes the producer. Fire-and-forget reads
 * its outcomes from producer.stats (delivered/failed deltas) since it observes no record.
 */
export async function runTributaryWorkload(
  producer: Producer,
  spec: RunSpec,
  values: Uint8Array[],
  hooks: WorkloadHooks,
): Promise<RunResult> {
  const messages: ProducerMessage[] = values.map((value) => ({ value }));
  const room = roomFor(values);
  const notes: string[] = [];

  if (spec.warmupRecords > 0) {
    hooks.progress(`warm-up: ${spec.warmupRecords.toLocaleString("en-US")} records`);
    const warm = new Outcomes(spec.warmupRecords);
    await runForm(producer, { ...spec, form: "batch" }, spec.warmupRecords, messages, warm, room);
    if (warm.failures > 0) {
      await producer.close();
      return failed(`warm-up: ${warm.failures} records failed; first: ${warm.firstError}`);
    }
  }

  hooks.progress(`measured: ${spec.records.toLocaleString("en-US")} records, form ${spec.form}`);
  const out = new Outcomes(spec.records);
  const before = producer.stats.snapshot;
  hooks.mark("start");
  const t0 = performance.now();
  await runForm(producer, spec, spec.records, messages, out, room);
  const seconds = (performance.now() - t0) / 1000;
  hooks.mark("end");
  const after = producer.stats.snapshot;

  let acked = out.completed - out.failures;
  let failures = out.failures;
  let firstError = out.firstError;
  let latencyMs: RunResult["latencyMs"] = null;
  if (spec.form === "fire-and-forget") {
    acked = after.delivered - before.delivered;
    failures = after.failed - before.failed;
    if (failures > 0) firstError = "see producer.stats: records failed";
    notes.push("fire-and-forget observes no record: outcomes counted from producer.stats");
  } else {
    const sorted = out.sentAt.slice().sort();
    latencyMs = { p50: percentile(sorted, 0.5), p99: percentile(sorted, 0.99) };
  }
  await producer.close();

  const problems: string[] = [];
  if (failures > 0) problems.push(`${failures} records failed; first: ${firstError}`);
  if (acked !== spec.records) {
    problems.push(`${acked} of ${spec.records} records acknowledged after flush`);
  }
  return {
    ok: problems.length === 0,
    ...(problems.length > 0 ? { failure: problems.join("; ") } : {}),
    records: acked,
    seconds,
    latencyMs,
    settings: {},
    notes,
  };
}

function failed(failure: string): RunResult {
  return { ok: false, failure, records: 0, seconds: 0, latencyMs: null, settings: {}, notes: [] };
}
