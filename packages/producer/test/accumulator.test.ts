import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { buildRecordBatch, RECORD_BATCH_OVERHEAD, type RecordHeader } from "@tributary/protocol";
import fc from "fast-check";
import { Accumulator, type BatchLimits, type PartitionQueue } from "../src/accumulator.js";
import {
  BATCH_OVERHEAD,
  estimateRecordSize,
  type ProducerBatch,
  type QueuedRecord,
} from "../src/batch.js";
import { DeliveryReceipt } from "../src/receipt.js";

const TOPIC = "orders";
const T0 = 1_000_000;

/** A queued record whose size is given directly (the accumulator only reads `size`). */
function sized(size: number): QueuedRecord {
  return {
    key: null,
    value: null,
    headers: [],
    timestamp: T0,
    receipt: new DeliveryReceipt(TOPIC),
    size,
    gen: 0,
  };
}

/** A queued record sized by the producer's own estimate of its key and value. */
function withValue(valueBytes: number): QueuedRecord {
  const value = new Uint8Array(valueBytes);
  const r = sized(estimateRecordSize(null, value, []));
  r.value = value;
  return r;
}

function limits(over: Partial<BatchLimits> = {}): BatchLimits {
  return { batchBytes: 16_384, batchMessages: 1_000, lingerMs: 5, ...over };
}

/** Appends `n` records of `size` to TOPIC-0 at T0 and returns the queue. */
function filled(acc: Accumulator, n: number, size = 100, partition = 0): PartitionQueue {
  for (let i = 0; i < n; i++) acc.append(sized(size), TOPIC, partition, T0);
  return acc.queue(TOPIC, partition);
}

const counts = (q: PartitionQueue) => q.batches.map((b) => b.recordCount);

describe("estimateRecordSize and BATCH_OVERHEAD", () => {
  it("BATCH_OVERHEAD is the RecordBatch v2 header size the protocol writes", () => {
    assert.equal(BATCH_OVERHEAD, RECORD_BATCH_OVERHEAD);
    assert.equal(BATCH_OVERHEAD, 61);
  });

  it("counts every varint at its widest: 36 bytes for an empty record plus key, value and headers", () => {
    assert.equal(estimateRecordSize(null, null, []), 36);
    assert.equal(estimateRecordSize(new Uint8Array(3), new Uint8Array(100), []), 139);
    const headers: RecordHeader[] = [{ key: "trace", value: new Uint8Array(8) }];
    assert.equal(estimateRecordSize(null, null, headers), 36 + 10 + 5 * 3 + 8);
  });

  it("is never below the bytes the protocol encodes for a batch of those records", () => {
    const header = fc.record({
      key: fc.string({ maxLength: 12, unit: "grapheme" }),
      value: fc.option(fc.uint8Array({ maxLength: 40 }), { nil: null }),
    });
    const record = fc.record({
      key: fc.option(fc.uint8Array({ maxLength: 300 }), { nil: null }),
      value: fc.option(fc.uint8Array({ maxLength: 3000 }), { nil: null }),
      headers: fc.array(header, { maxLength: 4 }),
      // Far-apart timestamps make the timestamp delta varint as wide as it gets.
      timestamp: fc.oneof(fc.integer({ min: 0, max: 2 ** 45 }), fc.constant(T0)),
    });
    fc.assert(
      fc.property(fc.array(record, { minLength: 1, maxLength: 20 }), (records) => {
        const estimate = records.reduce(
          (sum, r) => sum + estimateRecordSize(r.key, r.value, r.headers),
          BATCH_OVERHEAD,
        );
        const encoded = buildRecordBatch(records).length;
        assert.ok(encoded <= estimate, `encoded ${encoded} > estimated ${estimate}`);
      }),
      { numRuns: 200 },
    );
  });
});

