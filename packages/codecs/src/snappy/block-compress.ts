/**
 * Raw snappy block compression (the format in google/snappy's format_description.txt):
 *
 *   block    = varint32(uncompressed length) element*
 *   element  = literal | copy
 *   literal  tag 0b00: length-1 in the tag's upper 6 bits, or 60..63 there and then
 *            1..4 little-endian bytes of length-1; then the bytes themselves
 *   copy-1   tag 0b01: length 4..11 and an 11-bit offset (3 bits in the tag, 8 after it)
 *   copy-2   tag 0b10: length 1..64 in the upper 6 bits, then a 16-bit little-endian offset
 *
 * The matcher is the classic greedy one: a hash of the next 4 bytes finds the last position
 * that had the same hash; when those 4 bytes really match, the match is extended as far as it
 * goes and emitted as copies; when nothing matches for a while, the scan speeds up (one more
 * byte skipped every 32 misses) so incompressible input costs little.
 *
 * A block holds at most 64 KiB of input (the xerial framing Kafka uses cuts at 32 KiB), so every
 * offset fits in 16 bits and positions in the hash table fit in a Uint16Array.
 */

/** Largest input one block takes: offsets must fit the 2-byte copy form. */
export const MAX_BLOCK_INPUT = 0x10000;

/** Below this many bytes a block is one literal: the matcher reads 4 bytes ahead and more. */
const INPUT_MARGIN = 15;
const MAX_HASH_BITS = 14;
const MIN_HASH_BITS = 8;

/** Worst-case size of a compressed block for `n` input bytes (snappy's MaxCompressedLength). */
export function maxCompressedBlockLength(n: number): number {
  return 32 + n + Math.floor(n / 6);
}

/** One hash table, reused by every call: compression is synchronous, so nothing shares it. */
const table = new Uint16Array(1 << MAX_HASH_BITS);

/** Four bytes as one little-endian int32; DataView reads measured 1.5x faster than 4 loads. */
function load32(view: DataView, i: number): number {
  return view.getInt32(i, true);
}

/**
 * Compresses `src[start, end)` (at most MAX_BLOCK_INPUT bytes) as one raw snappy block into
 * `dst` at `pos`; `dst` must have maxCompressedBlockLength(end - start) bytes free there.
 * Returns the position after the block.
 */
export function compressBlock(
  src: Uint8Array,
  start: number,
  end: number,
  dst: Uint8Array,
  pos: number,
): number {
  const n = end - start;
  let op = writeVarint(dst, pos, n);
  const view = new DataView(src.buffer, src.byteOffset, src.byteLength);
  if (n < INPUT_MARGIN) return emitLiteral(src, start, end, dst, op);

  let hashBits = MIN_HASH_BITS;
  while (hashBits < MAX_HASH_BITS && 1 << hashBits < n) hashBits++;
  const shift = 32 - hashBits;
  table.fill(0, 0, 1 << hashBits);

  const ipLimit = end - INPUT_MARGIN;
  let nextEmit = start;
  let ip = start + 1;
  let nextWord = load32(view, ip);
  let nextHash = Math.imul(nextWord, 0x1e35a7bd) >>> shift;

  outer: for (;;) {
    // Find a 4-byte match, skipping faster the longer nothing matches.
    let skip = 32;
    let nextIp = ip;
    let candidate: number;
    for (;;) {
      ip = nextIp;
      const h = nextHash;
      const word = nextWord;
      nextIp = ip + (skip++ >> 5);
      if (nextIp > ipLimit) break outer;
      nextWord = load32(view, nextIp);
      nextHash = Math.imul(nextWord, 0x1e35a7bd) >>> shift;
      candidate = start + table[h]!;
      table[h] = ip - start;
      if (word === load32(view, candidate)) break;
    }

    op = emitLiteral(src, nextEmit, ip, dst, op);

    // Emit copies for as long as the position right after a match starts another match.
    for (;;) {
      const base = ip;
      let a = candidate + 4;
      let b = ip + 4;
      for (;;) {
        if (b > end - 4) {
          while (b < end && src[a] === src[b]) {
            a++;
            b++;
          }
          break;
        }
        const x = load32(view, a) ^ load32(view, b);
        if (x !== 0) {
          // The lowest set byte of x is the first byte that differs (little-endian loads).
          b += (31 - Math.clz32(x & -x)) >> 3;
          break;
        }
        a += 4;
        b += 4;
      }
      ip = b;
      op = emitCopy(dst, op, base - candidate, ip - base);
      nextEmit = ip;
      if (ip >= ipLimit) break outer;

      // Index the position before this one too, then try the current position.
      table[Math.imul(load32(view, ip - 1), 0x1e35a7bd) >>> shift] = ip - 1 - start;
      const word = load32(view, ip);
      const h = Math.imul(word, 0x1e35a7bd) >>> shift;
      candidate = start + table[h]!;
      table[h] = ip - start;
      if (word !== load32(view, candidate)) break;
    }
    ip++;
    nextWord = load32(view, ip);
    nextHash = Math.imul(nextWord, 0x1e35a7bd) >>> shift;
  }

  return nextEmit < end ? emitLiteral(src, nextEmit, end, dst, op) : op;
}

