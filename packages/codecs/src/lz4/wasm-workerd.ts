// workerd runs only the wasm a Worker is deployed with (compiling bytes at run time throws), so
// this entry imports the .wasm file as a module: wrangler's and workerd's module rules turn a
// `.wasm` import into a compiled WebAssembly.Module. lz4.wasm is our block codec
// (native/lz4/lz4-block.c), copied by scripts/embed-lz4-wasm.mjs; the path climbs to the package root so it
// resolves the same from src/lz4/ and from dist/lz4/ (the package ships both).
import lz4WasmModule from "../../src/lz4/lz4.wasm";

/** The module workerd compiled at deploy time. */
export function importedWasmModule(): WebAssembly.Module {
  return lz4WasmModule;
}
