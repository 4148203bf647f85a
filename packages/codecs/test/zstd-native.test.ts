/**
 * Cross-checks against native libzstd (zstd-napi, test-only): it reads what we write, we read
 * what it writes (including streaming frames without a content size, as zstd-jni writes them
 * for Kafka's Java producer), and at the same level our frames are the same bytes.
 */
import assert from "node:assert/strict";
import { Readable } from "node:stream";
import { buffer } from "node:stream/consumers";
import { describe, it } from "node:test";
import { Compressor, type CompressParameters, CompressStream, Decompressor } from "zstd-napi";
import { createZstdCodec, zstd } from "../src/zstd/index.js";
import { concat, noise, rejectsCorrupt, telemetryJson } from "./zstd-fixtures.js";

const SIZES = [16 * 1024, 300 * 1024, 1024 * 1024];
const LEVELS = [-5, -1, 1, 3, 6, 9];
/** Slow levels (seconds per megabyte): checked on the smallest size only. */
const SLOW_LEVELS = [19, 22];
const levelsFor = (size: number) => (size === SIZES[0] ? [...LEVELS, ...SLOW_LEVELS] : LEVELS);

function nativeCompressor(parameters: CompressParameters): Compressor {
  const c = new Compressor();
  c.setParameters(parameters);
  return c;
}

const native = new Decompressor();
const asBytes = (b: Uint8Array) => new Uint8Array(b.buffer, b.byteOffset, b.byteLength);

describe("zstd against native libzstd (zstd-napi)", () => {
  it("native zstd reads our frames, at every level and size", async () => {
    for (const size of SIZES) {
      const data = telemetryJson(size, size);
      for (const level of levelsFor(size)) {
        const frame = await createZstdCodec({ level }).compress(data);
        assert.deepEqual(asBytes(native.decompress(frame)), data, `${size} bytes, level ${level}`);
      }
    }
    for (const data of [new Uint8Array(0), noise(200_000), new Uint8Array(1 << 21)]) {
      assert.deepEqual(asBytes(native.decompress(await zstd.compress(data))), data);
    }
  });

  it("our frames are byte-identical to native zstd's at the same level", async () => {
    for (const size of SIZES) {
      const data = telemetryJson(size, size + 1);
      for (const level of levelsFor(size)) {
        const ours = await createZstdCodec({ level }).compress(data);
        const theirs = nativeCompressor({ compressionLevel: level }).compress(data);
        assert.deepEqual(ours, asBytes(theirs), `${size} bytes, level ${level}`);
      }
    }
  });

  it("we read native frames: with and without content size, with checksum", async () => {
    const data = telemetryJson(300 * 1024, 9);
    for (const parameters of [
      { compressionLevel: 3 },
      { compressionLevel: 3, contentSizeFlag: false },
      { compressionLevel: 1, checksumFlag: true },
      { compressionLevel: 19, contentSizeFlag: false, checksumFlag: true },
      { compressionLevel: -7, windowLog: 10, contentSizeFlag: false },
    ]) {
      const frame = nativeCompressor(parameters).compress(data);
      assert.deepEqual(await zstd.decompress(frame), data, JSON.stringify(parameters));
    }
  });

  it("we read a streamed frame, written in many flushes with no content size", async () => {
    const data = telemetryJson(1024 * 1024, 11);
    const chunks = Array.from({ length: 64 }, (_, i) => data.subarray(i * 16384, (i + 1) * 16384));
    const stream = new CompressStream({ compressionLevel: 3 });
    const frame = asBytes(await buffer(Readable.from(chunks).pipe(stream)));
    assert.equal(frame[4]! >>> 6, 0, "no content size in a streamed frame header");
    assert.deepEqual(await zstd.decompress(frame), data);
  });

  it("we read native frames back to back, one of them without content size", async () => {
    const a = telemetryJson(40_000, 1);
    const b = telemetryJson(70_000, 2);
    const stream = concat(
      asBytes(nativeCompressor({ compressionLevel: 3 }).compress(a)),
      asBytes(nativeCompressor({ compressionLevel: 5, contentSizeFlag: false }).compress(b)),
    );
    assert.deepEqual(await zstd.decompress(stream), concat(a, b));
  });

  it("a wrong content checksum is CODEC_CORRUPT", async () => {
    const frame = asBytes(nativeCompressor({ checksumFlag: true }).compress(telemetryJson(5000)));
    const broken = frame.slice();
    broken[broken.length - 1]! ^= 0x01;
    await rejectsCorrupt(zstd.decompress(broken), /checksum/);
  });
});
