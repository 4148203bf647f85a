import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { createProducer, type DeliveryReceipt } from "../../src/node.js";
import { bootstrapServers, byPartition, consume, javaPartition, withTopic } from "./support.js";

const PARTITIONS = 6;

describe("producing to a real broker (acks all, idempotent)", () => {
  it("100,000 keyed records with headers: every receipt succeeds with a distinct (partition, offset), each on the Java client's partition, and the console consumer reads exactly these", async () => {
    await withTopic("produce", PARTITIONS, async (topic) => {
      const count = 100_000;
      const producer = createProducer({
        bootstrap: bootstrapServers(),
        acks: "all",
        idempotent: true,
      });
      const receipts: DeliveryReceipt[] = new Array(count);
      for (let i = 0; i < count; i++) {
        // Keys key-0 … key-999 are in the vectors Kafka's own Utils.murmur2 produced.
        const message = {
          key: `key-${i % 1000}`,
          value: `value-${i}`,
          headers: { seq: String(i), kind: i % 2 === 0 ? "even" : "odd" },
        };
        let r = producer.produce(topic, message);
        // Fire-and-forget with backpressure: on a full buffer, wait for room and retry the record.
        while (r.errorCode === "QUEUE_FULL") {
          await producer.waitForRoom();
          r = producer.produce(topic, message);
        }
        receipts[i] = r;
      }
      await producer.flush();
      const stats = producer.stats.snapshot;
      await producer.close();

      const seen = new Set<string>();
      for (let i = 0; i < count; i++) {
        const r = receipts[i]!;
        assert.equal(r.success, true, `record ${i}: ${r.errorCode} ${r.errorMessage}`);
        assert.equal(r.partition, javaPartition(`key-${i % 1000}`, PARTITIONS), `record ${i}`);
        const id = `${r.partition}/${r.offset}`;
        assert.ok(!seen.has(id), `record ${i}: (partition, offset) ${id} given twice`);
        seen.add(id);
      }
      assert.equal(stats.delivered, count);
      assert.equal(stats.failed, 0);
      assert.equal(stats.queuedRecords, 0);

      const landed = await consume(topic, { max: count, timeoutMs: 30_000 });
      assert.equal(landed.length, count);
      const byOffset = new Map(receipts.map((r, i) => [`${r.partition}/${r.offset}`, i]));
      for (const got of landed) {
        const i = byOffset.get(`${got.partition}/${got.offset}`);
        assert.ok(
          i !== undefined,
          `consumer returned an unknown record at ${got.partition}/${got.offset}`,
        );
        byOffset.delete(`${got.partition}/${got.offset}`);
        assert.equal(got.key, `key-${i % 1000}`);
        assert.equal(got.value, `value-${i}`);
        assert.deepEqual(got.headers, [
          ["seq", String(i)],
          ["kind", i % 2 === 0 ? "even" : "odd"],
        ]);
        assert.equal(got.timestamp, receipts[i]!.timestamp);
      }
      assert.equal(byOffset.size, 0, "every acknowledged record was read back");
      // Produce order is kept within each partition.
      for (const [partition, list] of byPartition(landed)) {
        const order = list.map((r) => Number(r.headers[0]![1]));
        for (let j = 1; j < order.length; j++) {
          assert.ok(order[j]! > order[j - 1]!, `partition ${partition}: order at offset ${j}`);
        }
      }
    });
  });

  it("keyless records stick to one partition until its batch is sent, then move to another", async () => {
    await withTopic("sticky", PARTITIONS, async (topic) => {
      const producer = createProducer({ bootstrap: bootstrapServers(), lingerMs: 50 });
      // Two bursts separated by more than the linger: each burst is one batch on one partition.
      const first = Array.from({ length: 20 }, (_, i) =>
        producer.produce(topic, { value: `a${i}` }),
      );
      await producer.flush();
      const second = Array.from({ length: 20 }, (_, i) =>
        producer.produce(topic, { value: `b${i}` }),
      );
      await producer.close();
      const p1 = new Set(first.map((r) => r.partition));
      const p2 = new Set(second.map((r) => r.partition));
      assert.equal(p1.size, 1, "the first burst shares one partition");
      assert.equal(p2.size, 1, "the second burst shares one partition");
      assert.notDeepEqual([...p1], [...p2], "after its batch was sent, the sticky partition moved");
    });
  });

  it("an explicit partition is honoured", async () => {
    await withTopic("explicit", PARTITIONS, async (topic) => {
      const producer = createProducer({ bootstrap: bootstrapServers() });
      const receipts = [0, 3, 5].map((partition) =>
        producer.produce(topic, { key: "same-key", value: `to-${partition}`, partition }),
      );
      await producer.close();
      assert.deepEqual(
        receipts.map((r) => [r.success, r.partition]),
        [
          [true, 0],
          [true, 3],
          [true, 5],
        ],
      );
      const landed = await consume(topic, { max: 3, timeoutMs: 15_000 });
      assert.deepEqual(landed.map((r) => [r.partition, r.value]).sort(), [
        [0, "to-0"],
        [3, "to-3"],
        [5, "to-5"],
      ]);
    });
  });
});
