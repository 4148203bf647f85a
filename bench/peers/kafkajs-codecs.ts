/**
 * Compression for the KafkaJS runner. KafkaJS 2.2.4 ships only gzip; lz4 and zstd come from
 * plugins a user registers in `CompressionCodecs` (https://kafka.js.org/docs/producing#compression).
 *
 * - lz4: the plugin KafkaJS's docs name, kafkajs-lz4 1.2.1, which wraps the `lz4` package
 *   (0.6.x). On Node that package's entry loads its node-gyp addon (build/Release/lz4.node and
 *   xxhash.node) with no fallback: its pure-JS code is only its browser build. The frame itself is
 *   assembled by its JS stream encoder around native block compression.
 * - zstd: the plugin KafkaJS's docs name, @kafkajs/zstd 0.1.1, depends on cppzst 2.0.6, whose
 *   binding.gyp compiles with `-std=c++11` on Linux; Node 20's V8 headers need C++17
 *   (std::remove_cv_t, std::string_view), so `npm install` fails in node-gyp. We substitute a
 *   codec of our own on zstd-napi (libzstd through N-API), at Kafka's default level 3 (KIP-390).
 */
import { createRequire } from "node:module";
import kafkajs from "kafkajs";
import { Compressor, Decompressor } from "zstd-napi";
import { installedVersion as version } from "./batching.js";
import type { Compression } from "./contract.js";

const { CompressionCodecs, CompressionTypes } = kafkajs;
const require = createRequire(import.meta.url);
// kafkajs-lz4 assigns its class to module.exports; its typings declare it as `export default`.
const LZ4Codec = require("kafkajs-lz4") as typeof import("kafkajs-lz4").default;

/** The codec object KafkaJS calls: compress gets its Encoder (bytes in `.buffer`). */
export interface KafkaJsCodec {
  compress(encoder: { buffer: Buffer }): Promise<Buffer>;
  decompress(data: Buffer): Promise<Buffer>;
}

/** Kafka's default zstd level (compression.zstd.level, KIP-390). */
export const KAFKA_ZSTD_LEVEL = 3;

/**
 * A KafkaJS zstd codec on zstd-napi: one standard zstd frame per records section, which is what
 * Kafka's RecordBatch with compression id 4 holds. Synchronous on the calling thread (as
 * kafkajs-lz4 is), wrapped in the promise KafkaJS awaits.
 */
export function zstdNapiCodec(level = KAFKA_ZSTD_LEVEL): () => KafkaJsCodec {
  const compressor = new Compressor();
  compressor.setParameters({ compressionLevel: level });
  const decompressor = new Decompressor();
  const codec: KafkaJsCodec = {
    compress: async (encoder) => compressor.compress(encoder.buffer),
    decompress: async (data) => decompressor.decompress(data),
  };
  return () => codec;
}

export interface KafkaJsCompression {
  /** KafkaJS's CompressionTypes value for send(). */
  type: number;
  /** The settings column, e.g. "LZ4". */
  name: string;
  /** Which implementation, e.g. "kafkajs-lz4 1.2.1 (lz4 0.6.5, native addon)". */
  implementation: string;
  notes: string[];
}

/** Registers the codec the workload needs (process-wide, as KafkaJS's registry is) and says which. */
export function useKafkaJsCompression(compression: Compression): KafkaJsCompression {
  switch (compression) {
    case "none":
      return { type: CompressionTypes.None, name: "None", implementation: "none", notes: [] };
    case "lz4": {
      CompressionCodecs[CompressionTypes.LZ4] = new LZ4Codec().codec;
      const lz4 = lz4Implementation();
      return {
        type: CompressionTypes.LZ4,
        name: "LZ4",
        implementation: `kafkajs-lz4 ${version("kafkajs-lz4")} (${lz4})`,
        notes: [
          `lz4 through the official plugin kafkajs-lz4 ${version("kafkajs-lz4")}, on ${lz4}: the frame is built by its JS stream encoder around native block compression, on the main thread.`,
        ],
      };
    }
    case "zstd":
      CompressionCodecs[CompressionTypes.ZSTD] = zstdNapiCodec();
      return {
        type: CompressionTypes.ZSTD,
        name: "ZSTD",
        implementation: `zstd-napi ${version("zstd-napi")} adapter, level ${KAFKA_ZSTD_LEVEL} (substitution)`,
        notes: [
          "zstd: SUBSTITUTION. The official plugin @kafkajs/zstd 0.1.1 does not install on Node 20: its dependency cppzst 2.0.6 compiles with -std=c++11 and Node 20's V8 headers need C++17, so node-gyp fails.",
          `zstd here is our own small KafkaJS codec on zstd-napi ${version("zstd-napi")} (native libzstd through N-API, synchronous on the main thread, level ${KAFKA_ZSTD_LEVEL} as Kafka's default): bench/peers/kafkajs-codecs.ts.`,
        ],
      };
  }
}

/** "lz4 0.6.5, native addon" or "… JS": whether the lz4 package loaded its compiled code. */
export function lz4Implementation(): string {
  const lz4 = require("lz4") as { encodeBlock?: unknown };
  const native =
    typeof lz4.encodeBlock === "function" &&
    /\[native code\]/.test(Function.prototype.toString.call(lz4.encodeBlock));
  return `lz4 ${version("lz4")}, ${native ? "native addon" : "pure JS"}`;
}
