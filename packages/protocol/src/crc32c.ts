/**
 * CRC-32C (Castagnoli), the checksum of every RecordBatch v2: it covers the bytes from
 * `attributes` to the end of the batch (https://kafka.apache.org/documentation/#recordbatch,
 * KIP-98). Reflected polynomial 0x82F63B78, initial value and final XOR 0xFFFFFFFF, as in
 * RFC 3720 (iSCSI) appendix B.4 and Java's `java.util.zip.CRC32C`.
 *
 * Pure JS, slicing-by-16: sixteen 256-entry tables let each loop step fold 16 input bytes with
 * 16 independent lookups instead of a chain of 16 dependent ones. Input words are read with a
 * little-endian DataView, which V8 compiles to plain loads at any alignment and which gives
 * the same answer on a big-endian host. Measured on Node 20 (see `npm run bench -- protocol`):
 * about 1.3 GB/s for 1 KB inputs and 1.5 GB/s for 64 KB and 1 MB, against about 1.1 GB/s for
 * slicing-by-8 with the same reads and 1.25 GB/s for slicing-by-16 with byte reads.
 * The same loop hand-written in WASM reached about 2.0 GB/s, but it needs the WebAssembly
 * global (this package uses none beyond Uint8Array, DataView and TextEncoder/TextDecoder) and
 * Workers refuse to compile WASM from bytes at run time, so it is not used.
 */

const POLYNOMIAL = 0x82f63b78;
const SLICES = 16;

/**
 * TABLE[k * 256 + b] is the CRC register after feeding byte b followed by k zero bytes, so a
 * byte that sits k positions before the end of a 16-byte block is folded with slice k.
 */
const TABLE = buildTable();

function buildTable(): Int32Array {
  const t = new Int32Array(256 * SLICES);
  for (let b = 0; b < 256; b++) {
    let c = b;
    for (let bit = 0; bit < 8; bit++) c = c & 1 ? (c >>> 1) ^ POLYNOMIAL : c >>> 1;
    t[b] = c;
  }
  for (let b = 0; b < 256; b++) {
    let c = t[b]!;
    for (let k = 1; k < SLICES; k++) {
      c = t[c & 0xff]! ^ (c >>> 8);
      t[k * 256 + b] = c;
    }
  }
  return t;
}

/** Below this many bytes the table walk is cheaper than creating a DataView. */
const SHORT_INPUT = 64;

/**
 * CRC-32C of `bytes`, as an unsigned 32-bit number. Pass the result of a previous call as
 * `initial` to continue over the next piece: `crc32c(b, crc32c(a))` equals `crc32c(a ++ b)`.
 */
export function crc32c(bytes: Uint8Array, initial = 0): number {
  const t = TABLE;
  const n = bytes.length;
  let crc = ~initial;
  let i = 0;
  if (n >= SHORT_INPUT) {
    const view = new DataView(bytes.buffer, bytes.byteOffset, n);
    const end = n - 15;
    for (; i < end; i += 16) {
      const a = crc ^ view.getInt32(i, true);
      const b = view.getInt32(i + 4, true);
      const c = view.getInt32(i + 8, true);
      const d = view.getInt32(i + 12, true);
      crc =
        t[3840 + (a & 0xff)]! ^
        t[3584 + ((a >>> 8) & 0xff)]! ^
        t[3328 + ((a >>> 16) & 0xff)]! ^
        t[3072 + (a >>> 24)]! ^
        t[2816 + (b & 0xff)]! ^
        t[2560 + ((b >>> 8) & 0xff)]! ^
        t[2304 + ((b >>> 16) & 0xff)]! ^
        t[2048 + (b >>> 24)]! ^
        t[1792 + (c & 0xff)]! ^
        t[1536 + ((c >>> 8) & 0xff)]! ^
        t[1280 + ((c >>> 16) & 0xff)]! ^
        t[1024 + (c >>> 24)]! ^
        t[768 + (d & 0xff)]! ^
        t[512 + ((d >>> 8) & 0xff)]! ^
        t[256 + ((d >>> 16) & 0xff)]! ^
        t[d >>> 24]!;
    }
  }
  for (; i < n; i++) crc = t[(crc ^ bytes[i]!) & 0xff]! ^ (crc >>> 8);
  return ~crc >>> 0;
}
