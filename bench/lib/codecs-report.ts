/**
 * The codecs bench's output: the targets of the codecs issue, the table, the verdict per codec
 * and the one JSON line (also written to --json FILE).
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { dirname } from "node:path";
import type { CodecName } from "../../packages/codecs/src/codec.js";

const KB = 1024;

// Targets from the codecs issue: ours / native, per codec.
export interface Target {
  ratio: number;
  /** Smallest batch the target applies to (gzip: 300 KB and above). */
  fromBytes: number;
}
export const TARGETS: Record<CodecName, Target> = {
  gzip: { ratio: 0.8, fromBytes: 300 * KB },
  snappy: { ratio: 0.3, fromBytes: 0 },
  lz4: { ratio: 0.85, fromBytes: 0 },
  zstd: { ratio: 0.45, fromBytes: 0 },
};

export interface Row {
  codec: CodecName;
  size: string;
  bytes: number;
  records: number;
  op: "compress" | "decompress";
  oursMBps: number;
  nativeMBps: number | null;
  nativeAsyncMBps: number | null;
  vsNative: number | null;
  target: number;
  /** null where the target does not apply (gzip below 300 KB) or no native ran. */
  met: boolean | null;
  /** Input bytes / output bytes (compress rows only). */
  oursRatio: number | null;
  nativeRatio: number | null;
}

export interface CodecReport {
  status: "measured" | "not built yet" | "failed";
  error?: string;
  level?: number | null;
  native?: string;
  nativeError?: string;
  /** Per size: whether the native decoder read our output back identical (null: not checked). */
  nativeReadsOurs?: Record<string, boolean | null>;
}

export interface ReportContext {
  only: readonly CodecName[];
  quick: boolean;
  json: string | undefined;
  rows: Row[];
  reports: Map<CodecName, CodecReport>;
  sizes: { label: string; bytes: number; records: number }[];
  /** Seed of the first payload; each next size takes the next seed. */
  seed: number;
  /** performance.now() at the start. */
  began: number;
  sink: () => number;
}

const fmt = (n: number | null, digits = 1) =>
  n === null
    ? ""
    : n.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });

/** Rounded down, so a figure shown as 0.45x never stands for a miss of a 0.45x target. */
const times = (v: number) => `${(Math.floor(v * 100) / 100).toFixed(2)}x`;

function targetCell(r: Row): string {
  const t = `>=${r.target.toFixed(2)}x`;
  if (r.vsNative === null) return `${t} no native`;
  if (r.met === null) return `${t} n/a <${TARGETS[r.codec].fromBytes / KB} KB`;
  return `${t} ${r.met ? "met" : "NOT MET"}`;
}

