import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { crc32c } from "../src/crc32c.js";
import { ProtocolDecodeError, ProtocolEncodeError } from "../src/errors.js";
import {
  buildRecordBatch,
  CompressionCodec,
  decodeBatchRecords,
  decodeRecordBatch,
  decodeRecordBatches,
  encodeRecordBatch,
  RECORD_BATCH_OVERHEAD,
  TimestampType,
} from "../src/record-batch.js";
import type { RecordInput } from "../src/records.js";
import { decodeRecords, encodeRecords } from "../src/records.js";

const utf8 = (s: string) => new TextEncoder().encode(s);
/** Joins hex pieces (spaces allowed) into bytes. */
function hex(...parts: string[]): Uint8Array {
  const s = parts.join("").replace(/\s+/g, "");
  assert.ok(s.length % 2 === 0 && /^[0-9a-f]*$/.test(s), `bad hex ${s}`);
  return Uint8Array.from(s.match(/../g) ?? [], (h) => Number.parseInt(h, 16));
}
const toHex = (b: Uint8Array) => Buffer.from(b.buffer, b.byteOffset, b.length).toString("hex");

/** 1700000000000 ms = 0x0000018BCFE56800. */
const T0 = 1_700_000_000_000;

interface Fixture {
  about: string;
  producerId: string;
  producerEpoch: number;
  baseSequence: number;
  isTransactional: boolean;
  records: {
    key: string | null;
    value: string | null;
    timestamp: number;
    headers: { key: string; value: string | null }[];
  }[];
  hex: string;
}
/** Written by Kafka's own MemoryRecordsBuilder: see fixtures/java/run.sh. */
const fixtures = JSON.parse(
  readFileSync(new URL("./fixtures/record-batches.json", import.meta.url), "utf8"),
) as Record<string, Fixture>;

function fixture(name: string): Fixture {
  const f = fixtures[name];
  assert.ok(f, `fixture ${name} missing`);
  return f;
}

function fixtureRecords(f: Fixture): RecordInput[] {
  const bytes = (h: string | null) => (h === null ? null : hex(h));
  return f.records.map((r) => ({
    key: bytes(r.key),
    value: bytes(r.value),
    timestamp: r.timestamp,
    headers: r.headers.map((h) => ({ key: h.key, value: bytes(h.value) })),
  }));
}

function fixtureOptions(f: Fixture) {
  return {
    producerId: BigInt(f.producerId),
    producerEpoch: f.producerEpoch,
    baseSequence: f.baseSequence,
    isTransactional: f.isTransactional,
  };
}