describe("Accumulator.append", () => {
  it("opens a batch for the first record and reports it as opened", () => {
    const acc = new Accumulator(limits());
    const first = acc.append(sized(100), TOPIC, 0, T0);
    assert.equal(first.opened, true);
    assert.equal(first.closedFull, false);
    assert.equal(first.batch.closed, false);
    assert.equal(first.batch.createdAt, T0);
    assert.equal(first.batch.topic, TOPIC);
    assert.equal(first.batch.partition, 0);
    const second = acc.append(sized(100), TOPIC, 0, T0 + 1);
    assert.equal(second.opened, false);
    assert.equal(second.closedFull, false);
    assert.equal(second.batch, first.batch);
    assert.equal(first.batch.bytes, 200);
    assert.equal(first.batch.createdAt, T0, "a batch's age starts at its first record");
  });

  it("fills a batch exactly up to batchBytes, then closes it at once (it can take no more)", () => {
    const one = withValue(100);
    assert.equal(one.size, 136);
    const acc = new Accumulator(limits({ batchBytes: BATCH_OVERHEAD + 3 * one.size }));
    const results = [0, 1, 2].map(() => acc.append(withValue(100), TOPIC, 0, T0));
    assert.deepEqual(
      results.map((r) => [r.opened, r.closedFull]),
      [
        [true, false],
        [false, false],
        [false, true],
      ],
    );
    const q = acc.queue(TOPIC, 0);
    assert.deepEqual(counts(q), [3]);
    assert.equal(q.batches[0]?.closed, true);
    assert.equal(BATCH_OVERHEAD + (q.batches[0]?.bytes ?? 0), BATCH_OVERHEAD + 3 * one.size);
  });

  it("starts a new batch when the next record would pass batchBytes by one byte, closing the full one", () => {
    const size = withValue(100).size;
    const acc = new Accumulator(limits({ batchBytes: BATCH_OVERHEAD + 3 * size - 1 }));
    acc.append(withValue(100), TOPIC, 0, T0);
    acc.append(withValue(100), TOPIC, 0, T0);
    const third = acc.append(withValue(100), TOPIC, 0, T0 + 2);
    assert.equal(third.opened, true);
    assert.equal(third.closedFull, true);
    const q = acc.queue(TOPIC, 0);
    assert.deepEqual(counts(q), [2, 1]);
    assert.equal(q.batches[0]?.closed, true);
    assert.equal(q.batches[1]?.closed, false);
    assert.equal(q.batches[1]?.createdAt, T0 + 2);
  });

  it("closes a batch when it reaches batchMessages, and the next record opens a new one", () => {
    const acc = new Accumulator(limits({ batchMessages: 3 }));
    const r1 = acc.append(sized(10), TOPIC, 0, T0);
    const r2 = acc.append(sized(10), TOPIC, 0, T0);
    const r3 = acc.append(sized(10), TOPIC, 0, T0);
    assert.deepEqual(
      [r1, r2, r3].map((r) => r.closedFull),
      [false, false, true],
    );
    assert.equal(r3.batch.closed, true);
    assert.equal(r3.opened, false);
    const r4 = acc.append(sized(10), TOPIC, 0, T0);
    assert.equal(r4.opened, true);
    assert.equal(r4.closedFull, false, "the earlier batch was already closed, nothing new closed");
    assert.notEqual(r4.batch, r3.batch);
    assert.deepEqual(counts(acc.queue(TOPIC, 0)), [3, 1]);
  });

  it("batchMessages 1 gives every record its own closed batch", () => {
    const acc = new Accumulator(limits({ batchMessages: 1 }));
    for (let i = 0; i < 4; i++) {
      const r = acc.append(sized(10), TOPIC, 0, T0);
      assert.equal(r.opened, true);
      assert.equal(r.closedFull, true);
      assert.equal(r.batch.closed, true);
    }
    assert.deepEqual(counts(acc.queue(TOPIC, 0)), [1, 1, 1, 1]);
  });

  it("puts a record larger than batchBytes alone in a batch of its own", () => {
    const acc = new Accumulator(limits({ batchBytes: 1000 }));
    acc.append(sized(100), TOPIC, 0, T0);
    const big = acc.append(sized(5000), TOPIC, 0, T0);
    assert.equal(big.opened, true);
    assert.equal(big.closedFull, true, "the batch before it is closed");
    const after = acc.append(sized(100), TOPIC, 0, T0);
    assert.equal(after.opened, true);
    assert.notEqual(after.batch, big.batch);
    assert.deepEqual(counts(acc.queue(TOPIC, 0)), [1, 1, 1]);
  });

  it("keeps separate batches per topic and partition", () => {
    const acc = new Accumulator(limits());
    const a = acc.append(sized(10), "a", 0, T0);
    const b = acc.append(sized(10), "a", 1, T0);
    const c = acc.append(sized(10), "b", 0, T0);
    assert.equal(new Set([a.batch, b.batch, c.batch]).size, 3);
    assert.equal(acc.queue("a", 1).batches[0], b.batch);
    assert.equal(acc.queue("a", 1), acc.queue("a", 1), "one queue object per topic-partition");
    assert.equal([...acc.pendingQueues()].length, 3);
  });

  it("never appends to a closed batch (e.g. one closed by take or flush)", () => {
    const acc = new Accumulator(limits());
    const first = acc.append(sized(10), TOPIC, 0, T0);
    first.batch.closed = true;
    const next = acc.append(sized(10), TOPIC, 0, T0);
    assert.notEqual(next.batch, first.batch);
    assert.equal(next.opened, true);
    assert.equal(
      next.closedFull,
      false,
      "closing for another reason is not closing for being full",
    );
  });
});

