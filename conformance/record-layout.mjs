// @ts-check
/**
 * The layout of a conformance record, shared by the cell that writes it (cell.ts, in every
 * runtime) and the judge that reads it back through Kafka's console consumer
 * (scripts/conformance/judge.mjs). Plain JavaScript, so the Node orchestrator, which runs
 * without a TypeScript loader, imports the very same functions as every driver.
 *
 * A record of cell C with sequence number S has key `k-<S % 16>`, headers
 * [["cell", C], ["seq", "<S>"]] in that order, and recordValue(C, S) as its value.
 */

/** Distinct keys per cell; each must land on one partition whatever runtime produced it. */
export const KEY_COUNT = 16;

/** Filler so a value weighs about 150 bytes, like a small telemetry event. */
const NOTE = "conformance record: keyed, with headers, judged by Kafka's console consumer";

/** @param {number} seq */
export function recordKey(seq) {
  return `k-${seq % KEY_COUNT}`;
}

/** @param {string} cell @param {number} seq */
export function recordValue(cell, seq) {
  return JSON.stringify({ cell, seq, note: NOTE });
}

/**
 * The receipt digest: each cell sums one 32-bit term per delivered record from what its receipt
 * reported (seq, partition, offset), and the judge sums the same terms from what the console
 * consumer read. Equal sums mean every receipt named the partition and offset where its record
 * really landed, without shipping 10,000 offsets per cell. The fields go through murmur3's
 * finalizer one after another, so swapping offsets between records or partitions changes it.
 * @param {number} seq
 * @param {number} partition
 * @param {number} offset below 2^53
 * @returns {number} an unsigned 32-bit integer
 */
export function digestTerm(seq, partition, offset) {
  let h = mix(seq ^ 0x9e3779b9);
  h = mix(h ^ Math.imul(partition + 1, 0x85ebca6b));
  h = mix(h ^ (offset >>> 0));
  h = mix(h ^ Math.floor(offset / 0x1_0000_0000));
  return h >>> 0;
}

/**
 * Adds a term to a running digest, modulo 2^32.
 * @param {number} digest @param {number} term
 * @returns {number}
 */
export function addTerm(digest, term) {
  return (digest + term) >>> 0;
}

/** @param {number} h */
function mix(h) {
  let x = h | 0;
  x = Math.imul(x ^ (x >>> 16), 0x85ebca6b);
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35);
  return x ^ (x >>> 16);
}
