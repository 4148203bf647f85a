import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { createProducer } from "../src/node.js";
import { type SequenceBrokerOptions, SequenceCheckingBroker } from "./sequence-broker.js";

/**
 * A delivery timeout must say whether the record may be on the topic. Seen against the real
 * cluster with the gateway down past deliveryTimeoutMs (faults/scenarios.ts, scenario 6): records
 * whose request lost its answer with the connection failed as DELIVERY_TIMEOUT, yet the broker had
 * written them. Now: a batch that a request carried without an answer fails OUTCOME_UNKNOWN (the
 * broker may have written it); one that every broker answer refused fails DELIVERY_TIMEOUT (it
 * was not written). Both name the error their last attempt met.
 */
async function expire(options: SequenceBrokerOptions) {
  const broker = new SequenceCheckingBroker(options);
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
  return { r, broker };
}

describe("delivery timeout of a batch waiting to be sent again", () => {
  it("OUTCOME_UNKNOWN when a request carrying it got no answer, naming the last error", async () => {
    const { r } = await expire({ cutAtFirstProduce: true });
    assert.equal(r.errorCode, "OUTCOME_UNKNOWN");
    assert.match(
      r.errorMessage ?? "",
      /not acknowledged within deliveryTimeoutMs \(600 ms\) after a request carrying them got no answer, so the broker may have written them \(at most once\); last error: CONNECTION_CLOSED: .*connection reset \(cut by the test\)/,
    );
    assert.equal(r.error?.cause instanceof Error, true);
  });

  it("DELIVERY_TIMEOUT when every answer refused it, so it was not written", async () => {
    const { r, broker } = await expire({ refuseFirst: 1_000_000 });
    assert.ok(broker.answers.length > 1, "the batch was sent and refused more than once");
    assert.equal(r.errorCode, "DELIVERY_TIMEOUT");
    assert.match(
      r.errorMessage ?? "",
      /not acknowledged within deliveryTimeoutMs \(600 ms\) and were not written; last error: NOT_LEADER_OR_FOLLOWER/,
    );
  });
});
