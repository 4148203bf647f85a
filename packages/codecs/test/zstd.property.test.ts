import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { createZstdCodec, zstd } from "../src/zstd/index.js";
import { decodesOrCorrupt, noise, prng, rejectsCorrupt, telemetryEvent } from "./zstd-fixtures.js";

const text = new TextEncoder();

/** Bytes of every kind: arbitrary, runs of one byte, repeated JSON, noise of a chosen size. */
const payload: fc.Arbitrary<Uint8Array> = fc.oneof(
  fc.uint8Array({ maxLength: 2048 }),
  fc
    .tuple(fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 200_000 }))
    .map(([b, n]) => new Uint8Array(n).fill(b)),
  fc.tuple(fc.integer({ min: 0, max: 400 }), fc.integer({ min: 1, max: 1000 })).map(([n, seed]) => {
    const random = prng(seed);
    return text.encode(Array.from({ length: n }, (_, i) => telemetryEvent(i, random)).join("\n"));
  }),
  fc.tuple(fc.integer({ min: 0, max: 300_000 }), fc.integer()).map(([n, seed]) => noise(n, seed)),
);

const level = fc.oneof(
  fc.integer({ min: -50, max: 12 }),
  fc.constantFrom(-131072, -1000, 15, 19, 22),
);

describe("zstd round trip (property)", () => {
  it("decompress(compress(x)) === x for any bytes at any level", async () => {
    await fc.assert(
      fc.asyncProperty(payload, level, async (data, lvl) => {
        const codec = createZstdCodec({ level: lvl });
        const frame = await codec.compress(data);
        assert.deepEqual(await codec.decompress(frame), data);
      }),
      { numRuns: 120 },
    );
  });

  it("a damaged frame decodes to some bytes or fails with CODEC_CORRUPT, nothing else", async () => {
    const frames = await Promise.all(
      [
        text.encode("x".repeat(5000)),
        noise(4000),
        text.encode(telemetryEvent(1, prng(3)).repeat(40)),
      ].map((d) => zstd.compress(d)),
    );
    const damage = fc.record({
      which: fc.integer({ min: 0, max: frames.length - 1 }),
      flips: fc.array(fc.tuple(fc.nat(), fc.integer({ min: 1, max: 255 })), {
        minLength: 1,
        maxLength: 4,
      }),
    });
    let failed = 0;
    await fc.assert(
      fc.asyncProperty(damage, async ({ which, flips }) => {
        const frame = frames[which]!.slice();
        for (const [at, xor] of flips) frame[at % frame.length]! ^= xor;
        if (!(await decodesOrCorrupt(zstd.decompress(frame)))) failed++;
      }),
      { numRuns: 400 },
    );
    assert.ok(failed > 0, "some damage is detected");
  });

  it("any prefix of a frame fails with CODEC_CORRUPT", async () => {
    const frame = await zstd.compress(noise(70_000));
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: frame.length - 1 }), async (n) => {
        await rejectsCorrupt(zstd.decompress(frame.subarray(0, n)));
      }),
      { numRuns: 200 },
    );
  });

  it("arbitrary bytes after a valid magic number decode or fail with CODEC_CORRUPT", async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ minLength: 1, maxLength: 300 }), async (rest) => {
        const data = new Uint8Array(4 + rest.length);
        data.set([0x28, 0xb5, 0x2f, 0xfd]);
        data.set(rest, 4);
        await decodesOrCorrupt(zstd.decompress(data));
      }),
      { numRuns: 500 },
    );
  });
});
