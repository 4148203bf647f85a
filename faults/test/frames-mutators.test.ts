/**
 * The fuzz part's mutators and chunkings (faults/lib/mutators.ts, faults/lib/chunk.ts): every
 * mutator makes the change it names and never writes to its input, stacking is reproducible, and
 * chunkings always add up to the stream.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Reader } from "@tributary/protocol";
import { concat, readBE, readUnsignedVarint, sameBytes } from "../lib/bytes.js";
import { chunk } from "../lib/chunk.js";
import { MUTATORS, type Mutation, type MutatorName, mutate, splice } from "../lib/mutators.js";
import { hashString, mixSeed, Rng } from "../lib/rng.js";
import { RESPONSE_APIS, responseFrame } from "../lib/seed-responses.js";

const TRIALS = 400;

/** Seed inputs of different shapes: a real frame, random bytes, zeros, a tiny one. */
function inputs(rng: Rng): Uint8Array[] {
  return [
    responseFrame(rng, RESPONSE_APIS[1]!, 12),
    rng.bytes(200),
    new Uint8Array(64),
    Uint8Array.of(0, 5, 1, 2, 3, 4, 5),
  ];
}

/** Runs mutator `name` over many seeds and inputs; calls `check` on every change it made. */
function eachMutation(
  name: MutatorName,
  check: (input: Uint8Array, m: Mutation) => void,
): { applied: number } {
  let applied = 0;
  for (let t = 0; t < TRIALS; t++) {
    const rng = new Rng(mixSeed(t, hashString(name)));
    for (const input of inputs(rng)) {
      const copy = input.slice();
      const m = MUTATORS[name](rng, input);
      assert.ok(sameBytes(input, copy), `${name} must not write to its input`);
      if (m === undefined) continue;
      applied++;
      assert.ok(!sameBytes(m.bytes, input), `${name} returned its input unchanged`);
      check(input, m);
    }
  }
  return { applied };
}

/** Offsets where two equal-length byte strings differ. */
function diffs(a: Uint8Array, b: Uint8Array): number[] {
  assert.equal(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) out.push(i);
  return out;
}

function popcount(x: number): number {
  let n = 0;
  for (let v = x; v; v &= v - 1) n++;
  return n;
}

