/**
 * The KafkaJS and @platformatic/kafka runners, started as the comparison run starts them (a child
 * process with BENCH_SPEC), against the real broker: small specs that must come back ok with the
 * broker holding exactly warm-up + measured records, and failures that must come back named and
 * quickly. Topics are made and removed with KafkaJS's admin client (one request, not a JVM each).
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { compressionsAlgorithms } from "@platformatic/kafka";
import kafkajs from "kafkajs";
import { bootstrapServers, randomTopicName } from "../../../scripts/kafka/helpers.mjs";
import { type PayloadFile, valueBytes, writePayloads } from "../../lib/payloads.js";
import {
  MARK_END,
  MARK_START,
  RESULT_PREFIX,
  type RunResult,
  type RunSpec,
} from "../../peers/contract.js";

const ROOT = join(import.meta.dirname, "..", "..", "..");
const PARTITIONS = 3;
const RUNNER_LIMIT_MS = 60_000;

const dir = mkdtempSync(join(tmpdir(), "js-peers-"));
const payloads = writePayloads(dir);
const admin = new kafkajs.Kafka({
  clientId: "js-peers-test",
  brokers: [bootstrapServers()],
  logLevel: kafkajs.logLevel.NOTHING,
}).admin();
const topics: string[] = [];

interface Ran {
  result: RunResult;
  /** MARK and RESULT lines in the order printed. */
  protocol: string[];
  exitCode: number | null;
  ms: number;
}

/** Starts bench/peers/<runner>.ts with a spec, as bench/compare.ts does, and reads its stdout. */
function runPeer(runner: string, spec: RunSpec): Promise<Ran> {
  const began = performance.now();
  const child = spawn(
    process.execPath,
    ["--conditions=source", "--import", "tsx", join(ROOT, "bench", "peers", `${runner}.ts`)],
    {
      cwd: ROOT,
      env: { ...process.env, BENCH_SPEC: JSON.stringify(spec) },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d: Buffer) => {
    stdout += d.toString();
  });
  child.stderr.on("data", (d: Buffer) => {
    stderr += d.toString();
  });
  const killer = setTimeout(() => child.kill("SIGKILL"), RUNNER_LIMIT_MS + 15_000);
  return new Promise((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (exitCode) => {
      clearTimeout(killer);
      const lines = stdout
        .split("\n")
        .filter((l) => l.startsWith("MARK") || l.startsWith(RESULT_PREFIX));
      const last = lines.at(-1);
      if (last === undefined || !last.startsWith(RESULT_PREFIX)) {
        reject(new Error(`${runner} printed no RESULT (exit ${exitCode}); stderr:\n${stderr}`));
        return;
      }
      const result = JSON.parse(last.slice(RESULT_PREFIX.length)) as RunResult;
      resolve({
        result,
        protocol: lines.map((l) => (l.startsWith(RESULT_PREFIX) ? "RESULT" : l)),
        exitCode,
        ms: performance.now() - began,
      });
    });
  });
}

function specFor(
  over: Partial<RunSpec> & Pick<RunSpec, "workload" | "client" | "topic">,
  payload: PayloadFile,
): RunSpec {
  const records = over.records ?? 1000;
  return {
    form: "batch",
    inFlightLimit: 1000,
    bootstrap: bootstrapServers(),
    gatewayUrl: "ws://127.0.0.1:1/kafka",
    gatewayHttpUrl: "http://127.0.0.1:1/",
    partitions: PARTITIONS,
    records,
    warmupRecords: 100,
    payloadFile: payload.path,
    payloadLines: payload.lines,
    measuredValueBytes: valueBytes(payload, records),
    acks: -1,
    compression: "none",
    lingerMs: 5,
    batchBytes: 16_384,
    maxInFlight: 5,
    idempotent: false,
    timeoutMs: RUNNER_LIMIT_MS,
    scratchDir: dir,
    ...over,
  };
}

/** Records the broker holds in a topic: the sum of its partitions' high watermarks. */
async function brokerCount(topic: string): Promise<number> {
  const offsets = await admin.fetchTopicOffsets(topic);
  return offsets.reduce((sum, p) => sum + Number(p.high), 0);
}

function topic(name: string): string {
  const t = randomTopicName(`jspeers-${name}`);
  topics.push(t);
  return t;
}

/** A run that must be ok, with the count right in the result and on the broker. */
async function expectDelivered(runner: string, spec: RunSpec): Promise<RunResult> {
  const ran = await runPeer(runner, spec);
  assert.equal(ran.result.failure, undefined, `${runner} ${spec.workload} failed`);
  assert.equal(ran.result.ok, true);
  assert.equal(ran.exitCode, 0);
  assert.deepEqual(ran.protocol, [MARK_START, MARK_END, "RESULT"]);
  assert.equal(ran.result.records, spec.records);
  assert.ok(ran.result.seconds > 0);
  assert.ok(
    ran.result.latencyMs !== null &&
      ran.result.latencyMs.p50 > 0 &&
      ran.result.latencyMs.p99 >= ran.result.latencyMs.p50,
  );
  assert.equal(await brokerCount(spec.topic), spec.warmupRecords + spec.records);
  return ran.result;
}

const kafkajsTopics = { lz4: topic("kjs-lz4"), zstd: topic("kjs-zstd"), each: topic("kjs-each") };
const platTopics = { w1: topic("plat-w1"), lz4: topic("plat-lz4"), each: topic("plat-each") };

