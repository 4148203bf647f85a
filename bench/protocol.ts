/**
 * Protocol hot paths, pure CPU, no broker: RecordBatch v2 encode and decode, and CRC-32C.
 *
 *   npm run bench -- protocol [--seconds <per measurement, default 1.5>] [--only record|crc]
 *
 * Encode is what the producer does for every batch it sends: encodeRecords (the records
 * section) then encodeRecordBatch (header + CRC-32C over the whole batch). Prints a table, then
 * one JSON line for tools to collect.
 */
import { loadavg } from "node:os";
import { crc32c } from "../packages/protocol/src/crc32c.js";
import {
  buildRecordBatch,
  decodeBatchRecords,
  decodeRecordBatch,
  encodeRecordBatch,
} from "../packages/protocol/src/record-batch.js";
import type { RecordInput } from "../packages/protocol/src/records.js";
import { encodeRecords } from "../packages/protocol/src/records.js";

const args = process.argv.slice(2);
const secondsArg = args.indexOf("--seconds");
const SECONDS = secondsArg >= 0 ? Number(args[secondsArg + 1]) : 1.5;
if (!(SECONDS > 0 && SECONDS <= 60)) {
  console.error("bench protocol: --seconds must be a number in (0, 60]");
  process.exit(2);
}
const onlyArg = args.indexOf("--only");
const ONLY = onlyArg >= 0 ? args[onlyArg + 1] : undefined;
if (ONLY !== undefined && ONLY !== "record" && ONLY !== "crc") {
  console.error("bench protocol: --only takes record or crc");
  process.exit(2);
}
const RECORDS_PER_BATCH = 1000;
const ROUND_MS = 100;

let sink = 0;

/**
 * Repeats `fn` in rounds of ~100 ms for about `seconds`; returns calls per second in the
 * median round and in the best one (the best is what the code can do when the machine's
 * other work leaves it alone).
 */
function measure(fn: () => number, seconds: number): { median: number; best: number } {
  const rates: number[] = [];
  const deadline = performance.now() + seconds * 1000;
  while (performance.now() < deadline) {
    let calls = 0;
    const start = performance.now();
    let now = start;
    while (now - start < ROUND_MS) {
      sink ^= fn();
      calls++;
      now = performance.now();
    }
    rates.push((calls * 1000) / (now - start));
  }
  rates.sort((a, b) => a - b);
  return { median: rates[Math.floor(rates.length / 2)] ?? 0, best: rates[rates.length - 1] ?? 0 };
}

function pseudoRandomBytes(n: number, seed: number): Uint8Array {
  const out = new Uint8Array(n);
  let x = seed | 1;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = 0x20 + ((x >>> 0) % 95); // printable, like JSON payloads
  }
  return out;
}

function makeRecords(valueBytes: number): RecordInput[] {
  const now = 1_700_000_000_000;
  const traceValue = pseudoRandomBytes(8, 7);
  return Array.from({ length: RECORDS_PER_BATCH }, (_, i) => ({
    key: pseudoRandomBytes(16, i + 1),
    value: pseudoRandomBytes(valueBytes, i + 1000),
    headers: [{ key: "trace-id", value: traceValue }],
    timestamp: now + i,
  }));
}

interface Row {
  name: string;
  /** Median round. */
  recordsPerSec?: number;
  mbPerSec: number;
  /** Best round. */
  bestMbPerSec: number;
}
const rows: Row[] = [];
const progress = (what: string) => process.stderr.write(`  measuring ${what}...\n`);

const MB = 1e6;
const started = performance.now();

