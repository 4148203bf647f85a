/**
 * The durable queue's rules against the real broker, in Node with the memory store (the same
 * code the browser runs over IndexedDB; e2e/tests/durable-queue.spec.ts runs it there, across
 * reloads and closed tabs). "Kafka unreachable" is a bootstrap port nothing listens on.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { resolveDurableOptions } from "../../src/durable/durable-options.js";
import { DurableQueueProducer } from "../../src/durable/durable-producer.js";
import type { DurableOptions } from "../../src/durable/index.js";
import { MemoryStore } from "../../src/durable/memory-store.js";
import type { StoredChunk } from "../../src/durable/store.js";
import { createProducer, type DeliveryReceipt } from "../../src/node.js";
import { UUID_V7 } from "../durable/uuid-v7.js";
import { closedPort } from "../net-helpers.js";
import { allCompleted, bootstrapServers, consume, withTopic } from "./support.js";

function durable(bootstrap: string, options: DurableOptions, producerOptions = {}) {
  return new DurableQueueProducer(
    createProducer({ bootstrap, ...producerOptions }),
    resolveDurableOptions(options),
  );
}

/** A producer whose Kafka is unreachable: each record fails its send within ~300 ms and is kept. */
async function offline(options: DurableOptions) {
  const port = await closedPort();
  return durable(`127.0.0.1:${port}`, options, { maxBlockMs: 300, connectTimeoutMs: 200 });
}