function writeVarint(dst: Uint8Array, pos: number, value: number): number {
  let v = value;
  while (v >= 0x80) {
    dst[pos++] = (v & 0x7f) | 0x80;
    v >>>= 7;
  }
  dst[pos++] = v;
  return pos;
}

function emitLiteral(
  src: Uint8Array,
  from: number,
  to: number,
  dst: Uint8Array,
  pos: number,
): number {
  const len = to - from;
  if (len === 0) return pos;
  const n = len - 1;
  if (n < 60) {
    dst[pos++] = n << 2;
  } else if (n < 0x100) {
    dst[pos++] = 60 << 2;
    dst[pos++] = n;
  } else if (n < 0x10000) {
    dst[pos++] = 61 << 2;
    dst[pos++] = n & 0xff;
    dst[pos++] = n >>> 8;
  } else if (n < 0x1000000) {
    dst[pos++] = 62 << 2;
    dst[pos++] = n & 0xff;
    dst[pos++] = (n >>> 8) & 0xff;
    dst[pos++] = n >>> 16;
  } else {
    dst[pos++] = 63 << 2;
    dst[pos++] = n & 0xff;
    dst[pos++] = (n >>> 8) & 0xff;
    dst[pos++] = (n >>> 16) & 0xff;
    dst[pos++] = n >>> 24;
  }
  if (len < 32) {
    for (let i = 0; i < len; i++) dst[pos + i] = src[from + i]!;
  } else {
    dst.set(src.subarray(from, to), pos);
  }
  return pos + len;
}

/** Copies of up to 64 bytes each; the 2-byte form unless the short 1-byte-offset one fits. */
function emitCopy(dst: Uint8Array, pos: number, offset: number, length: number): number {
  let len = length;
  // Leave at least 4 for the last copy, the shortest a copy-1 can express.
  while (len >= 68) {
    pos = emitCopy2(dst, pos, offset, 64);
    len -= 64;
  }
  if (len > 64) {
    pos = emitCopy2(dst, pos, offset, 60);
    len -= 60;
  }
  if (len < 12 && offset < 2048) {
    dst[pos++] = 0b01 | ((len - 4) << 2) | ((offset >>> 8) << 5);
    dst[pos++] = offset & 0xff;
    return pos;
  }
  return emitCopy2(dst, pos, offset, len);
}

function emitCopy2(dst: Uint8Array, pos: number, offset: number, len: number): number {
  dst[pos] = 0b10 | ((len - 1) << 2);
  dst[pos + 1] = offset & 0xff;
  dst[pos + 2] = offset >>> 8;
  return pos + 3;
}