describe("mutators make the change they name", () => {
  it("bitFlip flips 1 to 8 bits and keeps the length", () => {
    const { applied } = eachMutation("bitFlip", (input, m) => {
      const d = diffs(input, m.bytes);
      const bits = d.reduce((n, i) => n + popcount(input[i]! ^ m.bytes[i]!), 0);
      assert.ok(bits >= 1 && bits <= 8, `${bits} bits flipped`);
      assert.equal(m.at, d[0]);
    });
    assert.ok(applied > TRIALS);
  });

  it("byteSet changes 1 to 4 bytes and keeps the length", () => {
    eachMutation("byteSet", (input, m) => {
      const d = diffs(input, m.bytes);
      assert.ok(d.length >= 1 && d.length <= 4);
      assert.equal(m.at, d[0]);
    });
  });

  it("edgeInt changes at most one 4-byte window, starting at `at`", () => {
    eachMutation("edgeInt", (input, m) => {
      const d = diffs(input, m.bytes);
      assert.equal(d[0], m.at);
      assert.ok(d.at(-1)! - d[0]! < 4);
    });
  });

  it("lengthField rewrites an int16/int32 that held a plausible length to a different value", () => {
    const { applied } = eachMutation("lengthField", (input, m) => {
      const d = diffs(input, m.bytes);
      assert.ok(d[0]! >= m.at && d.at(-1)! < m.at + 4);
      const plausible = (width: 2 | 4) =>
        m.at + width <= input.length &&
        d.at(-1)! < m.at + width &&
        readBE(input, m.at, width) >= 1 &&
        readBE(input, m.at, width) <= input.length - m.at - width &&
        readBE(m.bytes, m.at, width) !== readBE(input, m.at, width);
      assert.ok(plausible(2) || plausible(4), `no length field at ${m.at}`);
    });
    assert.ok(applied > TRIALS, `applied only ${applied} times`);
  });

  it("varintField replaces a plausible varint with another value, an overlong or an endless one", () => {
    const { applied } = eachMutation("varintField", (input, m) => {
      const before = readUnsignedVarint(input, m.at);
      assert.ok(before !== undefined, `no varint at ${m.at}`);
      assert.ok(before.value <= input.length - m.at - before.length);
      assert.ok(sameBytes(m.bytes.subarray(0, m.at), input.subarray(0, m.at)));
      const after = readUnsignedVarint(m.bytes, m.at);
      if (after === undefined) return; // a run of continuation bytes: never terminates
      assert.ok(after.value !== before.value || after.length > before.length);
      // Everything after the varint is kept.
      const tail = input.subarray(m.at + before.length);
      assert.ok(sameBytes(m.bytes.subarray(m.bytes.length - tail.length), tail));
    });
    assert.ok(applied > TRIALS, `applied only ${applied} times`);
  });

  it("truncate keeps a strict prefix", () => {
    eachMutation("truncate", (input, m) => {
      assert.ok(m.bytes.length < input.length);
      assert.equal(m.at, m.bytes.length);
      assert.ok(sameBytes(m.bytes, input.subarray(0, m.bytes.length)));
    });
  });

  it("extend appends 1 to 64 bytes after the whole input", () => {
    eachMutation("extend", (input, m) => {
      const added = m.bytes.length - input.length;
      assert.ok(added >= 1 && added <= 64);
      assert.ok(sameBytes(m.bytes.subarray(0, input.length), input));
    });
  });

  it("insert adds 1 to 16 bytes at `at` and keeps both sides", () => {
    eachMutation("insert", (input, m) => {
      const added = m.bytes.length - input.length;
      assert.ok(added >= 1 && added <= 16);
      assert.ok(sameBytes(m.bytes.subarray(0, m.at), input.subarray(0, m.at)));
      assert.ok(sameBytes(m.bytes.subarray(m.at + added), input.subarray(m.at)));
    });
  });

  it("remove deletes 1 to 16 bytes at `at` and keeps both sides", () => {
    eachMutation("remove", (input, m) => {
      const removed = input.length - m.bytes.length;
      assert.ok(removed >= 1 && removed <= 16);
      assert.ok(sameBytes(m.bytes.subarray(0, m.at), input.subarray(0, m.at)));
      assert.ok(sameBytes(m.bytes.subarray(m.at), input.subarray(m.at + removed)));
    });
  });

  it("repeat inserts a copy of a piece of the input at `at`", () => {
    eachMutation("repeat", (input, m) => {
      const n = m.bytes.length - input.length;
      assert.ok(n >= 1 && n <= 64);
      const piece = m.bytes.subarray(m.at, m.at + n);
      assert.ok(sameBytes(m.bytes.subarray(0, m.at), input.subarray(0, m.at)));
      assert.ok(sameBytes(m.bytes.subarray(m.at + n), input.subarray(m.at)));
      let found = false;
      for (let i = 0; i + n <= input.length && !found; i++) {
        found = sameBytes(input.subarray(i, i + n), piece);
      }
      assert.ok(found, "the inserted piece is not from the input");
    });
  });

  it("tagSection turns a trailing empty tag section into well-formed tagged fields", () => {
    const { applied } = eachMutation("tagSection", (input, m) => {
      assert.equal(input.at(-1), 0);
      assert.equal(m.at, input.length - 1);
      assert.ok(sameBytes(m.bytes.subarray(0, m.at), input.subarray(0, m.at)));
      const r = new Reader(m.bytes, m.at);
      const fields = r.taggedFields(); // throws on bad order or lengths
      r.expectEnd("tag section");
      assert.ok(fields.length >= 1 && fields.length <= 3);
    });
    assert.ok(applied > 0);
  });

  it("refuses what it cannot do instead of returning the input", () => {
    const rng = new Rng(3);
    const empty = new Uint8Array(0);
    for (const name of [
      "bitFlip",
      "byteSet",
      "truncate",
      "remove",
      "repeat",
      "tagSection",
    ] as const) {
      assert.equal(MUTATORS[name](rng, empty), undefined, name);
    }
    assert.equal(MUTATORS.tagSection(rng, Uint8Array.of(1, 2, 3)), undefined);
  });

  it("mutate stacks named mutations and is reproducible", () => {
    let stacked = 0;
    for (let t = 0; t < TRIALS; t++) {
      const input = responseFrame(new Rng(t), RESPONSE_APIS[2]!, 10);
      const a = mutate(new Rng(t), input);
      const b = mutate(new Rng(t), input);
      assert.ok(sameBytes(a.bytes, b.bytes));
      assert.deepEqual(a.applied, b.applied);
      assert.ok(a.applied.length >= 1 && a.applied.length <= 4);
      assert.ok(a.applied.every((n) => n in MUTATORS));
      if (a.applied.length > 1) stacked++;
    }
    assert.ok(stacked > TRIALS / 10, `only ${stacked} stacked mutations`);
  });

  it("splice joins a head of one input to a tail of the other", () => {
    const rng = new Rng(11);
    for (let t = 0; t < TRIALS; t++) {
      const a = rng.bytes(rng.int(50));
      const b = rng.bytes(rng.int(50));
      const s = splice(rng, a, b);
      assert.ok(sameBytes(s.bytes, concat([a.subarray(0, s.cutA), b.subarray(s.cutB)])));
    }
  });
});

describe("chunk", () => {
  it("always adds up to the stream, in every style, with views, copies and padded copies", () => {
    const styles = new Set<string>();
    let padded = 0;
    for (let t = 0; t < TRIALS * 2; t++) {
      const rng = new Rng(t);
      const stream = rng.bytes(rng.int(3000));
      const { chunks, style } = chunk(rng, stream, [0, 100, 1000]);
      styles.add(style);
      assert.ok(sameBytes(concat(chunks), stream), `${style} chunks do not add up`);
      for (const c of chunks) if (c.byteOffset > 0 && c.buffer !== stream.buffer) padded++;
    }
    assert.deepEqual([...styles].sort(), [
      "boundaries",
      "bytes",
      "empties",
      "random",
      "tiny",
      "whole",
    ]);
    assert.ok(padded > 0, "no chunk was placed after junk bytes");
  });

  it("cuts an empty stream into one empty chunk", () => {
    const { chunks } = chunk(new Rng(1), new Uint8Array(0));
    assert.equal(concat(chunks).length, 0);
    assert.ok(chunks.length >= 1);
  });
});
