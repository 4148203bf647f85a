import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { KafkaError, type ProduceResponsePartition } from "@tributary/protocol";
import { ProducerBatch } from "../src/batch.js";
import { BatchOutcome, classifyPartitionError, type Outcome } from "../src/produce-errors.js";
import { DeliveryReceipt } from "../src/receipt.js";

const TOPIC = "payments";
const PARTITION = 3;

// Kafka's numeric codes (Errors.java), spelled out so a wrong constant in the source shows up here.
const Code = {
  NONE: 0,
  CORRUPT_MESSAGE: 2,
  UNKNOWN_TOPIC_OR_PARTITION: 3,
  LEADER_NOT_AVAILABLE: 5,
  NOT_LEADER_OR_FOLLOWER: 6,
  MESSAGE_TOO_LARGE: 10,
  NOT_ENOUGH_REPLICAS: 19,
  NOT_ENOUGH_REPLICAS_AFTER_APPEND: 20,
  TOPIC_AUTHORIZATION_FAILED: 29,
  OUT_OF_ORDER_SEQUENCE_NUMBER: 45,
  DUPLICATE_SEQUENCE_NUMBER: 46,
  INVALID_PRODUCER_EPOCH: 47,
  KAFKA_STORAGE_ERROR: 56,
  UNKNOWN_PRODUCER_ID: 59,
  INVALID_RECORD: 87,
} as const;

/** A partition answer as the protocol decodes it; override what the test is about. */
function answer(over: Partial<ProduceResponsePartition> = {}): ProduceResponsePartition {
  return {
    index: PARTITION,
    errorCode: Code.NONE,
    baseOffset: -1n,
    logAppendTimeMs: -1n,
    logStartOffset: -1n,
    recordErrors: [],
    errorMessage: null,
    currentLeader: { leaderId: -1, leaderEpoch: -1 },
    ...over,
  };
}

/** A batch of `records` records; `baseSequence` >= 0 makes it an idempotent batch. */
function batch(baseSequence = -1, records = 4): ProducerBatch {
  const b = new ProducerBatch(TOPIC, PARTITION, 1_000);
  b.baseSequence = baseSequence;
  for (let i = 0; i < records; i++) {
    const receipt = new DeliveryReceipt(TOPIC);
    b.records.push({
      key: null,
      value: null,
      headers: [],
      timestamp: 0,
      receipt,
      size: 36,
      gen: 0,
    });
  }
  return b;
}

const noEarlier = { earlierUnresolved: false };
const earlier = { earlierUnresolved: true };

function classify(
  over: Partial<ProduceResponsePartition>,
  b = batch(),
  sequence = noEarlier,
): Outcome {
  return classifyPartitionError(answer(over), b, sequence);
}

function expectRetry(outcome: Outcome, code: string, refreshMetadata: boolean, bumpEpoch: boolean) {
  assert.equal(outcome.kind, BatchOutcome.Retry, `expected a retry, got ${outcome.kind}`);
  if (outcome.kind !== "retry") return;
  assert.equal(outcome.error.code, code);
  assert.deepEqual(
    { refreshMetadata: outcome.refreshMetadata, bumpEpoch: outcome.bumpEpoch },
    { refreshMetadata, bumpEpoch },
  );
}

function expectFailed(outcome: Outcome, code: string): KafkaError {
  assert.equal(outcome.kind, BatchOutcome.Failed, `expected a failure, got ${outcome.kind}`);
  assert.ok(outcome.kind === "failed");
  assert.ok(outcome.error instanceof KafkaError);
  assert.equal(outcome.error.code, code);
  return outcome.error;
}

describe("classifyPartitionError: delivered", () => {
  it("NONE is delivered at the broker's base offset", () => {
    assert.deepEqual(classify({ errorCode: Code.NONE, baseOffset: 1234n }), {
      kind: "delivered",
      baseOffset: 1234n,
    });
    assert.deepEqual(classify({ baseOffset: 0n }, batch(0)), { kind: "delivered", baseOffset: 0n });
  });

  it("DUPLICATE_SEQUENCE_NUMBER is delivered: the broker already holds the batch", () => {
    assert.deepEqual(
      classify({ errorCode: Code.DUPLICATE_SEQUENCE_NUMBER, baseOffset: 77n }, batch(10)),
      { kind: "delivered", baseOffset: 77n },
    );
  });

  it("DUPLICATE_SEQUENCE_NUMBER without an offset is delivered with the offset unknown", () => {
    assert.deepEqual(
      classify({ errorCode: Code.DUPLICATE_SEQUENCE_NUMBER, baseOffset: -1n }, batch(10)),
      { kind: "delivered", baseOffset: undefined },
    );
  });
});

