import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { createProducer } from "../src/node.js";
import type { DeliveryReceipt } from "../src/receipt.js";
import { NOT_LEADER_OR_FOLLOWER, SequenceCheckingBroker } from "./sequence-broker.js";

/**
 * Kafka keeps, per partition, the state of each idempotent producer it has seen (last sequence,
 * epoch). For a producer id it holds no state for, it accepts a batch with any sequence
 * (ProducerAppendInfo.checkSequence in the broker: a new producer may start anywhere). So the
 * sequence numbers do not protect the order of a partition's FIRST batches: if the first fails
 * with a retriable error while the next is already in flight, the next is written, and the first,
 * sent again, can only land after it (or be refused as out of order).
 *
 * Seen against the real three-node cluster (faults/scenarios.ts): a fresh producer's first
 * Produce to a partition answered NOT_LEADER_OR_FOLLOWER while the leader was still taking over,
 * the requests pipelined behind it were appended, and the first 68 records of the partition
 * landed after 148 later ones. The broker here keeps Kafka's rule and refuses the first batch.
 */

describe("idempotent ordering at a partition's first batch", () => {
  it("a first batch that fails is not overtaken by batches pipelined behind it", async () => {
    const broker = new SequenceCheckingBroker({ refuseFirst: 1 });
    const producer = createProducer({
      bootstrap: "127.0.0.1:9092",
      transport: broker.connector(),
      lingerMs: 0,
      batchMessages: 1, // one record per batch: every record is its own sequence
      retryBackoffMs: 5,
      retryBackoffMaxMs: 20,
      requestTimeoutMs: 5000,
      deliveryTimeoutMs: 10_000,
    });
    const values = "abcdefghij".split("");
    const receipts: DeliveryReceipt[] = values.map((value) =>
      producer.produce("t", { value, partition: 0 }),
    );
    await Promise.allSettled(receipts.map((r) => r.done));
    await producer.close();

    assert.equal(broker.answers[0], NOT_LEADER_OR_FOLLOWER, "the first batch was refused once");
    assert.deepEqual(
      receipts.map((r) => r.errorCode ?? "ok"),
      values.map(() => "ok"),
    );
    assert.deepEqual(broker.log, values, "the partition holds the records in produce order");
    assert.deepEqual(
      receipts.map((r) => r.offset),
      values.map((_, i) => BigInt(i)),
      "each receipt names its record's offset",
    );
  });
});
