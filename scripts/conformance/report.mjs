// @ts-check
/**
 * The table (rows runtime/route, columns codecs, each cell "pass 54,321/s", "refused 12 ms" for
 * a cell that had to be refused and was, or "FAIL <reason>"), the failures in full below it,
 * and the one-line JSON summary. An auth row (e.g. deno/tcp+tls+scram-sha-512) has only its
 * `none` cell.
 */
import { routeOf } from "../../conformance/security.mjs";
import { CODECS, plannedCells } from "./matrix.mjs";

const WIDTH = 16;

/**
 * @typedef {object} RowReport
 * @property {import("./matrix.mjs").RuntimeRow} row
 * @property {string} version
 * @property {number | undefined} wallMs undefined: not run
 * @property {string | undefined} entry
 * @property {string[]} notes
 */

/**
 * @param {{ rows: RowReport[], verdicts: Map<string, import("./verdict.mjs").CellVerdict>, records: number }} input
 * @returns {string}
 */
export function renderTable({ rows, verdicts, records }) {
  const out = [];
  out.push(`\nconformance: ${records.toLocaleString("en-US")} keyed records with headers per cell`);
  for (const r of rows) {
    const wall = r.wallMs === undefined ? "not run" : `${(r.wallMs / 1000).toFixed(1)} s`;
    out.push(`  ${r.row.id.padEnd(9)} ${r.version}  (${wall}; ${r.row.how})`);
  }
  out.push("");
  const lines = rows.flatMap((r) => {
    const routes = [...new Set(plannedCells(r.row).map((c) => routeOf(c)))];
    return routes.map((route) => ({ runtime: r.row.id, route, label: `${r.row.id}/${route}` }));
  });
  const labelWidth = Math.max(20, ...lines.map((l) => l.label.length));
  out.push(
    ["runtime/route".padEnd(labelWidth), ...CODECS.map((c) => c.padEnd(WIDTH))].join(" ").trimEnd(),
  );
  for (const { runtime, route, label } of lines) {
    const cells = CODECS.map((codec) => {
      const v = verdicts.get(`${runtime}/${route}/${codec}`);
      if (v === undefined) return "".padEnd(WIDTH);
      return verdictText(v).slice(0, WIDTH).padEnd(WIDTH);
    });
    out.push([label.padEnd(labelWidth), ...cells].join(" ").trimEnd());
  }
  const failed = [...verdicts.values()].filter((v) => !v.pass);
  if (failed.length > 0) {
    out.push("", "failures:");
    for (const v of failed) out.push(`  ${v.cell}: ${v.reason}`);
  }
  const notes = rows.flatMap((r) => r.notes.map((n) => `  ${r.row.id}: ${n}`));
  if (notes.length > 0) out.push("", "notes:", ...notes);
  const passed = verdicts.size - failed.length;
  out.push("", `${passed} of ${verdicts.size} cells passed`);
  return out.join("\n");
}

/** @param {import("./verdict.mjs").CellVerdict} v */
function verdictText(v) {
  if (!v.pass) return `FAIL ${shortReason(v.reason ?? "")}`;
  if (v.refusedInMs !== null) return `refused ${v.refusedInMs.toLocaleString("en-US")} ms`;
  return `pass ${(v.recordsPerSec ?? 0).toLocaleString("en-US")}/s`;
}

/** The gist of a failure in a few words, for the table; the full text is listed below it. */
function shortReason(/** @type {string} */ reason) {
  if (reason.startsWith("@tributary/producer resolved to")) return "wrong entry";
  if (reason.startsWith("not run")) return "not run";
  if (reason.startsWith("auth cells not run")) return "no SASL/SSL";
  if (reason.includes("no result within") || reason.includes("no answer within")) return "hung";
  if (reason.startsWith("console consumer")) return "landing";
  if (reason.includes("had to fail with")) return "not refused";
  if (reason.includes("receipts failed")) return "receipts";
  if (reason.startsWith("the page logged")) return "console err";
  if (reason.includes("digest")) return "digest";
  return reason.split(/[:\n]/)[0] ?? reason;
}

/**
 * The one-line JSON summary (also what --json writes, indented).
 * @param {object} input
 * @param {RowReport[]} input.rows
 * @param {Map<string, import("./verdict.mjs").CellVerdict>} input.verdicts
 * @param {string[]} input.problems topic-wide problems
 * @param {number} input.records
 * @param {string} input.topic
 * @param {number} input.wallMs
 */
export function summaryOf({ rows, verdicts, problems, records, topic, wallMs }) {
  const cells = [...verdicts.values()];
  return {
    ok: problems.length === 0 && cells.length > 0 && cells.every((v) => v.pass),
    records,
    topic,
    wallMs,
    runtimes: Object.fromEntries(
      rows.map((r) => [
        r.row.id,
        { version: r.version, wallMs: r.wallMs ?? null, entry: r.entry ?? null, notes: r.notes },
      ]),
    ),
    problems,
    cells,
  };
}
