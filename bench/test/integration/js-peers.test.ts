/**
 * The KafkaJS and @platformatic/kafka runners, started as the comparison run starts them (a child
 * process with BENCH_SPEC), against the real broker: small specs that must come back ok with the
 * broker holding exactly warm-up + measured records, and failures that must come back named and
 * quickly. Topics are made and removed with KafkaJS's admin client (one request, not a JVM each).
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { compressionsAlgorithms } from "@platformatic/kafka";
import { randomTopicName } from "../../../scripts/kafka/helpers.mjs";
import type { RunResult, RunSpec } from "../../peers/contract.js";
import { peerHarness } from "./peer-harness.js";

const PARTITIONS = 3;
const RUNNER_LIMIT_MS = 60_000;

const { payloads, runPeer, specFor, topic, ...h } = peerHarness({
  name: "jspeers",
  partitions: PARTITIONS,
  runnerLimitMs: RUNNER_LIMIT_MS,
});

/** A run that must be ok, with a latency, the count right in the result and on the broker. */
function expectDelivered(runner: string, spec: RunSpec): Promise<RunResult> {
  return h.expectDelivered(runner, spec, { latency: true });
}

const kafkajsTopics = { lz4: topic("kjs-lz4"), zstd: topic("kjs-zstd"), each: topic("kjs-each") };
const platTopics = { w1: topic("plat-w1"), lz4: topic("plat-lz4"), each: topic("plat-each") };

before(() => h.open());
after(() => h.close());

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
      // batch.size per partition: 3 partitions x floor(16,384 / 100).
      assert.equal(r.settings.recordsPerSend, 163 * PARTITIONS);
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
