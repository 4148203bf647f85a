import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { describe, it } from "node:test";
import { lz4 } from "@tributary/codecs/lz4";
import { zstd } from "@tributary/codecs/zstd";
import kafkajs from "kafkajs";
import {
  lz4Implementation,
  useKafkaJsCompression,
  zstdNapiCodec,
} from "../peers/kafkajs-codecs.js";

const { CompressionCodecs, CompressionTypes } = kafkajs;

const ZSTD_MAGIC = [0x28, 0xb5, 0x2f, 0xfd];
const LZ4_FRAME_MAGIC = [0x04, 0x22, 0x4d, 0x18];

/** A records section as KafkaJS would hand it over: repetitive JSON plus some noise. */
function sample(): Buffer {
  const json = Buffer.from(
    JSON.stringify({ event: "page_view", path: "/products/tent", n: 1 }).repeat(300),
  );
  return Buffer.concat([json, randomBytes(2_000)]);
}

describe("the KafkaJS zstd codec on zstd-napi", () => {
  it("writes a standard zstd frame that an independent decoder (Tributary's WASM zstd) restores", async () => {
    const input = sample();
    const frame = await zstdNapiCodec()().compress({ buffer: input });
    assert.deepEqual([...frame.subarray(0, 4)], ZSTD_MAGIC);
    assert.ok(frame.length < input.length, "the repetitive part compresses");
    assert.deepEqual(Buffer.from(await zstd.decompress(frame)), input);
  });

  it("round-trips, and decompresses frames written by another zstd implementation", async () => {
    const codec = zstdNapiCodec()();
    const input = sample();
    assert.deepEqual(await codec.decompress(await codec.compress({ buffer: input })), input);
    const foreign = Buffer.from(await zstd.compress(input));
    assert.deepEqual(await codec.decompress(foreign), input);
  });

  it("honours the level: level 19 is no larger than level 1 on compressible data", async () => {
    const input = sample();
    const low = await zstdNapiCodec(1)().compress({ buffer: input });
    const high = await zstdNapiCodec(19)().compress({ buffer: input });
    assert.ok(high.length <= low.length, `level 19 ${high.length} B vs level 1 ${low.length} B`);
  });
});

describe("registering KafkaJS compression for a workload", () => {
  it("zstd registers the substitute codec under KafkaJS's ZSTD id and says it is a substitution", async () => {
    const c = useKafkaJsCompression("zstd");
    assert.equal(c.type, CompressionTypes.ZSTD);
    assert.match(c.notes.join(" "), /SUBSTITUTION.*@kafkajs\/zstd.*cppzst/);
    const registered = CompressionCodecs[CompressionTypes.ZSTD]() as {
      compress(e: { buffer: Buffer }): Promise<Buffer>;
    };
    const frame = await registered.compress({ buffer: sample() });
    assert.deepEqual([...frame.subarray(0, 4)], ZSTD_MAGIC);
  });

  it("lz4 registers kafkajs-lz4, whose LZ4 frames Tributary's lz4 decoder restores", async () => {
    const c = useKafkaJsCompression("lz4");
    assert.equal(c.type, CompressionTypes.LZ4);
    assert.match(
      c.implementation,
      /^kafkajs-lz4 \d+\.\d+\.\d+ \(lz4 \d+\.\d+\.\d+, (native addon|pure JS)\)$/,
    );
    const registered = CompressionCodecs[CompressionTypes.LZ4]() as {
      compress(e: { buffer: Buffer }): Promise<Buffer>;
    };
    const input = sample();
    const frame = await registered.compress({ buffer: input });
    assert.deepEqual([...frame.subarray(0, 4)], LZ4_FRAME_MAGIC);
    assert.deepEqual(Buffer.from(await lz4.decompress(frame)), input);
  });

  it("reports the lz4 package as native when its addon function is compiled code", () => {
    // lz4 0.6's Node entry requires build/Release/lz4.node unconditionally: if it loaded, it is native.
    assert.match(lz4Implementation(), /native addon/);
  });

  it("none needs no codec", () => {
    const c = useKafkaJsCompression("none");
    assert.equal(c.type, CompressionTypes.None);
    assert.deepEqual(c.notes, []);
  });
});
