import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { createProducer } from "../src/node.js";
import { SequenceCheckingBroker } from "./sequence-broker.js";

/**
 * lingerMs 0 means "send as soon as the current synchronous work is done". A timer for "now"
 * is not that: setTimeout waits at least 1 ms in Node (4 ms in browsers once nested), which
 * measured as +1.2 ms on every awaited record (W4 of `npm run bench`: p50 1.68 ms vs 0.42 ms).
 */
describe("lingerMs 0", () => {
  it("hands a record's Produce request to the connection within microtasks, before any timer", async () => {
    const broker = new SequenceCheckingBroker();
    const producer = createProducer({
      bootstrap: "127.0.0.1:9092",
      transport: broker.connector(),
      lingerMs: 0,
      requestTimeoutMs: 5000,
      deliveryTimeoutMs: 10_000,
    });
    try {
      // The first record brings metadata, the connection and the producer id.
      await producer.produceAsync("t", { value: "first", partition: 0 });
      const before = broker.answers.length;
      const second = producer.produceAsync("t", { value: "second", partition: 0 });
      // Only microtasks run here: no timer, no I/O callback.
      for (let i = 0; i < 50 && broker.answers.length === before; i++) await Promise.resolve();
      assert.equal(broker.answers.length, before + 1, "the Produce request was written already");
      await second;
    } finally {
      await producer.close();
    }
  });
});
