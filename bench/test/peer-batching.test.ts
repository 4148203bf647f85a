import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import {
  describeError,
  installedVersion,
  recordsPerSend,
  sendChunked,
  sendPlan,
} from "../peers/batching.js";
import type { RunSpec } from "../peers/contract.js";

function spec(over: Partial<RunSpec>): RunSpec {
  return {
    workload: "W1",
    client: "kafkajs",
    form: "batch",
    inFlightLimit: 1000,
    bootstrap: "127.0.0.1:9092",
    gatewayUrl: "ws://127.0.0.1:1/kafka",
    gatewayHttpUrl: "http://127.0.0.1:1/",
    topic: "t",
    partitions: 6,
    records: 1000,
    warmupRecords: 0,
    payloadFile: "/dev/null",
    payloadLines: 1,
    measuredValueBytes: 100_000,
    acks: 1,
    compression: "none",
    lingerMs: 5,
    batchBytes: 16_384,
    maxInFlight: 5,
    idempotent: false,
    timeoutMs: 60_000,
    scratchDir: "/tmp",
    ...over,
  };
}

describe("records per send", () => {
  it("is batch.size over the mean value size, at least one", () => {
    assert.equal(recordsPerSend(16_384, 100), 163);
    assert.equal(recordsPerSend(16_384, 914), 17);
    assert.equal(recordsPerSend(16_384, 20_000), 1);
    assert.throws(() => recordsPerSend(16_384, 0), /positive sizes/);
  });

  it("await-each is one record and one send at a time; batch fills batch.size per partition with maxInFlight sends", () => {
    assert.deepEqual(sendPlan(spec({ form: "await-each" }), {}).plan, {
      recordsPerSend: 1,
      maxOutstanding: 1,
    });
    const batch = sendPlan(spec({ records: 1000, measuredValueBytes: 914_000 }), {});
    // 6 partitions x 17 records of 914 B: about batch.size for each partition per send.
    assert.deepEqual(batch.plan, { recordsPerSend: 102, maxOutstanding: 5 });
    assert.match(batch.notes[0] ?? "", /102 records.*914\.0 B.*5 sends outstanding/);
  });

  it("an experiment's override of records per send is applied and announced", () => {
    const p = sendPlan(spec({}), { BENCH_RECORDS_PER_SEND: "960" });
    assert.equal(p.plan.recordsPerSend, 960);
    assert.ok(p.notes.some((n) => n.startsWith("EXPERIMENT")));
    assert.throws(() => sendPlan(spec({}), { BENCH_RECORDS_PER_SEND: "0" }), /positive integer/);
  });
});

describe("sending in chunks with a bound on outstanding sends", () => {
  it("covers every record once, in order, never exceeds the bound, and times every record", async () => {
    const seen: number[] = [];
    let outstanding = 0;
    let peak = 0;
    const latencies = new Float64Array(1003);
    const out = await sendChunked(
      { records: 1003, recordsPerSend: 10, maxOutstanding: 3, latencies },
      async (first, count) => {
        outstanding++;
        peak = Math.max(peak, outstanding);
        for (let i = first; i < first + count; i++) seen.push(i);
        await sleep(1 + (first % 7));
        outstanding--;
      },
    );
    assert.deepEqual(
      seen,
      Array.from({ length: 1003 }, (_, i) => i),
    );
    assert.equal(peak, 3);
    assert.deepEqual(
      { ...out },
      { acknowledged: 1003, sends: 101, failedSends: 0, failedRecords: 0, firstFailure: undefined },
    );
    // Unfilled entries would be 0; records of one send share that send's round trip.
    assert.ok(
      latencies.every((ms) => ms > 0),
      "each record gets its send's round trip",
    );
    for (let first = 0; first < 1003; first += 10) {
      const chunk = latencies.subarray(first, Math.min(first + 10, 1003));
      assert.ok(
        chunk.every((ms) => ms === chunk[0]),
        `records ${first}.. share one figure`,
      );
    }
  });

  it("stops starting sends after the first failure and still accounts for every send it started", async () => {
    let started = 0;
    const out = await sendChunked(
      { records: 1000, recordsPerSend: 10, maxOutstanding: 2 },
      async (first) => {
        started++;
        await sleep(2);
        if (first === 30)
          throw new Error("NOT_LEADER_OR_FOLLOWER", { cause: new Error("partition 3 moved") });
      },
    );
    assert.ok(started < 10, `only a few sends start (${started}), not all 100`);
    assert.equal(out.sends, started);
    assert.equal(out.failedSends, 1);
    assert.equal(out.acknowledged + out.failedRecords, started * 10);
    assert.equal(out.firstFailure, "Error: NOT_LEADER_OR_FOLLOWER ← Error: partition 3 moved");
  });

  it("treats a send that throws synchronously like one that rejects", async () => {
    const out = await sendChunked({ records: 5, recordsPerSend: 1, maxOutstanding: 1 }, () => {
      throw new TypeError("bad message");
    });
    assert.equal(out.acknowledged, 0);
    assert.equal(out.firstFailure, "TypeError: bad message");
  });
});

describe("describing client errors", () => {
  it("follows KafkaJS's originalError and AggregateError's first error to the root cause", () => {
    const kafkajsStyle = Object.assign(new Error("Connection error: connect ECONNREFUSED"), {
      name: "KafkaJSNumberOfRetriesExceeded",
      originalError: Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:1"), {
        name: "KafkaJSConnectionError",
      }),
    });
    assert.equal(
      describeError(kafkajsStyle),
      "KafkaJSNumberOfRetriesExceeded: Connection error: connect ECONNREFUSED ← KafkaJSConnectionError: connect ECONNREFUSED 127.0.0.1:1",
    );
    const aggregate = new AggregateError(
      [new Error("Connection to 127.0.0.1:1 failed.")],
      "metadata failed 4 times.",
    );
    assert.equal(
      describeError(aggregate),
      "AggregateError: metadata failed 4 times. ← Error: Connection to 127.0.0.1:1 failed.",
    );
    assert.equal(describeError("plain string"), "plain string");
  });

  it("reads versions of packages that do not export their package.json", () => {
    assert.match(installedVersion("@platformatic/kafka"), /^\d+\.\d+\.\d+$/);
    assert.equal(installedVersion("no-such-package-here"), "unknown version");
  });
});
