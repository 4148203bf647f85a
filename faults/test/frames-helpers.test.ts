/**
 * The fuzz part's generator and byte helpers (faults/lib/rng.ts, faults/lib/bytes.ts): the same
 * seed gives the same draws, each (run seed, target, index) its own stream, draws stay in their
 * bounds, varints round-trip and hex says what it cut.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { encodeUnsignedVarint, hex, readUnsignedVarint } from "../lib/bytes.js";
import { inputRng, Rng } from "../lib/rng.js";

function draws(rng: Rng, n: number): number[] {
  return Array.from({ length: n }, () => rng.next());
}

describe("Rng", () => {
  it("gives the same sequence for the same seed and a different one for another", () => {
    assert.deepEqual(draws(new Rng(42), 100), draws(new Rng(42), 100));
    assert.notDeepEqual(draws(new Rng(42), 100), draws(new Rng(43), 100));
    assert.ok(draws(new Rng(7), 1000).every((x) => Number.isInteger(x) && x >= 0 && x < 2 ** 32));
  });

  it("keeps int, range and pick within bounds and reaches both ends of a range", () => {
    const rng = new Rng(1);
    const seen = new Set<number>();
    for (let i = 0; i < 2000; i++) {
      const v = rng.range(-3, 3);
      assert.ok(v >= -3 && v <= 3);
      seen.add(v);
      const k = rng.int(10);
      assert.ok(Number.isInteger(k) && k >= 0 && k < 10);
    }
    assert.equal(seen.size, 7);
    assert.equal(rng.bytes(13).length, 13);
  });

  it("makes edge-biased ints that fit their width", () => {
    const rng = new Rng(9);
    for (let i = 0; i < 2000; i++) {
      const a = rng.int16();
      const b = rng.int32();
      const c = rng.int64();
      assert.ok(a >= -0x8000 && a <= 0x7fff);
      assert.ok(b >= -0x80000000 && b <= 0x7fffffff && Number.isInteger(b));
      assert.equal(BigInt.asIntN(64, c), c);
    }
  });

  it("gives each (run seed, target, index) its own reproducible stream", () => {
    const a = draws(inputRng(5, "frame splitter", 10), 20);
    assert.deepEqual(a, draws(inputRng(5, "frame splitter", 10), 20));
    assert.notDeepEqual(a, draws(inputRng(5, "frame splitter", 11), 20));
    assert.notDeepEqual(a, draws(inputRng(5, "record batch", 10), 20));
    assert.notDeepEqual(a, draws(inputRng(6, "frame splitter", 10), 20));
  });
});

describe("byte helpers", () => {
  it("varints round-trip and an unterminated one is not read", () => {
    for (const v of [0, 1, 127, 128, 16_383, 16_384, 2 ** 28 - 1, 2 ** 28, 2 ** 32 - 1]) {
      const enc = encodeUnsignedVarint(v);
      assert.deepEqual(readUnsignedVarint(enc, 0), { value: v, length: enc.length });
    }
    assert.equal(readUnsignedVarint(new Uint8Array(6).fill(0xff), 0), undefined);
  });

  it("hex shows everything up to the limit and says how much was cut", () => {
    assert.equal(hex(Uint8Array.of(0, 15, 255)), "000fff");
    assert.equal(hex(new Uint8Array(10), 2), "0000… (10 bytes, first 2 shown)");
  });
});
