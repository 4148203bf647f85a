import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { describe, it } from "node:test";
import { CodecError } from "../src/codec.js";
import { createLz4Codec } from "../src/lz4/index.js";
import { LZ4_WASM_SHA256 } from "../src/lz4/wasm-bytes.js";
import { compileEmbeddedWasm, embeddedWasmBytes } from "../src/lz4/wasm-embedded.js";
import { telemetryJson } from "./lz4-data.js";

/** The .wasm of the installed lz4-wasm package, or undefined when it is not installed. */
function installedWasm(): Uint8Array | undefined {
  try {
    const path = createRequire(import.meta.url).resolve("lz4-wasm/lz4_wasm_bg.wasm");
    return new Uint8Array(readFileSync(path));
  } catch {
    return undefined;
  }
}

describe("lz4's embedded wasm", () => {
  const installed = installedWasm();

  it("decodes to the bytes whose SHA-256 embed-lz4-wasm.mjs recorded", () => {
    const sha = createHash("sha256").update(embeddedWasmBytes()).digest("hex");
    assert.equal(sha, LZ4_WASM_SHA256);
  });

  it("is byte for byte the installed lz4-wasm's lz4_wasm_bg.wasm (else run scripts/embed-lz4-wasm.mjs)", {
    skip: installed === undefined && "lz4-wasm (a devDependency) is not installed",
  }, () => {
    assert.deepEqual(embeddedWasmBytes(), installed);
  });

  it("is the same module as the lz4.wasm the workerd entry imports", () => {
    const shipped = new Uint8Array(readFileSync(new URL("../src/lz4/lz4.wasm", import.meta.url)));
    assert.deepEqual(shipped, embeddedWasmBytes());
  });

  it("exports what wasm.ts binds to and imports only wasm-bindgen's error-string helper", async () => {
    const module = await compileEmbeddedWasm();
    const exports = WebAssembly.Module.exports(module).map((e) => `${e.kind} ${e.name}`);
    for (const name of [
      "memory memory",
      "function compress",
      "function decompress",
      "function __wbindgen_add_to_stack_pointer",
      "function __wbindgen_malloc",
      "function __wbindgen_free",
    ]) {
      assert.ok(exports.includes(name), `exports ${name}`);
    }
    assert.deepEqual(WebAssembly.Module.imports(module), [
      { module: "./lz4_wasm_bg.js", name: "__wbindgen_string_new", kind: "function" },
    ]);
  });

  it("a codec given a compiled module as wasmModule uses it", async () => {
    const codec = createLz4Codec({ wasmModule: compileEmbeddedWasm() });
    const data = telemetryJson(100_000);
    assert.deepEqual(await codec.decompress(await codec.compress(data)), data);
  });

  it("a wasmModule that is not lz4-wasm's fails with CODEC_UNAVAILABLE naming what is missing", async () => {
    // The smallest valid module: magic and version, nothing exported.
    const empty = await WebAssembly.compile(Uint8Array.of(0, 0x61, 0x73, 0x6d, 1, 0, 0, 0));
    const codec = createLz4Codec({ wasmModule: empty });
    const err = await codec.compress(Uint8Array.of(1)).catch((e: unknown) => e);
    assert.ok(err instanceof CodecError);
    assert.equal(err.code, "CODEC_UNAVAILABLE");
    assert.match(
      err.message,
      /^lz4: lz4-wasm could not be instantiated in node \d+\S* \(the module does not export memory: it is not lz4-wasm 0.9's\)$/,
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
      /^lz4: lz4-wasm could not be compiled in node \S+ \(fetch failed\); a Content-Security-Policy must allow 'wasm-unsafe-eval'/,
    );
    assert.equal(err.cause, cause);
  });
});
