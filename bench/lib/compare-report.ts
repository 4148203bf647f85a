/**
 * Turns the comparison run's measurements into rows, ratios against each peer, the issue's
 * targets (met or missed), a plain-text table for the terminal and a Markdown one for the README.
 */
import type { ApiForm, RunResult, WorkloadId } from "../peers/contract.js";
import type { Workload } from "./compare-plan.js";
import type { Measured } from "./run-runner.js";

export interface Row {
  workload: WorkloadId;
  client: string;
  label: string;
  form: ApiForm;
  status: "ok" | "failed" | "unsupported";
  failure: string | undefined;
  records: number;
  seconds: number;
  recordsPerSec: number | undefined;
  mbPerSec: number | undefined;
  p50Ms: number | undefined;
  p99Ms: number | undefined;
  /** Client process tree, between the marks. */
  cpuSeconds: number | undefined;
  cpuUsPerRecord: number | undefined;
  peakMemoryMiB: number | undefined;
  gatewayCpuSeconds: number | undefined;
  brokerCpuSeconds: number | undefined;
  settings: RunResult["settings"];
  notes: string[];
}

export function toRow(
  w: Workload,
  client: { id: string; label: string },
  form: ApiForm,
  valueBytes: number,
  m: Measured,
): Row {
  const r = m.result;
  const status = r.ok ? "ok" : r.unsupported === true ? "unsupported" : "failed";
  const ok = status === "ok" && r.seconds > 0;
  return {
    workload: w.id,
    client: client.id,
    label: client.label,
    form,
    status,
    failure: r.failure,
    records: r.records,
    seconds: r.seconds,
    recordsPerSec: ok ? r.records / r.seconds : undefined,
    mbPerSec: ok ? valueBytes / r.seconds / 1e6 : undefined,
    p50Ms: ok ? r.latencyMs?.p50 : undefined,
    p99Ms: ok ? r.latencyMs?.p99 : undefined,
    cpuSeconds: ok ? m.cpuSeconds : undefined,
    cpuUsPerRecord:
      ok && m.cpuSeconds !== undefined && r.records > 0
        ? (m.cpuSeconds * 1e6) / r.records
        : undefined,
    peakMemoryMiB: m.peakPssBytes === undefined ? undefined : m.peakPssBytes / 2 ** 20,
    gatewayCpuSeconds:
      ok && (client.id.endsWith("-ws") || client.id.endsWith("-chromium"))
        ? m.gatewayCpuSeconds
        : undefined,
    brokerCpuSeconds: ok ? m.brokerCpuSeconds : undefined,
    settings: r.settings,
    notes: r.notes,
  };
}

// ---- ratios and targets -----------------------------------------------------------------------

export interface Ratio {
  workload: WorkloadId;
  /** "tributary-tcp vs kafkajs" */
  of: string;
  vs: string;
  /** Throughput: of ÷ vs. Latency (W4): vs p50 ÷ of p50, so > 1 means `of` answers sooner. */
  value: number | undefined;
  basis: "records/s" | "p50 latency";
}

export interface Target {
  what: string;
  workload: WorkloadId | "size";
  need: number;
  got: number | undefined;
  met: boolean | undefined;
}

const find = (rows: Row[], w: WorkloadId, client: string) =>
  rows.find((r) => r.workload === w && r.client === client && r.status === "ok");

export function ratios(rows: Row[], workloads: Workload[]): Ratio[] {
  const out: Ratio[] = [];
  for (const w of workloads) {
    if (w.id === "W5") continue;
    const base = find(rows, w.id, "tributary-tcp");
    for (const r of rows) {
      if (r.workload !== w.id || r.client === "tributary-tcp") continue;
      let value: number | undefined;
      if (w.metric === "throughput") {
        value =
          base?.recordsPerSec !== undefined && r.recordsPerSec !== undefined
            ? base.recordsPerSec / r.recordsPerSec
            : undefined;
      } else {
        value =
          base?.p50Ms !== undefined && r.p50Ms !== undefined ? r.p50Ms / base.p50Ms : undefined;
      }
      out.push({
        workload: w.id,
        of: "tributary-tcp",
        vs: r.client,
        value,
        basis: w.metric === "throughput" ? "records/s" : "p50 latency",
      });
    }
  }
  return out;
}

/** The issue's targets, each with the figure this run reached. */
export function targets(rows: Row[], sizeGzipBytes: number | undefined): Target[] {
  const out: Target[] = [];
  const rps = (w: WorkloadId, c: string) => find(rows, w, c)?.recordsPerSec;
  const add = (what: string, workload: Target["workload"], need: number, got: number | undefined) =>
    out.push({ what, workload, need, got, met: got === undefined ? undefined : got >= need });
  for (const w of ["W1", "W2", "W3"] as const) {
    const tcp = rps(w, "tributary-tcp");
    const over = (c: string) => {
      const other = rps(w, c);
      return tcp === undefined || other === undefined ? undefined : tcp / other;
    };
    add(`Tributary TCP ÷ KafkaJS`, w, 2, over("kafkajs"));
    add(`Tributary TCP ÷ @platformatic/kafka`, w, 1.2, over("platformatic"));
    add(`Tributary TCP ÷ Java client`, w, 0.8, over("jvm"));
    const chromium = rps(w, "tributary-chromium");
    add(
      `Tributary in Chromium ÷ Tributary TCP`,
      w,
      0.7,
      tcp === undefined || chromium === undefined ? undefined : chromium / tcp,
    );
  }
  // Size: "got" is the budget over the size, so >= 1 means within budget like the others.
  out.push({
    what: `browser entry <= 15 KB gzipped (got ${sizeGzipBytes === undefined ? "?" : `${(sizeGzipBytes / 1024).toFixed(1)} KB`})`,
    workload: "size",
    need: 1,
    got: sizeGzipBytes === undefined ? undefined : (15 * 1024) / sizeGzipBytes,
    met: sizeGzipBytes === undefined ? undefined : sizeGzipBytes <= 15 * 1024,
  });
  return out;
}

