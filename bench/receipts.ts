/**
 * The cost of a delivery receipt, pure CPU, no broker: heap bytes each receipt holds and the
 * time to create and complete a million of them, bare, with one subscriber, with `done`
 * accessed, and with a callback.
 *
 *   npm run bench -- receipts [--count <receipts, default 1000000>] [--rounds <timed rounds, default 5>]
 *
 * Bytes are heapUsed deltas after forced full GCs, divided by the count, with the array that
 * holds the receipts allocated before the baseline (so its 8 bytes a slot are not counted).
 * Forcing GC needs `--expose-gc`: the bench runner does not pass it, so this script starts itself
 * again with it when `gc` is missing. Prints a table, then one JSON line for tools to collect.
 */
import { spawnSync } from "node:child_process";
import { loadavg } from "node:os";
import { fileURLToPath } from "node:url";
import { ProducerError, ProducerErrorCode } from "../packages/producer/src/errors.js";
import { DeliveryReceipt } from "../packages/producer/src/receipt.js";

const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) {
  const r = spawnSync(
    process.execPath,
    [...process.execArgv, "--expose-gc", fileURLToPath(import.meta.url), ...process.argv.slice(2)],
    { stdio: "inherit" },
  );
  if (r.error) {
    console.error(`bench receipts: could not restart node with --expose-gc: ${r.error.message}`);
    process.exit(1);
  }
  process.exit(r.status ?? 1);
}
const collect = gc;

const args = process.argv.slice(2);
function numberArg(name: string, fallback: number, min: number, max: number): number {
  const i = args.indexOf(name);
  if (i < 0) return fallback;
  const n = Number(args[i + 1]);
  if (!(Number.isInteger(n) && n >= min && n <= max)) {
    console.error(`bench receipts: ${name} must be an integer in [${min}, ${max}]`);
    process.exit(2);
  }
  return n;
}
const COUNT = numberArg("--count", 1_000_000, 1_000, 10_000_000);
const ROUNDS = numberArg("--rounds", 5, 1, 50);

const TOPIC = "events";
const BASE_OFFSET = 1_000_000_000n;
const NOW = 1_700_000_000_000;
const failure = new ProducerError(ProducerErrorCode.DeliveryTimeout, "bench failure");
// Shared functions: the bench measures what the receipt allocates, not the application's closures.
const listener = () => {};
const callback = () => {};

let sink = 0;

interface Scenario {
  name: string;
  /** Makes receipt `i` and does whatever the scenario does before the broker answers. */
  create(i: number, keep: unknown[]): DeliveryReceipt;
  /** Completes receipt `i` as the sender does. */
  complete(r: DeliveryReceipt, i: number): void;
}

const deliver = (r: DeliveryReceipt, i: number) => r.resolve(i & 7, BASE_OFFSET + BigInt(i), NOW);

const scenarios: Scenario[] = [
  {
    name: "bare",
    create: () => new DeliveryReceipt(TOPIC),
    complete: deliver,
  },
  {
    name: "callback",
    create: () => new DeliveryReceipt(TOPIC, callback),
    complete: deliver,
  },
  {
    name: "one subscriber",
    create: (i, keep) => {
      const r = new DeliveryReceipt(TOPIC);
      keep[i] = r.subscribe(listener); // the unsubscribe function a UI holds on to
      return r;
    },
    complete: deliver,
  },
  {
    name: "done accessed",
    create: (i, keep) => {
      const r = new DeliveryReceipt(TOPIC);
      keep[i] = r.done;
      return r;
    },
    complete: deliver,
  },
  {
    name: "bare, failed",
    create: () => new DeliveryReceipt(TOPIC),
    complete: (r) => r.reject(failure),
  },
];

/** Heap used after full collections (two, so weak references and finalizers settle). */
function heapAfterGc(): number {
  collect();
  collect();
  return process.memoryUsage().heapUsed;
}

