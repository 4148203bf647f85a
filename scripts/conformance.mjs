// @ts-check
/**
 * `npm run conformance`: the conformance matrix, written once (conformance/cell.ts) and run in
 * every runtime: Node 20 and 26, Deno, Bun, workerd and Chromium, over direct TCP (each
 * runtime's default transport) and WebSocket through the real gateway, with every codec. Kafka's
 * console consumer judges what landed. See conformance/README.md.
 *
 *   npm run conformance -- [--records N] [--only deno,bun] [--json FILE] [--help]
 *
 * Steps: install the runtimes if needed; take Kafka from KAFKA_BOOTSTRAP or start the single
 * node (with --sasl); build the gateway if stale; one topic for the run; the gateway; what the
 * auth cells need (the broker's SASL and TLS listeners, its CA, an unrelated CA); each runtime in
 * turn, each bounded in time; one console-consumer read; the table, the JSON line. Everything it
 * started is stopped at the end, and on Ctrl-C.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { cellName, landingFor } from "../conformance/security.mjs";
import { killAllChildren } from "./conformance/children.mjs";
import { buildChromiumPage } from "./conformance/chromium.mjs";
import { judgeTopic } from "./conformance/judge.mjs";
import { acquireConformanceKafka } from "./conformance/kafka.mjs";
import { hasAuthCells, plannedCells, RUNTIMES } from "./conformance/matrix.mjs";
import { HELP, parseOptions } from "./conformance/options.mjs";
import { renderTable, summaryOf } from "./conformance/report.mjs";
import { runRow } from "./conformance/run-row.mjs";
import { prepareSecurity } from "./conformance/security-setup.mjs";
import {
  buildGateway,
  gatewayBuildStale,
  installRuntimes,
  runtimesNeedInstall,
} from "./conformance/setup.mjs";
import { matrixVerdicts } from "./conformance/verdict.mjs";
import { runtimeVersion } from "./conformance/versions.mjs";
import { startGateway } from "./demo/gateway.mjs";
import { createTopic, deleteTopic, randomTopicName } from "./kafka/helpers.mjs";

const started = Date.now();
const PARTITIONS = 6;
/** See the check in main(): what one console-consumer read can hold. */
const MAX_JUDGED_RECORDS = 650_000;

/** @param {string} title */
function step(title) {
  const s = ((Date.now() - started) / 1000).toFixed(0).padStart(4);
  console.log(`\n[conformance ${s}s] ${title}`);
}

async function main() {
  /** @type {import("./conformance/options.mjs").Options} */
  let options;
  try {
    options = parseOptions(process.argv.slice(2));
  } catch (err) {
    console.error(`conformance: ${err instanceof Error ? err.message : err}`);
    return 2;
  }
  if (options.help) {
    console.log(HELP);
    return 0;
  }
  const rows = RUNTIMES.filter((r) => options.only.includes(r.id));
  const total = rows.reduce(
    (n, row) =>
      n + plannedCells(row).reduce((m, c) => m + landingFor(c.security, options.records), 0),
    0,
  );
  if (total > MAX_JUDGED_RECORDS) {
    console.error(
      `conformance: ${total.toLocaleString("en-US")} records in all is more than the judge can read at once ` +
        `(${MAX_JUDGED_RECORDS.toLocaleString("en-US")}): scripts/kafka's consume() holds the console consumer's ` +
        "whole output in one string (about 650 characters a record), and V8 caps a string at ~537 million; " +
        "use fewer --records or --only fewer runtimes",
    );
    return 2;
  }

  const abort = new AbortController();
  process.once("SIGINT", () => {
    console.error(
      "\n[conformance] interrupted: stopping what this run started (Ctrl-C again to leave now)",
    );
    abort.abort();
    killAllChildren();
    process.once("SIGINT", () => process.exit(130));
  });

  /** @type {(() => Promise<void>)[]} run in reverse order at the end, whatever happened */
  const cleanups = [];
  const work = mkdtempSync(join(tmpdir(), "tributary-conformance-"));
  cleanups.push(async () => rmSync(work, { recursive: true, force: true }));
  try {
    return await runMatrix(options, rows, work, cleanups, abort.signal);
  } finally {
    for (const cleanup of cleanups.reverse()) {
      await cleanup().catch((err) => console.error(`[conformance] cleanup: ${err}`));
    }
    console.log(`[conformance] ${((Date.now() - started) / 1000).toFixed(0)} s in all`);
  }
}

/**
 * @param {import("./conformance/options.mjs").Options} options
 * @param {import("./conformance/matrix.mjs").RuntimeRow[]} rows
 * @param {string} work a temporary directory, removed at the end
 * @param {(() => Promise<void>)[]} cleanups
 * @param {AbortSignal} signal
 * @returns {Promise<number>} the exit code
 */
