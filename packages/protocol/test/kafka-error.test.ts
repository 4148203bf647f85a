import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import fc from "fast-check";
import { errorByCode, type KafkaErrorInfo, kafkaErrors } from "../src/error-codes.js";
import { KAFKA_ERROR_CODES_URL, useErrorDescriptions } from "../src/error-descriptions.js";
import { errorMessages } from "../src/error-messages.js";
import { TributaryError } from "../src/errors.js";
import { errorName, isRetriableCode, KafkaError, kafkaErrorFromCode } from "../src/kafka-error.js";

const rows: KafkaErrorInfo[] = Object.values(kafkaErrors);

describe("KafkaError with our descriptions installed (as the Node, Deno and Bun entries do)", () => {
  before(() => useErrorDescriptions(errorMessages));
  after(() => useErrorDescriptions(undefined));

  it("carries Kafka's name as code, the numeric kafkaCode and the retriable flag", () => {
    const err = kafkaErrorFromCode(6);
    assert.ok(err instanceof KafkaError);
    assert.ok(err instanceof TributaryError);
    assert.ok(err instanceof Error);
    assert.equal(err.name, "KafkaError");
    assert.equal(err.code, "NOT_LEADER_OR_FOLLOWER");
    assert.equal(err.kafkaCode, 6);
    assert.equal(err.retriable, true);
    assert.equal(err.message, errorMessages.NOT_LEADER_OR_FOLLOWER);
  });

  it("is not retriable for a code Kafka does not retry, such as MESSAGE_TOO_LARGE", () => {
    const err = kafkaErrorFromCode(10);
    assert.equal(err.code, "MESSAGE_TOO_LARGE");
    assert.equal(err.retriable, false);
  });

  it("appends the operation, topic, partition and the broker's own message", () => {
    const err = kafkaErrorFromCode(87, {
      operation: "Produce v11",
      topic: "events",
      partition: 3,
      brokerMessage: "record 4 has no key",
    });
    assert.equal(err.code, "INVALID_RECORD");
    assert.equal(err.brokerMessage, "record 4 has no key");
    assert.equal(err.topic, "events");
    assert.equal(err.partition, 3);
    assert.equal(err.operation, "Produce v11");
    assert.equal(
      err.message,
      `${errorMessages.INVALID_RECORD} [Produce v11, topic "events", partition 3] ` +
        "Broker says: record 4 has no key",
    );
  });

  it("keeps partition 0 in the message", () => {
    assert.match(kafkaErrorFromCode(19, { partition: 0 }).message, /\[partition 0\]$/);
  });

  it("treats a null or empty broker message as absent", () => {
    const fromNull = kafkaErrorFromCode(3, { brokerMessage: null });
    assert.equal(fromNull.brokerMessage, undefined);
    assert.equal(fromNull.message, errorMessages.UNKNOWN_TOPIC_OR_PARTITION);
    assert.equal(
      kafkaErrorFromCode(3, { brokerMessage: "" }).message,
      errorMessages.UNKNOWN_TOPIC_OR_PARTITION,
    );
  });

  it("keeps the cause it is given", () => {
    const cause = new Error("socket closed");
    assert.equal(kafkaErrorFromCode(13, { cause }).cause, cause);
    assert.equal(kafkaErrorFromCode(13).cause, undefined);
  });

  it("names a code outside the table UNKNOWN_KAFKA_ERROR_<n> and does not retry it", () => {
    const err = kafkaErrorFromCode(999, { topic: "t" });
    assert.equal(err.code, "UNKNOWN_KAFKA_ERROR_999");
    assert.equal(err.kafkaCode, 999);
    assert.equal(err.retriable, false);
    assert.match(err.message, /error code 999\b/);
    assert.match(err.message, /\[topic "t"\]$/);
    assert.equal(kafkaErrorFromCode(-7).code, "UNKNOWN_KAFKA_ERROR_-7");
  });

  it("has the table's message, name and flag for every known code", () => {
    for (const row of rows) {
      const err = new KafkaError(row.code);
      assert.equal(err.code, row.name);
      assert.equal(err.retriable, row.retriable);
      assert.equal(err.message, row.message);
    }
  });
});

