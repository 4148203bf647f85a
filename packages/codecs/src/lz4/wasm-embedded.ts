import { LZ4_WASM_TEXT } from "./wasm-bytes.js";

/** Must match SHIFT in scripts/embed-lz4-wasm.mjs, which wrote LZ4_WASM_TEXT. */
const SHIFT = 14;

/** The lz4 block module's bytes, decoded from the string embedded in wasm-bytes.ts. */
export function embeddedWasmBytes(): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(LZ4_WASM_TEXT.length);
  for (let i = 0; i < bytes.length; i++) bytes[i] = (LZ4_WASM_TEXT.charCodeAt(i) - SHIFT) & 0xff;
  return bytes;
}

/**
 * Compiles the embedded module, asynchronously: allowed in Node, Deno, Bun and browsers (a
 * page's CSP must allow 'wasm-unsafe-eval'), but not in workerd, which only runs wasm it was
 * deployed with; its entry (workerd.ts) imports the .wasm file instead.
 */
export function compileEmbeddedWasm(): Promise<WebAssembly.Module> {
  return WebAssembly.compile(embeddedWasmBytes());
}
