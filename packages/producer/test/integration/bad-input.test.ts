import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { createProducer, type DeliveryReceipt } from "../../src/node.js";
import { closedPort } from "../net-helpers.js";
import { bootstrapServers, consume, randomTopicName, withTopic } from "./support.js";

/** Asserts the receipt failed with this code and a message matching `message`. */
function failedWith(r: DeliveryReceipt, code: string, message: RegExp): void {
  assert.equal(r.completed, true);
  assert.equal(r.success, false);
  assert.equal(r.errorCode, code, r.errorMessage);
  assert.match(r.errorMessage ?? "", message);
  assert.equal(r.error?.code, code);
}

describe("bad input gets a clear error and loses nothing else", () => {
  it("refuses topic names Kafka would refuse, each with the rule it broke, while good records in the same batch land", async () => {
    await withTopic("names", 1, async (topic) => {
      // maxBlockMs: the 249-character topic does not exist; its record should not hold close() long.
      const producer = createProducer({
        bootstrap: bootstrapServers(),
        lingerMs: 50,
        maxBlockMs: 1000,
      });
      const good1 = producer.produce(topic, { value: "before" });
      const bad = {
        empty: producer.produce("", { value: "x" }),
        dot: producer.produce(".", { value: "x" }),
        dotdot: producer.produce("..", { value: "x" }),
        long: producer.produce("t".repeat(250), { value: "x" }),
        illegal: producer.produce("orders/eu", { value: "x" }),
      };
      const good2 = producer.produce(topic, { value: "after" });
      failedWith(bad.empty, "INVALID_TOPIC", /empty/);
      failedWith(bad.dot, "INVALID_TOPIC", /"\."/);
      failedWith(bad.dotdot, "INVALID_TOPIC", /"\.\."/);
      failedWith(bad.long, "INVALID_TOPIC", /249/);
      failedWith(bad.illegal, "INVALID_TOPIC", /only ASCII letters.*'\/'.*index 6/);
      // A name of exactly 249 legal characters is fine (it is refused only by the broker if absent).
      assert.notEqual(producer.produce("t".repeat(249), { value: "x" }).errorCode, "INVALID_TOPIC");
      await producer.flush();
      assert.equal(good1.success, true);
      assert.equal(good2.success, true);
      await producer.close().catch(() => undefined);
      const landed = await consume(topic, { max: 2, timeoutMs: 15_000 });
      assert.deepEqual(
        landed.map((r) => r.value),
        ["before", "after"],
      );
    });
  });

  it("refuses a record larger than maxRequestBytes at produce(), and the records around it in its partition are delivered", async () => {
    await withTopic("large", 1, async (topic) => {
      const producer = createProducer({
        bootstrap: bootstrapServers(),
        maxRequestBytes: 64 * 1024,
        lingerMs: 50,
      });
      const before = producer.produce(topic, { value: "small-1" });
      const huge = producer.produce(topic, { value: new Uint8Array(64 * 1024) });
      const after = producer.produce(topic, { value: "small-2" });
      failedWith(huge, "RECORD_TOO_LARGE", /maxRequestBytes \(65536\)/);
      await producer.close();
      assert.equal(before.success, true);
      assert.equal(after.success, true);
      assert.deepEqual([before.offset, after.offset], [0n, 1n]);
    });
  });

  it("an unreachable bootstrap fails its records with BOOTSTRAP_UNREACHABLE within maxBlockMs, naming the address", async () => {
    const port = await closedPort();
    const producer = createProducer({ bootstrap: `127.0.0.1:${port}`, maxBlockMs: 1500 });
    const started = Date.now();
    const r = producer.produce("anything", { value: "x" });
    await assert.rejects(r.done);
    const took = Date.now() - started;
    failedWith(r, "BOOTSTRAP_UNREACHABLE", new RegExp(`127\\.0\\.0\\.1:${port}`));
    assert.ok(took >= 1400 && took < 6000, `failed after ${took} ms`);
    await producer.close();
  });

  it("produce() after close() fails with PRODUCER_CLOSED", async () => {
    await withTopic("closed", 1, async (topic) => {
      const producer = createProducer({ bootstrap: bootstrapServers() });
      await producer.produceAsync(topic, { value: "ok" });
      await producer.close();
      failedWith(producer.produce(topic, { value: "late" }), "PRODUCER_CLOSED", /after close/);
      await assert.rejects(producer.produceAsync(topic, { value: "late" }), {
        code: "PRODUCER_CLOSED",
      });
    });
  });

  it("an unknown topic (the broker does not auto-create) fails with UNKNOWN_TOPIC naming it, while records to a real topic land", async () => {
    await withTopic("known", 1, async (topic) => {
      const missing = randomTopicName("missing");
      const producer = createProducer({ bootstrap: bootstrapServers(), maxBlockMs: 2000 });
      const good = producer.produce(topic, { value: "fine" });
      const lost = producer.produce(missing, { value: "nowhere" });
      await producer.flush();
      failedWith(lost, "UNKNOWN_TOPIC", new RegExp(`${missing}.*UNKNOWN_TOPIC_OR_PARTITION`));
      assert.equal(good.success, true);
      await producer.close();
    });
  });

  it("bad message fields are refused naming the field, the rule and what was received", async () => {
    const producer = createProducer({ bootstrap: bootstrapServers() });
    const r1 = producer.produce("t", { value: 42 } as never);
    failedWith(r1, "INVALID_ARGUMENT", /message\.value.*received 42/);
    const r2 = producer.produce("t", { value: "x", headers: { trace: 7 } } as never);
    failedWith(r2, "INVALID_ARGUMENT", /message\.headers.*trace.*received 7/);
    await producer.close();
  });
});