describe("Accumulator.headReady", () => {
  it("holds an open batch for lingerMs after its first record, then releases it", () => {
    const acc = new Accumulator(limits({ lingerMs: 5 }));
    const q = filled(acc, 1);
    assert.equal(acc.headReady(q, T0, false), undefined);
    assert.equal(acc.headReady(q, T0 + 4, false), undefined);
    assert.equal(acc.headReady(q, T0 + 5, false), q.batches[0]);
    assert.equal(acc.headReady(q, T0 + 50, false), q.batches[0]);
  });

  it("lingerMs 0 makes an open batch ready at once", () => {
    const acc = new Accumulator(limits({ lingerMs: 0 }));
    const q = filled(acc, 1);
    assert.equal(acc.headReady(q, T0, false), q.batches[0]);
  });

  it("releases a closed batch at once, whatever its linger", () => {
    const acc = new Accumulator(limits({ lingerMs: 1_000, batchMessages: 2 }));
    const q = filled(acc, 2);
    assert.equal(q.batches[0]?.closed, true);
    assert.equal(acc.headReady(q, T0, false), q.batches[0]);
  });

  it("releases an open batch at once while flushing", () => {
    const acc = new Accumulator(limits({ lingerMs: 1_000 }));
    const q = filled(acc, 1);
    assert.equal(acc.headReady(q, T0, false), undefined);
    assert.equal(acc.headReady(q, T0, true), q.batches[0]);
  });

  it("holds a batch waiting out its retry backoff, even when flushing, until retryAt", () => {
    const acc = new Accumulator(limits());
    const q = filled(acc, 1);
    const batch = acc.take(q);
    batch.attempts = 1;
    batch.retryAt = T0 + 100;
    acc.requeue(batch);
    assert.equal(acc.headReady(q, T0 + 99, false), undefined);
    assert.equal(acc.headReady(q, T0 + 99, true), undefined);
    assert.equal(acc.headReady(q, T0 + 100, false), batch);
  });

  it("does not hold a retried batch for linger again", () => {
    const acc = new Accumulator(limits({ lingerMs: 1_000 }));
    const q = filled(acc, 1);
    const batch = acc.take(q);
    batch.attempts = 1;
    batch.closed = false; // even if something reopened it, a sent batch is not lingered again
    acc.requeue(batch);
    assert.equal(acc.headReady(q, T0 + 1, false), batch);
  });

  it("has nothing for an empty queue", () => {
    const acc = new Accumulator(limits());
    assert.equal(acc.headReady(acc.queue(TOPIC, 0), T0 + 10_000, true), undefined);
  });

  it("looks only at the front batch", () => {
    const acc = new Accumulator(limits({ batchMessages: 1, lingerMs: 0 }));
    const q = filled(acc, 3);
    assert.equal(acc.headReady(q, T0, false), q.batches[0]);
  });
});

