/**
 * The JVM (Kafka's Java client) and kcat (librdkafka) runners, started as the comparison run
 * starts them (a child process with BENCH_SPEC), against the real broker. Small specs must come
 * back ok with the count right, in the result and on the broker (read with KafkaJS's admin
 * client, not with the runners' own means); failures must come back named and within a bound.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { after, before, describe, it } from "node:test";
import { randomTopicName } from "../../../scripts/kafka/helpers.mjs";
import type { RunResult, RunSpec } from "../../peers/contract.js";
import { peerHarness, type Ran } from "./peer-harness.js";

const PARTITIONS = 3;
const RUNNER_LIMIT_MS = 90_000;

const { dir, payloads, runPeer, specFor, brokerCount, topic, ...h } = peerHarness({
  name: "native",
  partitions: PARTITIONS,
  runnerLimitMs: RUNNER_LIMIT_MS,
});
const kcatMissing = spawnSync(process.env.KCAT_PATH ?? "kcat", ["-V"]).status !== 0;

/** A run that must be ok, with the count right in the result and on the broker. */
function expectDelivered(runner: string, spec: RunSpec): Promise<RunResult> {
  return h.expectDelivered(runner, spec, { latency: false });
}

/** A run that must fail, naming why, within `withinMs`. */
async function expectFailure(
  runner: string,
  spec: RunSpec,
  why: RegExp,
  withinMs: number,
): Promise<Ran> {
  const ran = await runPeer(runner, spec);
  assert.equal(ran.result.ok, false);
  assert.equal(ran.exitCode, 1);
  assert.match(ran.result.failure ?? "", why);
  assert.ok(ran.ms < withinMs, `took ${Math.round(ran.ms)} ms`);
  return ran;
}

const jvmTopics = { w1: topic("jvm-w1"), zstd: topic("jvm-zstd"), each: topic("jvm-each") };
const kcatTopics = { w1: topic("kcat-w1"), lz4: topic("kcat-lz4") };
/** A compacted topic: the broker refuses every record without a key (INVALID_RECORD). */
const compacted = topic("compacted");

before(() => h.open({ [compacted]: [{ name: "cleanup.policy", value: "compact" }] }));
after(() => h.close());

