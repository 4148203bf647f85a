import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import lz4napi from "lz4-napi";
import { xxhash32 } from "../src/lz4/xxhash32.js";

const text = new TextEncoder();

/** lz4-napi (native lz4_flex) writes xxhash32 of the whole input as the frame's last 4 bytes. */
function nativeXxhash32(bytes: Uint8Array): number {
  const frame = lz4napi.compressFrameSync(Buffer.from(bytes), { contentChecksum: true });
  return frame.readUInt32LE(frame.length - 4);
}

describe("xxhash32", () => {
  // Published XXH32 values (seed 0), e.g. in the xxHash and python-xxhash test suites.
  it("hashes the empty input to 0x02CC5D05", () => {
    assert.equal(xxhash32(new Uint8Array()), 0x02cc5d05);
  });

  it("matches the published values for 'a', 'abc' and a 39-byte sentence", () => {
    assert.equal(xxhash32(text.encode("a")), 0x550d7456);
    assert.equal(xxhash32(text.encode("abc")), 0x32d153ff);
    assert.equal(xxhash32(text.encode("Nobody inspects the spammish repetition")), 0xe2293b2f);
  });

  it("matches native lz4's content checksum at every length around the 16-byte stripe and 4-byte lane edges", () => {
    for (let length = 0; length <= 70; length++) {
      const bytes = Uint8Array.from({ length }, (_, i) => (i * 151 + 29) & 0xff);
      assert.equal(xxhash32(bytes), nativeXxhash32(bytes), `length ${length}`);
    }
  });

  it("matches native lz4's content checksum on random inputs", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 5000 }), (bytes) => {
        assert.equal(xxhash32(bytes), nativeXxhash32(bytes));
      }),
      { numRuns: 300 },
    );
  });

  it("hashes a range of a larger buffer the same as a copy of that range", () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 1, maxLength: 300 }),
        fc.nat(),
        fc.nat(),
        (b, x, y) => {
          const start = x % b.length;
          const end = start + (y % (b.length - start + 1));
          assert.equal(xxhash32(b, 0, start, end), xxhash32(b.slice(start, end)));
        },
      ),
    );
  });

  it("returns an unsigned 32-bit number", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        const h = xxhash32(bytes);
        assert.ok(Number.isInteger(h) && h >= 0 && h <= 0xffffffff);
      }),
    );
  });
});
