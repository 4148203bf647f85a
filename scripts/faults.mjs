// @ts-check
/**
 * `npm run faults`: the fault suite (issue 8). Each part is its own script, run here one after
 * the other as a child process, so its memory figures are its own and a crash or hang in it
 * cannot take this run down (the contract is in faults/README.md):
 *
 *   node scripts/faults.mjs [--short] [--only scenarios,memory,fuzz] [--json FILE] [--timeout-s N]
 *
 * A part prints progress on stderr (passed through here) and one `RESULT {json}` line on stdout;
 * it gets a hard time bound, past which it is asked to stop (SIGTERM, so it can undo its faults
 * and stop what it started) and then killed with everything in its process group. Ctrl-C does
 * the same to the running part at once (twice: SIGKILL at once). At the end: a table per part,
 * a summary, and one JSON line on stdout (also written to --json FILE). Exit 0 iff every part
 * that ran was ok.
 */
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { killGroup, spawnTracked } from "./conformance/children.mjs";
import { repoRoot } from "./kafka/paths.mjs";

/**
 * The parts, in the order they run, and each one's hard bound. The bounds are about twice what
 * a part takes on this 2-core machine while it shares the cores with Kafka, so a slow run is not
 * cut short but a hung one is.
 */
const PARTS = /** @type {const} */ ([
  { name: "scenarios", shortS: 300, fullS: 1500 },
  { name: "memory", shortS: 240, fullS: 2400 },
  { name: "fuzz", shortS: 180, fullS: 1500 },
]);
/** After SIGTERM (time bound or Ctrl-C), how long a part may spend undoing faults and stopping Kafka. */
const CLEANUP_GRACE_MS = 60_000;

const HELP = `Usage: node scripts/faults.mjs [--short] [--only ${PARTS.map((p) => p.name).join(",")}] [--json FILE] [--timeout-s N]

Runs the fault suite's parts (faults/<part>.ts) one after the other, each as its own process:
  scenarios  broker and gateway faults on the three-node cluster, judged by Kafka's console consumer
  memory     bounded memory under a throttled broker, and no leak after close()
  fuzz       decoders and the gateway's parser against seeded random and mutated frames
--short       the same parts with smaller sizes (what npm test runs)
--only a,b    run only these parts
--json FILE   also write the summary to FILE
--timeout-s N hard bound per part in seconds (default: ${PARTS.map((p) => `${p.name} ${p.shortS}/${p.fullS}`).join(", ")} short/full)`;

/**
 * @typedef {object} Options
 * @property {boolean} short
 * @property {string[]} only
 * @property {string | undefined} json
 * @property {number | undefined} timeoutS
 * @property {boolean} help
 */

/**
 * @param {string[]} argv
 * @returns {Options}
 */
function parseOptions(argv) {
  /** @type {Options} */
  const o = {
    short: false,
    only: PARTS.map((p) => p.name),
    json: undefined,
    timeoutS: undefined,
    help: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined || v.startsWith("--")) throw new Error(`${a} needs a value`);
      return v;
    };
    if (a === "--short") o.short = true;
    else if (a === "--help" || a === "-h") o.help = true;
    else if (a === "--json") o.json = value();
    else if (a === "--only") {
      const names = value()
        .split(",")
        .map((s) => s.trim())
        .filter(Boolean);
      const unknown = names.filter((n) => !PARTS.some((p) => p.name === n));
      if (names.length === 0 || unknown.length > 0) {
        throw new Error(
          `--only takes part names from ${PARTS.map((p) => p.name).join(", ")}; received ${JSON.stringify(unknown.join(",") || "")}`,
        );
      }
      o.only = names;
    } else if (a === "--timeout-s") {
      const raw = value();
      const n = Number(raw);
      if (!Number.isInteger(n) || n < 1) {
        throw new Error(
          `--timeout-s must be a positive whole number of seconds; received ${JSON.stringify(raw)}`,
        );
      }
      o.timeoutS = n;
    } else throw new Error(`unknown argument ${JSON.stringify(a)}; see --help`);
  }
  return o;
}

/**
 * @typedef {object} PartReport
 * @property {string} part
 * @property {boolean} ok
 * @property {number | null} exitCode
 * @property {string | null} signal
 * @property {boolean} timedOut
 * @property {boolean} interrupted
 * @property {number} wallMs
 * @property {Array<Record<string, string | number | boolean>>} rows
 * @property {string[]} notes
 * @property {string | undefined} problem why it failed besides its own verdict (no RESULT line, …)
 */

/**
 * Reads the part's verdict from its RESULT line ("" when it printed none).
 * @param {string} line
 * @param {string} part
 * @returns {{ result: { ok: boolean, rows: Array<Record<string, string | number | boolean>>, notes: string[] } | undefined, problem: string | undefined }}
 */
