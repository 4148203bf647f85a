import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { createProducer } from "../src/node.js";
import { SequenceCheckingBroker } from "./sequence-broker.js";

/**
 * A batch that was sent, lost its answer with its connection, and then expired while it waited
 * to be sent again (no connection to its leader came back in time) may well have been written:
 * the broker can have appended it before the connection went. Its error must say what its last
 * attempt met, not only that time ran out. Seen against the real cluster with the gateway down
 * past deliveryTimeoutMs (faults/scenarios.ts, scenario 6): the DELIVERY_TIMEOUT message named
 * no cause for records that were on the topic.
 */
describe("delivery timeout of a batch waiting to be sent again", () => {
  it("names the error its last attempt met", async () => {
    const broker = new SequenceCheckingBroker({ cutAtFirstProduce: true });
    const producer = createProducer({
      bootstrap: "127.0.0.1:9092",
      transport: broker.connector(),
      lingerMs: 0,
      retryBackoffMs: 5,
      retryBackoffMaxMs: 20,
      requestTimeoutMs: 200,
      deliveryTimeoutMs: 600,
    });
    const r = producer.produce("t", { value: "a", partition: 0 });
    await r.done.catch(() => undefined);
    await producer.close();
    assert.equal(r.errorCode, "DELIVERY_TIMEOUT");
    assert.match(
      r.errorMessage ?? "",
      /not acknowledged within deliveryTimeoutMs \(600 ms\); last error: CONNECTION_CLOSED: .*connection reset \(cut by the test\)/,
    );
    assert.equal(r.error?.cause instanceof Error, true);
  });
});
