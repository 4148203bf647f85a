import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { gunzipSync, gzipSync } from "node:zlib";
import { CodecError } from "../src/codec.js";
import { createGzipCodec, GZIP_DEFAULT_LEVEL, gzip } from "../src/gzip/index.js";

const text = new TextEncoder();

/** Telemetry-like JSON lines: repeated keys, varying ids and numbers. */
function telemetry(bytes: number): Uint8Array {
  const lines: string[] = [];
  let size = 0;
  for (let i = 0; size < bytes; i++) {
    const line = JSON.stringify({
      ts: 1_760_000_000_000 + i * 17,
      event: ["page_view", "click", "scroll", "error"][i % 4],
      session: ((i * 2654435761) >>> 0).toString(16).padStart(8, "0"),
      page: `/products/${(i * 7919) % 500}`,
      metrics: { latencyMs: (i * 37) % 2000, cls: ((i * 13) % 100) / 1000 },
    });
    lines.push(line);
    size += line.length + 1;
  }
  return text.encode(lines.join("\n")).subarray(0, bytes);
}

async function rejectsCorrupt(data: Uint8Array, pattern: RegExp): Promise<void> {
  await assert.rejects(gzip.decompress(data), (err: unknown) => {
    assert.ok(err instanceof CodecError, `a CodecError, not ${String(err)}`);
    assert.equal(err.code, "CODEC_CORRUPT");
    assert.equal(err.codec, "gzip");
    assert.match(err.message, /^gzip: /);
    assert.match(err.message, pattern);
    return true;
  });
}

/** Runs `fn` with the web-standard compression streams removed, as in a runtime without them. */
async function withoutCompressionStreams(fn: () => Promise<void>): Promise<void> {
  const g = globalThis as Record<string, unknown>;
  const saved = { cs: g.CompressionStream, ds: g.DecompressionStream };
  g.CompressionStream = undefined;
  g.DecompressionStream = undefined;
  try {
    await fn();
  } finally {
    g.CompressionStream = saved.cs;
    g.DecompressionStream = saved.ds;
  }
}

