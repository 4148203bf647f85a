/**
 * The Chromium runner (bench/peers/chromium.ts) end to end: a real gateway serving the bench
 * page in front of the real broker, the runner started as the comparison run starts it, its
 * stdout read as the orchestrator reads it (MARK start, MARK end, RESULT).
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { startGateway } from "../../../scripts/demo/gateway.mjs";
import { createTopic, deleteTopic, randomTopicName } from "../../../scripts/kafka/helpers.mjs";
import { BENCH_PAGE_DIST, buildBenchPage } from "../../browser/build.js";
import { TelemetryGenerator } from "../../lib/telemetry.js";
import type { RunResult, RunSpec } from "../../peers/contract.js";

const ROOT = fileURLToPath(new URL("../../..", import.meta.url));
const BOOTSTRAP = "127.0.0.1:9092";
/** The gateway relays only topics named like this; "denied" topics test its refusal. */
const ALLOWED = "t-chromium-ok-*";
const RUN_TIMEOUT_MS = 60_000;

interface RunnerOutput {
  code: number | null;
  stdout: string[];
  result: RunResult;
  ms: number;
}

/** Starts the runner as bench/compare.ts does; kills it if it outlives its own bound. */
function runRunner(spec: RunSpec): Promise<RunnerOutput> {
  const t0 = Date.now();
  const child = spawn(
    process.execPath,
    ["--conditions=source", "--import", "tsx", join(ROOT, "bench/peers/chromium.ts")],
    {
      cwd: ROOT,
      env: { ...process.env, BENCH_SPEC: JSON.stringify(spec) },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  let out = "";
  let err = "";
  child.stdout.setEncoding("utf8").on("data", (s: string) => {
    out += s;
  });
  child.stderr.setEncoding("utf8").on("data", (s: string) => {
    err += s;
  });
  const killer = setTimeout(() => child.kill("SIGKILL"), spec.timeoutMs + 15_000);
  return new Promise((resolve, reject) => {
    child.once("exit", (code) => {
      clearTimeout(killer);
      const stdout = out.split("\n").filter((l) => l !== "");
      const last = stdout.at(-1) ?? "";
      if (!last.startsWith("RESULT ")) {
        reject(new Error(`the runner printed no RESULT line (exit ${code}); stderr:\n${err}`));
        return;
      }
      resolve({
        code,
        stdout,
        result: JSON.parse(last.slice("RESULT ".length)),
        ms: Date.now() - t0,
      });
    });
  });
}

describe("the tributary-chromium runner", () => {
  let gateway: Awaited<ReturnType<typeof startGateway>> | undefined;
  let scratch = "";
  const topics: string[] = [];
  const payloads = { w1: "", w2: "" };

  before(async () => {
    // The gateway refuses to start on a --static directory that does not exist yet.
    await buildBenchPage();
    gateway = await startGateway({
      bootstrap: BOOTSTRAP,
      allowTopics: ALLOWED,
      staticDir: BENCH_PAGE_DIST,
      port: 0,
    });
    scratch = mkdtempSync(join(tmpdir(), "chromium-runner-"));
    let seed = 7;
    const printable = (n: number) => {
      let s = "";
      for (let i = 0; i < n; i++) {
        seed = (seed * 1103515245 + 12345) >>> 0;
        s += String.fromCharCode(0x20 + ((seed >>> 16) % 95));
      }
      return s;
    };
    payloads.w1 = join(scratch, "w1.txt");
    writeFileSync(payloads.w1, Array.from({ length: 256 }, () => printable(100)).join("\n"));
    const telemetry = new TelemetryGenerator(3);
    const decoder = new TextDecoder();
    payloads.w2 = join(scratch, "w2.txt");
    writeFileSync(
      payloads.w2,
      Array.from({ length: 256 }, () => decoder.decode(telemetry.next().value!)).join("\n"),
    );
  });

  after(async () => {
    await gateway?.stop();
    for (const t of topics) await deleteTopic(t).catch(() => undefined);
    if (scratch !== "") rmSync(scratch, { recursive: true, force: true });
  });

  async function specFor(prefix: string, overrides: Partial<RunSpec>): Promise<RunSpec> {
    const topic = randomTopicName(prefix);
    topics.push(topic);
    await createTopic(topic, { partitions: 2 });
    if (gateway === undefined) throw new Error("no gateway");
    const spec: RunSpec = {
      workload: "W1",
      client: "tributary-chromium",
      form: "batch",
      inFlightLimit: 1000,
      bootstrap: BOOTSTRAP,
      gatewayUrl: gateway.wsUrl,
      gatewayHttpUrl: gateway.url,
      topic,
      partitions: 2,
      records: 5_000,
      warmupRecords: 500,
      payloadFile: payloads.w1,
      payloadLines: 256,
      measuredValueBytes: 5_000 * 100,
      acks: 1,
      compression: "none",
      lingerMs: 5,
      batchBytes: 16_384,
      maxInFlight: 5,
      idempotent: false,
      timeoutMs: RUN_TIMEOUT_MS,
      scratchDir: scratch,
      ...overrides,
    };
    return spec;
  }

  it("W1-like (5,000 x 100 B, acks 1): every record acknowledged, marks in order before the result", async () => {
    const spec = await specFor("chromium-ok", {});
    const run = await runRunner(spec);
    assert.equal(run.result.failure, undefined);
    assert.equal(run.result.ok, true);
    assert.equal(run.code, 0);
    assert.equal(run.result.records, 5_000);
    assert.ok(run.result.seconds > 0);
    assert.ok(
      run.result.latencyMs !== null && run.result.latencyMs.p99 >= run.result.latencyMs.p50,
    );
    assert.deepEqual(
      run.stdout.filter((l) => l.startsWith("MARK")),
      ["MARK start", "MARK end"],
    );
    assert.match(String(run.result.settings.browser), /^Chromium \d+\./);
    assert.equal(run.result.settings.transport, "browser WebSocket through tributary-proxy");
  });

  it("W2-like (2,000 telemetry JSON values, acks all, lz4): every record acknowledged", async () => {
    const spec = await specFor("chromium-ok", {
      workload: "W2",
      records: 2_000,
      warmupRecords: 200,
      payloadFile: payloads.w2,
      acks: -1,
      compression: "lz4",
    });
    const run = await runRunner(spec);
    assert.equal(run.result.failure, undefined);
    assert.equal(run.result.ok, true);
    assert.equal(run.result.records, 2_000);
    assert.equal(run.result.settings.compression, "lz4");
  });

  it("a topic the gateway refuses: ok false, the failure names the refusal, within the bound", async () => {
    const spec = await specFor("chromium-denied", {
      records: 1_000,
      warmupRecords: 100,
      timeoutMs: 30_000,
    });
    const run = await runRunner(spec);
    assert.equal(run.result.ok, false);
    assert.equal(run.code, 1);
    assert.match(run.result.failure ?? "", /not allowed/);
    assert.ok(run.result.failure?.includes(spec.topic), run.result.failure);
    assert.ok(run.ms < spec.timeoutMs, `took ${run.ms} ms`);
  });
});
