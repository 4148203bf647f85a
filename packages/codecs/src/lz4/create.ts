import { type Codec, CodecError, CodecErrorCode, CodecId, runtimeName } from "../codec.js";
import type { BlockSizeId } from "./frame-format.js";
import { readLz4Frame } from "./frame-reader.js";
import { type FrameWriterOptions, writeLz4Frame } from "./frame-writer.js";
import { wasmLoader } from "./loader.js";
import type { Lz4Wasm } from "./wasm.js";

export interface Lz4CodecOptions {
  /**
   * The most bytes one block holds before compression (the frame's BD byte): 65536, Kafka's
   * choice and the default, or 262144, 1048576, 4194304, which Kafka's reader accepts too.
   */
  blockSize?: 65536 | 262144 | 1048576 | 4194304 | undefined;
  /** Follow each block with its xxhash32, which Kafka's reader checks. Off by default, as Kafka writes. */
  blockChecksum?: boolean | undefined;
  /**
   * The compiled lz4 block module (the package's `src/lz4/lz4.wasm`), for a runtime that loads wasm
   * its own way. By default the entry's own copy is used.
   */
  wasmModule?: WebAssembly.Module | PromiseLike<WebAssembly.Module> | undefined;
}

const BLOCK_SIZE_IDS: Record<number, BlockSizeId> = { 65536: 4, 262144: 5, 1048576: 6, 4194304: 7 };

/**
 * The lz4 codec behind both entries (index.ts, workerd.ts), which differ only in where the
 * wasm comes from: Kafka's LZ4 frame (frame-writer.ts, frame-reader.ts) around our wasm
 * block compressor and decompressor (native/lz4/lz4-block.c).
 */
export function makeLz4Codec(
  defaultWasm: () => Promise<Lz4Wasm>,
  options: Lz4CodecOptions = {},
): Codec {
  const frame = frameOptions(options);
  const { wasmModule } = options;
  const wasm = wasmModule === undefined ? defaultWasm : wasmLoader(() => wasmModule);
  return {
    id: CodecId.lz4,
    name: "lz4",
    async compress(data: Uint8Array): Promise<Uint8Array> {
      checkBytes(data, "compress");
      const { compressBlock } = await wasm();
      return trapsAsUnavailable(() => writeLz4Frame(data, compressBlock, frame));
    },
    async decompress(data: Uint8Array): Promise<Uint8Array> {
      checkBytes(data, "decompress");
      const { decompressBlock } = await wasm();
      return trapsAsUnavailable(() => readLz4Frame(data, decompressBlock));
    },
  };
}

/**
 * A wasm trap (out of memory, say) is not the caller's data's fault: it becomes
 * CODEC_UNAVAILABLE, and the loader gives the next call a fresh instance.
 */
function trapsAsUnavailable<T>(run: () => T): T {
  try {
    return run();
  } catch (err) {
    if (err instanceof WebAssembly.RuntimeError) {
      throw new CodecError(
        CodecErrorCode.Unavailable,
        "lz4",
        `the lz4 wasm failed in ${runtimeName()} (${err.message})`,
        err,
      );
    }
    throw err;
  }
}

function frameOptions(options: Lz4CodecOptions): FrameWriterOptions {
  const blockSize = options.blockSize ?? 65536;
  const blockSizeId = BLOCK_SIZE_IDS[blockSize];
  if (blockSizeId === undefined) {
    throw new RangeError(
      `lz4: blockSize must be 65536, 262144, 1048576 or 4194304, got ${String(blockSize)}`,
    );
  }
  const blockChecksum = options.blockChecksum ?? false;
  if (typeof blockChecksum !== "boolean") {
    throw new TypeError(`lz4: blockChecksum must be a boolean, got ${typeof blockChecksum}`);
  }
  return { blockSizeId, blockChecksum };
}

function checkBytes(data: unknown, method: string): void {
  if (!(data instanceof Uint8Array)) {
    const got =
      data === null ? "null" : typeof data === "object" ? data.constructor?.name : typeof data;
    throw new TypeError(`lz4: ${method} takes a Uint8Array, got ${got}`);
  }
}
