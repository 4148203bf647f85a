/**
 * Mutators for the fuzz part (faults/fuzz.ts): changes to a byte string the way a broken or
 * hostile peer would make them (bit flips, edge values, wrong lengths and varints, cuts,
 * insertions, repeats, extra tagged fields), stacked by `mutate`, and `splice` to join two
 * inputs. Each is a pure function of the Rng it is given.
 */
import {
  concat,
  encodeUnsignedVarint,
  firstDifference,
  overlongVarint,
  readBE,
  readUnsignedVarint,
  sameBytes,
  writeBE,
} from "./bytes.js";
import { INT16_EDGES, INT32_EDGES, type Rng } from "./rng.js";

/** One change to a byte string: the result and where the change starts. */
export interface Mutation {
  bytes: Uint8Array;
  /** Offset in the input where the first changed byte is. */
  at: number;
}

/** Returns a changed copy of `input`, or undefined when it cannot apply (e.g. nothing to cut). */
export type Mutator = (rng: Rng, input: Uint8Array) => Mutation | undefined;

/** Flips 1 to 8 distinct bits; the length stays. */
const bitFlip: Mutator = (rng, input) => {
  if (input.length === 0) return undefined;
  const out = input.slice();
  const flips = rng.range(1, Math.min(8, input.length * 8));
  const done = new Set<number>();
  while (done.size < flips) done.add(rng.int(input.length * 8));
  for (const bit of done) out[bit >>> 3]! ^= 0x80 >>> (bit & 7);
  return { bytes: out, at: Math.min(...[...done].map((b) => b >>> 3)) };
};

/** Sets 1 to 4 bytes to other values; the length stays. */
const byteSet: Mutator = (rng, input) => {
  if (input.length === 0) return undefined;
  const out = input.slice();
  const count = rng.range(1, 4);
  let first = input.length;
  for (let k = 0; k < count; k++) {
    const i = rng.int(input.length);
    out[i] = (input[i]! + rng.range(1, 255)) & 0xff;
    first = Math.min(first, i);
  }
  return { bytes: out, at: first };
};

/** Overwrites 1, 2 or 4 bytes at a random offset with an edge value (0, -1, max, min, ...). */
const edgeInt: Mutator = (rng, input) => {
  const width = rng.pick([1, 2, 4] as const);
  if (input.length < width) return undefined;
  for (let attempt = 0; attempt < 8; attempt++) {
    const at = rng.int(input.length - width + 1);
    const value = width === 4 ? rng.pick(INT32_EDGES) : rng.pick(INT16_EDGES);
    const out = input.slice();
    writeBE(out, at, width, value);
    if (!sameBytes(out, input)) return { bytes: out, at: firstDifference(input, out) };
  }
  return undefined;
};

/**
 * Length and count corruption: looks for an int16 or int32 whose value could be a length or an
 * array count (between 1 and the bytes after it), and replaces it with a wrong one: off by one,
 * zero, -1 (null), -2, one past the end, or the type's maximum.
 */
const lengthField: Mutator = (rng, input) => {
  for (let attempt = 0; attempt < 48; attempt++) {
    const width = rng.chance(0.5) ? 2 : 4;
    if (input.length < width) return undefined;
    const at = rng.int(input.length - width + 1);
    const value = readBE(input, at, width);
    const after = input.length - at - width;
    if (value < 1 || value > after) continue;
    const max = width === 2 ? 0x7fff : 0x7fffffff;
    const wrong = rng.pick([value + 1, value - 1, 0, -1, -2, after + 1, max, value * 2 + 1]);
    const clamped = Math.min(wrong, max);
    if (clamped === value) continue;
    const out = input.slice();
    writeBE(out, at, width, clamped);
    return { bytes: out, at };
  }
  return undefined;
};

/**
 * Varint corruption (compact lengths, counts and tags, record fields): finds an unsigned varint
 * whose value is at most the bytes after it, and replaces its encoding with a different value,
 * an overlong encoding of the same value, or a run of continuation bytes that never ends.
 */
const varintField: Mutator = (rng, input) => {
  for (let attempt = 0; attempt < 48; attempt++) {
    if (input.length === 0) return undefined;
    const at = rng.int(input.length);
    const found = readUnsignedVarint(input, at);
    if (found === undefined) continue;
    const { value, length } = found;
    const after = input.length - at - length;
    if (value > after) continue;
    let replacement: Uint8Array;
    const style = rng.int(3);
    if (style === 0) {
      const wrong = rng.pick([value + 1, value - 1, 0, after + 2, 0x7fffffff, 0xffffffff, 1 << 28]);
      if (wrong < 0 || wrong === value) continue;
      replacement = encodeUnsignedVarint(wrong);
    } else if (style === 1) {
      const minimal = encodeUnsignedVarint(value).length;
      if (minimal >= 5) continue;
      replacement = overlongVarint(value, rng.range(minimal + 1, 5));
    } else {
      replacement = new Uint8Array(rng.range(5, 11)).fill(0xff);
    }
    if (sameBytes(replacement, input.subarray(at, at + length))) continue;
    const out = concat([input.subarray(0, at), replacement, input.subarray(at + length)]);
    return { bytes: out, at };
  }
  return undefined;
};

