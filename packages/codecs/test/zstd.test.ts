import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { TributaryError } from "@tributary/protocol";
import {
  createZstdCodec,
  ZSTD_DEFAULT_LEVEL,
  ZSTD_DEFAULT_MAX_DECOMPRESSED_BYTES,
  ZSTD_MAX_LEVEL,
  ZSTD_MIN_LEVEL,
  zstd,
} from "../src/zstd/index.js";
import { instantiateZstd } from "../src/zstd/wasm-abi.js";
import { compileEmbeddedZstd } from "../src/zstd/wasm-embedded.js";
import { ZstdWasm } from "../src/zstd/zstd-wasm.js";
import {
  blockHeader,
  concat,
  frameDeclaring,
  frameWithoutSize,
  noise,
  rejectsCorrupt,
  skippableFrame,
  telemetryJson,
} from "./zstd-fixtures.js";

const text = new TextEncoder();

describe("zstd codec", () => {
  it("is Kafka's codec id 4 at Kafka's default level 3", () => {
    assert.equal(zstd.id, 4);
    assert.equal(zstd.name, "zstd");
    assert.equal(zstd.level, 3);
    assert.equal(ZSTD_DEFAULT_LEVEL, 3);
    assert.equal(createZstdCodec().level, 3);
    assert.equal(createZstdCodec({ level: undefined }).level, 3);
  });

  it("accepts every level Kafka's compression.zstd.level accepts, -131072 to 22", async () => {
    const data = telemetryJson(20_000);
    for (const level of [ZSTD_MIN_LEVEL, -7, -1, 0, 1, 3, 9, 19, ZSTD_MAX_LEVEL]) {
      const codec = createZstdCodec({ level });
      assert.equal(codec.level, level);
      const frame = await codec.compress(data);
      assert.deepEqual(await zstd.decompress(frame), data, `level ${level}`);
    }
  });

  it("compresses harder at higher levels and faster-but-larger at negative ones", async () => {
    const data = telemetryJson(100_000);
    const [fast, normal, strong] = await Promise.all(
      [-5, 3, 19].map((level) => createZstdCodec({ level }).compress(data)),
    );
    assert.ok(fast!.length > normal!.length, `${fast!.length} > ${normal!.length}`);
    assert.ok(strong!.length < normal!.length, `${strong!.length} < ${normal!.length}`);
  });

  it("refuses a level outside -131072..22 or not an integer, naming the field and the range", () => {
    for (const level of [23, -131073, 2.5, Number.NaN, Number.POSITIVE_INFINITY, "3", null]) {
      assert.throws(
        () => createZstdCodec({ level: level as number }),
        (e: unknown) => {
          assert.ok(e instanceof TributaryError);
          assert.equal(e.code, "INVALID_ARGUMENT");
          assert.match(e.message, /^zstd level: must be an integer from -131072 to 22/);
          return true;
        },
        `level ${String(level)}`,
      );
    }
  });

  it("refuses a maxDecompressedBytes that is not an integer from 0 to 1 GiB", () => {
    for (const max of [-1, 1.5, 2 ** 30 + 1, Number.NaN]) {
      assert.throws(
        () => createZstdCodec({ maxDecompressedBytes: max }),
        /zstd maxDecompressedBytes: must be an integer from 0 to 1 GiB/,
      );
    }
    assert.equal(ZSTD_DEFAULT_MAX_DECOMPRESSED_BYTES, 64 * 1024 * 1024);
  });

  it("rejects input that is not a Uint8Array", async () => {
    await assert.rejects(
      zstd.compress("text" as unknown as Uint8Array),
      /zstd data: must be a Uint8Array/,
    );
    await assert.rejects(zstd.decompress([1, 2] as unknown as Uint8Array), /must be a Uint8Array/);
  });

  it("writes one standard frame that declares its content size", async () => {
    const data = telemetryJson(50_000);
    const frame = await zstd.compress(data);
    assert.deepEqual([...frame.subarray(0, 4)], [0x28, 0xb5, 0x2f, 0xfd], "frame magic");
    assert.notEqual(frame[4]! >>> 6, 0, "the frame header carries a content size");
    assert.ok(frame.length < data.length / 4, `ratio ${data.length / frame.length}`);
    assert.deepEqual(await zstd.decompress(frame), data);
  });

  it("round-trips empty, tiny, incompressible and multi-megabyte input", async () => {
    for (const data of [
      new Uint8Array(0),
      Uint8Array.of(42),
      text.encode("héllo ✓"),
      noise(300_000),
      new Uint8Array(3 * 1024 * 1024),
      telemetryJson(2 * 1024 * 1024),
    ]) {
      const frame = await zstd.compress(data);
      assert.ok(frame.length > 0);
      assert.deepEqual(await zstd.decompress(frame), data, `${data.length} bytes`);
    }
  });

  it("compresses a view into a larger buffer without reading past it", async () => {
    const whole = telemetryJson(10_000);
    const view = whole.subarray(1000, 3000);
    assert.deepEqual(await zstd.decompress(await zstd.compress(view)), view);
  });

  it("reads frames without a content size, as Kafka's streaming Java producer writes them", async () => {
    const a = text.encode("raw block: ");
    const frame = frameWithoutSize([
      [...blockHeader(false, 0, a.length), ...a],
      [...blockHeader(true, 1, 5000), 0x7a], // RLE: "z" x 5000
    ]);
    const out = await zstd.decompress(frame);
    assert.equal(out.length, a.length + 5000);
    assert.deepEqual(out.subarray(0, a.length), a);
    assert.ok(out.subarray(a.length).every((b) => b === 0x7a));
  });

  it("reads several frames in a row and skips skippable frames", async () => {
    const x = telemetryJson(30_000, 1);
    const y = telemetryJson(20_000, 2);
    const stream = concat(
      skippableFrame(Uint8Array.of(1, 2, 3)),
      await zstd.compress(x),
      frameWithoutSize([[...blockHeader(true, 0, 3), 0x61, 0x62, 0x63]]),
      skippableFrame(new Uint8Array(0)),
      await zstd.compress(y),
    );
    assert.deepEqual(await zstd.decompress(stream), concat(x, text.encode("abc"), y));
  });

  it("rejects empty input, a wrong magic number and trailing garbage as CODEC_CORRUPT", async () => {
    const frame = await zstd.compress(text.encode("payload"));
    await rejectsCorrupt(zstd.decompress(new Uint8Array(0)), /input is empty/);
    await rejectsCorrupt(zstd.decompress(text.encode("not zstd at all")), /not a zstd frame/);
    await rejectsCorrupt(zstd.decompress(concat(frame, Uint8Array.of(0))), /truncated/);
    await rejectsCorrupt(zstd.decompress(concat(frame, text.encode("junk"))), /not a zstd frame/);
  });

  it("rejects every truncation of a frame as CODEC_CORRUPT", async () => {
    const frame = await zstd.compress(telemetryJson(3000));
    for (let n = 1; n < frame.length; n++) {
      await rejectsCorrupt(zstd.decompress(frame.subarray(0, n)), undefined);
    }
  });

  it("rejects a frame whose declared content size does not match its blocks", async () => {
    const frame = await zstd.compress(telemetryJson(5000));
    // Single-segment frame with a 2-byte size field (value + 256): change the declared size.
    const lying = frame.slice();
    const descriptor = lying[4]!;
    assert.equal(descriptor >>> 6, 1, "a 5000-byte input gets a 2-byte content size field");
    lying[5] = (lying[5]! + 1) & 0xff;
    await rejectsCorrupt(zstd.decompress(lying));
  });

  it("refuses a frame declaring a huge content size before allocating it", async () => {
    const started = performance.now();
    await rejectsCorrupt(
      zstd.decompress(frameDeclaring(2 ** 40)),
      /more than the limit of 67108864/,
    );
    await rejectsCorrupt(
      zstd.decompress(frameDeclaring(64 * 1024 * 1024 + 1)),
      /more than the limit/,
    );
    assert.ok(performance.now() - started < 1000, "refused at once");
    const small = createZstdCodec({ maxDecompressedBytes: 1000 });
    await rejectsCorrupt(
      small.decompress(await zstd.compress(new Uint8Array(1001))),
      /limit of 1000/,
    );
    assert.equal((await small.decompress(await zstd.compress(new Uint8Array(1000)))).length, 1000);
  });

  it("stops a frame without a content size at the limit (a decompression bomb)", async () => {
    // 16 RLE blocks of 128 KiB: 2 MiB out of 61 bytes in.
    const blocks = Array.from({ length: 16 }, (_, i) => [...blockHeader(i === 15, 1, 131072), 0]);
    const bomb = frameWithoutSize(blocks);
    const small = createZstdCodec({ maxDecompressedBytes: 1024 * 1024 });
    await rejectsCorrupt(small.decompress(bomb), /decompresses to more than the limit of 1048576/);
    assert.equal((await zstd.decompress(bomb)).length, 2 * 1024 * 1024);
  });

  it("rejects reserved bits and block types as CODEC_CORRUPT", async () => {
    const reservedBit = Uint8Array.from([
      0x28,
      0xb5,
      0x2f,
      0xfd,
      0x08,
      0x50,
      ...blockHeader(true, 0, 0),
    ]);
    await rejectsCorrupt(zstd.decompress(reservedBit), /reserved bit/);
    await rejectsCorrupt(zstd.decompress(frameWithoutSize([blockHeader(true, 3, 0)])), /reserved/);
  });
});

