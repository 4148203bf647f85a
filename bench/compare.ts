/**
 * `npm run bench`: every client on the same broker in one run, with matched settings — Tributary
 * over Node TCP, through the gateway from Node and from headless Chromium, KafkaJS,
 * @platformatic/kafka, Kafka's Java client (ProducerPerformance) and kcat (librdkafka) — on the
 * workloads of issue 9 (W1-W5, compare-plan.ts). Prints a table per workload with each client's
 * records/s, MB/s, p50/p99, CPU and memory and its ratio to Tributary over TCP, then the issue's
 * targets, and writes JSON, Markdown and an SVG chart into bench/results/ (git-ignored).
 *
 *   npm run bench [-- --quick | --smoke] [--json FILE] [--clients a,b] [--workloads W1,W4] [--no-size]
 *
 * Starts the single-node Kafka when none runs (and stops it at the end; one already running is
 * left alone), the gateway on a free port, one runner process per (workload, client, form) in
 * turn (bench/peers/, contract.ts). Ctrl-C stops the current runner, deletes the topics, stops
 * what it started. Exit code 0 only when every run a client supports succeeded.
 */
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, release, tmpdir, totalmem } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { Kafka, logLevel } from "kafkajs";
import { startGateway } from "../scripts/demo/gateway.mjs";
import { start, stop } from "../scripts/kafka/cluster.mjs";
import { chartSvg } from "./lib/compare-chart.js";
import {
  CLIENTS,
  type Client,
  recordsFor,
  SHARED,
  type Size,
  type Workload,
  workloads,
} from "./lib/compare-plan.js";
import {
  markdownTables,
  type Row,
  ratios,
  targetLines,
  targets,
  textTables,
  toRow,
} from "./lib/compare-report.js";
import { setUp } from "./lib/compare-setup.js";
import { type PayloadFile, valueBytes, writePayloads } from "./lib/payloads.js";
import { runRunner } from "./lib/run-runner.js";
import type { RunSpec } from "./peers/contract.js";

const root = fileURLToPath(new URL("..", import.meta.url));
const USAGE =
  "usage: npm run bench [-- --quick | --smoke] [--json FILE] [--clients a,b] [--workloads W1,W4] [--no-size]\n" +
  `  clients: ${CLIENTS.map((c) => c.id).join(", ")}\n  workloads: W1, W2, W3, W4, W5\n` +
  "  (one benchmark alone: npm run bench -- <protocol|producer|receipts|codecs|gateway> [args])";

function fail(message: string): never {
  console.error(`bench: ${message}\n${USAGE}`);
  process.exit(2);
}

function parseArgs(argv: string[]) {
  const o = {
    size: "full" as Size,
    json: undefined as string | undefined,
    clients: CLIENTS.map((c) => c.id),
    workloads: ["W1", "W2", "W3", "W4", "W5"],
    sizeBudget: true,
  };
  const list = (flag: string, raw: string | undefined, allowed: string[]) => {
    const items = (raw ?? "").split(",").filter((s) => s !== "");
    const bad = items.filter((s) => !allowed.includes(s));
    if (items.length === 0 || bad.length > 0) {
      fail(
        `${flag} takes a comma-separated list of ${allowed.join(", ")}; received ${JSON.stringify(raw ?? null)}`,
      );
    }
    return items;
  };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]!;
    if (flag === "--quick") o.size = "quick";
    else if (flag === "--smoke") o.size = "smoke";
    else if (flag === "--no-size") o.sizeBudget = false;
    else if (flag === "--json") {
      const file = argv[++i];
      if (file === undefined || file.startsWith("--")) fail("--json takes a file path");
      o.json = file;
    } else if (flag === "--clients") o.clients = list(flag, argv[++i], o.clients);
    else if (flag === "--workloads") o.workloads = list(flag, argv[++i], o.workloads);
    else if (flag === "--help" || flag === "-h") {
      console.log(USAGE);
      process.exit(0);
    } else fail(`unknown argument ${JSON.stringify(flag)}`);
  }
  return o;
}

const opts = parseArgs(process.argv.slice(2));
const progress = (line: string) => process.stderr.write(`${line}\n`);
const interrupt = new AbortController();
const undo: { what: string; run: () => Promise<unknown> | unknown }[] = [];

async function cleanup(): Promise<void> {
  for (const step of undo.reverse()) {
    progress(step.what);
    try {
      await step.run();
    } catch (err) {
      progress(`  failed: ${(err as Error).message.split("\n")[0]}`);
    }
  }
  undo.length = 0;
}

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    progress(`${signal}: stopping the current run and cleaning up`);
    interrupt.abort();
    void cleanup().finally(() => process.exit(130));
  });
}

async function ensureBroker(): Promise<{ bootstrap: string; pid: number | undefined }> {
  progress("broker: looking for the local single-node Kafka (starting it if none runs)");
  const r = await start({ nodes: 1, quiet: true });
  const pid = r.nodes[0]?.pid;
  if (r.alreadyRunning) {
    progress(`broker: using the one already running at ${r.bootstrap} (pid ${pid}); it stays up`);
  } else {
    progress(`broker: started Kafka at ${r.bootstrap} (pid ${pid}); stopped at the end`);
    undo.push({
      what: "broker: stopping the Kafka this run started",
      run: () => stop({ which: 1, quiet: true }),
    });
  }
  return { bootstrap: r.bootstrap, pid };
}