for (const valueBytes of ONLY === "crc" ? [] : [100, 1024]) {
  const records = makeRecords(valueBytes);
  const encode = () => {
    const section = encodeRecords(records, records[0]!.timestamp!);
    const batch = encodeRecordBatch(
      {
        baseTimestamp: records[0]!.timestamp!,
        maxTimestamp: records[records.length - 1]!.timestamp!,
        producerId: 1000,
        producerEpoch: 0,
        baseSequence: 0,
      },
      section,
      records.length,
    );
    return batch.length;
  };
  const build = () =>
    buildRecordBatch(records, { producerId: 1000, producerEpoch: 0, baseSequence: 0 }).length;
  const bytes = buildRecordBatch(records, { producerId: 1000, producerEpoch: 0, baseSequence: 0 });
  const decode = () => {
    const batch = decodeRecordBatch(bytes);
    return decodeBatchRecords(batch).length;
  };

  // Warm-up: let the JIT settle on every path before any clock starts.
  progress(`warm-up, ${valueBytes} B values`);
  measure(encode, 0.3);
  measure(build, 0.3);
  measure(decode, 0.3);

  const label = valueBytes === 100 ? "100 B" : "1 KB";
  for (const [name, fn] of [
    [`encode ${label} values (encodeRecords + encodeRecordBatch)`, encode],
    [`encode ${label} values (buildRecordBatch, one buffer)`, build],
    [`decode ${label} values (decodeRecordBatch + CRC + records)`, decode],
  ] as const) {
    progress(name);
    const perSec = measure(fn, SECONDS);
    rows.push({
      name,
      recordsPerSec: perSec.median * RECORDS_PER_BATCH,
      mbPerSec: (perSec.median * bytes.length) / MB,
      bestMbPerSec: (perSec.best * bytes.length) / MB,
    });
  }
}

for (const size of ONLY === "record" ? [] : [1024, 64 * 1024, 1024 * 1024]) {
  const data = pseudoRandomBytes(size, size);
  const fn = () => crc32c(data);
  const label = size >= 1024 * 1024 ? `${size / 1024 / 1024} MB` : `${size / 1024} KB`;
  progress(`crc32c ${label}`);
  measure(fn, 0.2);
  const perSec = measure(fn, SECONDS);
  rows.push({
    name: `crc32c ${label}`,
    mbPerSec: (perSec.median * size) / MB,
    bestMbPerSec: (perSec.best * size) / MB,
  });
}

const fmt = (n: number | undefined, digits = 0) =>
  n === undefined ? "" : n.toLocaleString("en-US", { maximumFractionDigits: digits });
const width = Math.max(...rows.map((r) => r.name.length));
console.log();
console.log(
  `${"operation".padEnd(width)}  ${"records/s".padStart(12)}  ${"MB/s".padStart(8)}  ${"best MB/s".padStart(9)}`,
);
console.log(`${"-".repeat(width)}  ${"-".repeat(12)}  ${"-".repeat(8)}  ${"-".repeat(9)}`);
for (const r of rows) {
  console.log(
    `${r.name.padEnd(width)}  ${fmt(r.recordsPerSec).padStart(12)}  ${fmt(r.mbPerSec).padStart(8)}  ${fmt(r.bestMbPerSec).padStart(9)}`,
  );
}
console.log(
  `\n${RECORDS_PER_BATCH} records a batch, 16 B keys, one 8 B header; MB = 10^6 bytes of batch; ` +
    `records/s and MB/s are medians of 100 ms rounds; ` +
    `node ${process.version}; ${((performance.now() - started) / 1000).toFixed(1)} s (sink ${sink & 1})`,
);
// Other work on the machine skews every figure; say how busy it was.
const load = loadavg()[0] ?? 0;
console.log(
  `load average ${load.toFixed(2)} over 1 min${load > 1 ? " (busy machine: figures are low)" : ""}`,
);
console.log(
  JSON.stringify({
    bench: "protocol",
    node: process.version,
    loadAverage: Math.round(load * 100) / 100,
    recordsPerBatch: RECORDS_PER_BATCH,
    results: rows.map((r) => ({
      name: r.name,
      ...(r.recordsPerSec === undefined ? {} : { recordsPerSec: Math.round(r.recordsPerSec) }),
      mbPerSec: Math.round(r.mbPerSec),
      bestMbPerSec: Math.round(r.bestMbPerSec),
    })),
  }),
);
