/**
 * The gateway's cost: the same Tributary client (Node), the same workload and the same broker,
 * once over direct TCP and once over WebSocket through `tributary-proxy`, alternating for a few
 * rounds in one run. Reports both throughputs, their ratio (target: gateway >= 0.85x direct) and
 * the gateway process's CPU time per MB relayed.
 *
 *   npm run bench -- gateway [--quick] [--records N] [--warmup N] [--rounds N] [--partitions N]
 *     [--value-bytes N] [--linger MS] [--batch-bytes N] [--json FILE] [--timeout-s S]
 *
 * Starts the single-node broker when none runs (and stops it at the end), starts the gateway as
 * a child process on a free port (stopped with SIGTERM at the end), makes fresh topics and
 * deletes them at the end, also on Ctrl-C and errors. Progress goes to stderr; the table and one
 * JSON line to stdout. Exit code 1 when any record failed.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { WebSocket } from "ws";
import { start, stop } from "../scripts/kafka/cluster.mjs";
import { createTopic, deleteTopic, randomTopicName } from "../scripts/kafka/helpers.mjs";
import { cpuSecondsOf, peakRssOf } from "./lib/proc.js";
import { runTributary, type TributaryResult } from "./lib/tributary-run.js";

const root = fileURLToPath(new URL("..", import.meta.url));
const USAGE =
  "usage: npm run bench -- gateway [--quick] [--records N] [--warmup N] [--rounds N] [--partitions N]\n" +
  "         [--value-bytes N] [--linger MS] [--batch-bytes N] [--json FILE] [--timeout-s S]";

function fail(message: string): never {
  console.error(`bench gateway: ${message}\n${USAGE}`);
  process.exit(2);
}

function parseArgs(argv: string[]) {
  const o = {
    records: 1_000_000,
    warmup: 50_000,
    rounds: 2,
    partitions: 6,
    valueBytes: 100,
    lingerMs: 5,
    batchBytes: 16_384,
    json: undefined as string | undefined,
    timeoutSeconds: 300,
  };
  const int = (flag: string, raw: string | undefined, min: number, max: number): number => {
    const n = Number(raw);
    if (raw === undefined || !Number.isInteger(n) || n < min || n > max) {
      fail(
        `${flag} takes an integer from ${min} to ${max}; received ${JSON.stringify(raw ?? null)}`,
      );
    }
    return n;
  };
  let quick = false;
  const given = new Set<string>();
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]!;
    const next = () => argv[++i];
    given.add(flag);
    switch (flag) {
      case "--quick":
        quick = true;
        break;
      case "--records":
        o.records = int(flag, next(), 1, 100_000_000);
        break;
      case "--warmup":
        o.warmup = int(flag, next(), 0, 10_000_000);
        break;
      case "--rounds":
        o.rounds = int(flag, next(), 1, 20);
        break;
      case "--partitions":
        o.partitions = int(flag, next(), 1, 1000);
        break;
      case "--value-bytes":
        o.valueBytes = int(flag, next(), 1, 1_000_000);
        break;
      case "--linger":
        o.lingerMs = int(flag, next(), 0, 60_000);
        break;
      case "--batch-bytes":
        o.batchBytes = int(flag, next(), 1, 1_048_576);
        break;
      case "--json":
        o.json = next() ?? fail("--json takes a file name");
        break;
      case "--timeout-s":
        o.timeoutSeconds = int(flag, next(), 10, 3600);
        break;
      case "--help":
      case "-h":
        console.log(USAGE);
        process.exit(0);
        break;
      default:
        fail(`unknown argument ${JSON.stringify(flag)}`);
    }
  }
  if (quick) {
    if (!given.has("--records")) o.records = 200_000;
    if (!given.has("--warmup")) o.warmup = 20_000;
    if (!given.has("--rounds")) o.rounds = 1;
  }
  return o;
}

const opts = parseArgs(process.argv.slice(2));
const progress = (line: string) => process.stderr.write(`  ${line}\n`);

// ---- cleanup: undone in reverse order at the end, on errors and on Ctrl-C --------------------
const undo: { what: string; run: () => Promise<unknown> }[] = [];
let cleaning: Promise<void> | undefined;
function cleanup(): Promise<void> {
  cleaning ??= (async () => {
    for (const step of undo.reverse()) {
      progress(step.what);
      try {
        await step.run();
      } catch (err) {
        progress(`  failed: ${(err as Error).message.split("\n")[0]}`);
      }
    }
  })();
  return cleaning;
}
let interrupted = false;
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    if (interrupted) process.exit(130);
    interrupted = true;
    progress(`${signal}: stopping the gateway and cleaning up (again to abandon the cleanup)`);
    void cleanup().finally(() => process.exit(130));
  });
}

// ---- the pieces ------------------------------------------------------------------------------
async function ensureBroker(): Promise<{ bootstrap: string; pid: number | undefined }> {
  progress("broker: looking for the local single-node Kafka (starting it if none runs)");
  const r = await start({ nodes: 1, quiet: true });
  const pid = r.nodes[0]?.pid;
  if (r.alreadyRunning) {
    progress(`broker: using the one already running at ${r.bootstrap}; it stays up`);
  } else {
    progress(
      `broker: started single-node Kafka at ${r.bootstrap} (pid ${pid}); stopped at the end`,
    );
    undo.push({
      what: "broker: stopping the Kafka this bench started",
      run: () => stop({ which: 1, quiet: true }),
    });
  }
  return { bootstrap: r.bootstrap, pid };
}

interface GatewayProcess {
  child: ChildProcess;
  pid: number;
  url: string;
  port: number;
}

/**
 * Starts `tributary-proxy` as users run it (the built proxy/dist/cli.js, brought up to date with
 * `tsc -b` first) on a free port; resolves once it says where it listens.
 */