function machine() {
  const java = spawnSync("java", ["-version"], { encoding: "utf8" });
  const kcat = spawnSync("kcat", ["-V"], { encoding: "utf8" });
  return {
    date: new Date().toISOString(),
    cpu: cpus()[0]?.model ?? "?",
    cores: cpus().length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    kernel: release(),
    node: process.version,
    java: (java.stderr ?? "").split("\n")[0] ?? "?",
    librdkafka: /librdkafka (?:version )?(\d[\w.]*)/.exec(kcat.stdout ?? "")?.[1] ?? "?",
    kafka: "4.1.1 (single node, KRaft, from Maven Central)",
  };
}

/** The browser app row of `npm run size`: gzipped bytes of the producer with WebSocket, no codec. */
function browserSize(): number | undefined {
  const out = join(tmpdir(), `tributary-size-${process.pid}.json`);
  const r = spawnSync(process.execPath, [join(root, "scripts", "size.mjs"), "--json", out], {
    cwd: root,
    encoding: "utf8",
  });
  try {
    const json = JSON.parse(readFileSync(out, "utf8")) as {
      results: { name: string; totalGzipBytes?: number }[];
    };
    rmSync(out, { force: true });
    const row = json.results.find((x) => x.name === "browser app");
    return row?.totalGzipBytes;
  } catch {
    progress(`size: npm run size did not give a result (exit ${r.status})`);
    return undefined;
  }
}

