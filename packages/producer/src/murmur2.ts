/**
 * MurmurHash2 exactly as Kafka's Java client computes it for keyed records, so a key lands on
 * the same partition whichever client produced it.
 *
 * The rules (Kafka 4.1.1, `Utils.murmur2(byte[])` in
 * https://github.com/apache/kafka/blob/4.1.1/clients/src/main/java/org/apache/kafka/common/utils/Utils.java):
 * seed 0x9747b28c, multiplier 0x5bd1e995, shift 24; h starts as seed ^ length; the key is read
 * as little-endian 32-bit words; the 1-3 bytes past the last whole word are XORed into h
 * (byte 2 << 16, byte 1 << 8, byte 0) and then h is multiplied once more; the finish is
 * h ^= h >>> 13, h *= m, h ^= h >>> 15. All arithmetic wraps at 32 bits, and the result is a
 * signed 32-bit int.
 */

const SEED = 0x9747b28c;
const M = 0x5bd1e995;

/**
 * Kafka's murmur2 of `key`: a signed 32-bit integer, equal to Java's `Utils.murmur2(key)`.
 * Allocation-free; runs once per keyed record.
 */
export function murmur2(key: Uint8Array): number {
  const length = key.length;
  // ^ and Math.imul keep every intermediate a 32-bit int, as Java's int arithmetic does.
  let h = SEED ^ length;
  const whole = length & ~3;
  for (let i = 0; i < whole; i += 4) {
    let k = key[i]! | (key[i + 1]! << 8) | (key[i + 2]! << 16) | (key[i + 3]! << 24);
    k = Math.imul(k, M);
    k ^= k >>> 24;
    k = Math.imul(k, M);
    h = Math.imul(h, M) ^ k;
  }
  const rest = length & 3;
  if (rest !== 0) {
    // Java's switch falls through from 3 to 2 to 1; the same steps, without fallthrough.
    if (rest === 3) h ^= key[whole + 2]! << 16;
    if (rest >= 2) h ^= key[whole + 1]! << 8;
    h ^= key[whole]!;
    h = Math.imul(h, M);
  }
  h ^= h >>> 13;
  h = Math.imul(h, M);
  h ^= h >>> 15;
  return h;
}

/**
 * Java's `Utils.toPositive`: clears the sign bit (not Math.abs, which would map -x and x to the
 * same value and leave -2^31 negative).
 */
export function toPositive(n: number): number {
  return n & 0x7fffffff;
}
