import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { ProtocolDecodeError } from "../src/errors.js";
import {
  buildRecordBatch,
  decodeBatchRecords,
  decodeRecordBatch,
  decodeRecordBatches,
  encodeRecordBatch,
} from "../src/record-batch.js";
import type { RecordInput } from "../src/records.js";
import { decodeRecords, encodeRecords } from "../src/records.js";

const NOW = 1_700_000_000_000;
const bytesOrNull = (maxLength: number) =>
  fc.option(fc.uint8Array({ maxLength }), { nil: null, freq: 5 });

const header = fc.record({
  // "binary" units cover the whole of Unicode (astral planes included), always well-formed.
  key: fc.oneof(fc.string({ maxLength: 12 }), fc.string({ unit: "binary", maxLength: 12 })),
  value: bytesOrNull(24),
});

const timestamp = fc.oneof(
  { weight: 8, arbitrary: fc.integer({ min: NOW - 60_000, max: NOW + 60_000 }) },
  { weight: 1, arbitrary: fc.constant(-1) },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: 2 ** 52 }) },
);

const record: fc.Arbitrary<RecordInput> = fc.record({
  key: bytesOrNull(24),
  value: bytesOrNull(200),
  headers: fc.array(header, { maxLength: 3 }),
  timestamp,
});

interface ProducerFields {
  baseOffset: bigint;
  partitionLeaderEpoch: number;
  producerId: bigint;
  producerEpoch: number;
  baseSequence: number;
  isTransactional: boolean;
}

const producer: fc.Arbitrary<ProducerFields> = fc.record({
  baseOffset: fc.bigInt({ min: 0n, max: 2n ** 63n - 1n }),
  partitionLeaderEpoch: fc.integer({ min: -1, max: 2 ** 31 - 1 }),
  producerId: fc.bigInt({ min: -1n, max: 2n ** 63n - 1n }),
  producerEpoch: fc.integer({ min: -1, max: 32767 }),
  baseSequence: fc.integer({ min: -1, max: 2 ** 31 - 1 }),
  isTransactional: fc.boolean(),
});

function expectRoundTrip(records: RecordInput[], options: ProducerFields): void {
  const bytes = buildRecordBatch(records, options);
  const batch = decodeRecordBatch(bytes);
  assert.equal(batch.baseOffset, options.baseOffset);
  assert.equal(batch.partitionLeaderEpoch, options.partitionLeaderEpoch);
  assert.equal(batch.producerId, options.producerId);
  assert.equal(batch.producerEpoch, options.producerEpoch);
  assert.equal(batch.baseSequence, options.baseSequence);
  assert.equal(batch.isTransactional, options.isTransactional);
  assert.equal(batch.recordCount, records.length);
  assert.equal(batch.lastOffsetDelta, records.length - 1);
  const timestamps = records.map((r) => r.timestamp ?? 0);
  assert.equal(batch.baseTimestamp, records.length === 0 ? -1 : timestamps[0]);
  assert.equal(batch.maxTimestamp, records.length === 0 ? -1 : Math.max(...timestamps));
  const decoded = decodeBatchRecords(batch);
  assert.equal(decoded.length, records.length);
  for (let i = 0; i < records.length; i++) {
    const want = records[i]!;
    const got = decoded[i]!;
    assert.deepEqual(got.key, want.key);
    assert.deepEqual(got.value, want.value);
    // fast-check builds null-prototype objects; compare as plain ones.
    assert.deepEqual(
      got.headers,
      (want.headers ?? []).map((h) => ({ key: h.key, value: h.value })),
    );
    assert.equal(got.timestamp, want.timestamp);
    assert.equal(got.offsetDelta, i);
  }
  // The two-step path a codec uses, fed the decoded header, must give the very same bytes.
  const section = encodeRecords(records, batch.baseTimestamp);
  assert.deepEqual(encodeRecordBatch(batch, section, records.length), bytes);
}

describe("RecordBatch v2 round trip", () => {
  it("random batches of up to 300 records decode to exactly what was encoded", () => {
    fc.assert(
      fc.property(fc.array(record, { maxLength: 300, size: "max" }), producer, expectRoundTrip),
      { numRuns: 150 },
    );
  });

  it("random batches of 1,000 to 10,000 records decode to exactly what was encoded", () => {
    fc.assert(
      fc.property(
        fc.array(record, { minLength: 1000, maxLength: 10_000, size: "max" }),
        producer,
        expectRoundTrip,
      ),
      { numRuns: 6 },
    );
  });
});

/** Runs a decoder and lets only ProtocolDecodeError out; anything else fails the property. */
function decodesOrRefuses(decode: () => unknown): void {
  try {
    decode();
  } catch (e) {
    if (!(e instanceof ProtocolDecodeError)) {
      throw new Error(`decoder threw ${(e as Error)?.name}: ${(e as Error)?.message}`, {
        cause: e,
      });
    }
  }
}

function decodeAll(bytes: Uint8Array, verifyCrc: boolean): void {
  for (const batch of decodeRecordBatches(bytes, { verifyCrc })) {
    if (batch.compression === 0) decodeBatchRecords(batch);
  }
}

const smallBatch = fc
  .tuple(fc.array(record, { maxLength: 8 }), producer)
  .map(([records, options]) => buildRecordBatch(records, options));

describe("RecordBatch v2 decoders on hostile input", () => {
  it("random bytes raise only ProtocolDecodeError", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 400 }), fc.nat(100), (bytes, count) => {
        decodesOrRefuses(() => decodeRecordBatch(bytes, { verifyCrc: false }));
        decodesOrRefuses(() => decodeAll(bytes, false));
        decodesOrRefuses(() => decodeRecords(bytes, count, NOW));
      }),
      { numRuns: 2000 },
    );
  });

  it("random bytes behind a plausible batch header raise only ProtocolDecodeError", () => {
    // A valid header with a random body reaches the record decoder far more often than
    // uniformly random bytes do.
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.nat(40), (body, count) => {
        const bytes = encodeRecordBatch({ baseTimestamp: NOW, maxTimestamp: NOW }, body, count);
        decodesOrRefuses(() => decodeAll(bytes, true));
      }),
      { numRuns: 2000 },
    );
  });

  it("truncated valid batches raise only ProtocolDecodeError", () => {
    fc.assert(
      fc.property(smallBatch, fc.nat(), (bytes, cut) => {
        const short = bytes.subarray(0, cut % bytes.length);
        assert.throws(() => decodeRecordBatch(short), ProtocolDecodeError);
        decodesOrRefuses(() => decodeAll(short, false));
      }),
      { numRuns: 500 },
    );
  });

  it("single-byte mutations of valid batches raise only ProtocolDecodeError", () => {
    fc.assert(
      fc.property(smallBatch, fc.nat(), fc.integer({ min: 1, max: 255 }), (bytes, at, xor) => {
        const bad = bytes.slice();
        const i = at % bad.length;
        bad[i]! ^= xor;
        // Everything from byte 21 on is under the CRC; bytes before it are not.
        if (i >= 21) assert.throws(() => decodeRecordBatch(bad), ProtocolDecodeError);
        decodesOrRefuses(() => decodeAll(bad, true));
        decodesOrRefuses(() => decodeAll(bad, false));
      }),
      { numRuns: 3000 },
    );
  });
});
