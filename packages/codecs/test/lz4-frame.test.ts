import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { CodecError } from "../src/codec.js";
import { createLz4Codec, lz4 } from "../src/lz4/index.js";
import { xxhash32 } from "../src/lz4/xxhash32.js";
import { randomBytes, telemetryJson } from "./lz4-data.js";
import { buildFrame } from "./lz4-frame-builder.js";

const KB = 1024;
const concat = (...parts: Uint8Array[]) => new Uint8Array(Buffer.concat(parts));
const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");
const u32le = (b: Uint8Array, at: number) =>
  new DataView(b.buffer, b.byteOffset).getUint32(at, true);

/** The sizes words of a frame without content size or checksums, walked from byte 7. */
function blockWords(frame: Uint8Array, checksums = false): number[] {
  const words: number[] = [];
  for (let at = 7; ; ) {
    const word = u32le(frame, at);
    words.push(word);
    if (word === 0) return words;
    at += 4 + (word & 0x7fffffff) + (checksums ? 4 : 0);
  }
}

async function assertCorrupt(frame: Uint8Array, message: RegExp): Promise<void> {
  await assert.rejects(lz4.decompress(frame), (err: unknown) => {
    assert.ok(err instanceof CodecError, `a CodecError, got ${String(err)}`);
    assert.equal(err.code, "CODEC_CORRUPT");
    assert.equal(err.codec, "lz4");
    assert.match(err.message, /^lz4: /);
    assert.match(err.message, message);
    return true;
  });
}

describe("lz4 frame writer: the bytes Kafka's Lz4BlockOutputStream writes", () => {
  it("is Kafka's codec 3 named lz4", () => {
    assert.equal(lz4.id, 3);
    assert.equal(lz4.name, "lz4");
  });

  it("writes magic 0x184D2204, FLG 0x60, BD 0x40 and the header checksum (xxhash32 >> 8) & 0xFF", async () => {
    const frame = await lz4.compress(telemetryJson(1000));
    assert.equal(hex(frame.subarray(0, 4)), "04224d18");
    assert.equal(frame[4], 0x60, "FLG: version 01, independent blocks, no checksums, no size");
    assert.equal(frame[5], 0x40, "BD: 64 KB blocks");
    assert.equal(frame[6], (xxhash32(Uint8Array.of(0x60, 0x40)) >>> 8) & 0xff);
    assert.equal(frame[6], 0x82);
  });

  it("writes an empty input as header and end mark only, as Kafka does", async () => {
    const frame = await lz4.compress(new Uint8Array());
    assert.equal(hex(frame), "04224d1860408200000000");
    assert.deepEqual(await lz4.decompress(frame), new Uint8Array());
  });

  it("cuts input into 64 KB blocks and ends with a zero end mark and no content checksum", async () => {
    const data = telemetryJson(200 * KB);
    const frame = await lz4.compress(data);
    const words = blockWords(frame);
    assert.equal(words.length, 5, "4 blocks and the end mark");
    assert.equal(words.at(-1), 0);
    // Every block compressed (high bit clear) and smaller than its 64 KB of input.
    for (const w of words.slice(0, -1)) assert.ok(w > 0 && w < 64 * KB, `word 0x${w.toString(16)}`);
    let end = 7;
    for (const w of words) end += 4 + (w & 0x7fffffff);
    assert.equal(end, frame.length, "nothing after the end mark");
    assert.deepEqual(await lz4.decompress(frame), data);
  });

  it("stores a block that does not shrink uncompressed, with the size word's high bit set", async () => {
    const data = randomBytes(70 * KB);
    const frame = await lz4.compress(data);
    assert.deepEqual(blockWords(frame), [
      (0x80000000 | (64 * KB)) >>> 0,
      (0x80000000 | (6 * KB)) >>> 0,
      0,
    ]);
    assert.deepEqual(frame.subarray(11, 11 + 64 * KB), data.subarray(0, 64 * KB));
    assert.equal(frame.length, 7 + 4 + 64 * KB + 4 + 6 * KB + 4);
  });

  it("mixes stored and compressed blocks in one frame", async () => {
    const data = new Uint8Array(128 * KB);
    data.set(randomBytes(64 * KB), 0);
    data.set(telemetryJson(64 * KB), 64 * KB);
    const frame = await lz4.compress(data);
    const [first, second, end] = blockWords(frame);
    assert.equal(first, (0x80000000 | (64 * KB)) >>> 0);
    assert.ok(second! < 32 * KB);
    assert.equal(end, 0);
    assert.deepEqual(await lz4.decompress(frame), data);
  });

  it("with blockChecksum writes FLG 0x70 and xxhash32 of each block's stored bytes after it", async () => {
    const codec = createLz4Codec({ blockChecksum: true });
    const data = new Uint8Array(100 * KB);
    data.set(telemetryJson(64 * KB));
    data.set(randomBytes(36 * KB), 64 * KB);
    const frame = await codec.compress(data);
    assert.equal(frame[4], 0x70);
    assert.equal(frame[6], (xxhash32(Uint8Array.of(0x70, 0x40)) >>> 8) & 0xff);
    let at = 7;
    for (let block = 0; block < 2; block++) {
      const size = u32le(frame, at) & 0x7fffffff;
      assert.equal(u32le(frame, at + 4 + size), xxhash32(frame, 0, at + 4, at + 4 + size));
      at += 4 + size + 4;
    }
    assert.equal(u32le(frame, at), 0);
    assert.equal(at + 4, frame.length);
    assert.deepEqual(await lz4.decompress(frame), data);
  });

  for (const [blockSize, bd] of [
    [262144, 0x50],
    [1048576, 0x60],
    [4194304, 0x70],
  ] as const) {
    it(`with blockSize ${blockSize} writes BD 0x${bd.toString(16)} and blocks of that size`, async () => {
      const codec = createLz4Codec({ blockSize });
      const data = randomBytes(blockSize + 10);
      const frame = await codec.compress(data);
      assert.equal(frame[5], bd);
      assert.equal(frame[6], (xxhash32(Uint8Array.of(0x60, bd)) >>> 8) & 0xff);
      assert.deepEqual(blockWords(frame), [
        (0x80000000 | blockSize) >>> 0,
        (0x80000000 | 10) >>> 0,
        0,
      ]);
      assert.deepEqual(await codec.decompress(frame), data);
    });
  }

  it("refuses options Kafka's frame cannot express, naming the option", () => {
    assert.throws(
      () => createLz4Codec({ blockSize: 100_000 as 65536 }),
      (e: unknown) =>
        e instanceof RangeError &&
        /blockSize must be 65536, 262144, 1048576 or 4194304, got 100000/.test(e.message),
    );
    assert.throws(
      () => createLz4Codec({ blockChecksum: "yes" as unknown as boolean }),
      (e: unknown) => e instanceof TypeError && /blockChecksum must be a boolean/.test(e.message),
    );
  });

  it("rejects input that is not a Uint8Array", async () => {
    await assert.rejects(
      lz4.compress("text" as unknown as Uint8Array),
      /lz4: compress takes a Uint8Array, got string/,
    );
    await assert.rejects(
      lz4.decompress(null as unknown as Uint8Array),
      /lz4: decompress takes a Uint8Array, got null/,
    );
  });

  it("compresses a view into a larger buffer from its own offset", async () => {
    const backing = telemetryJson(90 * KB);
    const view = backing.subarray(1234, 1234 + 70 * KB);
    assert.deepEqual(await lz4.decompress(await lz4.compress(view)), view.slice());
  });
});

