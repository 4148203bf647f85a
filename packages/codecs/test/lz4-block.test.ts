import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import lz4napi from "lz4-napi";
import { CodecError } from "../src/codec.js";
import { BlockCorrupt, scanBlock } from "../src/lz4/block-scan.js";
import { lz4 } from "../src/lz4/index.js";
import { instantiateLz4Wasm } from "../src/lz4/wasm.js";
import { compileEmbeddedWasm } from "../src/lz4/wasm-embedded.js";
import { prng, randomBytes, telemetryJson } from "./lz4-data.js";

/**
 * Our block codec (native/lz4/lz4-block.c, built to the wasm the entry embeds), checked block by
 * block: against lz4-napi's block decoder and encoder (lz4_flex, test-only), against the
 * format's end-of-block rules, and against malformed input.
 */

const KB = 1024;
const module = await compileEmbeddedWasm();
const { compressBlock, decompressBlock } = await instantiateLz4Wasm(module);

/** The raw exports, to see decompress_block's own verdict rather than the binding's. */
const raw = new WebAssembly.Instance(module, {}).exports as unknown as {
  memory: WebAssembly.Memory;
  scratch_base(): number;
  decompress_block(src: number, srcLen: number, dst: number, dstCap: number): number;
};

/** Our block for `data`, or undefined when the compressor declines (it would not shrink). */
function ourBlock(data: Uint8Array): Uint8Array | undefined {
  const out = new Uint8Array(data.length);
  const n = compressBlock(data, 0, data.length, out, 0);
  return n < 0 ? undefined : out.slice(0, n);
}

/** lz4-napi's block functions keep the decoded size in 4 bytes in front of the block. */
function withSize(block: Uint8Array, size: number): Buffer {
  const b = Buffer.alloc(4 + block.length);
  b.writeUInt32LE(size, 0);
  b.set(block, 4);
  return b;
}

/** decompress_block called directly, the block at scratch_base and dstCap bytes after it. */
function rawDecompress(block: Uint8Array, dstCap: number): number {
  const base = raw.scratch_base();
  const short = base + block.length + dstCap - raw.memory.buffer.byteLength;
  if (short > 0) raw.memory.grow(Math.ceil(short / 65536));
  new Uint8Array(raw.memory.buffer).set(block, base);
  return raw.decompress_block(base, block.length, base + block.length, dstCap);
}

/** Start and end (in decoded bytes) of every match in a well-formed block. */
function matches(block: Uint8Array): { start: number; end: number }[] {
  const found: { start: number; end: number }[] = [];
  let ip = 0;
  let op = 0;
  for (;;) {
    const token = block[ip++]!;
    let literals = token >>> 4;
    if (literals === 15) for (let b = 255; b === 255; literals += b) b = block[ip++]!;
    ip += literals;
    op += literals;
    if (ip === block.length) return found;
    ip += 2;
    let length = token & 15;
    if (length === 15) for (let b = 255; b === 255; length += b) b = block[ip++]!;
    found.push({ start: op, end: op + length + 4 });
    op += length + 4;
  }
}

const inputs = fc.oneof(
  fc.uint8Array({ maxLength: 2 * KB }),
  fc
    .tuple(fc.integer({ min: 0, max: 200 * KB }), fc.integer({ min: 1, max: 50 }))
    .map(([size, seed]) => telemetryJson(size, seed)),
  fc
    .tuple(fc.uint8Array({ minLength: 1, maxLength: 9 }), fc.integer({ min: 0, max: 100 * KB }))
    .map(([p, size]) => Uint8Array.from({ length: size }, (_, i) => p[i % p.length]!)),
);