describe("RecordBatch v2 bytes, computed by hand from the spec", () => {
  it("one record with key, value and a header", () => {
    // Record body: 20 bytes.
    const record = hex(
      "28", //         length: zigzag(20) = 40
      "00", //         attributes
      "00", //         timestampDelta 0
      "00", //         offsetDelta 0
      "06 6b6579", //  key length zigzag(3) = 6, "key"
      "0a 76616c7565", // value length zigzag(5) = 10, "value"
      "02", //         header count zigzag(1) = 2
      "04 6831", //    header key length zigzag(2) = 4, "h1"
      "04 7631", //    header value length 4, "v1"
    );
    assert.equal(record.length, 21);
    const expected = hex(
      "0000000000000000", // baseOffset 0
      "00000046", //         batchLength: 61 - 12 + 21 = 70
      "ffffffff", //         partitionLeaderEpoch -1
      "02", //               magic
      "79c271a7", //         crc (checked below against our CRC-32C of bytes 21..end)
      "0000", //             attributes: no codec, CreateTime, not transactional, not control
      "00000000", //         lastOffsetDelta 0
      "0000018bcfe56800", // baseTimestamp 1700000000000
      "0000018bcfe56800", // maxTimestamp
      "000000000000002a", // producerId 42
      "0003", //             producerEpoch 3
      "00000007", //         baseSequence 7
      "00000001", //         record count 1
      toHex(record),
    );
    assert.equal(crc32c(expected.subarray(21)), 0x79c271a7);
    const built = buildRecordBatch(
      [
        {
          key: utf8("key"),
          value: utf8("value"),
          headers: [{ key: "h1", value: utf8("v1") }],
          timestamp: T0,
        },
      ],
      { producerId: 42, producerEpoch: 3, baseSequence: 7 },
    );
    assert.equal(toHex(built), toHex(expected));
    assert.equal(toHex(built), fixture("one-record-with-headers").hex);
  });

  it("a record with null key and null value", () => {
    const record = hex(
      "0c", // length: zigzag(6) = 12
      "00", // attributes
      "00", // timestampDelta 0
      "00", // offsetDelta 0
      "01", // key length zigzag(-1) = 1: null
      "01", // value length -1: null
      "00", // header count 0
    );
    const expected = hex(
      "0000000000000000", // baseOffset
      "00000038", //         batchLength: 49 + 7 = 56
      "ffffffff", //         partitionLeaderEpoch
      "02", //               magic
      "c428857f", //         crc
      "0000", //             attributes
      "00000000", //         lastOffsetDelta
      "0000018bcfe56800", // baseTimestamp
      "0000018bcfe56800", // maxTimestamp
      "ffffffffffffffff", // producerId -1 (not idempotent)
      "ffff", //             producerEpoch -1
      "ffffffff", //         baseSequence -1
      "00000001", //         record count
      toHex(record),
    );
    assert.equal(crc32c(expected.subarray(21)), 0xc428857f);
    const built = buildRecordBatch([{ key: null, value: null, timestamp: T0 }]);
    assert.equal(toHex(built), toHex(expected));
    assert.equal(toHex(built), fixture("null-key-and-value").hex);
  });

  it("two records with different timestamps", () => {
    const first = hex("10 00 00 00 02 61 02 78 00"); // 8-byte body: "a" -> "x", delta 0, offset 0
    const second = hex(
      "14", //      length: zigzag(10) = 20
      "00", //      attributes
      "e807", //    timestampDelta 500: zigzag 1000 = 0x3e8 -> varint e8 07
      "02", //      offsetDelta 1
      "02 62", //   key "b"
      "04 7979", // value "yy"
      "00", //      no headers
    );
    const expected = hex(
      "0000000000000000", // baseOffset
      "00000045", //         batchLength: 49 + 9 + 11 = 69
      "ffffffff", //         partitionLeaderEpoch
      "02", //               magic
      "31ab4cdb", //         crc
      "0000", //             attributes
      "00000001", //         lastOffsetDelta 1
      "0000018bcfe56800", // baseTimestamp: the first record's
      "0000018bcfe569f4", // maxTimestamp: T0 + 500
      "ffffffffffffffff", // producerId
      "ffff", //             producerEpoch
      "ffffffff", //         baseSequence
      "00000002", //         record count 2
      toHex(first),
      toHex(second),
    );
    assert.equal(crc32c(expected.subarray(21)), 0x31ab4cdb);
    const built = buildRecordBatch([
      { key: utf8("a"), value: utf8("x"), timestamp: T0 },
      { key: utf8("b"), value: utf8("yy"), timestamp: T0 + 500 },
    ]);
    assert.equal(toHex(built), toHex(expected));
    assert.equal(toHex(built), fixture("two-records-different-timestamps").hex);
  });
});

