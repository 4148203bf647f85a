/**
 * The native baselines the codecs bench measures ours against: test-only packages at the root
 * (node:zlib, snappy, lz4-napi, zstd-napi), never imported from any package's src. Each wraps
 * the library's one-shot sync calls over a whole records section, as the bench calls ours.
 */
import { promisify } from "node:util";
import * as zlib from "node:zlib";
import type { CodecName } from "../../packages/codecs/src/codec.js";

export interface Native {
  /** What was measured, for the legend. */
  label: string;
  compress(data: Uint8Array): Uint8Array;
  decompress(data: Uint8Array): Uint8Array;
  /** The same library off the main thread, where it has such a form (node:zlib). */
  compressAsync?: (data: Uint8Array) => Promise<Uint8Array>;
  decompressAsync?: (data: Uint8Array) => Promise<Uint8Array>;
  /** Whether the native decoder reads the codec's Kafka framing (snappy: ours is xerial-framed). */
  readsOurFraming: boolean;
}

const asBuffer = (u: Uint8Array) => Buffer.from(u.buffer, u.byteOffset, u.byteLength);

export async function loadNative(name: CodecName, level: number | undefined): Promise<Native> {
  switch (name) {
    case "gzip": {
      // Java's GZIPOutputStream and node:zlib both default to zlib level 6.
      const lvl = level ?? 6;
      const gz = promisify(zlib.gzip);
      const gunz = promisify(zlib.gunzip);
      return {
        label: `node:zlib gzipSync/gunzipSync level ${lvl} (async: zlib.gzip/gunzip on the thread pool)`,
        compress: (d) => zlib.gzipSync(d, { level: lvl }),
        decompress: (d) => zlib.gunzipSync(d),
        compressAsync: (d) => gz(d, { level: lvl }),
        decompressAsync: (d) => gunz(d),
        readsOurFraming: true,
      };
    }
    case "snappy": {
      const snappy = await import("snappy");
      return {
        label: "snappy (napi) compressSync/uncompressSync, raw snappy (ours adds xerial framing)",
        compress: (d) => snappy.compressSync(d),
        decompress: (d) => snappy.uncompressSync(d, { asBuffer: true }) as Buffer,
        readsOurFraming: false,
      };
    }
    case "lz4": {
      const lz4 = await import("lz4-napi");
      return {
        label: "lz4-napi compressFrameSync/decompressFrameSync (LZ4 frame, lz4_flex)",
        compress: (d) => lz4.compressFrameSync(asBuffer(d)),
        decompress: (d) => lz4.decompressFrameSync(asBuffer(d)),
        readsOurFraming: true,
      };
    }
    case "zstd": {
      const zstd = await import("zstd-napi");
      // Kafka's default zstd level is 3 (CompressionType.ZSTD / ZstdCompression).
      const lvl = level ?? 3;
      const c = new zstd.Compressor();
      c.setParameters({ compressionLevel: lvl });
      const d = new zstd.Decompressor();
      return {
        label: `zstd-napi Compressor level ${lvl} / Decompressor`,
        compress: (x) => c.compress(x),
        decompress: (x) => d.decompress(x),
        readsOurFraming: true,
      };
    }
  }
}
