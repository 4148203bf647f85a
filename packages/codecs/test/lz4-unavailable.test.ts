// Its own file, so its own process: the default codec's wasm must not have been loaded yet.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { CodecError, runtimeName } from "../src/codec.js";
import { createLz4Codec, lz4 } from "../src/lz4/index.js";

describe("lz4 where WebAssembly is missing", () => {
  it("compress and decompress reject with CODEC_UNAVAILABLE naming lz4 and the runtime, and keep doing so", async () => {
    const g = globalThis as { WebAssembly?: typeof WebAssembly | undefined };
    const saved = g.WebAssembly;
    delete g.WebAssembly;
    let first: unknown;
    try {
      first = await lz4.compress(Uint8Array.of(1, 2, 3)).catch((e: unknown) => e);
      assert.ok(first instanceof CodecError, `got ${String(first)}`);
      assert.equal(first.code, "CODEC_UNAVAILABLE");
      assert.equal(first.codec, "lz4");
      assert.equal(first.retriable, false);
      assert.equal(first.message, `lz4: WebAssembly is not available in ${runtimeName()}`);
      assert.match(runtimeName(), /^node \d+/);

      const other = createLz4Codec({ blockChecksum: true });
      for (const attempt of [lz4.decompress(Uint8Array.of(0)), other.compress(new Uint8Array())]) {
        assert.equal(
          await attempt.catch((e: unknown) => e),
          first,
          "the same failure, not a new attempt",
        );
      }
    } finally {
      g.WebAssembly = saved;
    }
    // Not retried once WebAssembly is back: a failed load stays failed.
    assert.equal(await lz4.compress(Uint8Array.of(1)).catch((e: unknown) => e), first);
    // A codec that brings its own module does its own loading.
    const { compileEmbeddedWasm } = await import("../src/lz4/wasm-embedded.js");
    const own = createLz4Codec({ wasmModule: compileEmbeddedWasm() });
    const data = Uint8Array.of(1, 2, 3, 1, 2, 3, 1, 2, 3, 1, 2, 3);
    assert.deepEqual(await own.decompress(await own.compress(data)), data);
  });
});
