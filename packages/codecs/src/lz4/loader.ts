import { CodecError, CodecErrorCode, runtimeName } from "../codec.js";
import { instantiateLz4Wasm, type Lz4Wasm } from "./wasm.js";

/** Where a runtime gets the compiled lz4 block module: embedded bytes, or a workerd import. */
export type WasmModuleSource = () => WebAssembly.Module | PromiseLike<WebAssembly.Module>;

/** "lz4: <what> in <runtime> (<why>)<hint>", e.g. "lz4: WebAssembly is not available in deno". */
const unavailable = (what: string, cause?: unknown, hint = ""): CodecError =>
  new CodecError(
    CodecErrorCode.Unavailable,
    "lz4",
    `${what} in ${runtimeName()}${cause === undefined ? "" : ` (${messageOf(cause)})`}${hint}`,
    cause,
  );

/** Compiling from bytes fails in a page whose Content-Security-Policy forbids it. */
const COMPILE_HINT =
  "; a Content-Security-Policy must allow 'wasm-unsafe-eval', or pass a compiled module as wasmModule";

/**
 * A lazy, memoized loader: compiles and instantiates on first call, and shares the instance
 * after that. A failed load is remembered: every later call rejects with the same
 * CODEC_UNAVAILABLE error instead of retrying a compile that will fail again. An instance
 * whose call trapped is replaced by a fresh one from the same compiled module.
 */
export function wasmLoader(source: WasmModuleSource): () => Promise<Lz4Wasm> {
  let module: Promise<WebAssembly.Module> | undefined;
  let instance: Promise<Lz4Wasm> | undefined;
  let current: Lz4Wasm | undefined;

  const load = async (): Promise<Lz4Wasm> => {
    module ??= compile(source);
    const compiled = await module;
    try {
      current = await instantiateLz4Wasm(compiled);
      return current;
    } catch (err) {
      throw unavailable("the lz4 wasm could not be instantiated", err);
    }
  };

  return () => {
    if (current?.broken) {
      current = undefined;
      instance = undefined;
    }
    instance ??= load();
    return instance;
  };
}

async function compile(source: WasmModuleSource): Promise<WebAssembly.Module> {
  if (typeof WebAssembly !== "object" || WebAssembly === null) {
    throw unavailable("WebAssembly is not available");
  }
  try {
    return await source();
  } catch (err) {
    throw unavailable("the lz4 wasm could not be compiled", err, COMPILE_HINT);
  }
}

const messageOf = (err: unknown): string => (err instanceof Error ? err.message : String(err));
