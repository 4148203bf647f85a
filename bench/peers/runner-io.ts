/**
 * The Node side of the runner contract (contract.ts): read the payload, print the marks and the
 * result, bound the run, turn latencies into percentiles. Every Node runner uses these.
 */
import { readFileSync } from "node:fs";
import {
  MARK_END,
  MARK_START,
  RESULT_PREFIX,
  type RunResult,
  type RunSpec,
  readSpec,
} from "./contract.js";

export { readSpec };

/** The payload file's lines as bytes (no copies: views into one buffer). */
export function payloadValues(spec: RunSpec): Uint8Array[] {
  const bytes = new Uint8Array(readFileSync(spec.payloadFile));
  const values: Uint8Array[] = [];
  let start = 0;
  for (let i = 0; i <= bytes.length; i++) {
    if (i === bytes.length || bytes[i] === 0x0a) {
      values.push(bytes.subarray(start, i));
      start = i + 1;
    }
  }
  if (values.length !== spec.payloadLines) {
    throw new Error(
      `payload file ${spec.payloadFile}: expected ${spec.payloadLines} lines, found ${values.length}`,
    );
  }
  return values;
}

export function markStart(): void {
  process.stdout.write(`${MARK_START}\n`);
}

export function markEnd(): void {
  process.stdout.write(`${MARK_END}\n`);
}

export function progress(spec: RunSpec, line: string): void {
  process.stderr.write(`  [${spec.client} ${spec.workload}] ${line}\n`);
}

/** Runs the runner's main; any throw becomes a failed result rather than a bare stack trace. */
export function runMain(spec: RunSpec, main: () => Promise<RunResult>): void {
  const timer = setTimeout(() => {
    process.stderr.write(`runner: no result after ${spec.timeoutMs / 1000} s; giving up\n`);
    emit({ ...empty(), failure: `timed out after ${spec.timeoutMs / 1000} s` });
  }, spec.timeoutMs);
  timer.unref();
  const emit = (r: RunResult) => {
    process.stdout.write(`${RESULT_PREFIX}${JSON.stringify(r)}\n`, () =>
      process.exit(r.ok ? 0 : 1),
    );
  };
  main().then(
    (r) => {
      clearTimeout(timer);
      emit(r);
    },
    (err: unknown) => {
      clearTimeout(timer);
      const message = err instanceof Error ? (err.stack ?? err.message) : String(err);
      process.stderr.write(`runner failed: ${message}\n`);
      emit({ ...empty(), failure: err instanceof Error ? err.message : String(err) });
    },
  );
}

function empty(): RunResult {
  return { ok: false, records: 0, seconds: 0, latencyMs: null, settings: {}, notes: [] };
}

/** p50/p99 of latencies in milliseconds (sorts a copy). */
export function percentiles(latencies: Float64Array): { p50: number; p99: number } {
  const sorted = latencies.slice().sort();
  const at = (q: number) =>
    sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
  return { p50: at(0.5), p99: at(0.99) };
}

/** Rejects when `work` does not settle within `ms`. */
export function bounded<T>(what: string, ms: number, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms / 1000} s`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}