describe("Accumulator.take", () => {
  it("removes the front batch, closes it and counts it in flight", () => {
    const acc = new Accumulator(limits({ batchMessages: 2 }));
    const q = filled(acc, 3);
    const [first, second] = q.batches;
    const taken = acc.take(q);
    assert.equal(taken, first);
    assert.equal(taken.closed, true);
    assert.equal(q.inFlight, 1);
    assert.deepEqual(q.batches, [second]);
    assert.ok([...acc.pendingQueues()].includes(q), "a queue with batches left stays pending");
  });

  it("closes an open batch so later records start a new one", () => {
    const acc = new Accumulator(limits());
    const q = filled(acc, 1);
    const taken = acc.take(q);
    const next = acc.append(sized(10), TOPIC, 0, T0 + 1);
    assert.notEqual(next.batch, taken);
    assert.equal(next.opened, true);
    assert.equal(taken.recordCount, 1);
  });

  it("drops an emptied queue from the pending set", () => {
    const acc = new Accumulator(limits());
    const q = filled(acc, 1);
    acc.take(q);
    assert.deepEqual([...acc.pendingQueues()], []);
    assert.equal(acc.nextReadyTime(T0), undefined);
  });

  it("counts each batch taken", () => {
    const acc = new Accumulator(limits({ batchMessages: 1 }));
    const q = filled(acc, 3);
    acc.take(q);
    acc.take(q);
    assert.equal(q.inFlight, 2);
  });
});

describe("Accumulator.requeue", () => {
  /** Takes `n` single-record batches and gives them consecutive sequences, 1 record each. */
  function sentWithSequences(acc: Accumulator, q: PartitionQueue, n: number): ProducerBatch[] {
    const out: ProducerBatch[] = [];
    for (let i = 0; i < n; i++) {
      const b = acc.take(q);
      b.baseSequence = i;
      b.attempts = 1;
      out.push(b);
    }
    return out;
  }

  it("puts retried batches back in sequence order, ahead of batches not yet sent", () => {
    const acc = new Accumulator(limits({ batchMessages: 1 }));
    const q = filled(acc, 3);
    const [s0, s1, s2] = sentWithSequences(acc, q, 3);
    const fresh = acc.append(sized(10), TOPIC, 0, T0 + 1).batch;
    // Answers come back in any order; the queue must still read 0, 1, 2, then the new batch.
    acc.requeue(s1!);
    acc.requeue(s2!);
    acc.requeue(s0!);
    assert.deepEqual(q.batches, [s0, s1, s2, fresh]);
    assert.deepEqual(
      q.batches.map((b) => b.baseSequence),
      [0, 1, 2, -1],
    );
  });

  it("puts a retried batch back ahead of a later retried batch already waiting", () => {
    const acc = new Accumulator(limits({ batchMessages: 1 }));
    const q = filled(acc, 2);
    const [s0, s1] = sentWithSequences(acc, q, 2);
    acc.requeue(s1!);
    acc.requeue(s0!);
    assert.deepEqual(q.batches, [s0, s1]);
  });

  it("keeps produce order for retried batches whose sequences wrap past 2^31-1", () => {
    // Sequences are int32 and continue at 0 after 2^31-1 (idempotence.ts). Batch `before` holds
    // sequences 2^31-2 and 2^31-1, batch `after` the next ones, 0 and 1. When both come back for
    // a retry, `before` must still go first, or the epoch bump that follows the broker's
    // OUT_OF_ORDER_SEQUENCE_NUMBER writes `after`'s records ahead of `before`'s.
    const acc = new Accumulator(limits({ batchMessages: 2 }));
    const q = filled(acc, 4);
    const before = acc.take(q);
    before.baseSequence = 2 ** 31 - 2;
    before.attempts = 1;
    const after = acc.take(q);
    after.baseSequence = 0;
    after.attempts = 1;
    const fresh = acc.append(sized(10), TOPIC, 0, T0 + 1).batch;
    acc.requeue(before);
    acc.requeue(after);
    assert.deepEqual(
      q.batches.map((b) => b.baseSequence),
      [2 ** 31 - 2, 0, -1],
    );
    assert.deepEqual(q.batches, [before, after, fresh]);
  });

  it("without sequences, puts the batch at the front", () => {
    const acc = new Accumulator(limits({ batchMessages: 1 }));
    const q = filled(acc, 3);
    const first = acc.take(q);
    const rest = [...q.batches];
    acc.requeue(first);
    assert.deepEqual(q.batches, [first, ...rest]);
  });

  it("makes an emptied queue pending again", () => {
    const acc = new Accumulator(limits());
    const q = filled(acc, 1);
    const b = acc.take(q);
    assert.deepEqual([...acc.pendingQueues()], []);
    acc.requeue(b);
    assert.deepEqual([...acc.pendingQueues()], [q]);
    assert.deepEqual(q.batches, [b]);
  });

  it("a record produced after a requeue never joins the retried batch", () => {
    const acc = new Accumulator(limits());
    const q = filled(acc, 1);
    const b = acc.take(q);
    acc.requeue(b);
    const next = acc.append(sized(10), TOPIC, 0, T0 + 1);
    assert.notEqual(next.batch, b);
    assert.equal(b.recordCount, 1);
  });
});

