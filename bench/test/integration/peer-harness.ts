/**
 * What the runner tests against the real broker share: start bench/peers/<runner>.ts as
 * bench/compare.ts does (a child process with BENCH_SPEC, in its own process group so a bound
 * also reaches a JVM or kcat under it), read its MARK/RESULT lines, make a small spec, and count
 * what the broker holds with KafkaJS's admin client (the runners' own means are not the judge).
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
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

export interface Ran {
  result: RunResult;
  /** MARK and RESULT lines in the order printed. */
  protocol: string[];
  exitCode: number | null;
  ms: number;
}

export interface PeerHarnessOptions {
  /** Prefix of the scratch directory, the topics and the admin client id. */
  name: string;
  partitions: number;
  /** The spec's timeoutMs unless a test gives its own. */
  runnerLimitMs: number;
}

export function peerHarness({ name, partitions, runnerLimitMs }: PeerHarnessOptions) {
  const dir = mkdtempSync(join(tmpdir(), `${name}-`));
  const payloads = writePayloads(dir);
  const admin = new kafkajs.Kafka({
    clientId: `${name}-test`,
    brokers: [bootstrapServers()],
    logLevel: kafkajs.logLevel.NOTHING,
  }).admin();
  const topics: string[] = [];

  /** Starts a runner with a spec and reads its stdout; killed 15 s past the spec's bound. */
  function runPeer(runner: string, spec: RunSpec): Promise<Ran> {
    const began = performance.now();
    const child = spawn(
      process.execPath,
      ["--conditions=source", "--import", "tsx", join(ROOT, "bench", "peers", `${runner}.ts`)],
      {
        cwd: ROOT,
        env: { ...process.env, BENCH_SPEC: JSON.stringify(spec) },
        stdio: ["ignore", "pipe", "pipe"],
        detached: true,
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
    const killer = setTimeout(() => {
      if (child.pid !== undefined) process.kill(-child.pid, "SIGKILL");
    }, spec.timeoutMs + 15_000);
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
        resolve({
          result: JSON.parse(last.slice(RESULT_PREFIX.length)) as RunResult,
          protocol: lines.map((l) => (l.startsWith(RESULT_PREFIX) ? "RESULT" : l)),
          exitCode,
          ms: performance.now() - began,
        });
      });
    });
  }

  /** A small spec: 1,000 records after 100 of warm-up, acks all, no compression, linger 5. */
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
      partitions,
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
      timeoutMs: runnerLimitMs,
      scratchDir: dir,
      ...over,
    };
  }

  /** Records the broker holds in a topic: the sum of its partitions' high watermarks. */
  async function brokerCount(topic: string): Promise<number> {
    const offsets = await admin.fetchTopicOffsets(topic);
    return offsets.reduce((sum, p) => sum + Number(p.high), 0);
  }

  /** A fresh topic name, deleted by close(). */
  function topic(label: string): string {
    const t = randomTopicName(`${name}-${label}`);
    topics.push(t);
    return t;
  }

  /** A run that must be ok, with the count right in the result and on the broker. */
  async function expectDelivered(
    runner: string,
    spec: RunSpec,
    { latency }: { latency: boolean },
  ): Promise<RunResult> {
    const ran = await runPeer(runner, spec);
    assert.equal(ran.result.failure, undefined, `${runner} ${spec.workload} failed`);
    assert.equal(ran.result.ok, true);
    assert.equal(ran.exitCode, 0);
    assert.deepEqual(ran.protocol, [MARK_START, MARK_END, "RESULT"]);
    assert.equal(ran.result.records, spec.records);
    assert.ok(ran.result.seconds > 0);
    if (latency) {
      const l = ran.result.latencyMs;
      assert.ok(l !== null && l.p50 > 0 && l.p99 >= l.p50, `latency ${JSON.stringify(l)}`);
    }
    assert.equal(await brokerCount(spec.topic), spec.warmupRecords + spec.records);
    return ran.result;
  }

  /** Connects the admin client and creates the topics named so far (some with topic configs). */
  async function open(
    configs: Record<string, { name: string; value: string }[]> = {},
  ): Promise<void> {
    await admin.connect();
    await admin.createTopics({
      topics: topics.map((t) => ({
        topic: t,
        numPartitions: partitions,
        ...(configs[t] === undefined ? {} : { configEntries: configs[t] }),
      })),
      waitForLeaders: true,
    });
  }

  /** Deletes the topics, disconnects, removes the scratch directory. */
  async function close(): Promise<void> {
    await admin.deleteTopics({ topics, timeout: 10_000 }).catch(() => undefined);
    await admin.disconnect();
    rmSync(dir, { recursive: true, force: true });
  }

  return {
    dir,
    payloads,
    admin,
    runPeer,
    specFor,
    brokerCount,
    topic,
    expectDelivered,
    open,
    close,
  };
}