async function runMatrix(options, rows, work, cleanups, signal) {
  step("runtimes (conformance/runtimes: deno, bun, workerd, node from npm)");
  const why = runtimesNeedInstall();
  if (why === undefined) console.log("up to date");
  else {
    console.log(`${why}: npm install --no-save --prefix conformance/runtimes`);
    if (!installRuntimes()) return fail("npm install in conformance/runtimes failed");
  }

  step("Kafka");
  const kafka = await acquireConformanceKafka();
  console.log(kafka.origin);
  cleanups.push(async () => {
    if (kafka.started) step("stop the Kafka this run started");
    await kafka.stop();
  });

  step("gateway build (npx tsc -b proxy, when proxy/dist is missing or older than its sources)");
  const stale = gatewayBuildStale();
  if (stale === undefined) console.log("up to date");
  else {
    console.log(`${stale}: npx tsc -b proxy`);
    if (!buildGateway()) return fail("npx tsc -b proxy failed");
  }
  if (signal.aborted) return 130;

  const topic = randomTopicName("conformance");
  step(`topic ${topic} (${PARTITIONS} partitions)`);
  await createTopic(topic, { partitions: PARTITIONS, bootstrap: kafka.bootstrap });
  cleanups.push(async () => {
    step(`delete topic ${topic}`);
    await deleteTopic(topic, { bootstrap: kafka.bootstrap });
  });

  const staticDir = join(work, "page");
  mkdirSync(staticDir);
  /** @type {string | undefined} */
  let pageEntry;
  if (rows.some((r) => r.id === "chromium")) {
    step("bundle the Chromium driver page (esbuild, browser conditions)");
    pageEntry = await buildChromiumPage(staticDir);
  }

  step("gateway (tributary-proxy, --no-auth, 127.0.0.1, topics t-conformance-*)");
  const gateway = await startGateway({
    bootstrap: kafka.bootstrap,
    allowTopics: "t-conformance-*",
    staticDir,
    logLevel: "warn",
  });
  cleanups.push(() => gateway.stop());

  /** @type {import("../conformance/plan.js").PlanSecurity | undefined} */
  let security;
  /** Why the auth cells cannot run: then each fails with it. @type {string | undefined} */
  let authProblem;
  if (rows.some(hasAuthCells)) {
    step("auth cells: the broker's SASL and TLS listeners, its CA, and an unrelated CA (openssl)");
    const prepared = await prepareSecurity({ workDir: work });
    if ("problem" in prepared) {
      authProblem = prepared.problem;
      console.log(`FAIL: ${authProblem}`);
    } else {
      security = prepared.security;
      for (const note of prepared.notes) console.log(note);
    }
  }

  /** @type {import("./conformance/report.mjs").RowReport[]} */
  const reports = [];
  /** @type {Map<string, import("./conformance/cell-book.mjs").CellBook>} */
  const books = new Map();
  for (const row of rows) {
    const version = runtimeVersion(row.id);
    const report = {
      row,
      version,
      wallMs: /** @type {number | undefined} */ (undefined),
      entry: /** @type {string | undefined} */ (undefined),
      notes: /** @type {string[]} */ ([]),
    };
    reports.push(report);
    if (signal.aborted) continue;
    step(`${row.id} (${version}): ${row.how}`);
    const rowStarted = Date.now();
    const cells = plannedCells(row);
    const book = await runRow({
      row,
      plan: {
        runtime: row.id,
        topic,
        records: options.records,
        bootstrap: { tcp: kafka.bootstrap, websocket: gateway.wsUrl },
        ...(security !== undefined && hasAuthCells(row) ? { security } : {}),
        cells: authProblem === undefined ? cells : cells.filter((c) => c.security === undefined),
      },
      gatewayUrl: gateway.url,
      pageEntry,
      work: join(work, row.id),
      signal,
    });
    if (authProblem !== undefined) {
      for (const c of cells) {
        if (c.security !== undefined)
          book.failures.set(book.name(c), `auth cells not run: ${authProblem}`);
      }
    }
    report.wallMs = Date.now() - rowStarted;
    report.entry = book.entry;
    report.notes = book.notes;
    books.set(row.id, book);
    console.log(
      `${row.id}: ${(report.wallMs / 1000).toFixed(1)} s; producer entry ${book.entry ?? "unknown"}`,
    );
  }
  if (signal.aborted) return 130;

  const cells = rows.flatMap((row) =>
    plannedCells(row).map((c) => ({
      name: cellName({ runtime: row.id, ...c }),
      // Auth cells that could not run produced nothing; their verdict says why.
      records:
        c.security !== undefined && authProblem !== undefined
          ? 0
          : landingFor(c.security, options.records),
    })),
  );
  const expected = cells.reduce((n, c) => n + c.records, 0);
  step(
    `Kafka's console consumer reads ${topic} once (${expected.toLocaleString("en-US")} records expected)`,
  );
  const verdict = await judgeTopic({
    topic,
    bootstrap: kafka.bootstrap,
    cells,
    // The read stops at the topic's record count; this is only how long a stalled read waits.
    timeoutMs: 20_000,
  }).catch((err) => {
    console.error(
      `[conformance] the console consumer failed: ${err instanceof Error ? err.message : err}`,
    );
    return undefined;
  });
  if (signal.aborted) return 130;
  if (verdict !== undefined) {
    console.log(
      `read ${verdict.consumed.toLocaleString("en-US")} records in ${(verdict.ms / 1000).toFixed(1)} s`,
    );
    for (const p of verdict.problems) console.log(`problem: ${p}`);
  }

  const verdicts = matrixVerdicts({
    rows,
    books,
    landed: verdict?.cells,
    records: options.records,
  });
  const topicProblems = verdict === undefined ? ["the console consumer failed"] : verdict.problems;
  console.log(renderTable({ rows: reports, verdicts, records: options.records }));
  for (const p of topicProblems) console.log(`FAIL (topic-wide): ${p}`);

  const summary = summaryOf({
    rows: reports,
    verdicts,
    problems: topicProblems,
    records: options.records,
    topic,
    wallMs: Date.now() - started,
  });
  console.log(JSON.stringify(summary));
  if (options.json !== undefined)
    writeFileSync(options.json, `${JSON.stringify(summary, null, 2)}\n`);
  return summary.ok ? 0 : 1;
}

/** @param {string} message */
function fail(message) {
  console.error(`[conformance] FAILED: ${message}`);
  return 1;
}

process.exitCode = await main();