describe("gzip codec", () => {
  it("is Kafka's codec id 1, named gzip, at zlib's default level 6", () => {
    assert.equal(gzip.id, 1);
    assert.equal(gzip.name, "gzip");
    assert.equal(gzip.level, 6);
    assert.equal(GZIP_DEFAULT_LEVEL, 6);
  });

  it("writes a standard gzip member: 1f 8b, deflate (8), and the input size in the trailer", async () => {
    const input = telemetry(50_000);
    const out = await gzip.compress(input);
    assert.deepEqual([...out.subarray(0, 3)], [0x1f, 0x8b, 0x08]);
    const isize = new DataView(out.buffer, out.byteOffset + out.length - 4, 4).getUint32(0, true);
    assert.equal(isize, input.length);
  });

  it("node:zlib gunzip reads what we write", async () => {
    for (const input of [
      new Uint8Array(0),
      text.encode("x"),
      telemetry(16 * 1024),
      telemetry(1 << 20),
    ]) {
      const out = await gzip.compress(input);
      assert.ok(gunzipSync(out).equals(input), `${input.length} bytes`);
    }
  });

  it("reads what node:zlib gzip writes, at every level", async () => {
    const input = telemetry(300 * 1024);
    for (let level = 1; level <= 9; level++) {
      const back = await gzip.decompress(new Uint8Array(gzipSync(input, { level })));
      assert.ok(Buffer.from(back).equals(input), `level ${level}`);
    }
  });

  it("compresses telemetry JSON to less than a fifth of its size", async () => {
    const input = telemetry(300 * 1024);
    const out = await gzip.compress(input);
    assert.ok(out.length < input.length / 5, `${out.length} of ${input.length}`);
  });

  it("returns plain Uint8Arrays and takes views and Node Buffers", async () => {
    const input = telemetry(40_000);
    const big = new Uint8Array(input.length + 64);
    big.set(input, 32);
    const out = await gzip.compress(big.subarray(32, 32 + input.length));
    assert.ok(out instanceof Uint8Array);
    const back = await gzip.decompress(Buffer.from(out));
    assert.ok(Buffer.from(back).equals(input));
  });

  it("compresses from a SharedArrayBuffer view (the streams refuse those, so it is copied)", async () => {
    const input = telemetry(10_000);
    const shared = new Uint8Array(new SharedArrayBuffer(input.length));
    shared.set(input);
    assert.ok(gunzipSync(await gzip.compress(shared)).equals(input));
  });

  it("takes level 6 or -1 (Kafka's 'default'); other levels name why they are not available", () => {
    assert.equal(createGzipCodec({ level: 6 }).level, 6);
    assert.equal(createGzipCodec({ level: -1 }).level, 6);
    assert.equal(createGzipCodec({}).level, 6);
    assert.throws(() => createGzipCodec({ level: 9 }), {
      code: "INVALID_ARGUMENT",
      message:
        /gzip level: only the default \(6, or -1\).*CompressionStream has no level setting; received 9/,
    });
    for (const bad of [0, 10, 2.5, Number.NaN]) {
      assert.throws(() => createGzipCodec({ level: bad }), {
        code: "INVALID_ARGUMENT",
        message: /gzip level: must be an integer from 1 to 9, or -1 for the default; received/,
      });
    }
  });

  it("without CompressionStream, fails with CODEC_UNAVAILABLE naming the codec and the runtime", async () => {
    await withoutCompressionStreams(async () => {
      for (const call of [
        () => gzip.compress(text.encode("x")),
        () => gzip.decompress(gzipSync("x")),
      ]) {
        await assert.rejects(call(), (err: unknown) => {
          assert.ok(err instanceof CodecError);
          assert.equal(err.code, "CODEC_UNAVAILABLE");
          assert.equal(err.codec, "gzip");
          assert.match(err.message, /^gzip: CompressionStream .* not available in node \d+/);
          return true;
        });
      }
    });
    // And it works again once they are back: nothing was cached.
    assert.ok(gunzipSync(await gzip.compress(text.encode("x"))).equals(text.encode("x")));
  });

  it("rejects input that is not a Uint8Array, naming what it got", async () => {
    for (const call of [
      () => gzip.compress([1, 2] as never),
      () => gzip.decompress([1, 2] as never),
    ]) {
      await assert.rejects(call(), {
        code: "INVALID_ARGUMENT",
        message: /gzip: data must be a Uint8Array; received an array of 2/,
      });
    }
  });
});

describe("corrupt gzip input fails with CODEC_CORRUPT", () => {
  const good = new Uint8Array(gzipSync(telemetry(20_000)));

  it("empty input and input too short for a header and trailer", async () => {
    await rejectsCorrupt(new Uint8Array(0), /received 0 bytes starting \(nothing\)/);
    await rejectsCorrupt(good.subarray(0, 17), /expected at least 18 bytes/);
  });

  it("the wrong magic or compression method", async () => {
    await rejectsCorrupt(text.encode("not gzip at all, just text"), /starting 6e 6f 74/);
    const method = good.slice();
    method[2] = 7;
    await rejectsCorrupt(method, /starting 1f 8b 07/);
  });

  it("a cut-off stream", () =>
    rejectsCorrupt(good.subarray(0, good.length - 5), /corrupt gzip stream/));

  it("a flipped bit in the deflate data or the CRC", async () => {
    const body = good.slice();
    body[40]! ^= 0x10;
    await rejectsCorrupt(body, /corrupt gzip stream/);
    const crc = good.slice();
    crc[crc.length - 6]! ^= 0x01;
    await rejectsCorrupt(crc, /corrupt gzip stream: incorrect data check/);
  });

  it("bytes after the member that are not another member", () =>
    rejectsCorrupt(Uint8Array.from([...good, 1, 2, 3]), /corrupt gzip stream/));
});
