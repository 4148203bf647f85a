/**
 * The zstd WASM for workerd, which compiles WebAssembly only at deploy time: wrangler (and a
 * workerd config's `wasm` module type) turn an imported .wasm into a WebAssembly.Module.
 *
 * The path goes through src/ on purpose: this file is also compiled to dist/zstd/, where tsc
 * copies no .wasm, and "../../src/zstd/zstd.wasm" names the same published file from both places.
 */
import zstdModule from "../../src/zstd/zstd.wasm";

export function loadWorkerdZstd(): Promise<WebAssembly.Module> {
  return Promise.resolve(zstdModule);
}
