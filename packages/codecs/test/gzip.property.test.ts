import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { gunzipSync, gzipSync } from "node:zlib";
import fc from "fast-check";
import { CodecError } from "../src/codec.js";
import { gzip } from "../src/gzip/index.js";

/** Inputs that compress: short pieces of a small alphabet repeated at random. */
const compressible = fc
  .array(
    fc.record({
      piece: fc.uint8Array({ minLength: 1, maxLength: 40 }).map((a) => a.map((b) => b % 6)),
      times: fc.integer({ min: 1, max: 100 }),
    }),
    { maxLength: 40 },
  )
  .map((parts) => {
    const out: number[] = [];
    for (const { piece, times } of parts) for (let i = 0; i < times; i++) out.push(...piece);
    return Uint8Array.from(out);
  });

const anyBytes = fc.oneof(fc.uint8Array({ maxLength: 4096 }), compressible);

/** Decompression either succeeds or fails with CODEC_CORRUPT: never another error, never a hang. */
async function decodesOrCorrupt(data: Uint8Array): Promise<void> {
  try {
    await gzip.decompress(data);
  } catch (err) {
    assert.ok(err instanceof CodecError, `expected a CodecError, got ${String(err)}`);
    assert.equal(err.code, "CODEC_CORRUPT");
  }
}

describe("gzip properties", () => {
  it("decompress(compress(x)) is x, and node:zlib gunzip agrees", async () => {
    await fc.assert(
      fc.asyncProperty(anyBytes, async (input) => {
        const out = await gzip.compress(input);
        assert.deepEqual(await gzip.decompress(out), input);
        assert.ok(gunzipSync(out).equals(input));
      }),
      { numRuns: 100 },
    );
  });

  it("we read whatever node:zlib gzip writes", async () => {
    await fc.assert(
      fc.asyncProperty(anyBytes, fc.integer({ min: 1, max: 9 }), async (input, level) => {
        const back = await gzip.decompress(new Uint8Array(gzipSync(input, { level })));
        assert.deepEqual(back, input);
      }),
      { numRuns: 100 },
    );
  });

  it("random bytes, with or without a gzip header, decode or fail with CODEC_CORRUPT", async () => {
    const headed = fc
      .uint8Array({ minLength: 8, maxLength: 300 })
      .map((tail) => Uint8Array.from([0x1f, 0x8b, 0x08, 0, 0, 0, 0, 0, 0, 0xff, ...tail]));
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.uint8Array({ maxLength: 300 }), headed), decodesOrCorrupt),
      { numRuns: 500 },
    );
  });

  it("valid members with bytes flipped, cut or inserted decode or fail with CODEC_CORRUPT", async () => {
    const mutated = fc.tuple(
      compressible,
      fc.array(
        fc.tuple(
          fc.nat(),
          fc.integer({ min: 1, max: 255 }),
          fc.constantFrom("flip", "cut", "insert"),
        ),
        { minLength: 1, maxLength: 4 },
      ),
    );
    await fc.assert(
      fc.asyncProperty(mutated, async ([input, edits]) => {
        let frame = Array.from(gzipSync(input));
        for (const [at, value, kind] of edits) {
          const i = at % frame.length;
          if (kind === "flip") frame[i]! ^= value;
          else if (kind === "cut") frame = frame.slice(0, i);
          else frame.splice(i, 0, value);
        }
        await decodesOrCorrupt(Uint8Array.from(frame));
      }),
      { numRuns: 300 },
    );
  });
});