describe("classifyPartitionError: retriable broker errors", () => {
  for (const [name, code] of [
    ["NOT_LEADER_OR_FOLLOWER", Code.NOT_LEADER_OR_FOLLOWER],
    ["UNKNOWN_TOPIC_OR_PARTITION", Code.UNKNOWN_TOPIC_OR_PARTITION],
    ["LEADER_NOT_AVAILABLE", Code.LEADER_NOT_AVAILABLE],
    ["KAFKA_STORAGE_ERROR", Code.KAFKA_STORAGE_ERROR],
  ] as const) {
    it(`${name} is retried after a metadata refresh (the leader moved), epoch kept`, () => {
      expectRetry(classify({ errorCode: code }), name, true, false);
      expectRetry(classify({ errorCode: code }, batch(5)), name, true, false);
    });
  }

  for (const [name, code] of [
    ["NOT_ENOUGH_REPLICAS", Code.NOT_ENOUGH_REPLICAS],
    ["NOT_ENOUGH_REPLICAS_AFTER_APPEND", Code.NOT_ENOUGH_REPLICAS_AFTER_APPEND],
    ["CORRUPT_MESSAGE", Code.CORRUPT_MESSAGE],
  ] as const) {
    it(`${name} is retried on the same leader, without a metadata refresh`, () => {
      expectRetry(classify({ errorCode: code }), name, false, false);
      expectRetry(classify({ errorCode: code }, batch(5)), name, false, false);
    });
  }

  it("the retry carries a KafkaError naming the topic, partition and the broker's words", () => {
    const outcome = classify({
      errorCode: Code.NOT_ENOUGH_REPLICAS,
      errorMessage: "ISR has 1 of 2 required",
    });
    assert.ok(outcome.kind === "retry");
    const error = outcome.error;
    assert.ok(error instanceof KafkaError);
    assert.equal(error.kafkaCode, Code.NOT_ENOUGH_REPLICAS);
    assert.equal(error.topic, TOPIC);
    assert.equal(error.partition, PARTITION);
    assert.equal(error.operation, "Produce");
    assert.equal(error.brokerMessage, "ISR has 1 of 2 required");
    assert.match(error.message, /topic "payments", partition 3/);
    assert.match(error.message, /ISR has 1 of 2 required/);
  });
});

describe("classifyPartitionError: idempotence (sequence) errors", () => {
  it("OUT_OF_ORDER_SEQUENCE_NUMBER behind an unresolved earlier sequence is retried, epoch kept", () => {
    // The gap is ours: the earlier batch failed and will be resent first.
    expectRetry(
      classify({ errorCode: Code.OUT_OF_ORDER_SEQUENCE_NUMBER }, batch(20), earlier),
      "OUT_OF_ORDER_SEQUENCE_NUMBER",
      false,
      false,
    );
  });

  it("OUT_OF_ORDER_SEQUENCE_NUMBER with no earlier sequence unresolved bumps the epoch and retries", () => {
    expectRetry(
      classify({ errorCode: Code.OUT_OF_ORDER_SEQUENCE_NUMBER }, batch(20), noEarlier),
      "OUT_OF_ORDER_SEQUENCE_NUMBER",
      false,
      true,
    );
  });

  it("UNKNOWN_PRODUCER_ID bumps the epoch and retries", () => {
    expectRetry(
      classify({ errorCode: Code.UNKNOWN_PRODUCER_ID }, batch(0)),
      "UNKNOWN_PRODUCER_ID",
      false,
      true,
    );
    expectRetry(
      classify({ errorCode: Code.UNKNOWN_PRODUCER_ID }, batch(0), earlier),
      "UNKNOWN_PRODUCER_ID",
      false,
      true,
    );
  });

  it("INVALID_PRODUCER_EPOCH bumps the epoch and retries", () => {
    expectRetry(
      classify({ errorCode: Code.INVALID_PRODUCER_EPOCH }, batch(3)),
      "INVALID_PRODUCER_EPOCH",
      false,
      true,
    );
  });

  it("without idempotence (no sequence), sequence errors fail the batch: they cannot be ours", () => {
    expectFailed(
      classify({ errorCode: Code.OUT_OF_ORDER_SEQUENCE_NUMBER }),
      "OUT_OF_ORDER_SEQUENCE_NUMBER",
    );
    expectFailed(classify({ errorCode: Code.UNKNOWN_PRODUCER_ID }), "UNKNOWN_PRODUCER_ID");
  });
});

