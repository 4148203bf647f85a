import type { CompressionCodec } from "@tributary/producer";

export type CodecName = "gzip" | "snappy" | "lz4" | "zstd";

/**
 * The four codecs, each its own dynamic import: the bundler puts each in its own chunk, so the
 * page downloads a codec (zstd is ~80 KB of WASM) only when someone picks it. The producer's
 * browser entry never loads codecs by name; it takes the codec object.
 */
export function loadCodec(name: CodecName): Promise<CompressionCodec> {
  switch (name) {
    case "gzip":
      return import("@tributary/codecs/gzip").then((m) => m.gzip);
    case "snappy":
      return import("@tributary/codecs/snappy").then((m) => m.snappy);
    case "lz4":
      return import("@tributary/codecs/lz4").then((m) => m.lz4);
    case "zstd":
      return import("@tributary/codecs/zstd").then((m) => m.zstd);
  }
}

export function isCodecName(s: string): s is CodecName {
  return s === "gzip" || s === "snappy" || s === "lz4" || s === "zstd";
}