function readResult(line, part) {
  if (line === "") return { result: undefined, problem: "it printed no RESULT line" };
  let parsed;
  try {
    parsed = JSON.parse(line.slice("RESULT ".length));
  } catch (err) {
    return {
      result: undefined,
      problem: `its RESULT line is not JSON: ${/** @type {Error} */ (err).message}`,
    };
  }
  const shapeOk =
    typeof parsed === "object" &&
    parsed !== null &&
    typeof parsed.ok === "boolean" &&
    Array.isArray(parsed.rows) &&
    Array.isArray(parsed.notes);
  if (!shapeOk) {
    return {
      result: undefined,
      problem: "its RESULT line lacks ok (boolean), rows (array) or notes (array)",
    };
  }
  if (parsed.part !== part) {
    return {
      result: undefined,
      problem: `its RESULT names part ${JSON.stringify(parsed.part)}, not ${part}`,
    };
  }
  return { result: parsed, problem: undefined };
}

/**
 * Runs one part to its end (or its bound, or an interrupt).
 * @param {(typeof PARTS)[number]} part
 * @param {Options} options
 * @param {{ current: ((signal: "SIGINT" | "SIGTERM") => void) | undefined }} interrupt set while the part runs
 * @returns {Promise<PartReport>}
 */
function runPart(part, options, interrupt) {
  const file = join(repoRoot, "faults", `${part.name}.ts`);
  const began = Date.now();
  /** @type {PartReport} */
  const report = {
    part: part.name,
    ok: false,
    exitCode: null,
    signal: null,
    timedOut: false,
    interrupted: false,
    wallMs: 0,
    rows: [],
    notes: [],
    problem: undefined,
  };
  if (!existsSync(file)) {
    report.problem = `faults/${part.name}.ts does not exist`;
    return Promise.resolve(report);
  }
  const boundS = options.timeoutS ?? (options.short ? part.shortS : part.fullS);
  const args = ["--conditions=source", "--import", "tsx", "--expose-gc", file];
  if (options.short) args.push("--short");
  const child = spawnTracked(process.execPath, args, { cwd: repoRoot });
  // Everything but the RESULT line is the part talking: it goes to our stderr, so that our own
  // stdout holds only the tables and the summary line.
  let partial = "";
  let resultLine = "";
  child.stdout?.setEncoding("utf8");
  child.stdout?.on("data", (/** @type {string} */ chunk) => {
    const lines = (partial + chunk).split("\n");
    partial = lines.pop() ?? "";
    for (const l of lines) {
      if (l.startsWith("RESULT ")) resultLine = l;
      else if (l) process.stderr.write(`[${part.name} stdout] ${l}\n`);
    }
  });
  child.stderr?.pipe(process.stderr, { end: false });

  /** @type {ReturnType<typeof setTimeout> | undefined} */
  let killTimer;
  /** @param {"SIGINT" | "SIGTERM"} signal */
  const askToStop = (signal) => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    // The part alone first (it undoes its faults, stops its gateway and Kafka), then its group.
    try {
      if (child.pid !== undefined) process.kill(child.pid, signal);
    } catch {
      // already gone
    }
    killTimer ??= setTimeout(() => killGroup(child, "SIGKILL"), CLEANUP_GRACE_MS);
  };
  const bound = setTimeout(() => {
    report.timedOut = true;
    process.stderr.write(
      `[faults] ${part.name} ran past its bound of ${boundS} s: asking it to stop (SIGTERM), SIGKILL in ${CLEANUP_GRACE_MS / 1000} s\n`,
    );
    askToStop("SIGTERM");
  }, boundS * 1000);
  interrupt.current = (signal) => {
    if (report.interrupted) {
      killGroup(child, "SIGKILL");
      return;
    }
    report.interrupted = true;
    askToStop(signal);
  };

  return new Promise((resolve) => {
    child.once("error", (err) => {
      report.problem = `could not start it: ${err.message}`;
    });
    child.once("close", (code, signal) => {
      clearTimeout(bound);
      if (killTimer !== undefined) clearTimeout(killTimer);
      // Whatever the part left in its group (a gateway, a tool JVM) goes with it. (killGroup
      // skips a child that has exited; the group can outlive its leader.)
      if (child.pid !== undefined) {
        try {
          process.kill(-child.pid, "SIGKILL");
        } catch {
          // the group is empty: nothing was left behind
        }
      }
      interrupt.current = undefined;
      report.exitCode = code;
      report.signal = signal;
      report.wallMs = Date.now() - began;
      if (partial.startsWith("RESULT ")) resultLine = partial;
      const { result, problem } = readResult(resultLine, part.name);
      if (result !== undefined) {
        report.rows = result.rows;
        report.notes = result.notes;
      }
      report.problem ??= problem;
      if (report.timedOut) report.problem = `ran past its bound of ${boundS} s and was stopped`;
      else if (report.interrupted) report.problem = "interrupted";
      else if (result !== undefined && result.ok !== (code === 0)) {
        report.problem = `its RESULT says ok ${result.ok} but it exited with ${code ?? signal}`;
      } else if (result === undefined && report.problem === undefined) {
        report.problem = `exit ${code ?? signal}`;
      }
      report.ok = result?.ok === true && code === 0 && report.problem === undefined;
      resolve(report);
    });
  });
}