async function main(): Promise<number> {
  const began = performance.now();
  await setUp({ root, clients: opts.clients, progress });
  const broker = await ensureBroker();
  const staticDir = join(root, "bench", "browser", "dist");
  mkdirSync(staticDir, { recursive: true });
  const gateway = await startGateway({
    bootstrap: broker.bootstrap,
    allowTopics: "bench-*",
    staticDir,
  });
  undo.push({ what: "gateway: stopping", run: () => gateway.stop() });
  progress(`gateway: ${gateway.wsUrl} (pid ${gateway.child.pid})`);

  const scratch = mkdtempSync(join(tmpdir(), "tributary-bench-"));
  undo.push({
    what: `removing ${scratch}`,
    run: () => rmSync(scratch, { recursive: true, force: true }),
  });
  const payloads = writePayloads(scratch);

  const plan = workloads(opts.size).filter((w) => opts.workloads.includes(w.id));
  const runs: { w: Workload; client: Client; form: Workload["forms"][number]; topic: string }[] =
    [];
  const stamp = Date.now().toString(36);
  for (const w of plan) {
    for (const client of CLIENTS) {
      if (!opts.clients.includes(client.id) || !client.workloads.includes(w.id)) continue;
      for (const form of w.forms) {
        runs.push({
          w,
          client,
          form,
          topic: `bench-${stamp}-${w.id}-${client.id}-${form}`.toLowerCase(),
        });
      }
    }
  }
  if (runs.length === 0) fail("nothing to run with these --clients and --workloads");

  const admin = new Kafka({
    clientId: "tributary-bench-admin",
    brokers: [broker.bootstrap],
    logLevel: logLevel.NOTHING,
  }).admin();
  await admin.connect();
  undo.push({ what: "admin: disconnecting", run: () => admin.disconnect() });
  progress(`topics: creating ${runs.length} with ${SHARED.partitions} partitions each`);
  await admin.createTopics({
    waitForLeaders: true,
    topics: runs.map((r) => ({
      topic: r.topic,
      numPartitions: SHARED.partitions,
      replicationFactor: 1,
    })),
  });
  undo.push({
    what: `topics: deleting the ${runs.length} this run made`,
    run: () => admin.deleteTopics({ topics: runs.map((r) => r.topic), timeout: 30_000 }),
  });

  const rows: Row[] = [];
  let n = 0;
  for (const { w, client, form, topic } of runs) {
    if (interrupt.signal.aborted) break;
    n++;
    const payload: PayloadFile = payloads[w.payload];
    const records = recordsFor(w, form);
    const measuredValueBytes = valueBytes(payload, records);
    const spec: RunSpec = {
      workload: w.id,
      client: client.id,
      form,
      inFlightLimit: SHARED.inFlightLimit,
      bootstrap: broker.bootstrap,
      gatewayUrl: gateway.wsUrl,
      gatewayHttpUrl: gateway.url,
      topic,
      partitions: SHARED.partitions,
      records,
      warmupRecords: w.warmup,
      payloadFile: payload.path,
      payloadLines: payload.lines,
      measuredValueBytes,
      acks: w.acks,
      compression: w.compression,
      lingerMs: w.lingerMs,
      batchBytes: SHARED.batchBytes,
      maxInFlight: SHARED.maxInFlight,
      idempotent: SHARED.idempotent,
      timeoutMs: (opts.size === "full" ? 600 : 180) * 1000,
      scratchDir: scratch,
    };
    progress(
      `[${n}/${runs.length}] ${w.id} ${client.label}, ${form}: ${records.toLocaleString("en-US")} records`,
    );
    const m = await runRunner(client.runner, spec, {
      root,
      gatewayPid: gateway.child.pid,
      brokerPid: broker.pid,
      onLine: (line) => progress(`    ${line}`),
      signal: interrupt.signal,
    });
    const row = toRow(w, client, form, measuredValueBytes, m);
    rows.push(row);
    progress(
      row.status === "ok"
        ? `    -> ${Math.round(row.recordsPerSec ?? 0).toLocaleString("en-US")} records/s, p50 ${row.p50Ms?.toFixed(2) ?? "-"} ms, p99 ${row.p99Ms?.toFixed(2) ?? "-"} ms`
        : `    -> ${row.status}: ${row.failure}`,
    );
  }
  if (interrupt.signal.aborted) return 130;

  const sizeGzip = opts.sizeBudget ? browserSize() : undefined;
  const info = machine();
  const allTargets = targets(rows, sizeGzip);
  const caption = `${info.date.slice(0, 10)} · ${info.cores} cores ${info.cpu} · Node ${info.node} · Kafka ${info.kafka}${opts.size === "full" ? "" : ` · --${opts.size}`}`;
  const settingsLine =
    `matched settings: acks and compression per workload; linger 5 ms (W4: 0); batch.size ${SHARED.batchBytes} B; ` +
    `${SHARED.maxInFlight} requests in flight per connection; idempotence off; ${SHARED.partitions} partitions, keyless records; ` +
    `values from the same payload file for every client`;

  const text = [
    "",
    textTables(rows, plan),
    settingsLine,
    "CPU s: the client's whole process tree between its start and end marks (JVM, kcat: the whole process, start-up included); " +
      "peak MiB: the largest sum of PSS over that tree; gateway CPU s: the gateway process over the same interval; " +
      "TCP vs this: Tributary over TCP's records/s over this row's (W4: this row's p50 over Tributary TCP's; W5: fire-and-forget over this form).",
    "",
    "notes:",
    ...notesBlock(rows),
    "",
    "targets (issue 9):",
    targetLines(allTargets),
    "",
    caption,
  ].join("\n");
  console.log(text);

  const json = {
    tool: "bench compare",
    size: opts.size,
    machine: info,
    shared: SHARED,
    workloads: plan,
    rows,
    ratios: ratios(rows, plan),
    targets: allTargets,
    browserSizeGzipBytes: sizeGzip,
    totalSeconds: (performance.now() - began) / 1000,
  };
  const resultsDir = join(root, "bench", "results");
  mkdirSync(resultsDir, { recursive: true });
  const base = join(
    resultsDir,
    `compare-${info.date.replace(/[:.]/g, "-")}${opts.size === "full" ? "" : `-${opts.size}`}`,
  );
  writeFileSync(`${base}.json`, `${JSON.stringify(json, null, 2)}\n`);
  writeFileSync(`${base}.svg`, chartSvg(rows, plan, caption));
  writeFileSync(
    `${base}.md`,
    [
      `_${caption}_`,
      "",
      markdownTables(rows, plan),
      settingsLine,
      "",
      "Targets:",
      "",
      targetLines(allTargets),
      "",
    ].join("\n"),
  );
  for (const ext of ["json", "svg", "md"])
    copyFileSync(`${base}.${ext}`, join(resultsDir, `latest.${ext}`));
  if (opts.json !== undefined) {
    mkdirSync(dirname(opts.json), { recursive: true });
    writeFileSync(opts.json, `${JSON.stringify(json)}\n`);
  }
  progress(`results: ${base}.{json,svg,md} (also bench/results/latest.*)`);
  console.log(
    JSON.stringify({
      tool: "bench compare",
      ok: rows.every((r) => r.status !== "failed"),
      results: `${base}.json`,
    }),
  );
  return rows.every((r) => r.status !== "failed") ? 0 : 1;
}

/** Each client's notes once (they repeat across workloads), then each failure. */
function notesBlock(rows: Row[]): string[] {
  const seen = new Set<string>();
  const lines: string[] = [];
  for (const r of rows) {
    for (const note of r.notes) {
      const key = `${r.client}\u0000${note}`;
      if (seen.has(key)) continue;
      seen.add(key);
      lines.push(`  ${r.label}: ${note}`);
    }
  }
  for (const r of rows) {
    if (r.status === "unsupported")
      lines.push(`  ${r.label}, ${r.workload}: not run: ${r.failure}`);
    if (r.status === "failed")
      lines.push(`  ${r.label}, ${r.workload} ${r.form}: FAILED: ${r.failure}`);
  }
  return lines;
}

let code = 1;
try {
  code = await main();
} catch (err) {
  if (!interrupt.signal.aborted) console.error(`bench: ${(err as Error).stack ?? err}`);
} finally {
  if (!interrupt.signal.aborted) {
    await cleanup();
    process.exit(code);
  }
}