describe("lz4 round trip", () => {
  const sizes = fc.oneof(
    fc.constant(0),
    fc.integer({ min: 1, max: 100 }),
    fc.integer({ min: 64 * KB - 16, max: 64 * KB + 16 }),
    fc.integer({ min: 1, max: 300 * KB }),
  );
  const inputs = fc.oneof(
    // Incompressible.
    fc.uint8Array({ maxLength: 200 * KB }),
    // Highly repetitive: a short pattern over and over, up to several blocks.
    fc
      .tuple(fc.uint8Array({ minLength: 1, maxLength: 9 }), sizes)
      .map(([pattern, size]) =>
        Uint8Array.from({ length: size }, (_, i) => pattern[i % pattern.length]!),
      ),
    // Telemetry JSON, including multi-block.
    fc
      .tuple(sizes, fc.integer({ min: 1, max: 1000 }))
      .map(([size, seed]) => telemetryJson(size, seed)),
    // Runs of a few byte values: long matches and long literals alternate.
    fc
      .array(fc.tuple(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 1, max: 3000 })), {
        maxLength: 100,
      })
      .map((runs) => Uint8Array.from(runs.flatMap(([b, n]) => new Array<number>(n).fill(b)))),
  );

  it("decompress(compress(x)) is x, for empty, tiny, incompressible, repetitive and multi-block inputs", async () => {
    await fc.assert(
      fc.asyncProperty(inputs, async (data) => {
        assert.deepEqual(await lz4.decompress(await lz4.compress(data)), data);
      }),
      { numRuns: 150 },
    );
  });

  it("holds for every block size and with block checksums", async () => {
    await fc.assert(
      fc.asyncProperty(
        inputs,
        fc.constantFrom(65536, 262144, 1048576, 4194304) as fc.Arbitrary<
          65536 | 262144 | 1048576 | 4194304
        >,
        fc.boolean(),
        async (data, blockSize, blockChecksum) => {
          const codec = createLz4Codec({ blockSize, blockChecksum });
          assert.deepEqual(await codec.decompress(await codec.compress(data)), data);
        },
      ),
      { numRuns: 60 },
    );
  });

  it("a 1 MB telemetry payload compresses at least 3:1 and comes back identical", async () => {
    const data = telemetryJson(1024 * KB);
    const frame = await lz4.compress(data);
    assert.ok(frame.length * 3 < data.length, `ratio ${(data.length / frame.length).toFixed(2)}`);
    assert.deepEqual(await lz4.decompress(frame), data);
  });
});

