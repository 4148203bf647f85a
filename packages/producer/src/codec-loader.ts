import type { CompressionCodec } from "./options.js";

/**
 * Loads a codec named by a string ("lz4", …) on first use, for runtimes where loading a module
 * later costs nothing up front (Node, Deno, Bun). Each codec is its own import, so only the one
 * used is loaded. Browser and Workers entries leave this out and take a codec object instead,
 * so a bundle carries exactly the codecs the app imports.
 */
export function loadCodecByName(name: string): Promise<CompressionCodec> {
  switch (name) {
    case "gzip":
      return import("@tributary/codecs/gzip").then((m) => m.gzip);
    case "snappy":
      return import("@tributary/codecs/snappy").then((m) => m.snappy);
    case "lz4":
      return import("@tributary/codecs/lz4").then((m) => m.lz4);
    case "zstd":
      return import("@tributary/codecs/zstd").then((m) => m.zstd);
    default:
      return Promise.reject(new Error(`no codec is named ${JSON.stringify(name)}`));
  }
}
