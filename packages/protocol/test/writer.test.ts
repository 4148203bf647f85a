import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { MessageWriter, ProtocolEncodeError, Reader, Writer } from "../src/index.js";

/** Hex of what a fresh Writer holds after `write` ran on it. */
function hex(write: (w: Writer) => unknown): string {
  const w = new Writer(16);
  write(w);
  return Buffer.from(w.finish()).toString("hex");
}

describe("Writer fixed-width integers are big-endian two's complement", () => {
  it("int8", () => {
    assert.equal(
      hex((w) => w.int8(0).int8(127).int8(-1).int8(-128)),
      "007fff80",
    );
  });
  it("int16 and uint16", () => {
    assert.equal(
      hex((w) => w.int16(0x0102).int16(-2).uint16(0xfffe)),
      "0102fffefffe",
    );
  });
  it("int32 and uint32", () => {
    assert.equal(
      hex((w) => w.int32(0x01020304).int32(-1)),
      "01020304ffffffff",
    );
    assert.equal(
      hex((w) => w.uint32(0xdeadbeef)),
      "deadbeef",
    );
  });
  it("int64 from bigint and from a safe number", () => {
    assert.equal(
      hex((w) => w.int64(0x0102030405060708n)),
      "0102030405060708",
    );
    assert.equal(
      hex((w) => w.int64(-1)),
      "ffffffffffffffff",
    );
    assert.equal(
      hex((w) => w.int64(-(2n ** 63n))),
      "8000000000000000",
    );
  });
  it("float64 and boolean", () => {
    assert.equal(
      hex((w) => w.float64(1.5)),
      "3ff8000000000000",
    );
    assert.equal(
      hex((w) => w.boolean(true).boolean(false)),
      "0100",
    );
  });
});

describe("Writer varints match Kafka's ByteUtils encodings", () => {
  // Expected bytes follow ByteUtils.writeUnsignedVarint / writeVarint / writeVarlong:
  // https://github.com/apache/kafka/blob/4.1.1/clients/src/main/java/org/apache/kafka/common/utils/ByteUtils.java
  const unsigned: [number, string][] = [
    [0, "00"],
    [1, "01"],
    [127, "7f"],
    [128, "8001"],
    [300, "ac02"],
    [16383, "ff7f"],
    [16384, "808001"],
    [0x7fffffff, "ffffffff07"],
    [0xffffffff, "ffffffff0f"],
  ];
  for (const [value, bytes] of unsigned) {
    it(`unsigned varint ${value} -> ${bytes}`, () => {
      assert.equal(
        hex((w) => w.unsignedVarint(value)),
        bytes,
      );
    });
  }
  const signed: [number, string][] = [
    [0, "00"],
    [-1, "01"],
    [1, "02"],
    [-2, "03"],
    [63, "7e"],
    [-64, "7f"],
    [64, "8001"],
    [2147483647, "feffffff0f"],
    [-2147483648, "ffffffff0f"],
  ];
  for (const [value, bytes] of signed) {
    it(`zigzag varint ${value} -> ${bytes}`, () => {
      assert.equal(
        hex((w) => w.varint(value)),
        bytes,
      );
    });
  }
  it("varlong beyond 32 bits", () => {
    assert.equal(
      hex((w) => w.varlong(2 ** 32)),
      "8080808020",
    );
    assert.equal(
      hex((w) => w.varlong(2n ** 63n - 1n)),
      "feffffffffffffffff01",
    );
    assert.equal(
      hex((w) => w.varlong(-(2n ** 63n))),
      "ffffffffffffffffff01",
    );
  });
  it("varlong of a small number is the same bytes as a varint", () => {
    assert.equal(
      hex((w) => w.varlong(-3)),
      hex((w) => w.varint(-3)),
    );
    assert.equal(
      hex((w) => w.varlong(-3n)),
      hex((w) => w.varint(-3)),
    );
  });
});

describe("Writer strings and bytes", () => {
  it("STRING is an int16 length then UTF-8", () => {
    assert.equal(
      hex((w) => w.string("hé")),
      "000368c3a9",
    );
    assert.equal(
      hex((w) => w.string("")),
      "0000",
    );
  });
  it("NULLABLE_STRING null is length -1", () => {
    assert.equal(
      hex((w) => w.nullableString(null)),
      "ffff",
    );
  });
  it("COMPACT_STRING is a varint of length+1; null is 0", () => {
    assert.equal(
      hex((w) => w.compactString("ab")),
      "036162",
    );
    assert.equal(
      hex((w) => w.compactNullableString(null)),
      "00",
    );
    assert.equal(
      hex((w) => w.compactString("")),
      "01",
    );
  });
  it("a string with a surrogate pair counts 4 UTF-8 bytes", () => {
    assert.equal(
      hex((w) => w.compactString("😀")),
      "05f09f9880",
    );
  });
  it("BYTES, NULLABLE_BYTES and their compact forms", () => {
    assert.equal(
      hex((w) => w.bytes(Uint8Array.of(9, 8))),
      "000000020908",
    );
    assert.equal(
      hex((w) => w.nullableBytes(null)),
      "ffffffff",
    );
    assert.equal(
      hex((w) => w.compactBytes(Uint8Array.of(7))),
      "0207",
    );
    assert.equal(
      hex((w) => w.compactNullableBytes(null)),
      "00",
    );
  });
});

