import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  InitProducerIdClientCodec,
  type InitProducerIdRequest,
  type InitProducerIdResponse,
  KafkaError,
} from "@tributary/protocol";
import fc from "fast-check";
import type { Connection } from "../src/connection.js";
import { ProducerError, ProducerErrorCode } from "../src/errors.js";
import { IdempotenceState } from "../src/idempotence.js";

const MAX_SEQUENCE = 2 ** 31 - 1;

/**
 * Kafka's DefaultRecordBatch.incrementSequence, restated: sequences are int32 and continue at 0
 * after Integer.MAX_VALUE.
 */
function javaIncrementSequence(sequence: number, increment: number): number {
  if (sequence > MAX_SEQUENCE - increment) return increment - (MAX_SEQUENCE - sequence) - 1;
  return sequence + increment;
}

/** Moves a partition's counter to `at` by assigning one batch of that many records. */
function startAt(state: IdempotenceState, topic: string, partition: number, at: number): void {
  if (at > 0) assert.equal(state.assign(topic, partition, at), 0);
}

function initResponse(over: Partial<InitProducerIdResponse> = {}): InitProducerIdResponse {
  return {
    throttleTimeMs: 0,
    errorCode: 0,
    producerId: 4000n,
    producerEpoch: 0,
    ongoingTxnProducerId: -1n,
    ongoingTxnProducerEpoch: -1,
    ...over,
  };
}

/**
 * A connection that answers InitProducerId from a script, one answer per request, and records
 * what was asked. Only `request` is used by IdempotenceState.
 */
function scriptedConnection(...answers: InitProducerIdResponse[]) {
  const requests: InitProducerIdRequest[] = [];
  const conn = {
    request(api: unknown, body: InitProducerIdRequest): Promise<InitProducerIdResponse> {
      assert.equal(api, InitProducerIdClientCodec);
      requests.push(body);
      const next = answers[requests.length - 1];
      if (next === undefined) return Promise.reject(new Error("no more scripted answers"));
      return Promise.resolve(next);
    },
  } as unknown as Connection;
  return { connect: () => Promise.resolve(conn), requests };
}

