import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { describe, it } from "node:test";
import { gunzipSync } from "node:zlib";
import { CodecError, runtimeName } from "../src/codec.js";
import { zstd } from "../src/zstd/index.js";
import { checkShape } from "../src/zstd/wasm-abi.js";
import { compileEmbeddedZstd } from "../src/zstd/wasm-embedded.js";
import { ZSTD_WASM_GZIP_BASE64, ZSTD_WASM_SHA256 } from "../src/zstd/wasm-gzip-base64.js";
import { type ZstdModuleSource, zstdCodecFactory } from "../src/zstd/zstd-codec.js";
import { ZstdWasm } from "../src/zstd/zstd-wasm.js";

const srcWasm = new URL("../src/zstd/zstd.wasm", import.meta.url);
const data = new TextEncoder().encode("a records section, or so".repeat(50));

/** The .wasm @bokuweb/zstd-wasm installs (its exports map hides it; it sits beside the JS). */
function installedWasm(): Buffer {
  let main: string;
  try {
    main = createRequire(import.meta.url).resolve("@bokuweb/zstd-wasm");
  } catch (err) {
    assert.fail(
      `@bokuweb/zstd-wasm is not installed, so the embedded WASM cannot be checked: ${err}`,
    );
  }
  return readFileSync(join(dirname(main), "..", "web", "zstd.wasm"));
}

/** Asserts CODEC_UNAVAILABLE for zstd, naming this runtime, with `why` in the message. */
function unavailable(why: RegExp) {
  return (e: unknown) => {
    assert.ok(e instanceof CodecError, `expected a CodecError, got ${String(e)}`);
    assert.equal(e.code, "CODEC_UNAVAILABLE");
    assert.equal(e.codec, "zstd");
    assert.ok(e.message.startsWith("zstd: "), e.message);
    assert.ok(e.message.includes(runtimeName()), `names the runtime: ${e.message}`);
    assert.match(e.message, why);
    return true;
  };
}

/** Runs `fn` with a global hidden, restoring it afterwards whatever happens. */
async function without(name: "WebAssembly" | "DecompressionStream", fn: () => Promise<void>) {
  const g = globalThis as Record<string, unknown>;
  const saved = Object.getOwnPropertyDescriptor(g, name)!;
  delete g[name];
  try {
    await fn();
  } finally {
    Object.defineProperty(g, name, saved);
  }
}

describe("zstd WASM embedding", () => {
  it("embeds exactly the .wasm @bokuweb/zstd-wasm installs, and src/zstd/zstd.wasm is that file too", () => {
    const embedded = gunzipSync(Buffer.from(ZSTD_WASM_GZIP_BASE64, "base64"));
    const installed = installedWasm();
    assert.ok(embedded.equals(installed), "embedded bytes differ: rerun embed-zstd-wasm.mjs");
    assert.ok(
      readFileSync(srcWasm).equals(installed),
      "src/zstd/zstd.wasm differs: rerun the script",
    );
    assert.equal(createHash("sha256").update(installed).digest("hex"), ZSTD_WASM_SHA256);
  });

  it("compiles the embedded module into the build wasm-abi.ts binds", async () => {
    const module = await compileEmbeddedZstd();
    assert.equal(checkShape(module), undefined);
  });

  it("refuses a WASM build whose imports and exports are not the known ones", async () => {
    // (module (func (export "f"))): valid, but not zstd.
    const other = await WebAssembly.compile(
      Uint8Array.of(
        0,
        97,
        115,
        109,
        1,
        0,
        0,
        0,
        1,
        4,
        1,
        96,
        0,
        0,
        3,
        2,
        1,
        0,
        7,
        5,
        1,
        1,
        102,
        0,
        0,
        10,
        4,
        1,
        2,
        0,
        11,
      ),
    );
    assert.match(checkShape(other) ?? "", /imports/);
    const codec = zstdCodecFactory(async () => other)();
    await assert.rejects(codec.compress(data), unavailable(/unexpected zstd WASM build/));
  });
});

