import { BlockCorrupt } from "./block-scan.js";
import type { BlockDecompressor } from "./frame-reader.js";
import type { BlockCompressor } from "./frame-writer.js";

/**
 * Our binding to our own LZ4 block codec, native/lz4/lz4-block.c built to a freestanding
 * wasm module (no imports, no allocator in the module). What it exports:
 *
 *   memory                                          linear memory, which only this side grows
 *   scratch_base() -> address                       where free memory starts
 *   compress_block(src, srcLen, dst, dstCap) -> n   one independent raw LZ4 block; 0 when it
 *                                                   would not fit in dstCap (or srcLen < 13)
 *   decompress_block(src, srcLen, dst, dstCap) -> n the decoded size; negative when the block
 *                                                   is malformed (every bound is checked)
 *
 * Each call copies its input to scratch_base(), has the module write its output right after
 * it, and copies that out: no state survives a call but the module's own hash table.
 */
interface Lz4BlockExports {
  memory: WebAssembly.Memory;
  scratch_base(): number;
  compress_block(src: number, srcLen: number, dst: number, dstCap: number): number;
  decompress_block(src: number, srcLen: number, dst: number, dstCap: number): number;
}

const REQUIRED_EXPORTS = ["memory", "scratch_base", "compress_block", "decompress_block"] as const;

const PAGE = 65536;

export interface Lz4Wasm {
  readonly compressBlock: BlockCompressor;
  readonly decompressBlock: BlockDecompressor;
  /** True once a call trapped; the loader then makes a new instance. */
  readonly broken: boolean;
}

/** Instantiates the lz4 block module; rejects if it is not the module we bind to. */
export async function instantiateLz4Wasm(module: WebAssembly.Module): Promise<Lz4Wasm> {
  const instance = await WebAssembly.instantiate(module, {});
  const exports = instance.exports as Record<string, unknown>;
  for (const name of REQUIRED_EXPORTS) {
    if (typeof exports[name] !== (name === "memory" ? "object" : "function")) {
      throw new Error(`the module does not export ${name}: it is not lz4-block.wasm`);
    }
  }
  return bind(exports as unknown as Lz4BlockExports);
}

function bind(wasm: Lz4BlockExports): Lz4Wasm {
  let broken = false;
  const base = wasm.scratch_base();

  /** A view of linear memory with room for `bytes` from `base`, growing memory if needed. */
  const scratch = (bytes: number): Uint8Array => {
    const short = base + bytes - wasm.memory.buffer.byteLength;
    if (short > 0) {
      try {
        wasm.memory.grow(Math.ceil(short / PAGE));
      } catch (err) {
        // Reported like a trap: not the data's fault, CODEC_UNAVAILABLE (see create.ts).
        throw new WebAssembly.RuntimeError(
          `cannot grow wasm memory to ${base + bytes} bytes (${String(err)})`,
        );
      }
    }
    // Made after any grow: growing detaches the old buffer.
    return new Uint8Array(wasm.memory.buffer);
  };

  const call = (run: () => number): number => {
    try {
      return run();
    } catch (err) {
      if (err instanceof WebAssembly.RuntimeError) broken = true;
      throw err;
    }
  };

  const compressBlock: BlockCompressor = (src, start, end, dst, at) => {
    const length = end - start;
    const heap = scratch(2 * length);
    heap.set(src.subarray(start, end), base);
    // A capacity of length - 1: a block that does not shrink is stored as is instead.
    const out = base + length;
    const written = call(() => wasm.compress_block(base, length, out, length - 1));
    if (written <= 0) return -1;
    dst.set(heap.subarray(out, out + written), at);
    return written;
  };

  const decompressBlock: BlockDecompressor = (src, start, end, size, dst, at) => {
    const length = end - start;
    const heap = scratch(length + size);
    heap.set(src.subarray(start, end), base);
    const out = base + length;
    const written = call(() => wasm.decompress_block(base, length, out, size));
    if (written < 0) throw new BlockCorrupt(`malformed block (decoder error ${written})`);
    if (written !== size) throw new BlockCorrupt(`block decoded to ${written} bytes, not ${size}`);
    dst.set(heap.subarray(out, out + size), at);
  };

  return {
    compressBlock,
    decompressBlock,
    get broken() {
      return broken;
    },
  };
}