// ---- text -------------------------------------------------------------------------------------

const int = (n: number | undefined) =>
  n === undefined ? "-" : Math.round(n).toLocaleString("en-US");
const fix = (n: number | undefined, d: number) => (n === undefined ? "-" : n.toFixed(d));
const ms = (n: number | undefined) =>
  n === undefined ? "-" : n < 10 ? n.toFixed(2) : n < 100 ? n.toFixed(1) : n.toFixed(0);

function cells(r: Row, base: Row | undefined, metric: Workload["metric"]): string[] {
  if (r.status !== "ok") {
    const why = (r.failure ?? "").replace(/\s+/g, " ");
    return [
      r.label,
      r.form,
      r.status === "unsupported" ? "n/a" : "FAILED",
      why.length > 90 ? `${why.slice(0, 87)}...` : why,
    ];
  }
  let ratio = "-";
  if (base !== undefined && base !== r) {
    if (metric === "throughput" && base.recordsPerSec && r.recordsPerSec) {
      ratio = `${(base.recordsPerSec / r.recordsPerSec).toFixed(2)}x`;
    } else if (metric === "latency" && base.p50Ms && r.p50Ms) {
      ratio = `${(r.p50Ms / base.p50Ms).toFixed(2)}x`;
    }
  }
  return [
    r.label,
    r.form,
    int(r.records),
    int(r.recordsPerSec),
    fix(r.mbPerSec, 1),
    ms(r.p50Ms),
    ms(r.p99Ms),
    fix(r.cpuSeconds, 2),
    fix(r.cpuUsPerRecord, 1),
    fix(r.peakMemoryMiB, 0),
    fix(r.gatewayCpuSeconds, 2),
    ratio,
  ];
}

const HEADER = [
  "client",
  "form",
  "records",
  "records/s",
  "MB/s",
  "p50 ms",
  "p99 ms",
  "CPU s",
  "µs/rec",
  "peak MiB",
  "gateway CPU s",
  "TCP vs this",
];

function pad(rows: string[][]): string {
  const widths: number[] = [];
  for (const row of rows) {
    // Failure rows span the table: their last cell is not measured for width.
    const measured = row.length === HEADER.length ? row : row.slice(0, -1);
    measured.forEach((c, i) => {
      widths[i] = Math.max(widths[i] ?? 0, [...c].length);
    });
  }
  return rows
    .map((row) =>
      row
        .map((c, i) =>
          i === 0 || i === 1 || i === row.length - 1
            ? c.padEnd(widths[i] ?? 0)
            : c.padStart(widths[i] ?? 0),
        )
        .join("  ")
        .trimEnd(),
    )
    .join("\n");
}

/**
 * Each workload's rows with the row the ratio column compares against: Tributary over TCP, or
 * for W5 (Tributary's API forms) the fire-and-forget form.
 */
function byWorkload(rows: Row[], workloads: Workload[]) {
  return workloads.flatMap((w) => {
    const mine = rows.filter((r) => r.workload === w.id);
    if (mine.length === 0) return [];
    const base =
      w.id === "W5"
        ? mine.find((r) => r.form === "fire-and-forget" && r.status === "ok")
        : mine.find((r) => r.client === "tributary-tcp" && r.status === "ok");
    return [{ w, mine, cellsOf: (r: Row) => cells(r, base, w.metric) }];
  });
}

export function textTables(rows: Row[], workloads: Workload[]): string {
  const parts: string[] = [];
  for (const { w, mine, cellsOf } of byWorkload(rows, workloads)) {
    parts.push(`${w.id}: ${w.title}`);
    parts.push(pad([HEADER, ...mine.map(cellsOf)]));
    parts.push("");
  }
  return parts.join("\n");
}

export function targetLines(list: Target[]): string {
  return list
    .map((t) => {
      const status = t.met === undefined ? "not measured" : t.met ? "met" : "MISSED";
      const got = t.got === undefined ? "?" : `${t.got.toFixed(2)}x`;
      return t.workload === "size"
        ? `  ${status.padEnd(12)} ${t.what}`
        : `  ${status.padEnd(12)} ${t.workload} ${t.what}: ${got} (target >= ${t.need}x)`;
    })
    .join("\n");
}

// ---- Markdown (the README's Performance section) -----------------------------------------------

export function markdownTables(rows: Row[], workloads: Workload[]): string {
  const out: string[] = [];
  for (const { w, mine, cellsOf } of byWorkload(rows, workloads)) {
    out.push(`**${w.id}** — ${w.title}, ${w.records.toLocaleString("en-US")} records\n`);
    out.push(`| ${HEADER.join(" | ")} |`);
    out.push(`|${HEADER.map((_, i) => (i < 2 ? "---" : "---:")).join("|")}|`);
    for (const r of mine) {
      const c = cellsOf(r);
      if (c.length < HEADER.length) {
        out.push(`| ${c[0]} | ${c[1]} | ${c[2]} | ${c[3]?.replace(/\|/g, "\\|")} ||||||||`);
      } else out.push(`| ${c.join(" | ")} |`);
    }
    out.push("");
  }
  return out.join("\n");
}
