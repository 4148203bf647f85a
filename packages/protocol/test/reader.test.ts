import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import {
  MessageReader,
  ProtocolDecodeError,
  Reader,
  sizeOfUnsignedVarint,
  sizeOfVarint,
  sizeOfVarlong,
  uuidFromBytes,
  uuidToBytes,
  Writer,
} from "../src/index.js";
import { throwsDecodeError } from "./expect-errors.js";

const bytes = (hex: string) => new Uint8Array(Buffer.from(hex, "hex"));
const reader = (hex: string) => new Reader(bytes(hex));

describe("Reader and MessageReader", () => {
  it("Reader is a MessageReader with the record-batch reads added", () => {
    const r = new Reader(bytes("ff"));
    assert.ok(r instanceof MessageReader);
    assert.equal(r.int8(), -1);
    const m = new MessageReader(bytes("0001"));
    assert.equal(m.int16(), 1);
    assert.equal("varlong" in m, false, "MessageReader has no varlong: it stays out of bundles");
  });

  it("varlongAsNumber starts over from where it began when it needs the bigint path", () => {
    const w = new Writer();
    w.varlong(2n ** 40n).int8(7);
    const r = new Reader(w.finish());
    assert.equal(r.varlongAsNumber(), 2 ** 40);
    assert.equal(r.int8(), 7);
  });
});

describe("Reader reads what Kafka writes", () => {
  it("a string that starts with U+FEFF keeps it (a decoder drops it as a byte-order mark by default)", () => {
    const text = "\uFEFFkey";
    const bytes = new Writer().string(text).compactString(text).finish();
    const r = new Reader(bytes);
    assert.equal(r.string(), text);
    assert.equal(r.compactString(), text);
  });

  it("fixed-width integers", () => {
    const r = reader("7f80" + "fffe" + "ffffffff" + "deadbeef" + "8000000000000000");
    assert.equal(r.int8(), 127);
    assert.equal(r.int8(), -128);
    assert.equal(r.int16(), -2);
    assert.equal(r.int32(), -1);
    assert.equal(r.uint32(), 0xdeadbeef);
    assert.equal(r.int64(), -(2n ** 63n));
    r.expectEnd("test");
  });
  it("varints", () => {
    const r = reader("ac02" + "03" + "ffffffff0f" + "ffffffffffffffffff01" + "8080808020");
    assert.equal(r.unsignedVarint(), 300);
    assert.equal(r.varint(), -2);
    assert.equal(r.varint(), -2147483648);
    assert.equal(r.varlong(), -(2n ** 63n));
    assert.equal(r.varlongAsNumber(), 2 ** 32);
  });
  it("strings and bytes, with their null forms", () => {
    const r = reader(
      "000368c3a9" + "ffff" + "036162" + "00" + "000000020908" + "ffffffff" + "0207" + "00",
    );
    assert.equal(r.string(), "hé");
    assert.equal(r.nullableString(), null);
    assert.equal(r.compactString(), "ab");
    assert.equal(r.compactNullableString(), null);
    assert.deepEqual(r.bytesField(), Uint8Array.of(9, 8));
    assert.equal(r.nullableBytes(), null);
    assert.deepEqual(r.compactBytes(), Uint8Array.of(7));
    assert.equal(r.compactNullableBytes(), null);
  });
  it("arrays, uuid and tagged fields", () => {
    const r = reader(
      "000000020102" + "ffffffff" + "0205" + "000102030405060708090a0b0c0d0e0f" + "020001aa0300",
    );
    assert.deepEqual(
      r.array((x) => x.int8()),
      [1, 2],
    );
    assert.equal(
      r.nullableArray((x) => x.int8()),
      null,
    );
    assert.deepEqual(
      r.compactArray((x) => x.int8()),
      [5],
    );
    assert.equal(r.uuid(), "AAECAwQFBgcICQoLDA0ODw");
    assert.deepEqual(r.taggedFields(), [
      { tag: 0, data: Uint8Array.of(0xaa) },
      { tag: 3, data: new Uint8Array() },
    ]);
  });
  it("reads from a view with a byte offset into a larger buffer", () => {
    const big = bytes("ffff0000002aff");
    const r = new Reader(big.subarray(2, 6));
    assert.equal(r.int32(), 42);
    r.expectEnd("view");
  });
});

describe("Reader refuses bad input with ProtocolDecodeError only", () => {
  it("a read past the end names what was read, what was needed and where", () => {
    throwsDecodeError(
      () => reader("0001").int32(),
      /truncated int32: needs 4 bytes, 2 left \(at byte 0\)/,
    );
  });
  it("a string longer than the input", () => {
    throwsDecodeError(() => reader("0005616263").string(), /truncated bytes/);
  });
  it("a varint longer than 5 bytes", () => {
    throwsDecodeError(
      () => reader("ffffffffff01").unsignedVarint(),
      /does not fit in 32 bits|longer/,
    );
  });
  it("a varlong longer than 10 bytes", () => {
    throwsDecodeError(() => reader("ffffffffffffffffff7f").varlong(), /does not fit in 64 bits/);
  });
  it("an array count larger than the bytes left (no huge allocation)", () => {
    throwsDecodeError(
      () => reader("7fffffff00").array((r) => r.int8()),
      /array count 2147483647 exceeds/,
    );
  });
  it("a null where the field is not nullable", () => {
    throwsDecodeError(() => reader("ffff").string(), /non-nullable string/);
    throwsDecodeError(() => reader("00").compactString(), /non-nullable compact string/);
    throwsDecodeError(() => reader("ffffffff").array((r) => r.int8()), /non-nullable array/);
  });
  it("invalid UTF-8", () => {
    throwsDecodeError(() => reader("0002c328").string(), /not valid UTF-8/);
  });
  it("tagged fields out of order", () => {
    throwsDecodeError(() => reader("0203000100").taggedFields(), /out of order/);
  });
  it("trailing bytes", () => {
    const r = reader("0000000100");
    r.int32();
    throwsDecodeError(
      () => r.expectEnd("ApiVersionsResponse"),
      /ApiVersionsResponse: 1 unexpected trailing bytes/,
    );
  });
  it("an int64 outside the safe range when a number is asked for", () => {
    throwsDecodeError(
      () => reader("7fffffffffffffff").int64AsNumber(),
      /outside the safe integer range/,
    );
  });
});