/**
 * A table with one column per row key (in order of first appearance); numbers right-aligned with
 * thousands separators.
 * @param {Array<Record<string, string | number | boolean>>} rows
 * @returns {string}
 */
function renderTable(rows) {
  if (rows.length === 0) return "  (no rows)";
  /** @type {string[]} */
  const keys = [];
  for (const r of rows) for (const k of Object.keys(r)) if (!keys.includes(k)) keys.push(k);
  const cell = (/** @type {unknown} */ v) =>
    v === undefined
      ? ""
      : typeof v === "number"
        ? v.toLocaleString("en-US", { maximumFractionDigits: 1 })
        : String(v);
  const cells = rows.map((r) => keys.map((k) => cell(r[k])));
  const widths = keys.map((k, i) => Math.max(k.length, ...cells.map((c) => (c[i] ?? "").length)));
  const numeric = keys.map((k) =>
    rows.every((r) => r[k] === undefined || typeof r[k] === "number"),
  );
  const line = (/** @type {string[]} */ values) =>
    `  ${values
      .map((v, i) => (numeric[i] ? v.padStart(widths[i] ?? 0) : v.padEnd(widths[i] ?? 0)))
      .join("  ")
      .trimEnd()}`;
  return [line(keys), line(widths.map((w) => "-".repeat(w))), ...cells.map(line)].join("\n");
}

async function main() {
  /** @type {Options} */
  let options;
  try {
    options = parseOptions(process.argv.slice(2));
  } catch (err) {
    console.error(`faults: ${/** @type {Error} */ (err).message}`);
    return 2;
  }
  if (options.help) {
    console.log(HELP);
    return 0;
  }
  const began = Date.now();
  /** @type {{ current: ((signal: "SIGINT" | "SIGTERM") => void) | undefined }} */
  const interrupt = { current: undefined };
  let interrupted = false;
  for (const sig of /** @type {const} */ (["SIGINT", "SIGTERM"])) {
    process.on(sig, () => {
      if (!interrupted) {
        process.stderr.write(
          `\n[faults] ${sig}: stopping the running part (it undoes its faults first); again to kill it at once\n`,
        );
      }
      interrupted = true;
      interrupt.current?.(sig);
    });
  }

  /** @type {PartReport[]} */
  const reports = [];
  for (const part of PARTS.filter((p) => options.only.includes(p.name))) {
    if (interrupted) break;
    process.stderr.write(
      `[faults] ${part.name}${options.short ? " --short" : ""} (bound ${options.timeoutS ?? (options.short ? part.shortS : part.fullS)} s)\n`,
    );
    const report = await runPart(part, options, interrupt);
    reports.push(report);
    process.stderr.write(
      `[faults] ${part.name}: ${report.ok ? "ok" : `FAILED${report.problem ? ` (${report.problem})` : ""}`} in ${(report.wallMs / 1000).toFixed(1)} s\n`,
    );
  }

  const out = [];
  for (const r of reports) {
    out.push(
      "",
      `${r.part}: ${r.ok ? "ok" : "FAILED"} (${(r.wallMs / 1000).toFixed(1)} s)${r.problem ? ` — ${r.problem}` : ""}`,
    );
    out.push(renderTable(r.rows));
    for (const n of r.notes) out.push(`  - ${n}`);
  }
  const ran = reports.length;
  const passed = reports.filter((r) => r.ok).length;
  const ok = !interrupted && ran === options.only.length && passed === ran;
  out.push(
    "",
    `faults${options.short ? " --short" : ""}: ${passed}/${options.only.length} parts ok` +
      `${interrupted ? " (interrupted)" : ""}; ${reports.map((r) => `${r.part} ${r.ok ? "ok" : "FAILED"} ${(r.wallMs / 1000).toFixed(0)} s`).join(", ")}; ` +
      `${((Date.now() - began) / 1000).toFixed(0)} s in all`,
  );
  console.log(out.join("\n"));
  const summary = {
    faults: {
      ok,
      short: options.short,
      wallMs: Date.now() - began,
      parts: reports.map((r) => ({
        part: r.part,
        ok: r.ok,
        wallMs: r.wallMs,
        exitCode: r.exitCode,
        signal: r.signal,
        timedOut: r.timedOut,
        problem: r.problem ?? null,
        rows: r.rows,
        notes: r.notes,
      })),
    },
  };
  console.log(JSON.stringify(summary));
  if (options.json !== undefined)
    writeFileSync(options.json, `${JSON.stringify(summary, null, 2)}\n`);
  return interrupted ? 130 : ok ? 0 : 1;
}

process.exitCode = await main();
