import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ProducerStats, type ProducerStatsSnapshot } from "../src/stats.js";

/** Lets queued microtasks (the coalesced notification) run. */
const microtasks = () => new Promise<void>((resolve) => setImmediate(resolve));

describe("ProducerStats: snapshot", () => {
  it("starts at zero with a neutral compression ratio and no ack latency", () => {
    const stats = new ProducerStats();
    assert.deepEqual(stats.snapshot, {
      queuedRecords: 0,
      queuedBytes: 0,
      inFlightRequests: 0,
      delivered: 0,
      failed: 0,
      retries: 0,
      batchesSent: 0,
      meanBatchRecords: 0,
      meanBatchBytes: 0,
      compressionRatio: 1,
      lastAckLatencyMs: undefined,
    });
  });

  it("is frozen: writing to it throws", () => {
    const stats = new ProducerStats();
    const snap = stats.snapshot;
    assert.ok(Object.isFrozen(snap));
    assert.throws(() => {
      (snap as { delivered: number }).delivered = 5;
    }, TypeError);
    assert.equal(stats.snapshot.delivered, 0);
  });

  it("is the same object until a change, then a new one with the new values", () => {
    const stats = new ProducerStats();
    const first = stats.snapshot;
    assert.equal(stats.snapshot, first);
    stats.delivered = 3;
    assert.equal(stats.snapshot, first, "a counter write alone is not a change until changed()");
    stats.changed();
    const second = stats.snapshot;
    assert.notEqual(second, first);
    assert.equal(second.delivered, 3);
    assert.equal(first.delivered, 0, "an old snapshot never changes");
    assert.equal(stats.snapshot, second);
  });
});

describe("ProducerStats: subscribe", () => {
  it("gives a new listener the current snapshot at once", () => {
    const stats = new ProducerStats();
    stats.queuedRecords = 2;
    stats.changed();
    const seen: ProducerStatsSnapshot[] = [];
    stats.subscribe((s) => seen.push(s));
    assert.equal(seen.length, 1);
    assert.equal(seen[0], stats.snapshot);
    assert.equal(seen[0]?.queuedRecords, 2);
  });

  it("coalesces a burst of changes in one tick into one notification with the final values", async () => {
    const stats = new ProducerStats();
    const seen: ProducerStatsSnapshot[] = [];
    stats.subscribe((s) => seen.push(s));
    for (let i = 0; i < 1000; i++) {
      stats.delivered++;
      stats.changed();
    }
    assert.equal(
      seen.length,
      1,
      "nothing synchronously: the notification waits for the burst to end",
    );
    await microtasks();
    assert.equal(seen.length, 2);
    assert.equal(seen[1]?.delivered, 1000);
    await microtasks();
    assert.equal(seen.length, 2, "no further calls without further changes");
  });

  it("notifies once per burst: two bursts in two ticks give two notifications", async () => {
    const stats = new ProducerStats();
    const seen: number[] = [];
    stats.subscribe((s) => seen.push(s.failed));
    stats.failed = 1;
    stats.changed();
    stats.changed();
    await microtasks();
    stats.failed = 2;
    stats.changed();
    await microtasks();
    assert.deepEqual(seen, [0, 1, 2]);
  });

  it("tells every listener once per burst with the same snapshot object", async () => {
    const stats = new ProducerStats();
    const a: ProducerStatsSnapshot[] = [];
    const b: ProducerStatsSnapshot[] = [];
    stats.subscribe((s) => a.push(s));
    stats.subscribe((s) => b.push(s));
    stats.retries = 4;
    stats.changed();
    stats.changed();
    await microtasks();
    assert.equal(a.length, 2);
    assert.equal(b.length, 2);
    assert.equal(a[1], b[1]);
    assert.equal(a[1]?.retries, 4);
  });

  it("stops notifying after unsubscribe, also when unsubscribed inside the burst", async () => {
    const stats = new ProducerStats();
    const seen: number[] = [];
    const unsubscribe = stats.subscribe((s) => seen.push(s.delivered));
    stats.delivered = 1;
    stats.changed();
    unsubscribe();
    unsubscribe();
    await microtasks();
    stats.delivered = 2;
    stats.changed();
    await microtasks();
    assert.deepEqual(seen, [0]);
  });

  it("a throwing listener does not stop the others; its error is reported on a later task", async () => {
    const saved = process.listeners("uncaughtException");
    const caught: unknown[] = [];
    const handler = (err: unknown) => caught.push(err);
    process.removeAllListeners("uncaughtException");
    process.on("uncaughtException", handler);
    try {
      const stats = new ProducerStats();
      const boom = new Error("stats listener bug");
      let armed = false;
      const seen: number[] = [];
      stats.subscribe(() => {
        if (armed) throw boom;
      });
      stats.subscribe((s) => seen.push(s.delivered));
      armed = true;
      stats.delivered = 1;
      stats.changed();
      await microtasks();
      assert.deepEqual(seen, [0, 1]);
      await new Promise((resolve) => setTimeout(resolve, 5));
      assert.deepEqual(caught, [boom]);
    } finally {
      process.off("uncaughtException", handler);
      for (const l of saved) process.on("uncaughtException", l);
    }
  });

  it("works unbound, like a Svelte store", async () => {
    const stats = new ProducerStats();
    const { subscribe } = stats;
    const seen: number[] = [];
    const unsubscribe = subscribe((s) => seen.push(s.batchesSent));
    stats.batchSent(1, 100, 100);
    await microtasks();
    unsubscribe();
    assert.deepEqual(seen, [0, 1]);
  });

  it("with nobody listening, changes schedule nothing and the snapshot stays correct", async () => {
    const stats = new ProducerStats();
    for (let i = 0; i < 10; i++) {
      stats.queuedBytes += 10;
      stats.changed();
    }
    assert.equal(stats.snapshot.queuedBytes, 100);
    // A listener arriving later gets the current snapshot, then only changes made after it came.
    const seen: number[] = [];
    stats.subscribe((s) => seen.push(s.queuedBytes));
    await microtasks();
    assert.deepEqual(seen, [100]);
  });
});