describe("RecordBatch v2 against Kafka's MemoryRecordsBuilder fixtures", () => {
  for (const [name, f] of Object.entries(fixtures)) {
    it(`buildRecordBatch reproduces ${name} byte for byte`, () => {
      assert.equal(toHex(buildRecordBatch(fixtureRecords(f), fixtureOptions(f))), f.hex);
    });

    it(`encodeRecords + encodeRecordBatch reproduce ${name} byte for byte`, () => {
      const records = fixtureRecords(f);
      const timestamps = records.map((r) => r.timestamp ?? 0);
      const baseTimestamp = timestamps[0] ?? -1;
      const section = encodeRecords(records, baseTimestamp);
      const batch = encodeRecordBatch(
        { ...fixtureOptions(f), baseTimestamp, maxTimestamp: Math.max(...timestamps) },
        section,
        records.length,
      );
      assert.equal(toHex(batch), f.hex);
    });

    it(`decodes ${name} into the fields and records Kafka wrote`, () => {
      const batch = decodeRecordBatch(hex(f.hex));
      assert.equal(batch.baseOffset, 0n);
      assert.equal(batch.magic, 2);
      assert.equal(batch.partitionLeaderEpoch, -1);
      assert.equal(batch.compression, CompressionCodec.None);
      assert.equal(batch.timestampType, TimestampType.CreateTime);
      assert.equal(batch.isTransactional, f.isTransactional);
      assert.equal(batch.isControl, false);
      assert.equal(batch.producerId, BigInt(f.producerId));
      assert.equal(batch.producerEpoch, f.producerEpoch);
      assert.equal(batch.baseSequence, f.baseSequence);
      assert.equal(batch.recordCount, f.records.length);
      assert.equal(batch.lastOffsetDelta, f.records.length - 1);
      assert.equal(batch.baseTimestamp, f.records[0]?.timestamp);
      assert.equal(batch.maxTimestamp, Math.max(...f.records.map((r) => r.timestamp)));
      const decoded = decodeBatchRecords(batch);
      assert.deepEqual(
        decoded.map((r) => ({ ...r })),
        fixtureRecords(f).map((r, i) => ({
          key: r.key,
          value: r.value,
          headers: r.headers,
          timestamp: r.timestamp,
          offsetDelta: i,
        })),
      );
    });
  }
});

describe("encodeRecordBatch", () => {
  it("writes the codec and flag bits into attributes and keeps the section as given", () => {
    const section = hex("deadbeef");
    const batch = encodeRecordBatch(
      {
        compression: CompressionCodec.Lz4,
        timestampType: TimestampType.LogAppendTime,
        isTransactional: true,
        isControl: true,
        baseTimestamp: T0,
        maxTimestamp: T0,
        baseOffset: 5n,
        partitionLeaderEpoch: 9,
      },
      section,
      3,
    );
    // 3 (lz4) | 0x08 (log append time) | 0x10 (transactional) | 0x20 (control) = 0x3b
    assert.equal(toHex(batch.subarray(21, 23)), "003b");
    assert.equal(toHex(batch.subarray(RECORD_BATCH_OVERHEAD)), "deadbeef");
    const d = decodeRecordBatch(batch);
    assert.equal(d.compression, CompressionCodec.Lz4);
    assert.equal(d.timestampType, TimestampType.LogAppendTime);
    assert.equal(d.isTransactional, true);
    assert.equal(d.isControl, true);
    assert.equal(d.hasDeleteHorizon, false);
    assert.equal(d.baseOffset, 5n);
    assert.equal(d.partitionLeaderEpoch, 9);
    assert.equal(d.recordCount, 3);
    assert.equal(d.lastOffsetDelta, 2);
  });

  it("accepts producerId and baseOffset as bigints beyond the safe integer range", () => {
    const big = 2n ** 62n + 12345n;
    const d = decodeRecordBatch(
      encodeRecordBatch(
        { producerId: big, baseOffset: -big, baseTimestamp: -1, maxTimestamp: -1 },
        new Uint8Array(0),
        0,
      ),
    );
    assert.equal(d.producerId, big);
    assert.equal(d.baseOffset, -big);
    assert.equal(d.lastOffsetDelta, -1);
  });

  const bad: [string, Parameters<typeof encodeRecordBatch>[0], number, string][] = [
    ["compression", { compression: 5 as 0, baseTimestamp: 0, maxTimestamp: 0 }, 1, "compression"],
    [
      "producerEpoch",
      { producerEpoch: 40000, baseTimestamp: 0, maxTimestamp: 0 },
      1,
      "producerEpoch",
    ],
    ["baseOffset", { baseOffset: 1.5, baseTimestamp: 0, maxTimestamp: 0 }, 1, "baseOffset"],
    ["producerId", { producerId: 2n ** 63n, baseTimestamp: 0, maxTimestamp: 0 }, 1, "producerId"],
    [
      "baseSequence",
      { baseSequence: 2 ** 31, baseTimestamp: 0, maxTimestamp: 0 },
      1,
      "baseSequence",
    ],
    ["maxTimestamp", { baseTimestamp: 0, maxTimestamp: Number.NaN }, 1, "maxTimestamp"],
    ["recordCount", { baseTimestamp: 0, maxTimestamp: 0 }, -1, "recordCount"],
  ];
  for (const [what, header, count, field] of bad) {
    it(`refuses an invalid ${what}, naming the field and the value received`, () => {
      assert.throws(
        () => encodeRecordBatch(header, new Uint8Array(0), count),
        (e: unknown) =>
          e instanceof ProtocolEncodeError && e.field === field && /received/.test(e.message),
      );
    });
  }
});