describe("zstd WASM memory", () => {
  it("frees every allocation: 150 rounds of compress, decompress and failed decodes do not grow the heap", async () => {
    const x = await instantiateZstd(await compileEmbeddedZstd());
    const z = new ZstdWasm(x);
    const data = telemetryJson(512 * 1024);
    const bomb = frameWithoutSize(
      Array.from({ length: 16 }, (_, i) => [...blockHeader(i === 15, 1, 131072), 0]),
    );
    const round = () => {
      const frame = z.compress(data, 3);
      assert.equal(z.decompress(frame, 1 << 24).length, data.length);
      const broken = frame.slice();
      broken[broken.length >> 1]! ^= 0xff;
      try {
        z.decompress(broken, 1 << 24);
      } catch {
        // A corrupt frame must still free its buffers.
      }
      assert.throws(() => z.decompress(frame, 1000), /limit of 1000/);
      assert.throws(() => z.decompress(bomb, 1 << 20), /decompresses to more than the limit/);
    };
    round();
    round();
    const settled = x.memory.buffer.byteLength;
    // Each round takes ~1.2 MB of buffers: a leak would add ~180 MB over 150 rounds.
    for (let i = 0; i < 150; i++) round();
    assert.equal(x.memory.buffer.byteLength, settled);
    const probe = x.malloc(1 << 20);
    x.free(probe);
    for (let i = 0; i < 5; i++) round();
    const again = x.malloc(1 << 20);
    x.free(again);
    assert.equal(again, probe, "the allocator hands out the same block: nothing was left behind");
  });
});
