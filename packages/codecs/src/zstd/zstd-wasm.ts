import { CodecError, CodecErrorCode, runtimeName } from "../codec.js";
import { zstdSizeBound } from "./frame-bound.js";
import type { ZstdExports } from "./wasm-abi.js";

/** ZSTD_ErrorCode values (lib/zstd_errors.h) a decoder meets, in words. */
const ERROR_NAMES: Readonly<Record<number, string>> = {
  1: "generic error",
  10: "unknown frame prefix",
  12: "unsupported frame version",
  14: "unsupported frame parameter",
  16: "window too large",
  20: "data corrupted",
  22: "content checksum mismatch",
  24: "bad literals header",
  30: "dictionary corrupted",
  32: "frame needs a dictionary",
  42: "parameter out of bounds",
  64: "memory allocation failed",
  70: "destination buffer too small",
  72: "source size wrong",
};
const ERROR_MEMORY = 64;
const ERROR_DST_TOO_SMALL = 70;

/**
 * One-shot compress and decompress over one instance of the zstd WASM. Every call copies its
 * input into the WASM heap, runs, copies the result out, and frees both buffers on every path.
 * The compression and decompression contexts live as long as the instance: zstd resets them per
 * call, and keeping them saves an allocation of their workspaces each time.
 */
export class ZstdWasm {
  readonly #x: ZstdExports;
  readonly #cctx: number;
  readonly #dctx: number;

  constructor(x: ZstdExports) {
    this.#x = x;
    this.#cctx = x.createCCtx();
    this.#dctx = x.createDCtx();
    if (this.#cctx === 0 || this.#dctx === 0) throw outOfMemory("its contexts");
  }

  /** A single zstd frame (with its content size) at `level`. */
  compress(data: Uint8Array, level: number): Uint8Array {
    const x = this.#x;
    const bound = x.compressBound(data.length) >>> 0;
    if (x.isError(bound) || bound === 0) {
      throw new CodecError(
        CodecErrorCode.Unavailable,
        "zstd",
        `cannot compress ${data.length} bytes: more than its 32-bit WASM heap can hold`,
      );
    }
    const src = x.malloc(Math.max(data.length, 1)) >>> 0;
    const dst = src === 0 ? 0 : x.malloc(bound) >>> 0;
    try {
      if (src === 0 || dst === 0) throw outOfMemory(`${data.length + bound} bytes`);
      new Uint8Array(x.memory.buffer).set(data, src);
      const n = x.compressUsingDict(this.#cctx, dst, bound, src, data.length, 0, 0, level);
      if (x.isError(n)) {
        const code = -n;
        if (code === ERROR_MEMORY) throw outOfMemory(`level ${level} on ${data.length} bytes`);
        throw new CodecError(
          CodecErrorCode.Unavailable,
          "zstd",
          `compression failed: ${errorName(code)}`,
        );
      }
      return new Uint8Array(x.memory.buffer, dst, n).slice();
    } finally {
      x.free(dst);
      x.free(src);
    }
  }

  /**
   * Every frame of `data`, concatenated. Refuses output beyond `limit` bytes before allocating
   * it when the frames declare their size, and by a failed decode into a `limit`-byte buffer
   * when they do not.
   */
  decompress(data: Uint8Array, limit: number): Uint8Array {
    const { upper, exact } = zstdSizeBound(data);
    if (exact && upper > limit) {
      throw corrupt(`frames declare ${upper} bytes of content, more than the limit of ${limit}`);
    }
    const capacity = Math.min(upper, limit);
    const x = this.#x;
    const src = x.malloc(data.length) >>> 0;
    const dst = src === 0 ? 0 : x.malloc(Math.max(capacity, 1)) >>> 0;
    try {
      if (src === 0 || dst === 0) throw outOfMemory(`${data.length + capacity} bytes`);
      new Uint8Array(x.memory.buffer).set(data, src);
      const n = x.decompressUsingDict(this.#dctx, dst, capacity, src, data.length, 0, 0);
      if (x.isError(n)) {
        const code = -n;
        if (code === ERROR_DST_TOO_SMALL) {
          throw corrupt(
            upper > limit
              ? `decompresses to more than the limit of ${limit} bytes`
              : "content is larger than its frame header declares",
          );
        }
        if (code === ERROR_MEMORY) throw outOfMemory("decompression");
        throw corrupt(errorName(code));
      }
      return new Uint8Array(x.memory.buffer, dst, n).slice();
    } finally {
      x.free(dst);
      x.free(src);
    }
  }
}

function errorName(code: number): string {
  return ERROR_NAMES[code] ?? `zstd error ${code}`;
}

function corrupt(message: string): CodecError {
  return new CodecError(CodecErrorCode.Corrupt, "zstd", message);
}

function outOfMemory(what: string): CodecError {
  return new CodecError(
    CodecErrorCode.Unavailable,
    "zstd",
    `out of WASM memory for ${what} in ${runtimeName()}`,
  );
}
