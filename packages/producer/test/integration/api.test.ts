import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  createProducer,
  type DeliveryReceipt,
  ProducerError,
  type RecordMetadata,
  type TributaryError,
} from "../../src/node.js";
import { bootstrapServers, consume, withTopic } from "./support.js";

describe("the producer API against a real broker", () => {
  it("`await using` flushes on dispose: every record produced in the block is delivered when it ends", async () => {
    await withTopic("dispose", 3, async (topic) => {
      const receipts: DeliveryReceipt[] = [];
      {
        // A long linger: without the flush on dispose these would still be waiting.
        await using producer = createProducer({ bootstrap: bootstrapServers(), lingerMs: 10_000 });
        for (let i = 0; i < 500; i++) receipts.push(producer.produce(topic, { value: `v${i}` }));
        assert.ok(receipts.every((r) => !r.completed));
      }
      assert.ok(receipts.every((r) => r.success === true));
      const landed = await consume(topic, { max: 500, timeoutMs: 15_000 });
      assert.equal(landed.length, 500);
    });
  });

  it("the callback is called exactly once per record, with metadata on success and an error on failure", async () => {
    await withTopic("callback", 2, async (topic) => {
      const producer = createProducer({ bootstrap: bootstrapServers() });
      const calls = new Map<
        number,
        { meta: RecordMetadata | undefined; err: TributaryError | undefined }[]
      >();
      const record =
        (i: number) => (meta: RecordMetadata | undefined, err: TributaryError | undefined) => {
          calls.set(i, [...(calls.get(i) ?? []), { meta, err }]);
        };
      for (let i = 0; i < 1000; i++)
        producer.produce(topic, { key: `k${i}`, value: `v${i}` }, record(i));
      producer.produce("bad topic name!", { value: "x" }, record(1000));
      await producer.close();
      // Let any stray second call show up before counting.
      await new Promise((r) => setTimeout(r, 50));
      for (let i = 0; i < 1000; i++) {
        const c = calls.get(i);
        assert.equal(c?.length, 1, `record ${i}: called ${c?.length ?? 0} times`);
        assert.equal(c[0]!.err, undefined);
        assert.equal(c[0]!.meta?.topic, topic);
        assert.equal(typeof c[0]!.meta?.offset, "bigint");
      }
      const bad = calls.get(1000);
      assert.equal(bad?.length, 1);
      assert.equal(bad[0]!.meta, undefined);
      assert.equal(bad[0]!.err?.code, "INVALID_TOPIC");
    });
  });

  it("produceAsync resolves with partition and offset once acknowledged, and rejects with a typed error", async () => {
    await withTopic("async", 4, async (topic) => {
      const producer = createProducer({ bootstrap: bootstrapServers() });
      const first = await producer.produceAsync(topic, { key: "a", value: "one", partition: 2 });
      assert.deepEqual([first.topic, first.partition, first.offset], [topic, 2, 0n]);
      const second = await producer.produceAsync(topic, { key: "a", value: "two", partition: 2 });
      assert.equal(second.offset, 1n);
      await assert.rejects(
        producer.produceAsync(topic, { value: "x", partition: 9 }),
        (err: unknown) => {
          assert.ok(err instanceof ProducerError);
          assert.equal(err.code, "INVALID_ARGUMENT");
          assert.match(err.message, /message\.partition: must be below the 4 partitions/);
          return true;
        },
      );
      await producer.close();
    });
  });

  it("a subscriber sees completed false, then completed true exactly once, driven through a useSyncExternalStore-style adapter", async () => {
    await withTopic("reactive", 1, async (topic) => {
      const producer = createProducer({ bootstrap: bootstrapServers(), lingerMs: 20 });
      const receipt = producer.produce(topic, { value: "watch me" });
      // The adapter React's useSyncExternalStore is: subscribe(onChange) + getSnapshot, where a
      // render happens when the snapshot changes between calls.
      const renders: string[] = [];
      let last: string | undefined;
      const getSnapshot = () => receipt.state;
      const onChange = () => {
        const snap = getSnapshot();
        if (snap !== last) {
          last = snap;
          renders.push(`${snap}:${receipt.completed}`);
        }
      };
      const completedSeen: boolean[] = [];
      const unsubscribe = receipt.subscribe((r) => completedSeen.push(r.completed));
      const unsubscribeAdapter = receipt.subscribe(onChange);
      await producer.flush();
      await new Promise((r) => setTimeout(r, 20));
      unsubscribe();
      unsubscribeAdapter();
      assert.deepEqual(completedSeen, [false, true]);
      assert.deepEqual(renders, ["pending:false", "delivered:true"]);
      assert.equal(typeof receipt.offset, "bigint");
      await producer.close();
    });
  });

  it("acks 1 reports offsets; acks 0 delivers with no offset, because the broker never answers", async () => {
    await withTopic("acks", 1, async (topic) => {
      const leaderOnly = createProducer({ bootstrap: bootstrapServers(), acks: 1 });
      const one = Array.from({ length: 100 }, (_, i) =>
        leaderOnly.produce(topic, { value: `one-${i}` }),
      );
      await leaderOnly.close();
      assert.ok(one.every((r) => r.success === true));
      assert.deepEqual(
        one.map((r) => r.offset),
        one.map((_, i) => BigInt(i)),
      );

      const fireAndForget = createProducer({ bootstrap: bootstrapServers(), acks: 0 });
      const zero = Array.from({ length: 100 }, (_, i) =>
        fireAndForget.produce(topic, { value: `zero-${i}` }),
      );
      await fireAndForget.close();
      assert.ok(
        zero.every((r) => r.success === true && r.offset === undefined && r.partition === 0),
      );

      const landed = await consume(topic, { max: 200, timeoutMs: 15_000 });
      assert.equal(landed.length, 200);
      assert.deepEqual(
        landed.map((r) => r.value),
        [...one.map((_, i) => `one-${i}`), ...zero.map((_, i) => `zero-${i}`)],
      );
    });
  });
});