describe("encodeRecords", () => {
  it("refuses a key that is not bytes, naming the record", () => {
    assert.throws(
      () =>
        encodeRecords(
          [
            { key: null, value: null },
            { key: "text" as unknown as Uint8Array, value: null },
          ],
          0,
        ),
      (e: unknown) =>
        e instanceof ProtocolEncodeError &&
        e.field === "records[1].key" &&
        /"text"/.test(e.message),
    );
  });

  it("refuses a null header key and a negative timestamp other than -1", () => {
    assert.throws(
      () =>
        encodeRecords(
          [{ key: null, value: null, headers: [{ key: null as unknown as string, value: null }] }],
          0,
        ),
      (e: unknown) => e instanceof ProtocolEncodeError && e.field === "records[0].headers[0].key",
    );
    assert.throws(
      () => encodeRecords([{ key: null, value: null, timestamp: -2 }], 0),
      (e: unknown) => e instanceof ProtocolEncodeError && e.field === "records[0].timestamp",
    );
  });

  it("writes an undefined key or value as null, like a plain-JS caller means it", () => {
    const loose = [{ key: undefined, value: undefined }] as unknown as RecordInput[];
    assert.deepEqual(encodeRecords(loose, 0), encodeRecords([{ key: null, value: null }], 0));
  });

  it("uses explicit offset deltas and defaults timestamps to the base timestamp", () => {
    const section = encodeRecords(
      [
        { key: null, value: utf8("a"), offsetDelta: 4 },
        { key: null, value: utf8("b"), offsetDelta: 9, timestamp: 1010 },
      ],
      1000,
    );
    const records = decodeRecords(section, 2, 1000);
    assert.deepEqual(
      records.map((r) => [r.offsetDelta, r.timestamp]),
      [
        [4, 1000],
        [9, 1010],
      ],
    );
  });

  it("writes header keys of every length and script correctly", () => {
    const keys = [
      "",
      "a",
      "x".repeat(63),
      "y".repeat(64),
      "z".repeat(65),
      "é",
      "日本",
      "😀",
      "k".repeat(300),
    ];
    const section = encodeRecords(
      [{ key: null, value: null, headers: keys.map((key) => ({ key, value: null })) }],
      0,
    );
    const [record] = decodeRecords(section, 1, 0);
    assert.deepEqual(
      record?.headers.map((h) => h.key),
      keys,
    );
  });
});

describe("buildRecordBatch", () => {
  it("gives records without a timestamp the options timestamp, not the first record's", () => {
    const batch = decodeRecordBatch(
      buildRecordBatch(
        [
          { key: null, value: null, timestamp: 5000 },
          { key: null, value: null },
        ],
        { timestamp: 7000 },
      ),
    );
    assert.equal(batch.baseTimestamp, 5000);
    assert.equal(batch.maxTimestamp, 7000);
    assert.deepEqual(
      decodeBatchRecords(batch).map((r) => r.timestamp),
      [5000, 7000],
    );
  });

  it("writes an empty batch with -1 timestamps and lastOffsetDelta", () => {
    const batch = decodeRecordBatch(buildRecordBatch([]));
    assert.equal(batch.recordCount, 0);
    assert.equal(batch.baseTimestamp, -1);
    assert.equal(batch.maxTimestamp, -1);
    assert.equal(batch.lastOffsetDelta, -1);
    assert.deepEqual(decodeBatchRecords(batch), []);
  });
});

