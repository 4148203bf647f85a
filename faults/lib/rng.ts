/**
 * The seeded generator every fuzz input is drawn from (faults/fuzz.ts and its targets): a small
 * PRNG with the draws a fuzz input needs, and the seed folding that gives each (run seed,
 * target, input index) triple its own stream.
 *
 * Everything built from an Rng is a pure function of it, so one triple always rebuilds the same
 * input: that is what makes a finding replayable.
 */
import { type Uuid, uuidFromBytes } from "@tributary/protocol";
import { prng } from "../../scripts/test-support/prng.js";

// ---------------------------------------------------------------------------------------------
// The generator

/** murmur3's 32-bit finaliser: a bijection that spreads every input bit over the output, used
 * to fold (run seed, target, index) into one seed. */
function fmix32(x: number): number {
  let z = x | 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

const GOLDEN = 0x9e3779b9;

/**
 * The draws a fuzz input is made of, on top of the repo's one seeded PRNG (mulberry32 in
 * scripts/test-support/prng.ts): integers, picks, sizes skewed small, edge-biased ints,
 * mixed-script strings. Good for choosing mutations; not for anything secret.
 */
export class Rng {
  readonly #draw: () => number;

  constructor(seed: number) {
    this.#draw = prng(seed);
  }

  /** A uniform unsigned 32-bit integer (the PRNG's draw is exactly n / 2^32). */
  next(): number {
    return this.#draw() * 0x1_0000_0000;
  }

  /** A uniform float in [0, 1). */
  float(): number {
    return this.#draw();
  }

  /** A uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.float() * n);
  }

  /** A uniform integer in [min, max], both ends included. */
  range(min: number, max: number): number {
    return min + this.int(max - min + 1);
  }

  chance(p: number): boolean {
    return this.float() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }

  /** Picks by weight from [weight, value] pairs. */
  weighted<T>(choices: readonly (readonly [number, T])[]): T {
    let total = 0;
    for (const [w] of choices) total += w;
    let x = this.float() * total;
    for (const [w, v] of choices) {
      x -= w;
      if (x < 0) return v;
    }
    return choices[choices.length - 1]![1];
  }

  /** A size that is small most of the time and occasionally up to `max`. */
  size(max: number): number {
    const r = this.float();
    if (r < 0.6) return this.int(Math.min(max, 8) + 1);
    if (r < 0.9) return this.int(Math.min(max, 64) + 1);
    return this.int(max + 1);
  }

  bytes(n: number): Uint8Array {
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i += 4) {
      const v = this.next();
      out[i] = v;
      if (i + 1 < n) out[i + 1] = v >>> 8;
      if (i + 2 < n) out[i + 2] = v >>> 16;
      if (i + 3 < n) out[i + 3] = v >>> 24;
    }
    return out;
  }

  /** An int16, biased towards the edges decoders branch on. */
  int16(): number {
    return this.chance(0.3) ? this.pick(INT16_EDGES) : this.range(-0x8000, 0x7fff);
  }

  /** An int32, biased towards the edges decoders branch on. */
  int32(): number {
    return this.chance(0.3) ? this.pick(INT32_EDGES) : this.next() | 0;
  }

  /** An int64 as a bigint, biased towards the edges. */
  int64(): bigint {
    if (this.chance(0.3)) return this.pick(INT64_EDGES);
    return BigInt.asIntN(64, (BigInt(this.next()) << 32n) | BigInt(this.next()));
  }

  /** A UTF-8 string of mixed scripts (ASCII, 2-, 3- and 4-byte characters), mostly short. */
  string(maxChars = 40): string {
    const n = this.size(maxChars);
    const ascii = this.chance(0.6);
    let s = "";
    for (let i = 0; i < n; i++) {
      s += ascii ? this.pick(NAME_CHARS) : this.pick(MIXED_CHARS);
    }
    return s;
  }

  uuid(): Uuid {
    return uuidFromBytes(this.bytes(16));
  }
}

export const INT16_EDGES = [0, 1, -1, 2, 0x7f, 0x80, 0xff, 0x7fff, -0x8000, -2];
export const INT32_EDGES = [
  0, 1, -1, 2, 0x7f, 0x80, 0x7fff, 0x8000, 0xffff, 0x7fffffff, -0x80000000,
];
const INT64_EDGES = [0n, 1n, -1n, 2n ** 53n, -(2n ** 53n), 2n ** 63n - 1n, -(2n ** 63n)];
const NAME_CHARS = [..."abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-"];
const MIXED_CHARS = [..."aZ09-_. é ß ✓ 中 😀 \u0000\n\u007f\uffff"].filter((c) => c !== " ");

/** Mixes numbers into one 32-bit seed (order matters). */
export function mixSeed(...parts: readonly number[]): number {
  let h = 0x811c9dc5;
  for (const p of parts) h = fmix32((h ^ fmix32(p >>> 0)) + GOLDEN);
  return h >>> 0;
}

/** FNV-1a of a string, to fold a target's name into a seed. */
export function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** The generator for one input: independent of every other input, so any one can be replayed. */
export function inputRng(runSeed: number, target: string, index: number): Rng {
  return new Rng(mixSeed(runSeed, hashString(target), index));
}

// ---------------------------------------------------------------------------------------------
// Collection sizes (shared by the seed builders)

/** How many of something a seed holds: mostly a few, sometimes many. */
export function count(rng: Rng, max: number): number {
  return rng.chance(0.9) ? rng.int(Math.min(max, 4) + 1) : rng.int(max + 1);
}

/** `item()` called for each of `count(rng, max)` elements. */
export function list<T>(rng: Rng, max: number, item: () => T): T[] {
  return Array.from({ length: count(rng, max) }, item);
}