describe("IdempotenceState.assign: sequence numbers", () => {
  it("starts every partition at 0 and advances by the batch's record count", () => {
    const s = new IdempotenceState();
    assert.equal(s.assign("t", 0, 5), 0);
    assert.equal(s.assign("t", 0, 3), 5);
    assert.equal(s.assign("t", 0, 1), 8);
    assert.equal(s.assign("t", 0, 1), 9);
  });

  it("counts each topic-partition on its own", () => {
    const s = new IdempotenceState();
    assert.equal(s.assign("t", 0, 10), 0);
    assert.equal(s.assign("t", 1, 4), 0);
    assert.equal(s.assign("u", 0, 2), 0);
    assert.equal(s.assign("t", 0, 1), 10);
    assert.equal(s.assign("t", 1, 1), 4);
    assert.equal(s.assign("u", 0, 1), 2);
  });

  it("keeps look-alike topic-partition pairs apart (t/10 is not t1/0)", () => {
    const s = new IdempotenceState();
    assert.equal(s.assign("t", 10, 7), 0);
    assert.equal(s.assign("t1", 0, 3), 0);
    assert.equal(s.assign("t", 10, 1), 7);
  });

  it("wraps to 0 after 2^31-1, as Kafka's incrementSequence does", () => {
    const s = new IdempotenceState();
    startAt(s, "t", 0, MAX_SEQUENCE);
    assert.equal(s.assign("t", 0, 1), MAX_SEQUENCE, "2^31-1 itself is a valid sequence");
    assert.equal(s.assign("t", 0, 1), 0);
    assert.equal(s.assign("t", 0, 1), 1);
  });

  it("a batch that straddles 2^31-1 moves the next batch past 0", () => {
    const s = new IdempotenceState();
    startAt(s, "t", 0, MAX_SEQUENCE - 1);
    // Records take MAX-1, MAX, 0, 1, 2; the next batch starts at 3.
    assert.equal(s.assign("t", 0, 5), MAX_SEQUENCE - 1);
    assert.equal(s.assign("t", 0, 1), 3);
    assert.equal(javaIncrementSequence(MAX_SEQUENCE - 1, 5), 3);
  });

  it("matches Kafka's incrementSequence for any start and any batch sizes", () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.integer({ min: 0, max: MAX_SEQUENCE }),
          fc.integer({ min: MAX_SEQUENCE - 20_000, max: MAX_SEQUENCE }),
        ),
        fc.array(fc.integer({ min: 1, max: 10_000 }), { minLength: 1, maxLength: 30 }),
        (start, sizes) => {
          const s = new IdempotenceState();
          startAt(s, "t", 0, start);
          let expected = start;
          for (const n of sizes) {
            const base = s.assign("t", 0, n);
            assert.equal(base, expected);
            assert.ok(base >= 0 && base <= MAX_SEQUENCE, `sequence ${base} is not an int32 >= 0`);
            expected = javaIncrementSequence(expected, n);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe("IdempotenceState: producer id and epoch", () => {
  it("is not ready before it has a producer id", () => {
    const s = new IdempotenceState();
    assert.equal(s.ready, false);
    assert.equal(s.producerId, -1n);
    assert.equal(s.producerEpoch, -1);
  });

  it("initialize() asks for a new id, without naming one, and becomes ready", async () => {
    const s = new IdempotenceState();
    const broker = scriptedConnection(initResponse({ producerId: 4000n, producerEpoch: 0 }));
    await s.initialize(broker.connect);
    assert.equal(broker.requests.length, 1);
    const req = broker.requests[0]!;
    assert.equal(req.transactionalId, null);
    assert.equal(req.producerId ?? -1n, -1n);
    assert.equal(req.producerEpoch ?? -1, -1);
    assert.equal(s.producerId, 4000n);
    assert.equal(s.producerEpoch, 0);
    assert.equal(s.ready, true);
  });

  it("needsBump makes it not ready; the bump names the current id and epoch and restarts sequences", async () => {
    const s = new IdempotenceState();
    const broker = scriptedConnection(
      initResponse({ producerId: 4000n, producerEpoch: 0 }),
      initResponse({ producerId: 4000n, producerEpoch: 1 }),
    );
    await s.initialize(broker.connect);
    s.assign("t", 0, 10);
    s.assign("t", 1, 3);
    s.needsBump = true;
    assert.equal(s.ready, false);
    await s.initialize(broker.connect);
    assert.equal(broker.requests[1]?.producerId, 4000n);
    assert.equal(broker.requests[1]?.producerEpoch, 0);
    assert.equal(s.producerEpoch, 1);
    assert.equal(s.needsBump, false);
    assert.equal(s.ready, true);
    assert.equal(s.assign("t", 0, 1), 0, "every partition starts again at 0 under the new epoch");
    assert.equal(s.assign("t", 1, 1), 0);
  });

  it("concurrent initialize() calls share one request", async () => {
    const s = new IdempotenceState();
    const broker = scriptedConnection(initResponse(), initResponse({ producerEpoch: 1 }));
    const a = s.initialize(broker.connect);
    const b = s.initialize(broker.connect);
    assert.equal(a, b);
    await Promise.all([a, b]);
    assert.equal(broker.requests.length, 1);
    s.needsBump = true;
    await s.initialize(broker.connect);
    assert.equal(broker.requests.length, 2, "a later call makes a new request");
  });

  it("a failed first request rejects with the Kafka error and leaves it not ready; the next call tries again", async () => {
    const s = new IdempotenceState();
    const broker = scriptedConnection(
      initResponse({
        errorCode: 15 /* COORDINATOR_NOT_AVAILABLE */,
        producerId: -1n,
        producerEpoch: -1,
      }),
      initResponse({ producerId: 7n }),
    );
    await assert.rejects(s.initialize(broker.connect), (err) => {
      assert.ok(err instanceof KafkaError);
      assert.equal(err.code, "COORDINATOR_NOT_AVAILABLE");
      assert.equal(err.retriable, true);
      assert.equal(err.operation, "InitProducerId");
      return true;
    });
    assert.equal(s.ready, false);
    await s.initialize(broker.connect);
    assert.equal(s.producerId, 7n);
  });

  it("a bump refused for good drops the id, so the next call asks for a new one", async () => {
    const s = new IdempotenceState();
    const broker = scriptedConnection(
      initResponse({ producerId: 100n, producerEpoch: 3 }),
      initResponse({ errorCode: 47 /* INVALID_PRODUCER_EPOCH */ }),
      initResponse({ producerId: 200n, producerEpoch: 0 }),
    );
    await s.initialize(broker.connect);
    s.needsBump = true;
    await assert.rejects(s.initialize(broker.connect), { code: "INVALID_PRODUCER_EPOCH" });
    assert.equal(s.producerId, -1n);
    assert.equal(s.ready, false);
    await s.initialize(broker.connect);
    assert.equal(broker.requests[2]?.producerId ?? -1n, -1n, "asks for a new id, not a bump");
    assert.equal(s.producerId, 200n);
    assert.equal(s.ready, true);
  });

  it("a bump refused for now (retriable) keeps the id and epoch to bump again", async () => {
    const s = new IdempotenceState();
    const broker = scriptedConnection(
      initResponse({ producerId: 100n, producerEpoch: 3 }),
      initResponse({ errorCode: 51 /* CONCURRENT_TRANSACTIONS */ }),
    );
    await s.initialize(broker.connect);
    s.needsBump = true;
    await assert.rejects(s.initialize(broker.connect), { code: "CONCURRENT_TRANSACTIONS" });
    assert.equal(s.producerId, 100n);
    assert.equal(s.producerEpoch, 3);
    assert.equal(s.needsBump, true);
  });

  it("a connection failure rejects with that error and does not wedge later calls", async () => {
    const s = new IdempotenceState();
    const failure = new ProducerError(ProducerErrorCode.ConnectionFailed, "no broker reachable");
    await assert.rejects(
      s.initialize(() => Promise.reject(failure)),
      (err) => err === failure,
    );
    const broker = scriptedConnection(initResponse({ producerId: 9n }));
    await s.initialize(broker.connect);
    assert.equal(s.producerId, 9n);
  });
});
