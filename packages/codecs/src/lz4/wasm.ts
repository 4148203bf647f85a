import { BlockCorrupt } from "./block-scan.js";
import type { BlockDecompressor } from "./frame-reader.js";
import type { BlockCompressor } from "./frame-writer.js";

/**
 * Our own binding to the wasm of lz4-wasm 0.9.2 (lz4_flex compiled by wasm-bindgen as a
 * "bundler" build, whose JS glue only works inside a bundler). What the module holds, read with
 * WebAssembly.Module.exports/imports and from its glue (lz4_wasm_bg.js):
 *
 *   exports  memory; compress(retptr, ptr, len); decompress(retptr, ptr, len);
 *            __wbindgen_add_to_stack_pointer(delta) -> sp; __wbindgen_malloc(len) -> ptr;
 *            __wbindgen_free(ptr, len)
 *   imports  "./lz4_wasm_bg.js".__wbindgen_string_new(ptr, len) -> handle, which wraps the
 *            message of a failed decompress in a JS string
 *
 * Both functions take an input the caller mallocs (and which Rust frees) and write their
 * result at `retptr`; the caller frees the result.
 * - compress: lz4_flex's `compress_prepend_size`: result (ptr, len) = the input size as 4 bytes
 *   little-endian, then one independent raw LZ4 block: exactly what a frame's data block holds.
 * - decompress: lz4_flex's `decompress_size_prepended`: input = the decoded size (4 bytes LE,
 *   which must be exact), then the raw block; result (ptr, len, error handle, is-error).
 */

interface Lz4WasmExports {
  memory: WebAssembly.Memory;
  compress(retptr: number, ptr: number, len: number): void;
  decompress(retptr: number, ptr: number, len: number): void;
  __wbindgen_add_to_stack_pointer(delta: number): number;
  __wbindgen_malloc(len: number): number;
  __wbindgen_free(ptr: number, len: number): void;
}

const REQUIRED_EXPORTS = [
  "memory",
  "compress",
  "decompress",
  "__wbindgen_add_to_stack_pointer",
  "__wbindgen_malloc",
  "__wbindgen_free",
] as const;

/** The decoded size lz4_flex keeps in front of a block. */
const SIZE_PREFIX = 4;

/**
 * The module's one import builds decompress's error message as a JS string; a dummy handle
 * will do, since we read only the is-error flag (blocks are checked before they reach the wasm,
 * and block-scan.ts says what is wrong).
 */
const IMPORTS = { "./lz4_wasm_bg.js": { __wbindgen_string_new: () => 0 } };

export interface Lz4Wasm {
  readonly compressBlock: BlockCompressor;
  readonly decompressBlock: BlockDecompressor;
  /** True once a call trapped: the module's heap may be inconsistent; use a new instance. */
  readonly broken: boolean;
}

/** Instantiates the lz4-wasm module; rejects if it is not the module we bind to. */
export async function instantiateLz4Wasm(module: WebAssembly.Module): Promise<Lz4Wasm> {
  const instance = await WebAssembly.instantiate(module, IMPORTS);
  const exports = instance.exports as Record<string, unknown>;
  for (const name of REQUIRED_EXPORTS) {
    if (typeof exports[name] !== (name === "memory" ? "object" : "function")) {
      throw new Error(`the module does not export ${name}: it is not lz4-wasm 0.9's`);
    }
  }
  return bind(exports as unknown as Lz4WasmExports);
}

function bind(wasm: Lz4WasmExports): Lz4Wasm {
  let broken = false;

  /** Runs `call` with 16 bytes of wasm stack for results; a trap marks the instance broken. */
  const withStack = <T>(call: (retptr: number) => T): T => {
    const retptr = wasm.__wbindgen_add_to_stack_pointer(-16);
    try {
      return call(retptr);
    } catch (err) {
      if (err instanceof WebAssembly.RuntimeError) broken = true;
      throw err;
    } finally {
      wasm.__wbindgen_add_to_stack_pointer(16);
    }
  };

  /** Copies `src[start, end)` into fresh wasm memory after `prefix` bytes; returns its address. */
  const copyIn = (src: Uint8Array, start: number, end: number, prefix: number): number => {
    const ptr = wasm.__wbindgen_malloc(prefix + end - start);
    // Views are made after every call into the module: memory.grow detaches old buffers.
    new Uint8Array(wasm.memory.buffer, ptr + prefix, end - start).set(src.subarray(start, end));
    return ptr;
  };

  const compressBlock: BlockCompressor = (src, start, end, dst, at) =>
    withStack((retptr) => {
      const length = end - start;
      wasm.compress(retptr, copyIn(src, start, end, 0), length);
      const ret = new DataView(wasm.memory.buffer, retptr, 8);
      const result = ret.getInt32(0, true);
      const resultLength = ret.getInt32(4, true);
      const blockLength = resultLength - SIZE_PREFIX;
      let written = -1;
      if (blockLength < length) {
        dst.set(new Uint8Array(wasm.memory.buffer, result + SIZE_PREFIX, blockLength), at);
        written = blockLength;
      }
      wasm.__wbindgen_free(result, resultLength);
      return written;
    });

  const decompressBlock: BlockDecompressor = (src, start, end, size, dst, at) =>
    withStack((retptr) => {
      const input = copyIn(src, start, end, SIZE_PREFIX);
      new DataView(wasm.memory.buffer, input, SIZE_PREFIX).setUint32(0, size, true);
      wasm.decompress(retptr, input, SIZE_PREFIX + end - start);
      const ret = new DataView(wasm.memory.buffer, retptr, 16);
      if (ret.getInt32(12, true) !== 0) {
        throw new BlockCorrupt("lz4-wasm could not decode it");
      }
      const result = ret.getInt32(0, true);
      const resultLength = ret.getInt32(4, true);
      if (resultLength === size) {
        dst.set(new Uint8Array(wasm.memory.buffer, result, resultLength), at);
      }
      wasm.__wbindgen_free(result, resultLength);
      if (resultLength !== size) {
        throw new BlockCorrupt(`lz4-wasm decoded ${resultLength} bytes, not ${size}`);
      }
    });

  return {
    compressBlock,
    decompressBlock,
    get broken() {
      return broken;
    },
  };
}
