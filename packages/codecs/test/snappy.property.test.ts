import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { compressSync, uncompressSync } from "snappy";
import { CodecError } from "../src/codec.js";
import { snappy } from "../src/snappy/index.js";

/**
 * Inputs that compress: fragments of a small alphabet repeated at random, so matches of every
 * length and distance occur; sizes reach past one 32 KiB xerial block.
 */
const compressible = fc
  .array(
    fc.record({
      piece: fc.uint8Array({ minLength: 1, maxLength: 40 }).map((a) => a.map((b) => b % 6)),
      times: fc.integer({ min: 1, max: 200 }),
    }),
    { maxLength: 60 },
  )
  .map((parts) => {
    const total = parts.reduce((n, p) => n + p.piece.length * p.times, 0);
    const out = new Uint8Array(total);
    let pos = 0;
    for (const { piece, times } of parts) {
      for (let i = 0; i < times; i++, pos += piece.length) out.set(piece, pos);
    }
    return out;
  });

const anyBytes = fc.oneof(fc.uint8Array({ maxLength: 4096 }), compressible);

/** Reads the raw blocks out of our framing (header checked by the unit tests). */
function blocks(framed: Uint8Array): Buffer[] {
  const view = new DataView(framed.buffer, framed.byteOffset, framed.byteLength);
  const out: Buffer[] = [];
  for (let pos = 16; pos < framed.length; pos += 4 + view.getInt32(pos)) {
    out.push(Buffer.from(framed.subarray(pos + 4, pos + 4 + view.getInt32(pos))));
  }
  return out;
}

/** Decompression either succeeds or fails with CODEC_CORRUPT: never another error, never a hang. */
async function decodesOrCorrupt(data: Uint8Array): Promise<void> {
  try {
    await snappy.decompress(data);
  } catch (err) {
    assert.ok(err instanceof CodecError, `expected a CodecError, got ${String(err)}`);
    assert.equal(err.code, "CODEC_CORRUPT");
  }
}

describe("snappy properties", () => {
  it("decompress(compress(x)) is x", async () => {
    await fc.assert(
      fc.asyncProperty(anyBytes, async (input) => {
        const back = await snappy.decompress(await snappy.compress(input));
        assert.deepEqual(back, input);
      }),
      { numRuns: 150 },
    );
  });

  it("native snappy decodes every block we write, and the blocks join up to the input", async () => {
    await fc.assert(
      fc.asyncProperty(anyBytes, async (input) => {
        const parts = blocks(await snappy.compress(input)).map((b) => uncompressSync(b) as Buffer);
        assert.ok(parts.every((p) => p.length <= 32768));
        assert.ok(Buffer.concat(parts).equals(input));
      }),
      { numRuns: 100 },
    );
  });

  it("we decode whatever native snappy compresses (raw blocks)", async () => {
    await fc.assert(
      fc.asyncProperty(anyBytes, async (input) => {
        const raw = new Uint8Array(compressSync(Buffer.from(input)));
        assert.deepEqual(await snappy.decompress(raw), input);
      }),
      { numRuns: 100 },
    );
  });

  it("random bytes decode or fail with CODEC_CORRUPT", async () => {
    const headed = fc
      .uint8Array({ maxLength: 300 })
      .map((tail) =>
        Uint8Array.from([
          0x82,
          0x53,
          0x4e,
          0x41,
          0x50,
          0x50,
          0x59,
          0,
          0,
          0,
          0,
          1,
          0,
          0,
          0,
          1,
          ...tail,
        ]),
      );
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.uint8Array({ maxLength: 300 }), headed), decodesOrCorrupt),
      { numRuns: 1000 },
    );
  });

  it("valid frames with bytes flipped, cut or inserted decode or fail with CODEC_CORRUPT", async () => {
    const mutated = fc
      .tuple(
        compressible.filter((x) => x.length > 0),
        fc.array(
          fc.tuple(
            fc.nat(),
            fc.integer({ min: 1, max: 255 }),
            fc.constantFrom("flip", "cut", "insert"),
          ),
          { minLength: 1, maxLength: 4 },
        ),
      )
      .map(([input, edits]) => ({ input, edits }));
    await fc.assert(
      fc.asyncProperty(mutated, async ({ input, edits }) => {
        let frame = Array.from(await snappy.compress(input));
        for (const [at, value, kind] of edits) {
          const i = at % frame.length;
          if (kind === "flip") frame[i]! ^= value;
          else if (kind === "cut") frame = frame.slice(0, i);
          else frame.splice(i, 0, value);
        }
        await decodesOrCorrupt(Uint8Array.from(frame));
      }),
      { numRuns: 500 },
    );
  });
});