describe("lz4 frame reader: what Kafka's Lz4BlockInputStream accepts", () => {
  const json = telemetryJson(3000);
  const more = telemetryJson(2000, 9);

  it("reads frames with block checksums (FLG 0x70)", async () => {
    const frame = buildFrame({ flg: 0x70, blocks: [{ data: json }, { data: more, stored: true }] });
    assert.deepEqual(await lz4.decompress(frame), concat(json, more));
  });

  it("reads frames with a content size (FLG 0x68), checked against the output", async () => {
    const frame = buildFrame({ contentSize: 5000, blocks: [{ data: json }, { data: more }] });
    assert.equal(frame[4], 0x68);
    assert.deepEqual(await lz4.decompress(frame), concat(json, more));
  });

  it("reads frames with a content checksum (FLG 0x64), and checks it", async () => {
    const frame = buildFrame({ flg: 0x64, blocks: [{ data: json }] });
    assert.deepEqual(await lz4.decompress(frame), json);
  });

  it("reads frames with all optional fields at once (FLG 0x7C)", async () => {
    const frame = buildFrame({ flg: 0x74, contentSize: 3000, blocks: [{ data: json }] });
    assert.equal(frame[4], 0x7c);
    assert.deepEqual(await lz4.decompress(frame), json);
  });

  for (const bd of [0x50, 0x60, 0x70]) {
    it(`reads frames with BD 0x${bd.toString(16)} and blocks larger than 64 KB`, async () => {
      const big = telemetryJson(200 * KB);
      const frame = buildFrame({ bd, blocks: [{ data: big }, { data: json, stored: true }] });
      assert.deepEqual(await lz4.decompress(frame), concat(big, json));
    });
  }

  it("reads a frame of 1,000 small blocks", async () => {
    const blocks = Array.from({ length: 1000 }, (_, i) => ({
      data: json.subarray(i, i + 3),
      stored: i % 2 === 0,
    }));
    const frame = buildFrame({ blocks });
    assert.deepEqual(await lz4.decompress(frame), concat(...blocks.map((b) => b.data)));
  });
});

