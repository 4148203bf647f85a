import { ZSTD_WASM_GZIP_BASE64 } from "./wasm-gzip-base64.js";

/**
 * Compiles the zstd WASM embedded in this package (Node, Deno, Bun, browsers). It is stored
 * gzipped and base64-encoded in a generated module: that needs no file access, no fetch by
 * relative URL and no bundler plugin, and costs about what the gzipped .wasm itself does in a
 * gzipped bundle (raw base64 would cost ~45% more: base64 hides the repeats gzip looks for).
 * DecompressionStream, a web standard in every runtime we target except old browsers, unpacks
 * it; workerd, which refuses to compile bytes at run time, uses wasm-workerd.ts instead.
 */
export async function compileEmbeddedZstd(): Promise<WebAssembly.Module> {
  if (typeof DecompressionStream !== "function") {
    throw new Error("DecompressionStream is missing, needed to unpack the embedded zstd WASM");
  }
  const gzipped = decodeBase64(ZSTD_WASM_GZIP_BASE64);
  const body = new Blob([gzipped]).stream().pipeThrough(new DecompressionStream("gzip"));
  const wasm = await new Response(body).arrayBuffer();
  return WebAssembly.compile(wasm);
}

function decodeBase64(text: string): Uint8Array<ArrayBuffer> {
  const binary = atob(text);
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}