function startGateway(bootstrap: string, topicGlob: string): Promise<GatewayProcess> {
  progress("gateway: building (tsc -b) so that the gateway runs as users run it, from dist");
  const built = spawnSync(process.execPath, [join(root, "node_modules/typescript/bin/tsc"), "-b"], {
    cwd: root,
    stdio: "inherit",
  });
  if (built.status !== 0) throw new Error(`tsc -b failed with ${built.status ?? built.signal}`);
  const args = [
    join(root, "proxy/dist/cli.js"),
    "--port",
    "0",
    "--bootstrap",
    bootstrap,
    "--allow-topics",
    topicGlob,
    "--no-auth",
    "--log-level",
    "warn",
  ];
  const child = spawn(process.execPath, args, { cwd: root, stdio: ["ignore", "pipe", "pipe"] });
  undo.push({
    what: `gateway: stopping tributary-proxy (pid ${child.pid}) with SIGTERM`,
    run: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        const timer = setTimeout(() => child.kill("SIGKILL"), 15_000);
        child.once("exit", () => {
          clearTimeout(timer);
          resolve();
        });
        child.kill("SIGTERM");
      }),
  });
  return new Promise((resolve, reject) => {
    let out = "";
    const timer = setTimeout(
      () => reject(new Error(`the gateway did not start within 30 s:\n${out}`)),
      30_000,
    );
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      // The start-up line names the WebSocket URL with the port it actually bound.
      const m = /ws:\/\/([^\s/]+):(\d+)\/kafka/.exec(out);
      if (m !== null && child.pid !== undefined) {
        clearTimeout(timer);
        resolve({ child, pid: child.pid, url: `ws://${m[1]}:${m[2]}/kafka`, port: Number(m[2]) });
      }
    };
    // The start-up line goes to stderr; stdout carries the JSON logs.
    child.stdout!.on("data", (chunk: Buffer) => {
      out += chunk.toString();
    });
    child.stderr!.on("data", onData);
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`the gateway exited with ${code} before it listened:\n${out}`));
    });
  });
}

async function freshTopic(prefix: string, bootstrap: string): Promise<string> {
  const topic = randomTopicName(prefix);
  undo.push({ what: `deleting topic ${topic}`, run: () => deleteTopic(topic, { bootstrap }) });
  await createTopic(topic, { partitions: opts.partitions, bootstrap });
  return topic;
}

interface Round {
  mode: "tcp" | "gateway";
  result: TributaryResult;
  /** Gateway CPU seconds over the run (gateway rounds only). */
  gatewayCpuSeconds?: number | undefined;
  /** RecordBatch bytes the run sent, MB (10^6 B). */
  wireMB: number;
}

function runOnce(mode: Round["mode"], bootstrap: string, topic: string) {
  return runTributary({
    bootstrap,
    topic,
    partitions: opts.partitions,
    records: opts.records,
    warmup: opts.warmup,
    valueBytes: opts.valueBytes,
    keys: false,
    lingerMs: opts.lingerMs,
    batchBytes: opts.batchBytes,
    bufferBytes: 32 * 1024 * 1024,
    timeoutMs: opts.timeoutSeconds * 1000,
    progress: (line) => progress(`[${mode}] ${line}`),
    ...(mode === "gateway" ? { extraOptions: { webSocket: WebSocket } } : {}),
  });
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
const fmt = (n: number | undefined, digits = 0) =>
  n === undefined || Number.isNaN(n)
    ? "-"
    : n.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });

async function main(): Promise<number> {
  const began = performance.now();
  const broker = await ensureBroker();
  const prefix = "bench-gw";
  progress("gateway: starting tributary-proxy (no auth, loopback only, topics t-bench-gw-*)");
  const gw = await startGateway(broker.bootstrap, `t-${prefix}-*`);
  progress(`gateway: listening at ${gw.url} (pid ${gw.pid})`);

  const rounds: Round[] = [];
  for (let i = 0; i < opts.rounds && !interrupted; i++) {
    for (const mode of ["tcp", "gateway"] as const) {
      progress(
        `round ${i + 1}/${opts.rounds}: ${mode === "tcp" ? "direct TCP" : "through the gateway"}`,
      );
      // A fresh topic per run: the run checks that its acks cover the offsets from 0 exactly.
      const topic = await freshTopic(
        `${prefix}-${mode === "tcp" ? "tcp" : "ws"}`,
        broker.bootstrap,
      );
      const cpu0 = cpuSecondsOf(gw.pid);
      const result = await runOnce(mode, mode === "tcp" ? broker.bootstrap : gw.url, topic);
      const cpu1 = cpuSecondsOf(gw.pid);
      const wireMB = result.batchMBPerSec * result.seconds;
      rounds.push({
        mode,
        result,
        wireMB,
        gatewayCpuSeconds:
          mode === "gateway" && cpu0 !== undefined && cpu1 !== undefined ? cpu1 - cpu0 : undefined,
      });
      if (!result.ok)
        progress(
          `  ${mode}: ${result.failures} failures; first: ${result.firstErrors[0] ?? result.problems[0]}`,
        );
    }
  }
  const gwPeakRss = peakRssOf(gw.pid);

  const of = (mode: Round["mode"]) => rounds.filter((r) => r.mode === mode);
  const tcp = of("tcp");
  const ws = of("gateway");
  const rps = (rs: Round[]) => median(rs.map((r) => r.result.recordsPerSec));
  const mbps = (rs: Round[]) => median(rs.map((r) => r.result.batchMBPerSec));
  const p50 = (rs: Round[]) => median(rs.map((r) => r.result.latencyMs.p50));
  const p99 = (rs: Round[]) => median(rs.map((r) => r.result.latencyMs.p99));
  const clientCpu = (rs: Round[]) => median(rs.map((r) => r.result.cpu.usPerRecord));
  const gwCpuPerMB = median(ws.map((r) => (r.gatewayCpuSeconds ?? Number.NaN) / r.wireMB));
  const ratio = rps(ws) / rps(tcp);

  const rows: [string, number | undefined, number | undefined, number][] = [
    ["records/s (median)", rps(tcp), rps(ws), 0],
    ["MB/s of RecordBatches (wire)", mbps(tcp), mbps(ws), 1],
    ["ack latency p50 (ms)", p50(tcp), p50(ws), 1],
    ["ack latency p99 (ms)", p99(tcp), p99(ws), 1],
    ["client CPU per record (us)", clientCpu(tcp), clientCpu(ws), 2],
    ["gateway CPU per MB relayed (ms)", undefined, gwCpuPerMB * 1000, 2],
    ["gateway peak RSS (MB)", undefined, gwPeakRss === undefined ? undefined : gwPeakRss / 1e6, 0],
  ];
  const w = [32, 16, 18, 10];
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(w[i]!) : c.padStart(w[i]!))).join("  ");
  console.log(
    `\nTributary producer, ${fmt(opts.records)} records of ${opts.valueBytes} B, acks 1, no compression, linger ${opts.lingerMs} ms, batch ${fmt(opts.batchBytes)} B, ${opts.partitions} partitions; ${opts.rounds} round(s) each, alternating`,
  );
  console.log(line(["", "direct TCP", "gateway (ws)", "ratio"]));
  for (const [label, a, b, d] of rows) {
    console.log(
      line([
        label,
        fmt(a, d),
        fmt(b, d),
        a !== undefined && b !== undefined ? `${fmt(b / a, 2)}x` : "",
      ]),
    );
  }
  console.log(
    `\ngateway / direct TCP throughput: ${fmt(ratio, 2)}x (target >= 0.85x). Machine: ${cpus().length} x ${cpus()[0]?.model ?? "?"}, load ${loadavg()
      .map((l) => l.toFixed(2))
      .join(" ")}; client, gateway and broker share it.`,
  );
  const json = JSON.stringify({
    bench: "gateway",
    date: new Date().toISOString(),
    options: opts,
    ratio,
    gatewayCpuMsPerMB: gwCpuPerMB * 1000,
    gatewayPeakRssBytes: gwPeakRss,
    rounds: rounds.map((r) => ({
      mode: r.mode,
      recordsPerSec: r.result.recordsPerSec,
      wireMBPerSec: r.result.batchMBPerSec,
      p50Ms: r.result.latencyMs.p50,
      p99Ms: r.result.latencyMs.p99,
      clientUsPerRecord: r.result.cpu.usPerRecord,
      gatewayCpuSeconds: r.gatewayCpuSeconds,
      ok: r.result.ok,
    })),
    totalSeconds: (performance.now() - began) / 1000,
  });
  console.log(json);
  if (opts.json !== undefined) {
    mkdirSync(dirname(opts.json), { recursive: true });
    writeFileSync(opts.json, `${json}\n`);
  }
  return rounds.every((r) => r.result.ok) ? 0 : 1;
}

let code = 1;
try {
  code = await main();
} catch (err) {
  if (!interrupted) console.error(`bench gateway: ${(err as Error).stack ?? err}`);
} finally {
  if (!interrupted) {
    await cleanup();
    process.exit(code);
  }
}
