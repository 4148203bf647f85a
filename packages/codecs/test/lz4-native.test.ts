import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import lz4napi from "lz4-napi";
import { createLz4Codec, lz4 } from "../src/lz4/index.js";
import { randomBytes, telemetryJson } from "./lz4-data.js";

const KB = 1024;
const inputs = fc.oneof(
  fc.uint8Array({ maxLength: 150 * KB }),
  fc
    .tuple(fc.integer({ min: 0, max: 400 * KB }), fc.integer({ min: 1, max: 50 }))
    .map(([size, seed]) => telemetryJson(size, seed)),
  fc
    .tuple(fc.uint8Array({ minLength: 1, maxLength: 4 }), fc.integer({ min: 0, max: 300 * KB }))
    .map(([p, size]) => Uint8Array.from({ length: size }, (_, i) => p[i % p.length]!)),
);

describe("lz4 against native lz4 (lz4-napi, test-only)", () => {
  it("native lz4 reads our frames: empty, incompressible, repetitive, multi-block", async () => {
    const cases = [
      new Uint8Array(),
      Uint8Array.of(42),
      randomBytes(100 * KB),
      new Uint8Array(1024 * KB).fill(7),
      telemetryJson(1024 * KB),
    ];
    for (const data of cases) {
      const ours = await lz4.compress(data);
      assert.deepEqual(
        new Uint8Array(await lz4napi.decompressFrame(ours)),
        data,
        `${data.length} bytes`,
      );
    }
  });

  it("native lz4 reads our frames, for random inputs, block sizes and block checksums", async () => {
    await fc.assert(
      fc.asyncProperty(
        inputs,
        fc.constantFrom(65536, 262144, 1048576, 4194304) as fc.Arbitrary<
          65536 | 262144 | 1048576 | 4194304
        >,
        fc.boolean(),
        async (data, blockSize, blockChecksum) => {
          const ours = await createLz4Codec({ blockSize, blockChecksum }).compress(data);
          assert.deepEqual(new Uint8Array(lz4napi.decompressFrameSync(Buffer.from(ours))), data);
        },
      ),
      { numRuns: 80 },
    );
  });

  it("we read native lz4's frames, with and without block and content checksums", async () => {
    await fc.assert(
      fc.asyncProperty(
        inputs,
        fc.boolean(),
        fc.boolean(),
        async (data, blockChecksums, contentChecksum) => {
          const native = lz4napi.compressFrameSync(Buffer.from(data), {
            blockChecksums,
            contentChecksum,
          });
          assert.deepEqual(await lz4.decompress(native), data);
        },
      ),
      { numRuns: 80 },
    );
  });

  it("native lz4 writes other block sizes than Kafka (4 MB for larger inputs) and we read them", async () => {
    const data = telemetryJson(1024 * KB);
    const native = lz4napi.compressFrameSync(Buffer.from(data));
    assert.equal(native[4], 0x60);
    assert.equal(native[5], 0x70, "lz4-napi chose 4 MB blocks");
    assert.deepEqual(await lz4.decompress(native), data);
  });

  it("our blocks compress as well as native lz4's, 64 KB block for 64 KB block", async () => {
    const data = telemetryJson(512 * KB);
    const ours = await lz4.compress(data);
    let native = 11; // header and end mark
    for (let at = 0; at < data.length; at += 64 * KB) {
      const block = lz4napi.compressSync(Buffer.from(data.subarray(at, at + 64 * KB)));
      native += 4 + block.length - 4;
    }
    // Both are greedy single-hash-table LZ4 compressors (ours native/lz4/lz4-block.c, theirs
    // lz4_flex), so their blocks come out within a few percent of each other.
    assert.ok(
      Math.abs(ours.length - native) <= native * 0.05,
      `ours ${ours.length}, native ${native}`,
    );
  });
});