describe("Writer arrays, UUIDs and tagged fields", () => {
  const item = (w: Writer, v: number) => w.int8(v);
  it("ARRAY has an int32 count; null is -1", () => {
    assert.equal(
      hex((w) => w.array([1, 2], item)),
      "000000020102",
    );
    assert.equal(
      hex((w) => w.nullableArray(null, item)),
      "ffffffff",
    );
  });
  it("COMPACT_ARRAY has a varint count+1; null is 0", () => {
    assert.equal(
      hex((w) => w.compactArray([5], item)),
      "0205",
    );
    assert.equal(
      hex((w) => w.compactNullableArray(null, item)),
      "00",
    );
    assert.equal(
      hex((w) => w.compactArray([], item)),
      "01",
    );
  });
  it("UUID is 16 raw bytes", () => {
    // "AAECAwQFBgcICQoLDA0ODw" is base64url of bytes 00..0f.
    assert.equal(
      hex((w) => w.uuid("AAECAwQFBgcICQoLDA0ODw")),
      "000102030405060708090a0b0c0d0e0f",
    );
  });
  it("tagged fields: count, then tag, size and data for each", () => {
    assert.equal(
      hex((w) => w.taggedFields()),
      "00",
    );
    assert.equal(
      hex((w) =>
        w.taggedFields([
          { tag: 0, data: Uint8Array.of(0xaa) },
          { tag: 3, data: new Uint8Array() },
        ]),
      ),
      "020001aa0300",
    );
  });
  it("tagged fields out of order are refused", () => {
    assert.throws(
      () =>
        new Writer().taggedFields([
          { tag: 2, data: new Uint8Array() },
          { tag: 1, data: new Uint8Array() },
        ]),
      ProtocolEncodeError,
    );
  });
});

describe("Writer back-patching and growth", () => {
  it("skip reserves zeroed bytes that setInt32At fills later", () => {
    const w = new Writer(16);
    const at = w.skip(4);
    w.int8(7);
    w.setInt32At(at, w.length - 4);
    assert.equal(Buffer.from(w.finish()).toString("hex"), "0000000107");
  });
  it("grows past its initial capacity without losing bytes", () => {
    const w = new Writer(16);
    for (let i = 0; i < 1000; i++) w.int32(i);
    const out = w.finish();
    assert.equal(out.length, 4000);
    const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
    assert.equal(view.getInt32(4 * 999), 999);
  });

  it("grows under every write Writer adds to MessageWriter, without losing bytes", () => {
    const w = new Writer(16);
    for (let i = 0; i < 200; i++) {
      w.int8(-1)
        .uint16(0xfffe)
        .uint32(0xfffffffd)
        .float64(0.5)
        .varlong(-(2n ** 62n));
    }
    const r = new Reader(w.finish());
    for (let i = 0; i < 200; i++) {
      assert.deepEqual(
        [r.int8(), r.uint16(), r.uint32(), r.float64(), r.varlong()],
        [-1, 0xfffe, 0xfffffffd, 0.5, -(2n ** 62n)],
      );
    }
    assert.equal(r.remaining, 0);
  });

  it("is a MessageWriter, so the message codecs take it", () => {
    assert.ok(new Writer() instanceof MessageWriter);
  });
});

describe("Writer refuses values a field cannot hold, naming the type and value", () => {
  const cases: [string, (w: Writer) => unknown, RegExp][] = [
    [
      "int8 overflow",
      (w) => w.int8(128),
      /int8: must be an integer in \[-128, 127\]; received 128/,
    ],
    ["int16 fraction", (w) => w.int16(1.5), /int16.*received 1\.5/],
    ["int32 overflow", (w) => w.int32(2 ** 31), /int32/],
    ["uint32 negative", (w) => w.uint32(-1), /uint32/],
    ["unsafe int64 number", (w) => w.int64(2 ** 60), /int64: a number must be a safe integer/],
    ["int64 bigint overflow", (w) => w.int64(2n ** 63n), /int64: must fit in 64 signed bits/],
    ["varint overflow", (w) => w.varint(2 ** 31), /varint/],
    ["NaN", (w) => w.int32(Number.NaN), /received NaN/],
    ["bad uuid", (w) => w.uuid("not-a-uuid"), /uuid: must be 22 characters/],
    [
      "string too long",
      (w) => w.string("x".repeat(40000)),
      /string byte length.*a string|received 40000/,
    ],
  ];
  for (const [name, write, message] of cases) {
    it(name, () => {
      assert.throws(
        () => write(new Writer()),
        (err: unknown) => err instanceof ProtocolEncodeError && message.test(err.message),
      );
    });
  }
});