describe("KafkaError without descriptions (the browser and Worker entries)", () => {
  const shortForm = (name: string, code: number) =>
    `Kafka error ${name} (code ${code}); its meaning: ${KAFKA_ERROR_CODES_URL} ` +
    "(useErrorDescriptions(errorMessages) puts ours here)";

  it("says the code's name, number and Kafka's page, with the same code and flag", () => {
    const err = kafkaErrorFromCode(6);
    assert.equal(err.code, "NOT_LEADER_OR_FOLLOWER");
    assert.equal(err.kafkaCode, 6);
    assert.equal(err.retriable, true);
    assert.equal(err.message, shortForm("NOT_LEADER_OR_FOLLOWER", 6));
    assert.equal(KAFKA_ERROR_CODES_URL, "https://kafka.apache.org/protocol#protocol_error_codes");
  });

  it("still appends the operation, topic, partition and the broker's own message", () => {
    const err = kafkaErrorFromCode(87, {
      operation: "Produce v11",
      topic: "events",
      partition: 3,
      brokerMessage: "record 4 has no key",
    });
    assert.equal(
      err.message,
      `${shortForm("INVALID_RECORD", 87)} [Produce v11, topic "events", partition 3] ` +
        "Broker says: record 4 has no key",
    );
  });

  it("gives every known code its short form and none of our sentences", () => {
    for (const row of rows) {
      const err = new KafkaError(row.code);
      assert.equal(err.message, shortForm(row.name, row.code));
      assert.equal(row.message, err.message);
      assert.ok(!err.message.includes(errorMessages[row.name]));
    }
  });

  it("words an unknown code the same as with descriptions installed", () => {
    const without = kafkaErrorFromCode(999).message;
    useErrorDescriptions(errorMessages);
    try {
      assert.equal(kafkaErrorFromCode(999).message, without);
    } finally {
      useErrorDescriptions(undefined);
    }
    assert.match(without, /error code 999\b/);
  });
});

describe("useErrorDescriptions", () => {
  after(() => useErrorDescriptions(undefined));

  it("takes effect for errors made after the call; earlier errors keep their message", () => {
    const before = kafkaErrorFromCode(3);
    useErrorDescriptions(errorMessages);
    const afterInstall = kafkaErrorFromCode(3);
    assert.equal(afterInstall.message, errorMessages.UNKNOWN_TOPIC_OR_PARTITION);
    assert.match(before.message, /^Kafka error UNKNOWN_TOPIC_OR_PARTITION \(code 3\)/);
    useErrorDescriptions(undefined);
    assert.match(kafkaErrorFromCode(3).message, /^Kafka error UNKNOWN_TOPIC_OR_PARTITION/);
  });

  it("accepts texts for some codes; the others keep the short form", () => {
    useErrorDescriptions({ MESSAGE_TOO_LARGE: "Record too big for the topic." });
    try {
      assert.equal(kafkaErrorFromCode(10).message, "Record too big for the topic.");
      assert.match(kafkaErrorFromCode(6).message, /^Kafka error NOT_LEADER_OR_FOLLOWER \(code 6\)/);
    } finally {
      useErrorDescriptions(undefined);
    }
  });

  it("refuses what is not an object, naming the argument, the rule and the value", () => {
    for (const [bad, shown] of [
      [null, "null"],
      ["texts", '"texts"'],
      [5, "5"],
    ] as const) {
      assert.throws(
        () => useErrorDescriptions(bad as never),
        (e: unknown) =>
          e instanceof TributaryError &&
          e.code === "INVALID_ARGUMENT" &&
          e.message ===
            "descriptions: must be an object of Kafka error name to text (such as errorMessages) " +
              `or undefined; received ${shown}`,
      );
    }
  });
});

describe("errorName and isRetriableCode", () => {
  it("answer from the table for known codes", () => {
    assert.equal(errorName(2), "CORRUPT_MESSAGE");
    assert.equal(errorName(-1), "UNKNOWN_SERVER_ERROR");
    assert.equal(errorName(0), "NONE");
    assert.equal(isRetriableCode(2), true);
    assert.equal(isRetriableCode(47), false);
    assert.equal(isRetriableCode(0), false);
  });

  it("agree with KafkaError for any int16 code a broker could send", () => {
    fc.assert(
      fc.property(fc.integer({ min: -32768, max: 32767 }), (code) => {
        const row = errorByCode(code);
        const err = kafkaErrorFromCode(code);
        assert.equal(errorName(code), row ? row.name : `UNKNOWN_KAFKA_ERROR_${code}`);
        assert.equal(err.code, errorName(code));
        assert.equal(isRetriableCode(code), row?.retriable ?? false);
        assert.equal(err.retriable, isRetriableCode(code));
      }),
    );
  });
});