before(async () => {
  await admin.connect();
  await admin.createTopics({
    topics: [...Object.values(kafkajsTopics), ...Object.values(platTopics)].map((t) => ({
      topic: t,
      numPartitions: PARTITIONS,
    })),
    waitForLeaders: true,
  });
});

after(async () => {
  await admin.deleteTopics({ topics, timeout: 10_000 }).catch(() => undefined);
  await admin.disconnect();
  rmSync(dir, { recursive: true, force: true });
});

// Runners are separate processes that mostly wait on the broker: three at a time keeps this short.
describe("the JS peer runners", { concurrency: 3 }, () => {
  describe("the KafkaJS runner against a real broker", { concurrency: 3 }, () => {
    it("W2 (lz4 through kafkajs-lz4, acks all): every record acknowledged and on the broker", async () => {
      const r = await expectDelivered(
        "kafkajs",
        specFor(
          {
            workload: "W2",
            client: "kafkajs",
            topic: kafkajsTopics.lz4,
            records: 2000,
            compression: "lz4",
          },
          payloads.telemetry,
        ),
      );
      assert.equal(r.settings.compression, "LZ4");
      assert.equal(r.settings.maxInFlightRequests, 5);
    });

    it("W3 (zstd through the zstd-napi substitute): the broker accepts the frames", async () => {
      const r = await expectDelivered(
        "kafkajs",
        specFor(
          {
            workload: "W3",
            client: "kafkajs",
            topic: kafkajsTopics.zstd,
            records: 1000,
            compression: "zstd",
          },
          payloads.telemetry,
        ),
      );
      assert.ok(r.notes.some((n) => n.includes("SUBSTITUTION")));
    });

    it("W4: one awaited send() per record", async () => {
      const r = await expectDelivered(
        "kafkajs",
        specFor(
          {
            workload: "W4",
            client: "kafkajs",
            topic: kafkajsTopics.each,
            form: "await-each",
            records: 200,
            warmupRecords: 20,
            lingerMs: 0,
          },
          payloads["random-100"],
        ),
      );
      assert.equal(r.settings.recordsPerSend, 1);
    });

    it("a topic that does not exist (auto-create off) fails the run, naming the cause, within seconds", async () => {
      const ran = await runPeer(
        "kafkajs",
        specFor(
          { workload: "W1", client: "kafkajs", topic: randomTopicName("jspeers-missing"), acks: 1 },
          payloads["random-100"],
        ),
      );
      assert.equal(ran.result.ok, false);
      assert.equal(ran.exitCode, 1);
      assert.match(ran.result.failure ?? "", /does not host this topic-partition/);
      // KafkaJS's own retry schedule (5 retries from 300 ms, doubling, with jitter) is ~10 s idle;
      // the bound is well under the runner's 60 s timeout, so a hang still fails this.
      assert.ok(ran.ms < 40_000, `took ${Math.round(ran.ms)} ms`);
    });
  });

  describe("the @platformatic/kafka runner against a real broker", { concurrency: 3 }, () => {
    it("W1 (acks 1, no compression): every record acknowledged and on the broker", async () => {
      const r = await expectDelivered(
        "platformatic",
        specFor(
          { workload: "W1", client: "platformatic", topic: platTopics.w1, records: 5000, acks: 1 },
          payloads["random-100"],
        ),
      );
      assert.equal(r.settings.recordsPerSend, 163);
      assert.equal(r.settings.maxInflights, 5);
    });

    it("W2 (its built-in WASM lz4, acks all): every record acknowledged and on the broker", async () => {
      await expectDelivered(
        "platformatic",
        specFor(
          {
            workload: "W2",
            client: "platformatic",
            topic: platTopics.lz4,
            records: 2000,
            compression: "lz4",
          },
          payloads.telemetry,
        ),
      );
    });

    it("W4: one awaited send() per record", async () => {
      await expectDelivered(
        "platformatic",
        specFor(
          {
            workload: "W4",
            client: "platformatic",
            topic: platTopics.each,
            form: "await-each",
            records: 200,
            warmupRecords: 20,
            lingerMs: 0,
          },
          payloads["random-100"],
        ),
      );
    });

    it("W3 says unsupported where the client has no zstd (node:zlib before 22.15), and runs where it has", async (t) => {
      if (compressionsAlgorithms.zstd.available) {
        t.skip("this Node has zlib zstd; W3 is an ordinary run here");
        return;
      }
      const ran = await runPeer(
        "platformatic",
        specFor(
          { workload: "W3", client: "platformatic", topic: "unused", compression: "zstd" },
          payloads.telemetry,
        ),
      );
      assert.equal(ran.result.ok, false);
      assert.equal(ran.result.unsupported, true);
      assert.match(ran.result.failure ?? "", /cannot compress zstd on Node 20.*zstdCompressSync/);
    });

    it("an unreachable bootstrap fails the run, naming the address, within seconds", async () => {
      const ran = await runPeer(
        "platformatic",
        specFor(
          { workload: "W1", client: "platformatic", topic: "unused", bootstrap: "127.0.0.1:1" },
          payloads["random-100"],
        ),
      );
      assert.equal(ran.result.ok, false);
      assert.match(ran.result.failure ?? "", /ECONNREFUSED 127\.0\.0\.1:1/);
      assert.ok(ran.ms < 20_000, `took ${Math.round(ran.ms)} ms`);
    });
  });
});