describe("decodeRecordBatch", () => {
  const valid = () => hex(fixture("two-records-different-timestamps").hex);

  it("raises ProtocolDecodeError naming both CRCs when a byte is corrupted", () => {
    const bytes = valid();
    bytes[bytes.length - 3]! ^= 0x01;
    assert.throws(
      () => decodeRecordBatch(bytes),
      (e: unknown) =>
        e instanceof ProtocolDecodeError &&
        /stored CRC-32C 0x31ab4cdb, computed 0x[0-9a-f]{8}/.test(e.message),
    );
    assert.equal(decodeRecordBatch(bytes, { verifyCrc: false }).crc, 0x31ab4cdb);
  });

  it("does not cover partitionLeaderEpoch with the CRC, as Kafka's brokers rewrite it", () => {
    const bytes = valid();
    bytes.set([0, 0, 0, 7], 12);
    assert.equal(decodeRecordBatch(bytes).partitionLeaderEpoch, 7);
  });

  it("refuses a magic other than 2", () => {
    const bytes = valid();
    bytes[16] = 1;
    assert.throws(
      () => decodeRecordBatch(bytes),
      (e: unknown) => e instanceof ProtocolDecodeError && /magic 1/.test(e.message),
    );
  });

  it("refuses a batch cut short and trailing bytes after a single batch", () => {
    const bytes = valid();
    assert.throws(
      () => decodeRecordBatch(bytes.subarray(0, bytes.length - 1)),
      ProtocolDecodeError,
    );
    const longer = new Uint8Array(bytes.length + 1);
    longer.set(bytes);
    assert.throws(() => decodeRecordBatch(longer), /trailing/);
  });

  it("decodeRecordBatches walks concatenated batches", () => {
    const a = valid();
    const b = hex(fixture("mixed-transactional").hex);
    const both = new Uint8Array(a.length + b.length);
    both.set(a);
    both.set(b, a.length);
    const batches = decodeRecordBatches(both);
    assert.deepEqual(
      batches.map((x) => [x.recordCount, x.isTransactional]),
      [
        [2, false],
        [3, true],
      ],
    );
    assert.deepEqual(decodeRecordBatches(new Uint8Array(0)), []);
  });

  it("gives every record the batch's maxTimestamp in a LogAppendTime batch, as Kafka does", () => {
    const section = encodeRecords(
      [
        { key: null, value: null, timestamp: 10 },
        { key: null, value: null, timestamp: 20 },
      ],
      10,
    );
    const batch = decodeRecordBatch(
      encodeRecordBatch(
        { timestampType: TimestampType.LogAppendTime, baseTimestamp: 10, maxTimestamp: 99 },
        section,
        2,
      ),
    );
    assert.deepEqual(
      decodeBatchRecords(batch).map((r) => r.timestamp),
      [99, 99],
    );
  });

  it("asks for the decompressed section when the batch is compressed", () => {
    const section = encodeRecords([{ key: null, value: utf8("v") }], 0);
    const batch = decodeRecordBatch(
      encodeRecordBatch(
        { compression: CompressionCodec.Gzip, baseTimestamp: 0, maxTimestamp: 0 },
        hex("1f8b"),
        1,
      ),
    );
    assert.throws(() => decodeBatchRecords(batch), /decompressed/);
    assert.equal(decodeBatchRecords(batch, section)[0]?.value?.[0], 0x76);
  });
});

describe("decodeRecords", () => {
  it("refuses a record whose declared length disagrees with its fields", () => {
    const section = encodeRecords([{ key: null, value: null }], 0);
    section[0] = 0x0e; // length 7 instead of 6
    const padded = new Uint8Array(section.length + 1);
    padded.set(section);
    assert.throws(
      () => decodeRecords(padded, 1, 0),
      (e: unknown) => e instanceof ProtocolDecodeError && /declares 7/.test(e.message),
    );
  });

  it("refuses bytes left over after the last record", () => {
    const section = encodeRecords([{ key: null, value: null }], 0);
    const padded = new Uint8Array(section.length + 1);
    padded.set(section);
    assert.throws(() => decodeRecords(padded, 1, 0), /trailing/);
  });

  it("refuses a count that cannot fit in the section without allocating for it", () => {
    assert.throws(() => decodeRecords(new Uint8Array(10), 2_000_000_000, 0), ProtocolDecodeError);
  });
});
