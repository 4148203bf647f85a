import { describe, TributaryError } from "@tributary/protocol";
import { type Codec, CodecError, CodecErrorCode, runtimeName } from "../codec.js";
import { instantiateZstd } from "./wasm-abi.js";
import { ZstdWasm } from "./zstd-wasm.js";

/**
 * Kafka's zstd levels (CompressionType.ZSTD in 4.1.1: zstd-jni's min/max/default, i.e. libzstd's
 * ZSTD_minCLevel(), ZSTD_maxCLevel() and ZSTD_CLEVEL_DEFAULT), which `compression.zstd.level`
 * (KIP-390) is validated against. Negative levels trade ratio for speed; 0 means the default.
 */
export const ZSTD_MIN_LEVEL = -131072;
export const ZSTD_MAX_LEVEL = 22;
export const ZSTD_DEFAULT_LEVEL = 3;
/**
 * Default cap on one decompressed records section: well above a batch Kafka lets through by
 * default (message.max.bytes is about 1 MiB), low enough that a hostile frame claiming gigabytes
 * cannot make us allocate them.
 */
export const ZSTD_DEFAULT_MAX_DECOMPRESSED_BYTES = 64 * 1024 * 1024;

export interface ZstdCodecOptions {
  /** Integer from -131072 to 22, as Kafka's `compression.zstd.level`; 3 when not given. */
  level?: number | undefined;
  /** Largest decompressed output accepted, in bytes; 64 MiB when not given. */
  maxDecompressedBytes?: number | undefined;
}

export interface ZstdCodec extends Codec {
  readonly id: 4;
  readonly name: "zstd";
  readonly level: number;
}

/** Where the compiled zstd module comes from: bytes compiled at run time, or a module import. */
export type ZstdModuleSource = () => Promise<WebAssembly.Module>;

/**
 * Builds `createZstdCodec` over one lazily loaded WASM instance shared by every codec it makes.
 * The module loads at the first compress/decompress, not at import. A load failure is kept, so
 * later calls fail the same way at once instead of retrying a load that cannot work. A WASM trap
 * mid-call drops the instance (its heap may be inconsistent); the next call makes a new one.
 */
export function zstdCodecFactory(
  source: ZstdModuleSource,
): (options?: ZstdCodecOptions) => ZstdCodec {
  let module: Promise<WebAssembly.Module> | undefined;
  let instance: Promise<ZstdWasm> | undefined;

  const load = (): Promise<WebAssembly.Module> => {
    module ??= loadModule(source);
    return module;
  };
  const ready = (): Promise<ZstdWasm> => {
    instance ??= load().then(async (m) => {
      try {
        return new ZstdWasm(await instantiateZstd(m));
      } catch (err) {
        throw unavailable(`its WASM could not be instantiated in ${runtimeName()}${why(err)}`, err);
      }
    });
    return instance;
  };
  const run = async <T>(op: (z: ZstdWasm) => T, onTrap: (err: unknown) => CodecError) => {
    const z = await ready();
    try {
      return op(z);
    } catch (err) {
      if (err instanceof TributaryError) throw err;
      instance = undefined;
      throw onTrap(err);
    }
  };

  return (options: ZstdCodecOptions = {}) => {
    const level = checkLevel(options.level);
    const limit = checkLimit(options.maxDecompressedBytes);
    return {
      id: 4,
      name: "zstd",
      level,
      compress: async (data) => {
        checkInput(data);
        return run(
          (z) => z.compress(data, level),
          (err) => unavailable(`its WASM failed compressing in ${runtimeName()}${why(err)}`, err),
        );
      },
      decompress: async (data) => {
        checkInput(data);
        return run(
          (z) => z.decompress(data, limit),
          (err) =>
            new CodecError(
              CodecErrorCode.Corrupt,
              "zstd",
              `its WASM failed decoding${why(err)}`,
              err,
            ),
        );
      },
    };
  };
}

async function loadModule(source: ZstdModuleSource): Promise<WebAssembly.Module> {
  if (typeof WebAssembly !== "object" || WebAssembly === null) {
    throw unavailable(`WebAssembly is not available in ${runtimeName()}`);
  }
  try {
    return await source();
  } catch (err) {
    if (err instanceof CodecError) throw err;
    throw unavailable(`its WASM could not be loaded in ${runtimeName()}${why(err)}`, err);
  }
}

function why(err: unknown): string {
  return err instanceof Error ? `: ${err.message}` : "";
}

function unavailable(message: string, cause?: unknown): CodecError {
  return new CodecError(CodecErrorCode.Unavailable, "zstd", message, cause);
}

function checkLevel(level: number | undefined): number {
  if (level === undefined) return ZSTD_DEFAULT_LEVEL;
  if (!Number.isInteger(level) || level < ZSTD_MIN_LEVEL || level > ZSTD_MAX_LEVEL) {
    throw invalid(
      "level",
      `must be an integer from ${ZSTD_MIN_LEVEL} to ${ZSTD_MAX_LEVEL} (Kafka's compression.zstd.level)`,
      level,
    );
  }
  return level;
}

function checkLimit(limit: number | undefined): number {
  if (limit === undefined) return ZSTD_DEFAULT_MAX_DECOMPRESSED_BYTES;
  // The WASM heap is 32-bit and at most 2 GiB, shared with the input and zstd's own tables.
  if (!Number.isSafeInteger(limit) || limit < 0 || limit > 1024 * 1024 * 1024) {
    throw invalid("maxDecompressedBytes", "must be an integer from 0 to 1 GiB", limit);
  }
  return limit;
}

function checkInput(data: unknown): asserts data is Uint8Array {
  if (!(data instanceof Uint8Array)) throw invalid("data", "must be a Uint8Array", data);
}

function invalid(field: string, rule: string, received: unknown): TributaryError {
  return new TributaryError(
    "INVALID_ARGUMENT",
    `zstd ${field}: ${rule}; received ${describe(received)}`,
  );
}
