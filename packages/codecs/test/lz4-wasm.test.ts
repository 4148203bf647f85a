import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { CodecError } from "../src/codec.js";
import { createLz4Codec } from "../src/lz4/index.js";
import { LZ4_WASM_SHA256 } from "../src/lz4/wasm-bytes.js";
import { compileEmbeddedWasm, embeddedWasmBytes } from "../src/lz4/wasm-embedded.js";
import { telemetryJson } from "./lz4-data.js";

/** The module native/lz4/build.sh builds from our lz4-block.c. */
const built = new Uint8Array(
  readFileSync(new URL("../native/lz4/lz4-block.wasm", import.meta.url)),
);

describe("lz4's embedded wasm", () => {
  it("decodes to the bytes whose SHA-256 embed-lz4-wasm.mjs recorded", () => {
    const sha = createHash("sha256").update(embeddedWasmBytes()).digest("hex");
    assert.equal(sha, LZ4_WASM_SHA256);
  });

  it("is byte for byte native/lz4/lz4-block.wasm, built from our C (else run scripts/embed-lz4-wasm.mjs)", () => {
    assert.deepEqual(embeddedWasmBytes(), built);
  });

  it("is the same module as the lz4.wasm the workerd entry imports", () => {
    const shipped = new Uint8Array(readFileSync(new URL("../src/lz4/lz4.wasm", import.meta.url)));
    assert.deepEqual(shipped, embeddedWasmBytes());
  });

  it("exports exactly what wasm.ts binds to and imports nothing", async () => {
    const module = await compileEmbeddedWasm();
    const exports = WebAssembly.Module.exports(module).map((e) => `${e.kind} ${e.name}`);
    assert.deepEqual(exports.sort(), [
      "function compress_block",
      "function decompress_block",
      "function scratch_base",
      "memory memory",
    ]);
    assert.deepEqual(WebAssembly.Module.imports(module), []);
  });

  it("a codec given a compiled module as wasmModule uses it", async () => {
    const codec = createLz4Codec({ wasmModule: compileEmbeddedWasm() });
    const data = telemetryJson(100_000);
    assert.deepEqual(await codec.decompress(await codec.compress(data)), data);
  });

  it("a wasmModule that is not lz4-block.wasm fails with CODEC_UNAVAILABLE naming what is missing", async () => {
    // The smallest valid module: magic and version, nothing exported.
    const empty = await WebAssembly.compile(Uint8Array.of(0, 0x61, 0x73, 0x6d, 1, 0, 0, 0));
    const codec = createLz4Codec({ wasmModule: empty });
    const err = await codec.compress(Uint8Array.of(1)).catch((e: unknown) => e);
    assert.ok(err instanceof CodecError);
    assert.equal(err.code, "CODEC_UNAVAILABLE");
    assert.match(
      err.message,
      /^lz4: the lz4 wasm could not be instantiated in node \d+\S* \(the module does not export memory: it is not lz4-block.wasm\)$/,
    );
  });

  it("a wasmModule promise that rejects fails with CODEC_UNAVAILABLE, the cause kept", async () => {
    const cause = new Error("fetch failed");
    const codec = createLz4Codec({ wasmModule: Promise.reject(cause) });
    const err = await codec.decompress(Uint8Array.of(1)).catch((e: unknown) => e);
    assert.ok(err instanceof CodecError);
    assert.equal(err.code, "CODEC_UNAVAILABLE");
    assert.match(
      err.message,
      /^lz4: the lz4 wasm could not be compiled in node \S+ \(fetch failed\); a Content-Security-Policy must allow 'wasm-unsafe-eval'/,
    );
    assert.equal(err.cause, cause);
  });
});