/** Cuts the input short (possibly to nothing). */
const truncate: Mutator = (rng, input) => {
  if (input.length === 0) return undefined;
  const n = rng.chance(0.5)
    ? input.length - rng.range(1, Math.min(8, input.length))
    : rng.int(input.length);
  return { bytes: input.slice(0, n), at: n };
};

/** Appends 1 to 64 random bytes. */
const extend: Mutator = (rng, input) => ({
  bytes: concat([input, rng.bytes(rng.range(1, 64))]),
  at: input.length,
});

/** Inserts 1 to 16 random bytes at a random offset. */
const insert: Mutator = (rng, input) => {
  const at = rng.int(input.length + 1);
  const extra = rng.bytes(rng.range(1, 16));
  return { bytes: concat([input.subarray(0, at), extra, input.subarray(at)]), at };
};

/** Deletes 1 to 16 bytes from a random offset. */
const remove: Mutator = (rng, input) => {
  if (input.length === 0) return undefined;
  const at = rng.int(input.length);
  const n = rng.range(1, Math.min(16, input.length - at));
  return { bytes: concat([input.subarray(0, at), input.subarray(at + n)]), at };
};

/** Copies a range of the input and inserts it elsewhere: repeats array items, headers, frames. */
const repeat: Mutator = (rng, input) => {
  if (input.length === 0) return undefined;
  const from = rng.int(input.length);
  const n = rng.range(1, Math.min(64, input.length - from));
  const at = rng.int(input.length + 1);
  const piece = input.slice(from, from + n);
  return { bytes: concat([input.subarray(0, at), piece, input.subarray(at)]), at };
};

/**
 * For flexible (KIP-482) messages: replaces an empty tagged-field section at the end (a 0 byte)
 * with one to three well-formed tagged fields in ascending tag order, small known tags as often
 * as unknown ones, holding random bytes. Decoders must skip unknown tags and check known ones.
 */
const tagSection: Mutator = (rng, input) => {
  if (input.length === 0 || input[input.length - 1] !== 0) return undefined;
  const count = rng.range(1, 3);
  const parts: Uint8Array[] = [input.subarray(0, input.length - 1), encodeUnsignedVarint(count)];
  let tag = -1;
  for (let i = 0; i < count; i++) {
    tag += rng.chance(0.7) ? rng.range(1, 3) : rng.range(1, 100_000);
    const data = rng.bytes(rng.size(24));
    parts.push(encodeUnsignedVarint(tag), encodeUnsignedVarint(data.length), data);
  }
  return { bytes: concat(parts), at: input.length - 1 };
};

export const MUTATORS = {
  bitFlip,
  byteSet,
  edgeInt,
  lengthField,
  varintField,
  truncate,
  extend,
  insert,
  remove,
  repeat,
  tagSection,
} as const satisfies Record<string, Mutator>;

export type MutatorName = keyof typeof MUTATORS;
const MUTATOR_NAMES = Object.keys(MUTATORS) as MutatorName[];
/** Field-aware mutators come up more often: they reach further into a decoder. */
const MUTATOR_WEIGHTS: readonly (readonly [number, MutatorName])[] = MUTATOR_NAMES.map((name) => [
  name === "lengthField" || name === "varintField" ? 3 : name === "tagSection" ? 1 : 2,
  name,
]);

/**
 * Applies one to `maxStack` mutations in a row (fewer stacked ones more often). Returns the
 * result and the names of the mutators that applied, in order.
 */
export function mutate(
  rng: Rng,
  input: Uint8Array,
  maxStack = 4,
): { bytes: Uint8Array; applied: MutatorName[] } {
  let bytes = input;
  const applied: MutatorName[] = [];
  let stack = 1;
  while (stack < maxStack && rng.chance(0.4)) stack++;
  for (let tries = 0; applied.length < stack && tries < stack * 4; tries++) {
    const name = rng.weighted(MUTATOR_WEIGHTS);
    const m = MUTATORS[name](rng, bytes);
    if (m === undefined) continue;
    bytes = m.bytes;
    applied.push(name);
  }
  return { bytes, applied };
}

/** The head of `a` (up to a random cut) followed by the tail of `b` (from a random cut). */
export function splice(
  rng: Rng,
  a: Uint8Array,
  b: Uint8Array,
): { bytes: Uint8Array; cutA: number; cutB: number } {
  const cutA = rng.int(a.length + 1);
  const cutB = rng.int(b.length + 1);
  return { bytes: concat([a.subarray(0, cutA), b.subarray(cutB)]), cutA, cutB };
}