describe("ProducerStats: batch arithmetic", () => {
  it("meanBatchRecords and meanBatchBytes average over the batches sent", () => {
    const stats = new ProducerStats();
    stats.batchSent(10, 1000, 1000);
    stats.batchSent(30, 3000, 3000);
    stats.batchSent(5, 500, 500);
    const s = stats.snapshot;
    assert.equal(s.batchesSent, 3);
    assert.equal(s.meanBatchRecords, 15);
    assert.equal(s.meanBatchBytes, 1500);
  });

  it("compressionRatio is uncompressed bytes over wire bytes, summed over all batches", () => {
    const stats = new ProducerStats();
    stats.batchSent(100, 1000, 4000);
    assert.equal(stats.snapshot.compressionRatio, 4);
    stats.batchSent(100, 3000, 4000);
    // (4000 + 4000) / (1000 + 3000): a ratio of totals, not a mean of ratios (which would be 2.67).
    assert.equal(stats.snapshot.compressionRatio, 2);
  });

  it("compressionRatio is 1 without compression, and the means are 0 before any batch", () => {
    const stats = new ProducerStats();
    assert.equal(stats.snapshot.compressionRatio, 1);
    assert.equal(stats.snapshot.meanBatchRecords, 0);
    stats.batchSent(7, 700, 700);
    assert.equal(stats.snapshot.compressionRatio, 1);
  });

  it("batchSent() invalidates the cached snapshot and notifies listeners", async () => {
    const stats = new ProducerStats();
    const before = stats.snapshot;
    const seen: number[] = [];
    stats.subscribe((s) => seen.push(s.meanBatchRecords));
    stats.batchSent(4, 40, 40);
    stats.batchSent(6, 60, 60);
    assert.notEqual(stats.snapshot, before);
    await microtasks();
    assert.deepEqual(seen, [0, 5]);
  });
});