async function until(what: string, check: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    assert.ok(Date.now() < deadline, `timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

const header = (r: { headers: [string, string | null][] }, key: string) =>
  r.headers.find(([k]) => k === key)?.[1];

describe("durable queue (memory store) against a real broker", () => {
  it("delivers every record with a unique UUIDv7 id header, and keeps nothing afterwards", async () => {
    await withTopic("durable-ok", 3, async (topic) => {
      const store = new MemoryStore();
      const producer = durable(bootstrapServers(), { store });
      await producer.ready;
      const receipts = Array.from({ length: 200 }, (_, i) =>
        producer.produce(topic, { key: `k${i % 7}`, value: `v${i}`, headers: { n: String(i) } }),
      );
      assert.equal(producer.stats.snapshot.durable?.storedRecords, 200);
      await producer.flush();
      assert.ok(receipts.every((r) => r.success === true));
      const d = producer.stats.snapshot.durable!;
      assert.equal(d.storedRecords, 0);
      assert.equal(d.storedBytes, 0);
      assert.equal(d.storage, "memory");
      await producer.close();
      assert.equal((await store.adopt("someone-else", new Set(), 0)).chunks.length, 0);

      const landed = await consume(topic, { max: 200, timeoutMs: 15_000 });
      assert.equal(landed.length, 200);
      const ids = landed.map((r) => header(r, "tributary-id"));
      for (const id of ids) assert.match(String(id), UUID_V7);
      assert.equal(new Set(ids).size, 200);
      // The caller's own headers come first and are kept as they were.
      assert.deepEqual(
        landed.map((r) => header(r, "n")).sort((a, b) => Number(a) - Number(b)),
        Array.from({ length: 200 }, (_, i) => String(i)),
      );
    });
  });

  it("keeps records while Kafka is unreachable (receipts pending, backing off); the next producer on the same store delivers them, ids unchanged", async () => {
    await withTopic("durable-resend", 2, async (topic) => {
      const store = new MemoryStore();
      const first = await offline({ store, retryBackoffMs: 50, retryBackoffMaxMs: 200 });
      await first.ready;
      const receipts = Array.from({ length: 30 }, (_, i) =>
        first.produce(topic, { key: `k${i}`, value: `kept-${i}` }),
      );
      await until(
        "two rounds of failed sends",
        () => (first.stats.snapshot.durable?.resends ?? 0) >= 60,
      );
      const d = first.stats.snapshot.durable!;
      assert.equal(d.storedRecords, 30);
      assert.ok(
        receipts.every((r) => !r.completed),
        "kept records' receipts stay pending",
      );
      assert.match(String(d.lastError), /BOOTSTRAP_UNREACHABLE|DELIVERY_TIMEOUT|CONNECTION_FAILED/);
      await first.close();
      for (const r of receipts) {
        assert.equal(r.errorCode, "PRODUCER_CLOSED");
        assert.match(String(r.errorMessage), /stays in the durable queue/);
      }

      const second = durable(bootstrapServers(), { store });
      await second.ready;
      assert.equal(second.stats.snapshot.durable?.recovered, 30);
      await second.flush();
      await until(
        "the adopted records to be delivered",
        () => second.stats.snapshot.durable?.storedRecords === 0,
      );
      await second.close();

      const landed = await consume(topic, { max: 30, timeoutMs: 15_000 });
      assert.deepEqual(
        landed.map((r) => r.value).sort(),
        Array.from({ length: 30 }, (_, i) => `kept-${i}`).sort(),
      );
      assert.equal(new Set(landed.map((r) => header(r, "tributary-id"))).size, 30);
    });
  });

  it('whenFull "drop-oldest" removes the oldest records to make room and fails their receipts RECORD_DROPPED', async () => {
    const producer = await offline({ maxBytes: 2048, whenFull: "drop-oldest" });
    await producer.ready;
    const receipts: DeliveryReceipt[] = [];
    for (let i = 0; i < 20; i++)
      receipts.push(producer.produce("durable-full", { value: "x".repeat(300) + i }));
    const d = producer.stats.snapshot.durable!;
    assert.ok(d.storedBytes <= 2048, `${d.storedBytes} <= 2048`);
    assert.ok(d.storedRecords >= 3 && d.storedRecords < 20, `kept ${d.storedRecords}`);
    assert.equal(d.dropped + d.storedRecords, 20);
    assert.equal(d.refused, 0);
    const dropped = receipts.slice(0, d.dropped);
    const kept = receipts.slice(d.dropped);
    for (const r of dropped) {
      assert.equal(r.errorCode, "RECORD_DROPPED");
      assert.match(String(r.errorMessage), /durable\.maxBytes 2048.*"drop-oldest".*oldest/);
    }
    assert.ok(kept.every((r) => !r.completed));
    await producer.close();
  });

  it('whenFull "refuse-new" keeps what it has and fails the new records QUEUE_FULL, naming the policy', async () => {
    const producer = await offline({ maxBytes: 2048, whenFull: "refuse-new" });
    await producer.ready;
    const receipts: DeliveryReceipt[] = [];
    for (let i = 0; i < 20; i++)
      receipts.push(producer.produce("durable-full", { value: "x".repeat(300) + i }));
    const d = producer.stats.snapshot.durable!;
    assert.equal(d.refused + d.storedRecords, 20);
    assert.equal(d.dropped, 0);
    const kept = receipts.slice(0, d.storedRecords);
    const refused = receipts.slice(d.storedRecords);
    assert.ok(refused.length > 0);
    for (const r of refused) {
      assert.equal(r.errorCode, "QUEUE_FULL");
      assert.match(
        String(r.errorMessage),
        /durable queue full: \d+ of durable\.maxBytes \(2048\).*"refuse-new"/,
      );
    }
    assert.ok(kept.every((r) => !r.completed));
    await producer.close();
  });

  it("drops records older than maxAgeMs unsent: RECORD_EXPIRED, counted", async () => {
    const producer = await offline({ maxAgeMs: 1000, retryBackoffMs: 100, retryBackoffMaxMs: 200 });
    await producer.ready;
    const receipts = Array.from({ length: 5 }, (_, i) =>
      producer.produce("durable-age", { value: `old-${i}` }),
    );
    await allCompleted(receipts, 10_000);
    for (const r of receipts) {
      assert.equal(r.errorCode, "RECORD_EXPIRED");
      assert.match(String(r.errorMessage), /durable\.maxAgeMs \(1000\)/);
    }
    assert.equal(producer.stats.snapshot.durable?.expired, 5);
    assert.equal(producer.stats.snapshot.durable?.storedRecords, 0);
    await producer.close();
  });

  it("a record refused for itself fails and leaves the store; good records around it are delivered", async () => {
    await withTopic("durable-bad", 1, async (topic) => {
      const producer = durable(bootstrapServers(), {}, { maxRequestBytes: 4096 });
      await producer.ready;
      const good1 = producer.produce(topic, { value: "before" });
      const tooBig = producer.produce(topic, { value: "y".repeat(10_000) });
      const badTopic = producer.produce("no spaces allowed", { value: "z" });
      const good2 = producer.produce(topic, { value: "after" });
      await producer.flush();
      assert.equal(tooBig.errorCode, "RECORD_TOO_LARGE");
      assert.equal(badTopic.errorCode, "INVALID_TOPIC");
      assert.equal(good1.success, true);
      assert.equal(good2.success, true);
      assert.equal(producer.stats.snapshot.durable?.storedRecords, 0);
      await producer.close();
    });
  });

  it("stores one row per burst of records, and rewrites a row without the records that finish", async () => {
    const store = new MemoryStore();
    const writes: { puts: StoredChunk[]; deletes: readonly string[] }[] = [];
    const write = store.write.bind(store);
    store.write = (puts, deletes) => {
      writes.push({ puts: puts.map((c) => ({ ...c, records: [...c.records] })), deletes });
      return write(puts, deletes);
    };
    const producer = await offline({ store, maxBytes: 4096, whenFull: "drop-oldest" });
    await producer.ready;
    for (let i = 0; i < 6; i++)
      producer.produce("durable-rows", { value: `a${i}`.padEnd(300, ".") });
    await producer.persisted();
    assert.equal(writes.length, 1, "one burst, one transaction");
    assert.equal(writes[0]!.puts.length, 1, "one row");
    assert.equal(writes[0]!.puts[0]!.records.length, 6);
    const first = writes[0]!.puts[0]!.id;

    // The second burst pushes the oldest out: one new row, and the first row rewritten smaller.
    for (let i = 0; i < 6; i++)
      producer.produce("durable-rows", { value: `b${i}`.padEnd(300, ".") });
    await producer.persisted();
    const d = producer.stats.snapshot.durable!;
    assert.ok(d.dropped > 0 && d.dropped < 6, `dropped ${d.dropped}`);
    const second = writes[1]!;
    assert.equal(writes.length, 2);
    const rewritten = second.puts.find((c) => c.id === first);
    assert.ok(rewritten, "the first row is rewritten");
    assert.equal(rewritten.records.length, 6 - d.dropped);
    assert.equal(second.puts.find((c) => c.id !== first)?.records.length, 6);
    await producer.close();

    // What a later producer adopts is exactly what was kept.
    const adopted = await store.adopt("later", new Set(), 0);
    assert.equal(
      adopted.chunks.reduce((n, c) => n + c.records.length, 0),
      d.storedRecords,
    );
  });
});