describe("Accumulator.nextReadyTime", () => {
  it("is undefined with nothing queued", () => {
    assert.equal(new Accumulator(limits()).nextReadyTime(T0), undefined);
  });

  it("is the linger end of an open batch", () => {
    const acc = new Accumulator(limits({ lingerMs: 7 }));
    filled(acc, 1);
    assert.equal(acc.nextReadyTime(T0), T0 + 7);
  });

  it("is the earliest over all partitions", () => {
    const acc = new Accumulator(limits({ lingerMs: 10 }));
    acc.append(sized(10), TOPIC, 0, T0 + 30);
    acc.append(sized(10), TOPIC, 1, T0 + 10);
    acc.append(sized(10), "other", 0, T0 + 20);
    assert.equal(acc.nextReadyTime(T0), T0 + 20);
  });

  it("is the retry time of a batch backing off, even if that is before or after its linger end", () => {
    const acc = new Accumulator(limits({ lingerMs: 10 }));
    const q = filled(acc, 1);
    const b = acc.take(q);
    b.attempts = 1;
    b.retryAt = T0 + 500;
    acc.requeue(b);
    assert.equal(acc.nextReadyTime(T0), T0 + 500);
  });

  it("leaves out a closed batch that was never sent: it is ready now, and the sender is woken for it", () => {
    const acc = new Accumulator(limits({ lingerMs: 1_000, batchMessages: 1 }));
    filled(acc, 1);
    assert.equal(acc.nextReadyTime(T0), undefined);
  });

  it("leaves out a backoff that has already passed", () => {
    const acc = new Accumulator(limits({ lingerMs: 10 }));
    const q = filled(acc, 1);
    const b = acc.take(q);
    b.attempts = 1;
    b.retryAt = T0 - 1;
    acc.requeue(b);
    assert.equal(acc.nextReadyTime(T0), undefined);
  });
});

describe("Accumulator.removeWhere and drainAll", () => {
  it("removeWhere takes out the matching batches from every queue and keeps the rest in order", () => {
    const acc = new Accumulator(limits({ batchMessages: 1 }));
    const q0 = filled(acc, 3, 100, 0);
    const q1 = filled(acc, 2, 100, 1);
    const [a, b, c] = q0.batches;
    const [d, e] = q1.batches;
    const old = new Set([a, c, d, e]);
    const removed = acc.removeWhere((x) => old.has(x));
    assert.deepEqual(new Set(removed), old);
    assert.equal(removed.length, 4);
    assert.deepEqual(q0.batches, [b]);
    assert.deepEqual(q1.batches, []);
    assert.deepEqual([...acc.pendingQueues()], [q0], "an emptied queue is no longer pending");
  });

  it("removeWhere removes nothing when nothing matches", () => {
    const acc = new Accumulator(limits({ batchMessages: 1 }));
    const q = filled(acc, 2);
    const before = [...q.batches];
    assert.deepEqual(
      acc.removeWhere(() => false),
      [],
    );
    assert.deepEqual(q.batches, before);
  });

  it("removeWhere handles adjacent matches (no batch is skipped)", () => {
    const acc = new Accumulator(limits({ batchMessages: 1 }));
    const q = filled(acc, 5);
    assert.equal(acc.removeWhere(() => true).length, 5);
    assert.deepEqual(q.batches, []);
    assert.deepEqual([...acc.pendingQueues()], []);
  });

  it("drainAll returns every queued batch, leaves in-flight ones out, and empties the accumulator", () => {
    const acc = new Accumulator(limits({ batchMessages: 1 }));
    const q0 = filled(acc, 3, 100, 0);
    const q1 = filled(acc, 1, 100, 1);
    const inFlight = acc.take(q0);
    const queued = [...q0.batches, ...q1.batches];
    const drained = acc.drainAll();
    assert.deepEqual(new Set(drained), new Set(queued));
    assert.equal(drained.length, 3);
    assert.ok(!drained.includes(inFlight));
    assert.deepEqual(q0.batches, []);
    assert.deepEqual(q1.batches, []);
    assert.deepEqual([...acc.pendingQueues()], []);
    assert.equal(acc.nextReadyTime(T0), undefined);
  });
});

