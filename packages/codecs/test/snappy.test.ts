import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { compressSync, uncompressSync } from "snappy";
import { CodecError } from "../src/codec.js";
import {
  createSnappyCodec,
  snappy,
  XERIAL_BLOCK_SIZE,
  XERIAL_HEADER_LENGTH,
  XERIAL_MAGIC,
} from "../src/snappy/index.js";

const text = new TextEncoder();
const HEADER = [0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00, 0, 0, 0, 1, 0, 0, 0, 1];

/** Telemetry-like JSON lines: repeated keys, varying ids and numbers. */
function telemetry(bytes: number): Uint8Array {
  const lines: string[] = [];
  let size = 0;
  for (let i = 0; size < bytes; i++) {
    const line = JSON.stringify({
      ts: 1_760_000_000_000 + i * 17,
      event: ["page_view", "click", "scroll", "error"][i % 4],
      session: ((i * 2654435761) >>> 0).toString(16).padStart(8, "0"),
      page: `/products/${(i * 7919) % 500}`,
      metrics: { latencyMs: (i * 37) % 2000, cls: ((i * 13) % 100) / 1000 },
    });
    lines.push(line);
    size += line.length + 1;
  }
  return text.encode(lines.join("\n")).subarray(0, bytes);
}

function int32BE(n: number): number[] {
  return [(n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff];
}

/** A hand-built xerial stream: the 16-byte header, then each block behind its BE length. */
function xerialFrame(...blocks: number[][]): Uint8Array {
  return Uint8Array.from([...HEADER, ...blocks.flatMap((b) => [...int32BE(b.length), ...b])]);
}

/** Splits our framed output into its raw blocks, checking the framing on the way. */
function chunksOf(framed: Uint8Array): Uint8Array[] {
  assert.deepEqual([...framed.subarray(0, XERIAL_HEADER_LENGTH)], HEADER);
  const view = new DataView(framed.buffer, framed.byteOffset, framed.byteLength);
  const chunks: Uint8Array[] = [];
  for (let pos = XERIAL_HEADER_LENGTH; pos < framed.length; ) {
    const len = view.getInt32(pos);
    assert.ok(len > 0 && pos + 4 + len <= framed.length, `chunk at ${pos} fits`);
    chunks.push(framed.subarray(pos + 4, pos + 4 + len));
    pos += 4 + len;
  }
  return chunks;
}

async function rejectsCorrupt(data: Uint8Array, pattern: RegExp): Promise<void> {
  await assert.rejects(snappy.decompress(data), (err: unknown) => {
    assert.ok(err instanceof CodecError, `a CodecError, not ${String(err)}`);
    assert.equal(err.code, "CODEC_CORRUPT");
    assert.equal(err.codec, "snappy");
    assert.match(err.message, /^snappy: /);
    assert.match(err.message, pattern);
    return true;
  });
}

describe("snappy codec", () => {
  it("is Kafka's codec id 2, named snappy, without levels", () => {
    assert.equal(snappy.id, 2);
    assert.equal(snappy.name, "snappy");
    assert.equal(snappy.level, undefined);
    const made = createSnappyCodec();
    assert.equal(made.id, 2);
    assert.notEqual(made, snappy);
  });

  it("writes the xerial header Java's SnappyOutputStream writes: magic, version 1, compatible version 1", async () => {
    assert.deepEqual([...XERIAL_MAGIC], [0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00]);
    const out = await snappy.compress(text.encode("hello, kafka"));
    assert.deepEqual([...out.subarray(0, 16)], HEADER);
  });

  it("compresses nothing to the bare header, and reads that back as nothing", async () => {
    const out = await snappy.compress(new Uint8Array(0));
    assert.deepEqual([...out], HEADER);
    assert.equal((await snappy.decompress(out)).length, 0);
  });

  it("cuts the input into 32 KiB blocks, each behind its int32 BE length, as Java does by default", async () => {
    assert.equal(XERIAL_BLOCK_SIZE, 32768);
    const input = telemetry(100_000);
    const chunks = chunksOf(await snappy.compress(input));
    assert.equal(chunks.length, 4);
    const sizes = chunks.map((c) => (uncompressSync(c) as Buffer).length);
    assert.deepEqual(sizes, [32768, 32768, 32768, 100_000 - 3 * 32768]);
  });

  it("native snappy (napi) decodes each of our blocks, and they join up to the input", async () => {
    for (const input of [telemetry(16 * 1024), telemetry(300 * 1024), telemetry(1)]) {
      const chunks = chunksOf(await snappy.compress(input));
      const joined = Buffer.concat(chunks.map((c) => uncompressSync(c) as Buffer));
      assert.ok(joined.equals(input), `${input.length} bytes`);
    }
  });

  it("compresses telemetry JSON to less than a third of its size", async () => {
    const input = telemetry(300 * 1024);
    const out = await snappy.compress(input);
    assert.ok(out.length < input.length / 3, `${out.length} of ${input.length}`);
  });

  it("reads raw snappy blocks from native snappy, as Kafka's SnappyInputStream does", async () => {
    for (const input of [telemetry(300 * 1024), new Uint8Array(0), text.encode("x")]) {
      const raw = new Uint8Array(compressSync(Buffer.from(input)));
      const back = await snappy.decompress(raw);
      assert.ok(Buffer.from(back).equals(input), `${input.length} bytes`);
      assert.equal(Object.getPrototypeOf(back), Uint8Array.prototype, "a plain Uint8Array");
    }
  });

  it("round-trips incompressible bytes with bounded growth", async () => {
    const input = new Uint8Array(200_000);
    let x = 1;
    for (let i = 0; i < input.length; i++) {
      x = (Math.imul(x, 1103515245) + 12345) >>> 0;
      input[i] = x >>> 24;
    }
    const out = await snappy.compress(input);
    assert.ok(out.length < input.length * 1.01 + 64, `${out.length}`);
    assert.deepEqual(await snappy.decompress(out), input);
  });

  it("reads a Uint8Array view into a larger buffer and a Node Buffer alike", async () => {
    const input = telemetry(70_000);
    const big = new Uint8Array(input.length + 100);
    big.set(input, 50);
    const view = big.subarray(50, 50 + input.length);
    const fromView = await snappy.compress(view);
    assert.deepEqual(fromView, await snappy.compress(input));
    assert.deepEqual(await snappy.decompress(Buffer.from(fromView)), input);
  });

  it("rejects input that is not a Uint8Array, naming what it got", async () => {
    for (const call of [
      () => snappy.compress("text" as never),
      () => snappy.decompress("text" as never),
    ]) {
      await assert.rejects(call(), {
        code: "INVALID_ARGUMENT",
        message: /snappy: data must be a Uint8Array; received "text"/,
      });
    }
  });
});

describe("snappy block decoding, element by element (google/snappy format_description.txt)", () => {
  const decode = async (...block: number[]) =>
    new TextDecoder().decode(await snappy.decompress(xerialFrame(block)));

  it("a short literal: length-1 in the tag", async () => {
    assert.equal(await decode(5, 4 << 2, ...text.encode("hello")), "hello");
  });

  it("a long literal: tag 60 and one length byte, tag 61 and two", async () => {
    const a = "a".repeat(200);
    assert.equal(await decode(200, 1, 60 << 2, 199, ...text.encode(a)), a);
    const b = "b".repeat(1000);
    assert.equal(await decode(0xe8, 0x07, 61 << 2, 999 & 0xff, 999 >> 8, ...text.encode(b)), b);
  });

  it("a copy with a 1-byte offset", async () => {
    // "abcd", then copy 8 bytes from 4 back: 0b01 | (8-4)<<2 | offset-high<<5, offset-low.
    assert.equal(
      await decode(12, 3 << 2, ...text.encode("abcd"), 0x01 | (4 << 2), 4),
      "abcd".repeat(3),
    );
  });

  it("a copy with a 2-byte offset that overlaps what it writes (a run)", async () => {
    assert.equal(await decode(65, 0, 0x61, 0x02 | (63 << 2), 1, 0), "a".repeat(65));
  });

  it("a copy with a 4-byte offset", async () => {
    assert.equal(
      await decode(8, 3 << 2, ...text.encode("wxyz"), 0x03 | (3 << 2), 4, 0, 0, 0),
      "wxyzwxyz",
    );
  });

  it("a hand-written frame with two blocks, and two streams one after the other", async () => {
    const two = xerialFrame([3, 2 << 2, ...text.encode("abc")], [3, 2 << 2, ...text.encode("def")]);
    assert.equal(new TextDecoder().decode(await snappy.decompress(two)), "abcdef");
    const again = Uint8Array.from([...two, ...two]);
    assert.equal(new TextDecoder().decode(await snappy.decompress(again)), "abcdefabcdef");
  });
});

describe("corrupt snappy input fails with CODEC_CORRUPT", () => {
  const hello = [5, 4 << 2, ...text.encode("hello")];

  it("empty input", () => rejectsCorrupt(new Uint8Array(0), /empty input/));

  it("a header cut short", () =>
    rejectsCorrupt(Uint8Array.from(HEADER.slice(0, 12)), /cut short or has the wrong magic/));

  it("a header needing a newer reader", async () => {
    const frame = xerialFrame(hello);
    frame[15] = 2;
    await rejectsCorrupt(frame, /needs reader version 2/);
  });

  it("a chunk length past the end", async () => {
    const frame = xerialFrame(hello);
    frame[19]! += 1;
    await rejectsCorrupt(frame, /claims 8 bytes; 7 remain/);
  });

  it("a chunk length cut short", () =>
    rejectsCorrupt(Uint8Array.from([...xerialFrame(hello), 0, 0]), /chunk length cut short/));

  it("a literal running past the end of its block", () =>
    rejectsCorrupt(xerialFrame([5, 4 << 2, ...text.encode("hell")]), /runs past the end/));

  it("a copy reaching before the start of the output", () =>
    rejectsCorrupt(xerialFrame([8, 3 << 2, ...text.encode("abcd"), 0x01, 5]), /offset 5/));

  it("a copy with offset 0", () =>
    rejectsCorrupt(xerialFrame([8, 3 << 2, ...text.encode("abcd"), 0x01, 0]), /offset 0/));

  it("a copy reaching into the previous block", () =>
    rejectsCorrupt(xerialFrame(hello, [4, 0x01, 4]), /offset 4 .* outside the output so far/));

  it("blocks that produce more or fewer bytes than they declare", async () => {
    await rejectsCorrupt(xerialFrame([4, 4 << 2, ...text.encode("hello")]), /overruns/);
    await rejectsCorrupt(
      xerialFrame([6, 4 << 2, ...text.encode("hello")]),
      /produced 5 bytes but declared 6/,
    );
  });

  it("a declared length no block of that size could produce is refused before allocating", () =>
    rejectsCorrupt(xerialFrame([0xff, 0xff, 0xff, 0xff, 0x0f, 0]), /claims 4294967295 bytes/));

  it("a length varint longer than 32 bits", () =>
    rejectsCorrupt(xerialFrame([0xff, 0xff, 0xff, 0xff, 0x7f, 0]), /over 32 bits/));

  it("a raw block cut short", async () => {
    const raw = new Uint8Array(compressSync(Buffer.from(telemetry(5000))));
    await rejectsCorrupt(raw.subarray(0, raw.length - 3), /./);
  });
});
