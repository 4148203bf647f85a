import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { crc32c } from "../src/crc32c.js";

/** The textbook bit-at-a-time CRC-32C, the reference the table-driven fast path must match. */
function bitwiseCrc32c(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of bytes) {
    crc ^= byte;
    for (let bit = 0; bit < 8; bit++) crc = crc & 1 ? (crc >>> 1) ^ 0x82f63b78 : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}

function hex(bytes: string): Uint8Array {
  return Uint8Array.from(bytes.match(/[0-9a-f]{2}/gi) ?? [], (h) => Number.parseInt(h, 16));
}

describe("crc32c", () => {
  // RFC 3720 (iSCSI) appendix B.4 gives these CRC-32C results.
  it("matches RFC 3720 B.4: 32 bytes of zeros", () => {
    assert.equal(crc32c(new Uint8Array(32)), 0x8a9136aa);
  });

  it("matches RFC 3720 B.4: 32 bytes of 0xFF", () => {
    assert.equal(crc32c(new Uint8Array(32).fill(0xff)), 0x62a8ab43);
  });

  it("matches RFC 3720 B.4: bytes 0..31 ascending", () => {
    assert.equal(crc32c(Uint8Array.from({ length: 32 }, (_, i) => i)), 0x46dd794e);
  });

  it("matches RFC 3720 B.4: bytes 31..0 descending", () => {
    assert.equal(crc32c(Uint8Array.from({ length: 32 }, (_, i) => 31 - i)), 0x113fdb5c);
  });

  it("matches RFC 3720 B.4: the 48-byte iSCSI read command PDU", () => {
    const pdu = hex(
      "01c00000 00000000 00000000 00000000 14000000 00000400 00000014 00000018" +
        "28000000 00000000 02000000 00000000",
    );
    assert.equal(pdu.length, 48);
    assert.equal(crc32c(pdu), 0xd9963a56);
  });

  it('gives 0xE3069283 for the ASCII check string "123456789"', () => {
    assert.equal(crc32c(new TextEncoder().encode("123456789")), 0xe3069283);
  });

  it("gives 0 for no bytes and returns the initial value unchanged for no bytes", () => {
    assert.equal(crc32c(new Uint8Array(0)), 0);
    assert.equal(crc32c(new Uint8Array(0), 0xdeadbeef), 0xdeadbeef);
  });

  it("returns an unsigned 32-bit number", () => {
    const v = crc32c(new Uint8Array(32));
    assert.ok(v > 0x7fffffff, "this vector has the top bit set");
    assert.equal(v, v >>> 0);
  });

  it("reads only the view it is given, not the rest of the underlying buffer", () => {
    const backing = new Uint8Array(300).fill(0xaa);
    const inner = backing.subarray(7, 7 + 200);
    inner.set(Uint8Array.from({ length: 200 }, (_, i) => i));
    assert.equal(crc32c(inner), bitwiseCrc32c(inner.slice()));
  });

  it("equals the bit-at-a-time reference for random bytes at random offsets and lengths", () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 0, maxLength: 2100 }),
        fc.nat(),
        fc.nat(),
        (bytes, a, b) => {
          // Offsets not divisible by 4 exercise unaligned word reads.
          const start = bytes.length === 0 ? 0 : a % bytes.length;
          const end = start + (b % (bytes.length - start + 1));
          const view = bytes.subarray(start, end);
          assert.equal(crc32c(view), bitwiseCrc32c(view));
        },
      ),
      { numRuns: 400 },
    );
  });

  it("continued over random splits equals the one-shot CRC", () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 0, maxLength: 3000 }),
        fc.array(fc.nat(), { maxLength: 8 }),
        (bytes, cutSeeds) => {
          const cuts = cutSeeds.map((c) => c % (bytes.length + 1)).sort((x, y) => x - y);
          let crc = 0;
          let from = 0;
          for (const cut of [...cuts, bytes.length]) {
            crc = crc32c(bytes.subarray(from, cut), crc);
            from = cut;
          }
          assert.equal(crc, crc32c(bytes));
        },
      ),
      { numRuns: 300 },
    );
  });
});