describe("Accumulator: property", () => {
  it("every record lands in exactly one batch, in produce order, and no multi-record batch passes the limits", () => {
    const op = fc.record({
      size: fc.integer({ min: 1, max: 3_000 }),
      partition: fc.integer({ min: 0, max: 2 }),
      /** Drain the front batch of this partition before appending (as the sender would). */
      drainFirst: fc.boolean(),
    });
    fc.assert(
      fc.property(
        fc.array(op, { minLength: 1, maxLength: 200 }),
        fc.integer({ min: BATCH_OVERHEAD + 1, max: 12_000 }),
        fc.integer({ min: 1, max: 40 }),
        (ops, batchBytes, batchMessages) => {
          const acc = new Accumulator({ batchBytes, batchMessages, lingerMs: 5 });
          const produced = new Map<number, QueuedRecord[]>();
          const sent = new Map<number, ProducerBatch[]>();
          for (const o of ops) {
            if (o.drainFirst) {
              const q = acc.queue(TOPIC, o.partition);
              if (q.batches.length > 0) {
                const list = sent.get(o.partition) ?? [];
                list.push(acc.take(q));
                sent.set(o.partition, list);
              }
            }
            const r = sized(o.size);
            acc.append(r, TOPIC, o.partition, T0);
            const list = produced.get(o.partition) ?? [];
            list.push(r);
            produced.set(o.partition, list);
          }
          for (const [partition, records] of produced) {
            const q = acc.queue(TOPIC, partition);
            const batches = [...(sent.get(partition) ?? []), ...q.batches];
            // Exactly once and in order: the batches, read front to back, are the produce order.
            assert.deepEqual(
              batches.flatMap((b) => b.records),
              records,
            );
            for (const [i, b] of batches.entries()) {
              assert.ok(b.recordCount >= 1, "no empty batch");
              assert.ok(b.recordCount <= batchMessages, "at most batchMessages records");
              assert.equal(
                b.bytes,
                b.records.reduce((s, r) => s + r.size, 0),
              );
              if (b.recordCount >= 2) {
                assert.ok(BATCH_OVERHEAD + b.bytes <= batchBytes, "a shared batch fits batchBytes");
              }
              if (i < batches.length - 1)
                assert.equal(b.closed, true, "only the newest batch is open");
            }
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it("fills batches greedily: a batch closed for size could not have taken the next record", () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 2_000 }), { minLength: 1, maxLength: 200 }),
        fc.integer({ min: BATCH_OVERHEAD + 1, max: 8_000 }),
        fc.integer({ min: 1, max: 40 }),
        (sizes, batchBytes, batchMessages) => {
          const acc = new Accumulator({ batchBytes, batchMessages, lingerMs: 5 });
          for (const s of sizes) acc.append(sized(s), TOPIC, 0, T0);
          const batches = acc.queue(TOPIC, 0).batches;
          for (let i = 0; i + 1 < batches.length; i++) {
            const b = batches[i]!;
            const next = batches[i + 1]!.records[0]!;
            const full =
              b.recordCount >= batchMessages || BATCH_OVERHEAD + b.bytes + next.size > batchBytes;
            assert.ok(full, `batch ${i} closed with room for the next record`);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