/** Bytes per receipt while pending, and once completed. */
function measureBytes(s: Scenario): { pending: number; completed: number } {
  const receipts: (DeliveryReceipt | undefined)[] = new Array(COUNT).fill(undefined);
  const keep: unknown[] = new Array(COUNT).fill(undefined);
  const before = heapAfterGc();
  for (let i = 0; i < COUNT; i++) receipts[i] = s.create(i, keep);
  const pending = heapAfterGc();
  for (let i = 0; i < COUNT; i++) s.complete(receipts[i]!, i);
  const completed = heapAfterGc();
  sink ^= receipts.length ^ keep.length;
  return { pending: (pending - before) / COUNT, completed: (completed - before) / COUNT };
}

/** Nanoseconds per receipt to create and complete COUNT of them: median and best of ROUNDS. */
async function measureTime(s: Scenario): Promise<{ median: number; best: number }> {
  const times: number[] = [];
  for (let round = -1; round < ROUNDS; round++) {
    const receipts: (DeliveryReceipt | undefined)[] = new Array(COUNT).fill(undefined);
    const keep: unknown[] = new Array(COUNT).fill(undefined);
    collect();
    const start = performance.now();
    for (let i = 0; i < COUNT; i++) receipts[i] = s.create(i, keep);
    for (let i = 0; i < COUNT; i++) s.complete(receipts[i]!, i);
    // Let settled `done` promises run their (empty) reaction queues inside the clock.
    await new Promise((resolve) => setImmediate(resolve));
    const ns = ((performance.now() - start) * 1e6) / COUNT;
    sink ^= receipts[COUNT - 1]!.completed ? 1 : 0;
    if (round >= 0) times.push(ns); // round -1 warms the JIT up
  }
  times.sort((a, b) => a - b);
  return { median: times[Math.floor(times.length / 2)] ?? 0, best: times[0] ?? 0 };
}

interface Row {
  name: string;
  pendingBytes: number;
  completedBytes: number;
  nsMedian: number;
  nsBest: number;
}
const rows: Row[] = [];
const started = performance.now();
for (const s of scenarios) {
  process.stderr.write(`  measuring ${s.name}...\n`);
  const bytes = measureBytes(s);
  const ns = await measureTime(s);
  rows.push({
    name: s.name,
    pendingBytes: bytes.pending,
    completedBytes: bytes.completed,
    nsMedian: ns.median,
    nsBest: ns.best,
  });
}

const fmt = (n: number, digits = 0) =>
  n.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits });
const width = Math.max(...rows.map((r) => r.name.length), "receipt".length);
const head = [
  "receipt".padEnd(width),
  "B pending".padStart(10),
  "B completed".padStart(12),
  "ns create+complete".padStart(19),
  "best ns".padStart(8),
];
console.log();
console.log(head.join("  "));
console.log(head.map((h) => "-".repeat(h.length)).join("  "));
for (const r of rows) {
  console.log(
    [
      r.name.padEnd(width),
      fmt(r.pendingBytes).padStart(10),
      fmt(r.completedBytes).padStart(12),
      fmt(r.nsMedian).padStart(19),
      fmt(r.nsBest).padStart(8),
    ].join("  "),
  );
}
console.log(
  `\n${COUNT.toLocaleString("en-US")} receipts a round; bytes are heapUsed deltas after forced GC ` +
    `(global.gc via --expose-gc), per receipt, including what the receipt keeps alive: the ` +
    `unsubscribe function, the done promise, and once delivered the bigint offset; ` +
    `ns are the median and best of ${ROUNDS} rounds (GC included); node ${process.version}; ` +
    `${((performance.now() - started) / 1000).toFixed(1)} s (sink ${sink & 1})`,
);
const load = loadavg()[0] ?? 0;
console.log(
  `load average ${load.toFixed(2)} over 1 min${load > 1 ? " (busy machine: times are high)" : ""}`,
);
console.log(
  JSON.stringify({
    bench: "receipts",
    node: process.version,
    loadAverage: Math.round(load * 100) / 100,
    count: COUNT,
    rounds: ROUNDS,
    results: rows.map((r) => ({
      name: r.name,
      bytesPending: Math.round(r.pendingBytes * 10) / 10,
      bytesCompleted: Math.round(r.completedBytes * 10) / 10,
      nsPerReceipt: Math.round(r.nsMedian),
      bestNsPerReceipt: Math.round(r.nsBest),
    })),
  }),
);
