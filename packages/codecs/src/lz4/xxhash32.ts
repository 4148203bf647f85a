/**
 * XXH32, the checksum of the LZ4 frame format: its header checksum byte, and the optional block
 * and content checksums (https://github.com/lz4/lz4/blob/dev/doc/lz4_Frame_format.md; the hash
 * itself: https://github.com/Cyan4973/xxHash/blob/dev/doc/xxhash_spec.md). All arithmetic is
 * modulo 2^32: Math.imul for products, `>>> 0` where a value must read as unsigned.
 */

const PRIME1 = 0x9e3779b1;
const PRIME2 = 0x85ebca77;
const PRIME3 = 0xc2b2ae3d;
const PRIME4 = 0x27d4eb2f;
const PRIME5 = 0x165667b1;

const rotl = (x: number, r: number): number => (x << r) | (x >>> (32 - r));

/** A little-endian 32-bit lane; the caller guarantees 4 bytes are there. */
const lane = (b: Uint8Array, i: number): number =>
  b[i]! | (b[i + 1]! << 8) | (b[i + 2]! << 16) | (b[i + 3]! << 24);

/** One accumulator step: the spec's `round(acc, lane)`. */
const round = (acc: number, input: number): number =>
  Math.imul(rotl((acc + Math.imul(input, PRIME2)) | 0, 13), PRIME1);

/** XXH32 of `bytes[start, end)` with `seed`, as an unsigned 32-bit number. */
export function xxhash32(bytes: Uint8Array, seed = 0, start = 0, end = bytes.length): number {
  let i = start;
  let h: number;
  if (end - start >= 16) {
    let v1 = (seed + PRIME1 + PRIME2) | 0;
    let v2 = (seed + PRIME2) | 0;
    let v3 = seed | 0;
    let v4 = (seed - PRIME1) | 0;
    const lastStripe = end - 16;
    while (i <= lastStripe) {
      v1 = round(v1, lane(bytes, i));
      v2 = round(v2, lane(bytes, i + 4));
      v3 = round(v3, lane(bytes, i + 8));
      v4 = round(v4, lane(bytes, i + 12));
      i += 16;
    }
    h = (rotl(v1, 1) + rotl(v2, 7) + rotl(v3, 12) + rotl(v4, 18)) | 0;
  } else {
    h = (seed + PRIME5) | 0;
  }
  h = (h + (end - start)) | 0;
  while (i + 4 <= end) {
    h = Math.imul(rotl((h + Math.imul(lane(bytes, i), PRIME3)) | 0, 17), PRIME4);
    i += 4;
  }
  while (i < end) {
    h = Math.imul(rotl((h + Math.imul(bytes[i]!, PRIME5)) | 0, 11), PRIME1);
    i++;
  }
  h ^= h >>> 15;
  h = Math.imul(h, PRIME2);
  h ^= h >>> 13;
  h = Math.imul(h, PRIME3);
  h ^= h >>> 16;
  return h >>> 0;
}