describe("lz4 frame reader: what it refuses, as CODEC_CORRUPT", () => {
  const json = telemetryJson(3000);

  it("a wrong magic number", () =>
    assertCorrupt(
      Uint8Array.of(1, 2, 3, 4, 0x60, 0x40, 0x82, 0, 0, 0, 0),
      /not an LZ4 frame: magic 0x4030201/,
    ));
  it("input shorter than a header", () =>
    assertCorrupt(Uint8Array.of(0x04, 0x22, 0x4d), /frame ends inside the frame header/));
  it("dependent blocks (FLG 0x40, as lz4js and kafka-lz4-lite write), which Kafka rejects", () =>
    assertCorrupt(buildFrame({ flg: 0x40, blocks: [{ data: json }] }), /dependent blocks/));
  it("a frame version other than 1", () =>
    assertCorrupt(buildFrame({ flg: 0xa0, blocks: [] }), /frame version 2 is not 1/));
  it("the reserved FLG bit", () =>
    assertCorrupt(buildFrame({ flg: 0x62, blocks: [] }), /reserved or dictionary-id FLG bits/));
  it("a dictionary id (FLG bit 0), which Kafka's reader treats as reserved", () =>
    assertCorrupt(buildFrame({ flg: 0x61, blocks: [] }), /reserved or dictionary-id FLG bits/));
  it("reserved BD bits", async () => {
    await assertCorrupt(buildFrame({ bd: 0xc0, blocks: [] }), /reserved BD bits/);
    await assertCorrupt(buildFrame({ bd: 0x41, blocks: [] }), /reserved BD bits/);
  });
  it("block size ids below 4", () =>
    assertCorrupt(buildFrame({ bd: 0x30, blocks: [] }), /block size id 3 is not in 4..7/));
  it("a wrong header checksum", () =>
    assertCorrupt(buildFrame({ hc: 0x83, blocks: [] }), /header checksum 0x83 is not 0x82/));
  it("a block larger than the frame's block size", () =>
    assertCorrupt(
      buildFrame({ blocks: [{ data: randomBytes(64 * KB + 1), stored: true }] }),
      /65537 bytes exceeds the 65536-byte maximum/,
    ));
  it("a compressed block that decodes to more than the block size", () =>
    assertCorrupt(
      buildFrame({ blocks: [{ data: new Uint8Array(64 * KB + 1) }] }),
      /decodes to more than 65536 bytes/,
    ));
  it("a wrong block checksum", () =>
    assertCorrupt(
      buildFrame({ flg: 0x70, blockChecksum: 1, blocks: [{ data: json }] }),
      /block 0: checksum mismatch/,
    ));
  it("a wrong content checksum", () =>
    assertCorrupt(
      buildFrame({ flg: 0x64, contentChecksum: 1, blocks: [{ data: json }] }),
      /content checksum mismatch/,
    ));
  it("a content size that differs from the blocks", () =>
    assertCorrupt(
      buildFrame({ contentSize: 2999, blocks: [{ data: json }] }),
      /content size is 2999 but the blocks hold 3000 bytes/,
    ));
  it("a missing end mark", () =>
    assertCorrupt(
      buildFrame({ noEndMark: true, blocks: [{ data: json }] }),
      /frame ends inside the block size/,
    ));
  it("bytes after the end mark", () =>
    assertCorrupt(
      buildFrame({ blocks: [{ data: json }], trailing: Uint8Array.of(0) }),
      /1 bytes after the frame's end mark/,
    ));

  it("a match that reaches before its block (blocks are independent)", async () => {
    // Literal "abcd", then a match at offset 5: one byte before the block's start.
    const block = Uint8Array.of(0x40, 0x61, 0x62, 0x63, 0x64, 0x05, 0x00, 0x10, 0x7a);
    const frame = buildFrame({ blocks: [{ data: block, stored: true }] });
    const compressed = frame.slice();
    compressed[10] = 0x00; // clear the stored bit: the same bytes as a compressed block
    await assertCorrupt(compressed, /block 0: match offset 5 at byte 4 points before the block/);
  });

  it("a zero match offset", async () => {
    const frame = buildFrame({
      blocks: [{ data: Uint8Array.of(0x10, 0x61, 0x00, 0x00, 0x00), stored: true }],
    });
    frame[10] = 0;
    await assertCorrupt(frame, /match offset 0/);
  });

  it("a block that ends after a match instead of with literals", async () => {
    const frame = buildFrame({
      blocks: [{ data: Uint8Array.of(0x10, 0x61, 0x01, 0x00), stored: true }],
    });
    frame[10] = 0;
    await assertCorrupt(frame, /block ends without its final literals/);
  });

  it("every truncation of a valid frame", async () => {
    const frame = buildFrame({
      flg: 0x74,
      contentSize: 6000,
      blocks: [{ data: json }, { data: json, stored: true }],
    });
    for (let length = 0; length < frame.length; length++) {
      await assertCorrupt(frame.subarray(0, length), /./);
    }
  });

  it("random bytes and corrupted frames: CODEC_CORRUPT or a result, never another error", async () => {
    const valid = await lz4.compress(telemetryJson(100 * KB));
    const checked = await createLz4Codec({ blockChecksum: true }).compress(telemetryJson(20 * KB));
    const outcome = async (bytes: Uint8Array) => {
      try {
        await lz4.decompress(bytes);
      } catch (err) {
        assert.ok(err instanceof CodecError && err.code === "CODEC_CORRUPT", `got ${String(err)}`);
      }
    };
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.uint8Array({ maxLength: 2000 }),
          // A valid header followed by random blocks.
          fc
            .uint8Array({ maxLength: 2000 })
            .map((tail) => Buffer.concat([valid.subarray(0, 7), tail])),
          // A valid frame with a few bytes changed.
          fc
            .array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), {
              minLength: 1,
              maxLength: 8,
            })
            .chain((edits) =>
              fc.constantFrom(valid, checked).map((frame) => {
                const copy = frame.slice();
                for (const [at, value] of edits) copy[at % copy.length] = value;
                return copy;
              }),
            ),
        ),
        outcome,
      ),
      { numRuns: 400 },
    );
  });

  it("any corrupted byte of a frame with block checksums is caught", async () => {
    const frame = await createLz4Codec({ blockChecksum: true }).compress(telemetryJson(10 * KB));
    for (let at = 0; at < frame.length; at += 7) {
      const copy = frame.slice();
      copy[at]! ^= 0x20;
      await assertCorrupt(copy, /./);
    }
  });
});
