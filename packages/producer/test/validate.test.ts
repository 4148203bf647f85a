import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { ProducerError } from "../src/errors.js";
import { MAX_TOPIC_NAME_LENGTH, normalizeMessage, validateTopicName } from "../src/validate.js";

const utf8 = new TextEncoder();
const LEGAL = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-";

function throwsProducerError(fn: () => unknown, code: string, message: string): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof ProducerError, `expected a ProducerError, got ${e}`);
    assert.equal(e.code, code);
    assert.equal(e.retriable, false);
    assert.equal(e.message, message);
    return true;
  });
}

const refusesTopic = (topic: unknown, message: string) =>
  throwsProducerError(() => validateTopicName(topic), "INVALID_TOPIC", message);
const refusesMessage = (message: unknown, error: string) =>
  throwsProducerError(() => normalizeMessage(message), "INVALID_ARGUMENT", error);

/** Kafka's rule (Topic.java), written independently of the implementation under test. */
function kafkaAccepts(name: string): boolean {
  return /^[a-zA-Z0-9._-]{1,249}$/.test(name) && name !== "." && name !== "..";
}

describe("validateTopicName", () => {
  it("returns a legal name unchanged, including the 249-character limit", () => {
    for (const name of [
      "events",
      "a",
      "..a",
      "a..",
      "_internal",
      "-x-",
      "Orders.v2_EU-1",
      "x".repeat(249),
    ]) {
      assert.equal(validateTopicName(name), name);
    }
    assert.equal(MAX_TOPIC_NAME_LENGTH, 249);
  });

  it("refuses an empty name", () => refusesTopic("", 'topic: must not be empty; received ""'));

  it('refuses "." and ".."', () => {
    refusesTopic(".", 'topic: must not be "."; received "."');
    refusesTopic("..", 'topic: must not be ".."; received ".."');
  });

  it("refuses a name longer than 249 characters, without echoing it", () => {
    refusesTopic(
      "x".repeat(250),
      "topic: must be at most 249 characters; received a string of 250 characters",
    );
  });

  it("refuses an illegal character, naming it and where it is", () => {
    const rule = "topic: may contain only ASCII letters, digits, '.', '_' and '-'";
    refusesTopic("my topic", `${rule} (' ' (U+0020) is at index 2); received "my topic"`);
    refusesTopic("a/b", `${rule} ('/' (U+002F) is at index 1); received "a/b"`);
    refusesTopic("café", `${rule} ('é' (U+00E9) is at index 3); received "café"`);
    refusesTopic("a\tb", `${rule} (U+0009 is at index 1); received "a\\tb"`);
    refusesTopic("x\u{1F600}", `${rule} (U+D83D is at index 1); received "x\u{1F600}"`);
  });

  it("refuses anything but a string", () => {
    refusesTopic(undefined, "topic: must be a string; received undefined");
    refusesTopic(42, "topic: must be a string; received 42");
    refusesTopic(null, "topic: must be a string; received null");
  });

  it("accepts every name Kafka's rule accepts (property)", () => {
    const legalName = fc
      .string({ unit: fc.constantFrom(...LEGAL), minLength: 1, maxLength: 249 })
      .filter((s) => s !== "." && s !== "..");
    fc.assert(
      fc.property(legalName, (name) => {
        assert.equal(validateTopicName(name), name);
      }),
      { numRuns: 1000 },
    );
  });

  it("refuses every other string with INVALID_TOPIC (property)", () => {
    const anyString = fc.oneof(
      fc.string({ maxLength: 300 }),
      fc.string({ unit: "binary", maxLength: 20 }),
      fc.string({ unit: fc.constantFrom(...LEGAL), minLength: 250, maxLength: 400 }),
      fc.constantFrom("", ".", ".."),
      // A legal name with one illegal character spliced in.
      fc
        .tuple(
          fc.string({ unit: fc.constantFrom(...LEGAL), maxLength: 100 }),
          fc
            .string({ unit: "binary", minLength: 1, maxLength: 1 })
            .filter((c) => !LEGAL.includes(c)),
          fc.string({ unit: fc.constantFrom(...LEGAL), maxLength: 100 }),
        )
        .map(([a, c, b]) => a + c + b),
    );
    fc.assert(
      fc.property(
        anyString.filter((s) => !kafkaAccepts(s)),
        (name) => {
          assert.throws(
            () => validateTopicName(name),
            (e: unknown) =>
              e instanceof ProducerError &&
              e.code === "INVALID_TOPIC" &&
              e.message.startsWith("topic: "),
          );
        },
      ),
      { numRuns: 1000 },
    );
  });
});