// Two at a time: a JVM each, on a small shared machine.
describe("the native peer runners", { concurrency: 2 }, () => {
  describe("the JVM runner against a real broker", { concurrency: 2 }, () => {
    it("W1 through ProducerPerformance: every record acknowledged and on the broker", async () => {
      const r = await expectDelivered(
        "jvm",
        specFor(
          { workload: "W1", client: "jvm", topic: jvmTopics.w1, records: 3000, acks: 1 },
          payloads["random-100"],
        ),
      );
      assert.ok(r.latencyMs !== null && r.latencyMs.p99 >= r.latencyMs.p50);
      assert.equal(r.settings.acks, "1");
      assert.equal(r.settings["compression.type"], "none");
    });

    it("W3 (zstd) through ProducerPerformance reads every telemetry value from the file", async () => {
      const r = await expectDelivered(
        "jvm",
        specFor(
          { workload: "W3", client: "jvm", topic: jvmTopics.zstd, compression: "zstd" },
          payloads.telemetry,
        ),
      );
      assert.equal(r.settings["compression.type"], "zstd");
      assert.equal(r.settings.acks, "all");
    });

    it("W4 through AwaitEach.java: one awaited send per record, latency in fractions of a ms", async () => {
      const r = await expectDelivered(
        "jvm",
        specFor(
          {
            workload: "W4",
            client: "jvm",
            topic: jvmTopics.each,
            form: "await-each",
            records: 200,
            warmupRecords: 20,
            lingerMs: 0,
          },
          payloads["random-100"],
        ),
      );
      assert.ok(r.latencyMs !== null && r.latencyMs.p50 > 0 && r.latencyMs.p99 >= r.latencyMs.p50);
      assert.equal(r.settings["linger.ms"], "0");
    });

    it("an unreachable bootstrap fails the run at once, naming the address", async () => {
      await expectFailure(
        "jvm",
        specFor(
          { workload: "W1", client: "jvm", topic: "unused", bootstrap: "127.0.0.1:1" },
          payloads["random-100"],
        ),
        /127\.0\.0\.1:1: ECONNREFUSED/,
        15_000,
      );
    });

    it("records the broker refuses make ProducerPerformance's run fail, with the client's error", async () => {
      const ran = await expectFailure(
        "jvm",
        specFor(
          { workload: "W2", client: "jvm", topic: compacted, records: 50, warmupRecords: 0 },
          payloads.telemetry,
        ),
        /50 of 50 records failed.*InvalidRecordException: Compacted topic cannot accept message without key/,
        30_000,
      );
      assert.equal(ran.result.records, 0);
    });

    it("a record the broker refuses stops AwaitEach.java at that record, with the client's error", async () => {
      await expectFailure(
        "jvm",
        specFor(
          {
            workload: "W4",
            client: "jvm",
            topic: compacted,
            form: "await-each",
            records: 10,
            warmupRecords: 5,
            lingerMs: 0,
          },
          payloads["random-100"],
        ),
        /warm-up record 0 failed: InvalidRecordException/,
        40_000,
      );
    });

    it("a topic that does not exist stops AwaitEach.java at the runner's bound, with the client's warning", async () => {
      await expectFailure(
        "jvm",
        specFor(
          {
            workload: "W4",
            client: "jvm",
            topic: randomTopicName("native-missing"),
            form: "await-each",
            records: 10,
            warmupRecords: 0,
            lingerMs: 0,
            timeoutMs: 20_000,
          },
          payloads["random-100"],
        ),
        /timed out after 20 s.*UNKNOWN_TOPIC_OR_PARTITION/,
        30_000,
      );
    });
  });

  describe("the kcat runner against a real broker", {
    concurrency: 2,
    skip: kcatMissing ? "kcat is not installed (node scripts/bench/ensure-kcat.mjs)" : false,
  }, () => {
    it("W1: every record delivered and on the broker, no latency figure", async () => {
      const r = await expectDelivered(
        "kcat",
        specFor(
          { workload: "W1", client: "kcat", topic: kcatTopics.w1, records: 5000, acks: 1 },
          payloads["random-100"],
        ),
      );
      assert.equal(r.latencyMs, null);
      assert.match(String(r.settings.librdkafka), /^\d+\.\d+\.\d+/);
      assert.equal(r.settings.acks, "1");
    });

    it("W2 (lz4, acks all): every record delivered and on the broker", async () => {
      const r = await expectDelivered(
        "kcat",
        specFor(
          {
            workload: "W2",
            client: "kcat",
            topic: kcatTopics.lz4,
            records: 2000,
            compression: "lz4",
          },
          payloads.telemetry,
        ),
      );
      assert.equal(r.settings["compression.codec"], "lz4");
    });

    it("W4 is unsupported: no marks, a reason", async () => {
      const ran = await runPeer(
        "kcat",
        specFor(
          { workload: "W4", client: "kcat", topic: "unused", form: "await-each", lingerMs: 0 },
          payloads["random-100"],
        ),
      );
      assert.equal(ran.result.ok, false);
      assert.equal(ran.result.unsupported, true);
      assert.deepEqual(ran.protocol, ["RESULT"]);
      assert.match(ran.result.failure ?? "", /cannot wait for one record/);
    });

    it("an unreachable bootstrap fails the run at once, naming the address", async () => {
      await expectFailure(
        "kcat",
        specFor(
          { workload: "W1", client: "kcat", topic: "unused", bootstrap: "127.0.0.1:1" },
          payloads["random-100"],
        ),
        /127\.0\.0\.1:1.*(All broker connections are down|Connection refused)/,
        15_000,
      );
    });

    it("records the broker refuses fail the run, counted from kcat's delivery reports", async () => {
      const ran = await expectFailure(
        "kcat",
        specFor(
          { workload: "W2", client: "kcat", topic: compacted, records: 50, warmupRecords: 0 },
          payloads.telemetry,
        ),
        /50 delivery report\(s\) carried an error.*Broker failed to validate record/,
        30_000,
      );
      assert.equal(ran.result.records, 0);
    });
  });
});