describe("varint properties", () => {
  const int32 = fc.integer({ min: -0x80000000, max: 0x7fffffff });
  const uint32 = fc.integer({ min: 0, max: 0xffffffff });
  const int64 = fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n });

  it("unsigned varints round-trip and take sizeOfUnsignedVarint bytes", () => {
    fc.assert(
      fc.property(uint32, (v) => {
        const out = new Writer().unsignedVarint(v).finish();
        assert.equal(out.length, sizeOfUnsignedVarint(v));
        const r = new Reader(out);
        assert.equal(r.unsignedVarint(), v);
        r.expectEnd("varint");
      }),
      { numRuns: 2000 },
    );
  });
  it("zigzag varints round-trip and take sizeOfVarint bytes", () => {
    fc.assert(
      fc.property(int32, (v) => {
        const out = new Writer().varint(v).finish();
        assert.equal(out.length, sizeOfVarint(v));
        assert.equal(new Reader(out).varint(), v);
      }),
      { numRuns: 2000 },
    );
  });
  it("varlongs round-trip over the whole int64 range", () => {
    fc.assert(
      fc.property(int64, (v) => {
        const out = new Writer().varlong(v).finish();
        assert.equal(out.length, sizeOfVarlong(v));
        assert.equal(new Reader(out).varlong(), v);
      }),
      { numRuns: 2000 },
    );
  });
  it("varlongAsNumber agrees with varlong for safe integers", () => {
    fc.assert(
      fc.property(fc.maxSafeInteger(), (v) => {
        const out = new Writer().varlong(v).finish();
        assert.equal(new Reader(out).varlongAsNumber(), v);
        assert.equal(new Reader(out).varlong(), BigInt(v));
      }),
      { numRuns: 2000 },
    );
  });
  it("a truncated varint is a decode error, never a wrong value", () => {
    fc.assert(
      fc.property(int64, (v) => {
        const out = new Writer().varlong(v).finish();
        if (out.length < 2) return;
        throwsDecodeError(() => new Reader(out.subarray(0, out.length - 1)).varlong());
      }),
      { numRuns: 500 },
    );
  });
});

describe("UUID and string properties", () => {
  it("UUIDs round-trip between bytes and Kafka's base64url text", () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 16, maxLength: 16 }), (b) => {
        const id = uuidFromBytes(b);
        assert.equal(id.length, 22);
        assert.deepEqual(uuidToBytes(id), b);
        // Java prints Uuid as URL-safe base64 without padding.
        assert.equal(id, Buffer.from(b).toString("base64url"));
      }),
    );
  });
  it("any string round-trips through every string form", () => {
    fc.assert(
      fc.property(fc.string({ unit: "grapheme", maxLength: 200 }), (s) => {
        const w = new Writer()
          .string(s)
          .compactString(s)
          .nullableString(s)
          .compactNullableString(s);
        const r = new Reader(w.finish());
        assert.equal(r.string(), s);
        assert.equal(r.compactString(), s);
        assert.equal(r.nullableString(), s);
        assert.equal(r.compactNullableString(), s);
        r.expectEnd("strings");
      }),
    );
  });
});

describe("Reader on random bytes", () => {
  it("every read either succeeds or raises ProtocolDecodeError", () => {
    const ops: ((r: Reader) => unknown)[] = [
      (r) => r.int8(),
      (r) => r.int16(),
      (r) => r.int32(),
      (r) => r.int64(),
      (r) => r.unsignedVarint(),
      (r) => r.varint(),
      (r) => r.varlong(),
      (r) => r.varlongAsNumber(),
      (r) => r.string(),
      (r) => r.nullableString(),
      (r) => r.compactString(),
      (r) => r.compactNullableString(),
      (r) => r.bytesField(),
      (r) => r.compactNullableBytes(),
      (r) => r.array((x) => x.int32()),
      (r) => r.compactArray((x) => x.compactString()),
      (r) => r.uuid(),
      (r) => r.taggedFields(),
    ];
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 64 }),
        fc.array(fc.nat(ops.length - 1), { maxLength: 20 }),
        (input, sequence) => {
          const r = new Reader(input);
          try {
            for (const i of sequence) ops[i]!(r);
          } catch (err) {
            if (!(err instanceof ProtocolDecodeError)) throw err;
          }
          assert.ok(r.position <= input.length);
        },
      ),
      { numRuns: 3000 },
    );
  });
});