describe("normalizeMessage", () => {
  it("encodes string keys, values and header values as UTF-8", () => {
    const m = normalizeMessage({ key: "kéy", value: "välue 🚀", headers: { trace: "abc" } });
    assert.deepEqual(m.key, utf8.encode("kéy"));
    assert.deepEqual(m.value, utf8.encode("välue 🚀"));
    assert.deepEqual(m.headers, [{ key: "trace", value: utf8.encode("abc") }]);
    assert.equal(m.partition, undefined);
    assert.equal(m.timestamp, undefined);
  });

  it("passes Uint8Arrays through uncopied and keeps null", () => {
    const key = new Uint8Array([1, 2]);
    const value = new Uint8Array([3]);
    const h = new Uint8Array([4]);
    const m = normalizeMessage({ key, value, headers: [["h", h]] });
    assert.equal(m.key, key);
    assert.equal(m.value, value);
    assert.equal(m.headers[0]?.value, h);
    const tombstone = normalizeMessage({ key: null, value: null, headers: { n: null } });
    assert.deepEqual(tombstone, {
      key: null,
      value: null,
      headers: [{ key: "n", value: null }],
      partition: undefined,
      timestamp: undefined,
    });
  });

  it("treats a missing key as null but an empty string as an empty key", () => {
    assert.equal(normalizeMessage({ value: "v" }).key, null);
    assert.deepEqual(normalizeMessage({ key: "", value: "" }).key, new Uint8Array(0));
  });

  it("takes headers as an object, a Map, [key, value] pairs or { key, value } entries, in order", () => {
    const want = [
      { key: "a", value: utf8.encode("1") },
      { key: "b", value: null },
    ];
    assert.deepEqual(normalizeMessage({ value: "v", headers: { a: "1", b: null } }).headers, want);
    assert.deepEqual(
      normalizeMessage({
        value: "v",
        headers: new Map([
          ["a", "1"],
          ["b", null],
        ]),
      }).headers,
      want,
    );
    assert.deepEqual(
      normalizeMessage({
        value: "v",
        headers: [
          ["a", "1"],
          ["b", null],
        ],
      }).headers,
      want,
    );
    assert.deepEqual(
      normalizeMessage({
        value: "v",
        headers: [
          { key: "a", value: "1" },
          { key: "b", value: null },
        ],
      }).headers,
      want,
    );
    assert.deepEqual(
      normalizeMessage({
        value: "v",
        headers: Object.assign(Object.create(null), { a: "1", b: null }),
      }).headers,
      want,
    );
  });

  it("keeps repeated header keys from an array, as Kafka does", () => {
    const m = normalizeMessage({
      value: "v",
      headers: [
        ["k", "1"],
        ["k", "2"],
      ],
    });
    assert.deepEqual(
      m.headers.map((h) => h.key),
      ["k", "k"],
    );
  });

  it("gives no headers for absent, null or empty headers", () => {
    for (const headers of [undefined, null, {}, [], new Map()]) {
      assert.deepEqual(normalizeMessage({ value: "v", headers }).headers, []);
    }
  });

  it("takes a partition from 0 to 2^31-1 and a timestamp as milliseconds or a Date", () => {
    assert.equal(normalizeMessage({ value: "v", partition: 0 }).partition, 0);
    assert.equal(normalizeMessage({ value: "v", partition: 2147483647 }).partition, 2147483647);
    assert.equal(normalizeMessage({ value: "v", partition: null }).partition, undefined);
    assert.equal(normalizeMessage({ value: "v", timestamp: 0 }).timestamp, 0);
    assert.equal(
      normalizeMessage({ value: "v", timestamp: 1_700_000_000_123 }).timestamp,
      1_700_000_000_123,
    );
    assert.equal(
      normalizeMessage({ value: "v", timestamp: new Date(1_700_000_000_456) }).timestamp,
      1_700_000_000_456,
    );
    assert.equal(normalizeMessage({ value: "v", timestamp: null }).timestamp, undefined);
  });

  it("uses the encoder it is given", () => {
    const calls: string[] = [];
    const encoder = {
      encode(s: string) {
        calls.push(s);
        return new Uint8Array([s.length]);
      },
    };
    const m = normalizeMessage({ key: "ab", value: "cde", headers: { h: "f" } }, encoder);
    assert.deepEqual(calls, ["ab", "cde", "f"]);
    assert.deepEqual(m.value, new Uint8Array([3]));
  });

  it("refuses a message that is not an object", () => {
    const rule = "message: must be an object such as { key, value, headers }; received";
    refusesMessage(undefined, `${rule} undefined`);
    refusesMessage(null, `${rule} null`);
    refusesMessage("hello", `${rule} "hello"`);
    refusesMessage(["v"], `${rule} an array of 1`);
  });

  it("requires a value (null for a tombstone)", () => {
    refusesMessage(
      { key: "k" },
      "message.value: is required: a string, a Uint8Array, or null for a tombstone; received undefined",
    );
  });

  it("refuses keys and values that are not strings, Uint8Arrays or null", () => {
    refusesMessage(
      { value: 42 },
      "message.value: must be a string, a Uint8Array or null; received 42",
    );
    refusesMessage(
      { value: { a: 1 } },
      "message.value: must be a string, a Uint8Array or null; received an object (Object)",
    );
    refusesMessage(
      { value: new ArrayBuffer(2) },
      "message.value: must be a string, a Uint8Array or null; received an object (ArrayBuffer)",
    );
    refusesMessage(
      { key: 7, value: "v" },
      "message.key: must be a string, a Uint8Array or null; received 7",
    );
  });

  it("names the header that broke a rule", () => {
    refusesMessage(
      { value: "v", headers: { trace: 5 } },
      'message.headers["trace"]: must be a string, a Uint8Array or null; received 5',
    );
    refusesMessage(
      { value: "v", headers: [{ key: "a", value: "1" }, { key: "b" }] },
      'message.headers["b"]: must be a string, a Uint8Array or null; received undefined',
    );
    refusesMessage(
      { value: "v", headers: [["a", "1"], "b"] },
      'message.headers[1]: must be [key, value] or { key, value }; received "b"',
    );
    refusesMessage(
      { value: "v", headers: [["a", "1", "x"]] },
      "message.headers[0]: must be [key, value] or { key, value }; received an array of 3",
    );
    refusesMessage(
      { value: "v", headers: [[1, "1"]] },
      "message.headers[0].key: must be a string; received 1",
    );
    refusesMessage(
      { value: "v", headers: [{ key: null, value: "1" }] },
      "message.headers[0].key: must be a string; received null",
    );
    refusesMessage(
      { value: "v", headers: new Map([[1, "x"]]) },
      "message.headers: must have string keys; received 1",
    );
  });

  it("refuses headers of another shape rather than dropping them", () => {
    const rule =
      "message.headers: must be an object of key: value, a Map, an array of [key, value] or an array of { key, value }";
    refusesMessage({ value: "v", headers: "trace=1" }, `${rule}; received "trace=1"`);
    refusesMessage({ value: "v", headers: new Set(["a"]) }, `${rule}; received an object (Set)`);
    class Headers {
      trace = "1";
    }
    refusesMessage({ value: "v", headers: new Headers() }, `${rule}; received an object (Headers)`);
  });

  it("refuses a partition that is not an int32 from 0", () => {
    const rule = "message.partition: must be an integer from 0 to 2147483647; received";
    refusesMessage({ value: "v", partition: -1 }, `${rule} -1`);
    refusesMessage({ value: "v", partition: 1.5 }, `${rule} 1.5`);
    refusesMessage({ value: "v", partition: 2147483648 }, `${rule} 2147483648`);
    refusesMessage({ value: "v", partition: "1" }, `${rule} "1"`);
  });

  it("refuses a negative, fractional or invalid timestamp", () => {
    const rule =
      "message.timestamp: must be a whole number of milliseconds since the epoch, 0 or more (or a Date); received";
    refusesMessage({ value: "v", timestamp: -1 }, `${rule} -1`);
    refusesMessage({ value: "v", timestamp: 1.5 }, `${rule} 1.5`);
    refusesMessage({ value: "v", timestamp: Number.NaN }, `${rule} NaN`);
    refusesMessage({ value: "v", timestamp: "2024-01-01" }, `${rule} "2024-01-01"`);
    refusesMessage(
      { value: "v", timestamp: new Date("not a date") },
      "message.timestamp: must be a valid Date at or after 1970-01-01; received an object (Date)",
    );
    refusesMessage(
      { value: "v", timestamp: new Date(-5) },
      "message.timestamp: must be a valid Date at or after 1970-01-01; received an object (Date)",
    );
  });

  it("encodes any string exactly as TextEncoder does, and earlier results stay intact (property)", () => {
    const anyString = fc.oneof(
      fc.string({ maxLength: 40 }),
      fc.string({ unit: "binary", maxLength: 40 }),
      // Lone surrogates become U+FFFD, as with TextEncoder.
      fc.string({ unit: "grapheme-composite", maxLength: 40 }),
      fc.string({ maxLength: 20000 }),
      fc.string({ unit: fc.constantFrom("\ud800", "a", "\udc00", "é"), maxLength: 50 }),
    );
    fc.assert(
      fc.property(fc.array(anyString, { minLength: 1, maxLength: 200 }), (strings) => {
        const out = strings.map((s) => normalizeMessage({ value: s }).value);
        for (let i = 0; i < strings.length; i++) assert.deepEqual(out[i], utf8.encode(strings[i]!));
      }),
      { numRuns: 300 },
    );
  });
});