describe("lz4 block codec (native/lz4/lz4-block.c)", () => {
  it("lz4-napi's block decoder reads our blocks, and we read its blocks", () => {
    fc.assert(
      fc.property(inputs, (data) => {
        const ours = ourBlock(data);
        if (ours !== undefined) {
          assert.ok(ours.length < data.length);
          assert.deepEqual(
            new Uint8Array(lz4napi.uncompressSync(withSize(ours, data.length))),
            data,
          );
        }
        if (data.length === 0) return;
        const native = lz4napi.compressSync(Buffer.from(data)).subarray(4);
        const out = new Uint8Array(data.length);
        decompressBlock(native, 0, native.length, data.length, out, 0);
        assert.deepEqual(out, data);
      }),
      { numRuns: 150 },
    );
  });

  it("keeps the format's end rules: last match starts 12+ bytes and ends 5+ bytes before the end", () => {
    fc.assert(
      fc.property(inputs, (data) => {
        const ours = ourBlock(data);
        if (ours === undefined) return;
        for (const m of matches(ours)) {
          assert.ok(m.start <= data.length - 12, `match at ${m.start} of ${data.length}`);
          assert.ok(m.end <= data.length - 5, `match ends at ${m.end} of ${data.length}`);
        }
      }),
      { numRuns: 150 },
    );
  });

  it("declines inputs under 13 bytes and inputs that do not shrink, and compresses at 13", () => {
    for (let n = 0; n < 13; n++) assert.equal(ourBlock(new Uint8Array(n)), undefined, `${n} bytes`);
    assert.equal(ourBlock(randomBytes(64 * KB)), undefined);
    const zeros = ourBlock(new Uint8Array(13));
    assert.ok(zeros !== undefined && zeros.length < 13);
    assert.deepEqual(
      new Uint8Array(lz4napi.uncompressSync(withSize(zeros, 13))),
      new Uint8Array(13),
    );
  });

  it("finds matches up to 65535 bytes back, not 65536", () => {
    // 300 random bytes, zeros (which touch few hash table slots, so the first copy stays
    // findable), then the same 300 bytes again `distance` bytes after the first.
    const head = randomBytes(300, 3);
    const sizes = [65535, 65536].map((distance) => {
      const data = new Uint8Array(distance + 300 + 20);
      data.set(head, 0);
      data.set(head, distance);
      const ours = ourBlock(data)!;
      assert.deepEqual(new Uint8Array(lz4napi.uncompressSync(withSize(ours, data.length))), data);
      return ours.length;
    });
    // At 65535 the second copy is one match; at 65536 it must be stored as literals.
    assert.ok(sizes[0]! + 250 < sizes[1]!, `sizes ${sizes}`);
  });

  it("decompress_block checks offsets, lengths and capacity at their exact limits", () => {
    const abcd = [97, 98, 99, 100];
    // "abcd", a match of `length` at `offset`, then "e": decodes to 4 + length + 1 bytes.
    const block = (offset: number, length: number) => {
      const extra = length - 4;
      const tail =
        extra >= 15 ? [...Array(Math.floor((extra - 15) / 255)).fill(255), (extra - 15) % 255] : [];
      return Uint8Array.of(
        0x40 | Math.min(extra, 15),
        ...abcd,
        offset & 255,
        offset >> 8,
        ...tail,
        0x10,
        101,
      );
    };
    assert.equal(rawDecompress(block(4, 4), 9), 9);
    assert.equal(rawDecompress(block(1, 4), 9), 9);
    assert.ok(rawDecompress(block(5, 4), 9) < 0, "offset one before the output");
    assert.ok(rawDecompress(block(0, 4), 9) < 0, "offset 0");
    assert.ok(rawDecompress(block(4, 4), 8) < 0, "one byte short of room");
    for (const length of [18, 19, 273, 274, 275, 529, 5000]) {
      assert.equal(rawDecompress(block(3, length), length + 5), length + 5, `match of ${length}`);
      assert.ok(rawDecompress(block(3, length), length + 4) < 0, `match of ${length}, no room`);
    }
    const whole = block(2, 300);
    for (let cut = 0; cut < whole.length; cut++) {
      const part = whole.subarray(0, cut);
      // Cut right after the literals is a literals-only block of "abcd"; any other cut is not.
      const got = rawDecompress(part, 400);
      if (cut === 5) assert.equal(got, 4);
      else assert.ok(got < 0, `cut at ${cut} decoded ${got} bytes`);
    }
    assert.ok(
      rawDecompress(Uint8Array.of(0xf0, 255, 255), 10_000) < 0,
      "literal length past the end",
    );
  });

  it("decompress_block accepts exactly the blocks block-scan.ts accepts, within the same output size", () => {
    // Valid blocks with bytes changed, cut short or extended, and pure noise; output
    // capacities below, at and above the true size.
    const valid = [telemetryJson(20 * KB, 5), new Uint8Array(3000).fill(9), telemetryJson(300, 6)]
      .map((d) => ourBlock(d)!)
      .filter((b) => b !== undefined);
    fc.assert(
      fc.property(
        fc.nat({ max: valid.length - 1 }),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 4 }),
        fc.integer({ min: -20, max: 20 }),
        fc.uint8Array({ maxLength: 64 }),
        fc.integer({ min: -64, max: 64 }),
        (which, edits, cut, noise, capDelta) => {
          let block: Uint8Array = valid[which]!.slice();
          for (const [at, value] of edits) block[at % block.length] = value;
          if (cut < 0) block = block.subarray(0, Math.max(0, block.length + cut));
          if (cut > 0) block = Uint8Array.from([...block, ...block.subarray(0, cut)]);
          for (const input of [block, noise]) {
            let scanned: number | undefined;
            try {
              scanned = scanBlock(input, 0, input.length, 1 << 22);
            } catch (err) {
              assert.ok(err instanceof BlockCorrupt);
            }
            const cap = Math.max(0, (scanned ?? input.length * 2) + capDelta);
            const got = rawDecompress(input, cap);
            if (scanned === undefined || scanned > cap) assert.ok(got < 0, `decoded ${got}`);
            else assert.equal(got, scanned);
          }
        },
      ),
      { numRuns: 3000 },
    );
  });

  it("a corrupted frame fails only with CODEC_CORRUPT, or decodes", async () => {
    const frames = [
      await lz4.compress(telemetryJson(150 * KB, 8)),
      await lz4.compress(new Uint8Array(70 * KB).fill(1)),
    ];
    const next = prng(11);
    for (let round = 0; round < 1500; round++) {
      const frame = frames[round % frames.length]!.slice();
      // Leave the 7-byte header alone half the time, so most damage reaches the blocks.
      const from = round % 2 === 0 ? 7 : 0;
      for (let k = 1 + Math.floor(next() * 4); k > 0; k--) {
        frame[from + Math.floor(next() * (frame.length - from))] = Math.floor(next() * 256);
      }
      const cut = next() < 0.2 ? Math.floor(next() * frame.length) : frame.length;
      try {
        await lz4.decompress(frame.subarray(0, cut));
      } catch (err) {
        assert.ok(err instanceof CodecError, String(err));
        assert.equal(err.code, "CODEC_CORRUPT", err.message);
      }
    }
  });
});