describe("classifyPartitionError: final errors", () => {
  it("MESSAGE_TOO_LARGE fails the batch with a KafkaError naming topic and partition", () => {
    const error = expectFailed(
      classify({ errorCode: Code.MESSAGE_TOO_LARGE, errorMessage: "batch is 2000000 bytes" }),
      "MESSAGE_TOO_LARGE",
    );
    assert.equal(error.kafkaCode, Code.MESSAGE_TOO_LARGE);
    assert.equal(error.retriable, false);
    assert.equal(error.topic, TOPIC);
    assert.equal(error.partition, PARTITION);
    assert.match(error.message, /topic "payments"/);
    assert.match(error.message, /partition 3/);
    assert.match(error.message, /batch is 2000000 bytes/);
  });

  it("a non-retriable error such as TOPIC_AUTHORIZATION_FAILED fails the batch, idempotent or not", () => {
    expectFailed(
      classify({ errorCode: Code.TOPIC_AUTHORIZATION_FAILED }),
      "TOPIC_AUTHORIZATION_FAILED",
    );
    expectFailed(
      classify({ errorCode: Code.TOPIC_AUTHORIZATION_FAILED }, batch(9)),
      "TOPIC_AUTHORIZATION_FAILED",
    );
  });

  it("a code missing from Kafka's table fails the batch under a name that keeps the number", () => {
    expectFailed(classify({ errorCode: 9_999 }), "UNKNOWN_KAFKA_ERROR_9999");
  });

  it("INVALID_RECORD without per-record errors fails the whole batch", () => {
    expectFailed(
      classify({ errorCode: Code.INVALID_RECORD, errorMessage: "compacted topic needs keys" }),
      "INVALID_RECORD",
    );
  });
});

describe("classifyPartitionError: INVALID_RECORD with per-record errors (KIP-467)", () => {
  it("fails only the records the broker named, each with the broker's own message", () => {
    const outcome = classify(
      {
        errorCode: Code.INVALID_RECORD,
        errorMessage: "One or more records have been rejected",
        recordErrors: [
          { batchIndex: 1, batchIndexErrorMessage: "record 1 has no key" },
          { batchIndex: 3, batchIndexErrorMessage: "record 3 timestamp out of range" },
        ],
      },
      batch(-1, 5),
    );
    assert.equal(outcome.kind, BatchOutcome.PartialRetry);
    assert.ok(outcome.kind === "partial-retry");
    assert.deepEqual([...outcome.failed.keys()], [1, 3]);
    const first = outcome.failed.get(1);
    const second = outcome.failed.get(3);
    assert.ok(first instanceof KafkaError && second instanceof KafkaError);
    assert.equal(first.code, "INVALID_RECORD");
    assert.equal(first.brokerMessage, "record 1 has no key");
    assert.equal(second.brokerMessage, "record 3 timestamp out of range");
    assert.match(first.message, /topic "payments", partition 3/);
    assert.match(second.message, /record 3 timestamp out of range/);
    assert.equal(outcome.error.code, "INVALID_RECORD");
    assert.match(outcome.error.message, /One or more records have been rejected/);
  });

  it("falls back to the partition's message for a record error without its own", () => {
    const outcome = classify(
      {
        errorCode: Code.INVALID_RECORD,
        errorMessage: "rejected by policy",
        recordErrors: [{ batchIndex: 0, batchIndexErrorMessage: null }],
      },
      batch(-1, 2),
    );
    assert.ok(outcome.kind === "partial-retry");
    const error = outcome.failed.get(0);
    assert.ok(error instanceof KafkaError);
    assert.equal(error.brokerMessage, "rejected by policy");
  });

  it("works the same for an idempotent batch", () => {
    const outcome = classify(
      {
        errorCode: Code.INVALID_RECORD,
        recordErrors: [{ batchIndex: 0, batchIndexErrorMessage: "bad" }],
      },
      batch(40, 2),
    );
    assert.equal(outcome.kind, BatchOutcome.PartialRetry);
  });
});