export function printReport(ctx: ReportContext, partial: boolean): void {
  const { only: codecs, rows, reports } = ctx;
  const header = [
    "codec",
    "batch",
    "op",
    "ours MB/s",
    "native MB/s",
    "ours/native",
    "target",
    "ratio ours",
    "ratio native",
    "native async MB/s",
  ];
  const lines: string[][] = [];
  for (const name of codecs) {
    const rep = reports.get(name);
    const codecRows = rows.filter((r) => r.codec === name);
    if (codecRows.length === 0) {
      const why =
        rep === undefined
          ? "not measured"
          : rep.status === "failed"
            ? `FAILED: ${rep.error}`
            : rep.status;
      lines.push([name, "", why]);
      continue;
    }
    for (const r of codecRows) {
      lines.push([
        r.codec,
        r.size,
        r.op,
        fmt(r.oursMBps),
        fmt(r.nativeMBps),
        r.vsNative === null ? "" : times(r.vsNative),
        targetCell(r),
        fmt(r.oursRatio, 2),
        fmt(r.nativeRatio, 2),
        fmt(r.nativeAsyncMBps),
      ]);
    }
  }
  // A status line (3 cells) spans the table, so it does not widen the columns.
  const widths = header.map((h, i) =>
    Math.max(
      h.length,
      ...lines.filter((l) => i === 0 || l.length > 3).map((l) => (l[i] ?? "").length),
    ),
  );
  const leftAligned = new Set([0, 1, 2, 6]);
  const render = (cells: string[]) =>
    cells
      .map((c, i) => (leftAligned.has(i) ? c.padEnd(widths[i]!) : c.padStart(widths[i]!)))
      .join("  ")
      .trimEnd();
  console.log();
  console.log(render(header));
  console.log(render(widths.map((w) => "-".repeat(w))));
  for (const l of lines) {
    console.log(l.length > 3 ? render(l) : `${l[0]!.padEnd(widths[0]!)}  ${l[2]}`);
  }

  console.log(
    "\nMB = 10^6 bytes of uncompressed records section (for decompress too); medians of " +
      "alternating rounds; ours/native = median of per-round ratios (rounds run back to back); " +
      "ratio = input / output; ours awaits each call, natives are called sync.",
  );
  for (const name of codecs) {
    const rep = reports.get(name);
    if (rep?.native !== undefined) console.log(`  ${name} native: ${rep.native}`);
    if (rep?.nativeError !== undefined)
      console.log(`  ${name} native: unavailable (${rep.nativeError})`);
  }
  console.log("\nTargets (codecs issue; ours/native, compress and decompress alike):");
  for (const name of codecs) {
    const rep = reports.get(name);
    const t = TARGETS[name];
    const what = `  ${name.padEnd(6)} >=${t.ratio}x${t.fromBytes > 0 ? ` at ${t.fromBytes / KB} KB and above` : ""}`;
    if (rep?.status !== "measured") {
      console.log(`${what}: ${rep === undefined ? "not measured" : rep.status}`);
      continue;
    }
    const verdict = (["compress", "decompress"] as const)
      .map((op) => {
        const judged = rows.filter((r) => r.codec === name && r.op === op && r.met !== null);
        const figures = judged.map((r) => `${r.size} ${times(r.vsNative!)}`).join(", ");
        if (judged.length === 0) return `${op} not judged (no native)`;
        return `${op} ${judged.every((r) => r.met) ? "met" : "NOT MET"} (${figures})`;
      })
      .join("; ");
    const reads = Object.entries(rep.nativeReadsOurs ?? {})
      .filter(([, v]) => v !== null)
      .map(([k, v]) => `${k} ${v ? "yes" : "NO"}`);
    console.log(`${what}: ${verdict}`);
    if (reads.length > 0)
      console.log(`${" ".repeat(9)}native decoder reads ours: ${reads.join(", ")}`);
  }

  const load = loadavg()[0] ?? 0;
  // The bench itself keeps one core busy; more than half a core on top of it is other work.
  const busy = load > 1.5;
  const seconds = (performance.now() - ctx.began) / 1000;
  console.log(
    `\nnode ${process.version}; ${cpus()[0]?.model ?? "unknown cpu"} x${cpus().length}; ` +
      `${seconds.toFixed(1)} s${ctx.quick ? " (--quick)" : ""}; load average ${load.toFixed(2)} over 1 min` +
      `${busy ? " (busy machine: figures are low and noisy)" : ""} (sink ${ctx.sink() & 1})`,
  );

  const round = (n: number | null, digits: number) =>
    n === null ? null : Number(n.toFixed(digits));
  const failed = [...reports.values()].some((r) => r.status === "failed");
  const json = {
    bench: "codecs",
    ok: !partial && !failed,
    ...(partial ? { partial: true } : {}),
    node: process.version,
    loadAverage: round(load, 2),
    quick: ctx.quick,
    seconds: round(seconds, 1),
    payload: {
      kind: "telemetry JSON records sections (encodeRecords), keys = session ids, 3 headers",
      seeds: ctx.sizes.map((_, i) => ctx.seed + i),
      sizes: ctx.sizes,
    },
    codecs: Object.fromEntries(
      codecs.map((n) => [n, reports.get(n) ?? { status: "not measured" }]),
    ),
    results: rows.map((r) => ({
      ...r,
      oursMBps: round(r.oursMBps, 1),
      nativeMBps: round(r.nativeMBps, 1),
      nativeAsyncMBps: round(r.nativeAsyncMBps, 1),
      vsNative: round(r.vsNative, 3),
      oursRatio: round(r.oursRatio, 3),
      nativeRatio: round(r.nativeRatio, 3),
    })),
  };
  const line = JSON.stringify(json);
  console.log(line);
  if (ctx.json !== undefined) {
    mkdirSync(dirname(ctx.json), { recursive: true });
    writeFileSync(ctx.json, `${line}\n`);
  }
}
