import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import fc from "fast-check";
import { murmur2, toPositive } from "../src/murmur2.js";

/** Written by Kafka's own Utils.murmur2 and BuiltInPartitioner: see fixtures/java/run.sh. */
const fixture = JSON.parse(
  readFileSync(new URL("./fixtures/murmur2-vectors.json", import.meta.url), "utf8"),
) as {
  kafkaVersion: string;
  partitionCounts: number[];
  vectors: { about?: string; text?: string; key: string; murmur2: number; partitions: number[] }[];
};

function fromHex(hex: string): Uint8Array {
  assert.ok(hex.length % 2 === 0 && /^[0-9a-f]*$/.test(hex), `bad hex ${hex}`);
  return Uint8Array.from(hex.match(/../g) ?? [], (h) => Number.parseInt(h, 16));
}

/**
 * MurmurHash2 as Kafka's Utils.murmur2 defines it, written the slow, plain way: unbounded BigInt
 * arithmetic reduced to 32 bits after every multiplication, the signed result taken at the end.
 */
function referenceMurmur2(data: Uint8Array): number {
  const mask = 0xffffffffn;
  const m = 0x5bd1e995n;
  const mul = (a: bigint, b: bigint) => (a * b) & mask;
  const byte = (i: number) => BigInt(data[i]!);
  let h = 0x9747b28cn ^ BigInt(data.length);
  const blocks = Math.floor(data.length / 4);
  for (let b = 0; b < blocks; b++) {
    const i = b * 4;
    let k = byte(i) + (byte(i + 1) << 8n) + (byte(i + 2) << 16n) + (byte(i + 3) << 24n);
    k = mul(k, m);
    k ^= k >> 24n;
    k = mul(k, m);
    h = mul(h, m);
    h ^= k;
  }
  const tail = blocks * 4;
  const rest = data.length - tail;
  if (rest === 3) h ^= byte(tail + 2) << 16n;
  if (rest >= 2) h ^= byte(tail + 1) << 8n;
  if (rest >= 1) {
    h ^= byte(tail);
    h = mul(h, m);
  }
  h ^= h >> 13n;
  h = mul(h, m);
  h ^= h >> 15n;
  return Number(BigInt.asIntN(32, h));
}

describe("murmur2", () => {
  it("the Java vectors come from Kafka 4.1.1 and cover every tail length and the producer test keys", () => {
    // Guards against a truncated or regenerated fixture making the vector tests vacuous.
    assert.equal(fixture.kafkaVersion, "4.1.1");
    const lengths = new Set(fixture.vectors.map((v) => (v.key.length / 2) % 4));
    assert.deepEqual([...lengths].sort(), [0, 1, 2, 3]);
    assert.ok(
      fixture.vectors.some((v) => v.key === ""),
      "an empty-key vector",
    );
    const keys = new Set(fixture.vectors.map((v) => v.key));
    for (const i of [0, 1, 9, 10, 99, 100, 999]) {
      const hex = Array.from(new TextEncoder().encode(`key-${i}`), (b) =>
        b.toString(16).padStart(2, "0"),
      ).join("");
      assert.ok(keys.has(hex), `vector for key-${i}`);
    }
    assert.ok(fixture.vectors.length >= 1200, `${fixture.vectors.length} vectors`);
  });

  it("equals Kafka's Java Utils.murmur2 on every vector", () => {
    let checked = 0;
    for (const v of fixture.vectors) {
      const key = fromHex(v.key);
      assert.equal(murmur2(key), v.murmur2, `murmur2(${v.text ?? v.about ?? v.key})`);
      checked++;
    }
    assert.equal(checked, fixture.vectors.length);
  });

  it("the BigInt reference implementation also equals Java on every vector", () => {
    // The property test below compares against this reference, so it must be right first.
    for (const v of fixture.vectors) {
      assert.equal(referenceMurmur2(fromHex(v.key)), v.murmur2, `reference(${v.key})`);
    }
  });

  it("returns a signed 32-bit integer, like Java's int", () => {
    for (const v of fixture.vectors.slice(0, 50)) {
      const h = murmur2(fromHex(v.key));
      assert.ok(Number.isInteger(h) && h >= -(2 ** 31) && h < 2 ** 31, `${h}`);
    }
    assert.ok(
      fixture.vectors.some((v) => v.murmur2 < 0),
      "the vectors include negative hashes",
    );
  });

  it("equals the plain reference implementation for random byte arrays", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        assert.equal(murmur2(bytes), referenceMurmur2(bytes));
      }),
      { numRuns: 2000 },
    );
  });

  it("hashes only the bytes of a view into a larger buffer", () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 1, maxLength: 100 }),
        fc.nat(),
        fc.nat(),
        (bytes, a, b) => {
          const start = a % (bytes.length + 1);
          const end = start + (b % (bytes.length - start + 1));
          const view = bytes.subarray(start, end);
          assert.equal(murmur2(view), referenceMurmur2(bytes.slice(start, end)));
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe("toPositive", () => {
  it("clears the sign bit, as Java's Utils.toPositive", () => {
    assert.equal(toPositive(0), 0);
    assert.equal(toPositive(5), 5);
    assert.equal(toPositive(2 ** 31 - 1), 2 ** 31 - 1);
    assert.equal(toPositive(-1), 0x7fffffff);
    assert.equal(toPositive(-(2 ** 31)), 0);
    assert.equal(toPositive(-1_349_681_240), -1_349_681_240 & 0x7fffffff);
    assert.equal(toPositive(-1_349_681_240), 797_802_408);
  });
});