describe("zstd loading", () => {
  it("loads the WASM once, at first use, for every codec of a factory", async () => {
    let loads = 0;
    const source: ZstdModuleSource = () => {
      loads++;
      return compileEmbeddedZstd();
    };
    const create = zstdCodecFactory(source);
    const fast = create({ level: 1 });
    const strong = create({ level: 9 });
    assert.equal(loads, 0, "nothing loads before the first compress");
    const frames = await Promise.all([
      fast.compress(data),
      strong.compress(data),
      fast.compress(data),
    ]);
    for (const f of frames) assert.deepEqual(await strong.decompress(f), data);
    assert.equal(loads, 1);
  });

  it("without WebAssembly, compress and decompress reject with CODEC_UNAVAILABLE naming the runtime, and keep failing fast", async () => {
    const codec = zstdCodecFactory(compileEmbeddedZstd)();
    const frame = await zstd.compress(data);
    await without("WebAssembly", async () => {
      await assert.rejects(codec.compress(data), unavailable(/WebAssembly is not available/));
      await assert.rejects(codec.decompress(frame), unavailable(/WebAssembly is not available/));
    });
    // The failure is kept: no second attempt at a load that failed, even once WASM is back.
    const started = performance.now();
    for (let i = 0; i < 100; i++) {
      await assert.rejects(codec.compress(data), unavailable(/WebAssembly is not available/));
    }
    assert.ok(performance.now() - started < 500, "100 failures take well under 500 ms");
    // Other codecs (and producing without zstd) are unaffected.
    assert.deepEqual(await zstd.decompress(await zstd.compress(data)), data);
  });

  it("a WASM that fails to compile is CODEC_UNAVAILABLE with the compile error as cause", async () => {
    const codec = zstdCodecFactory(() => WebAssembly.compile(Uint8Array.of(0, 97, 115, 109, 9)))();
    await assert.rejects(codec.compress(data), (e: unknown) => {
      unavailable(/could not be loaded/)(e);
      assert.ok((e as CodecError).cause instanceof WebAssembly.CompileError);
      return true;
    });
    await assert.rejects(codec.decompress(data), unavailable(/could not be loaded/));
  });

  it("without DecompressionStream the embedded WASM cannot be unpacked: CODEC_UNAVAILABLE", async () => {
    const codec = zstdCodecFactory(compileEmbeddedZstd)();
    await without("DecompressionStream", async () => {
      await assert.rejects(codec.compress(data), unavailable(/DecompressionStream/));
    });
  });

  it("a WASM trap mid-call fails that call and the next call runs on a fresh instance", async () => {
    const codec = zstdCodecFactory(compileEmbeddedZstd)();
    const frame = await codec.compress(data);
    const instantiate = WebAssembly.instantiate;
    const real = Object.getOwnPropertyDescriptor(ZstdWasm.prototype, "decompress")!;
    let instances = 0;
    WebAssembly.instantiate = ((...args: Parameters<typeof instantiate>) => {
      instances++;
      return instantiate(...args);
    }) as typeof instantiate;
    ZstdWasm.prototype.decompress = () => {
      throw new WebAssembly.RuntimeError("unreachable");
    };
    try {
      await assert.rejects(codec.decompress(frame), (e: unknown) => {
        assert.ok(e instanceof CodecError);
        assert.equal(e.code, "CODEC_CORRUPT");
        assert.match(e.message, /its WASM failed decoding: unreachable/);
        assert.ok(e.cause instanceof WebAssembly.RuntimeError);
        return true;
      });
      Object.defineProperty(ZstdWasm.prototype, "decompress", real);
      assert.deepEqual(await codec.decompress(frame), data);
      assert.equal(instances, 1, "one new instance after the trap");
    } finally {
      Object.defineProperty(ZstdWasm.prototype, "decompress", real);
      WebAssembly.instantiate = instantiate;
    }
  });
});
