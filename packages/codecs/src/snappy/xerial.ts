/**
 * The snappy stream Kafka's Java producer writes: xerial snappy-java's SnappyOutputStream
 * framing (Kafka 4.1.1 SnappyCompression.wrapForOutput uses `new SnappyOutputStream(out)`, so
 * the default 32 KiB block size):
 *
 *   header  8 bytes magic 82 53 4E 41 50 50 59 00 ("\x82SNAPPY\0"),
 *           int32 BE version 1, int32 BE minimum compatible version 1
 *   chunk*  int32 BE compressed length, then one raw snappy block of up to 32 KiB of input
 *
 * https://github.com/apache/kafka/blob/4.1.1/clients/src/main/java/org/apache/kafka/common/compress/SnappyCompression.java
 * https://github.com/xerial/snappy-java/blob/main/src/main/java/org/xerial/snappy/SnappyOutputStream.java
 *
 * Kafka reads with SnappyInputStream, which also takes input without the magic as one raw
 * block, and a second header where a chunk length would be (streams written one after the
 * other); `decompressSnappy` accepts the same.
 */
import { compressBlock, maxCompressedBlockLength } from "./block-compress.js";
import { corrupt, decompressBlock, readPreamble } from "./block-decompress.js";

export const XERIAL_MAGIC = Uint8Array.of(0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00);
export const XERIAL_VERSION = 1;
export const XERIAL_HEADER_LENGTH = 16;
/** snappy-java's DEFAULT_BLOCK_SIZE, which Kafka 4.1.1 does not override. */
export const XERIAL_BLOCK_SIZE = 32 * 1024;
/** The magic's first four bytes as a big-endian int32: what a chunk length slot holds when a new stream starts. */
const MAGIC_HEAD = 0x82534e41;

/** Output buffers up to this size are kept for the next call; larger ones are not held on to. */
const SCRATCH_LIMIT = 4 * 1024 * 1024;
let scratch = new Uint8Array(0);

function maxFramedLength(n: number): number {
  const chunks = Math.ceil(n / XERIAL_BLOCK_SIZE);
  return XERIAL_HEADER_LENGTH + chunks * 4 + maxCompressedBlockLength(XERIAL_BLOCK_SIZE) * chunks;
}

/** Compresses `data` into the xerial framing, 32 KiB of input per chunk, as Java does. */
export function compressXerial(data: Uint8Array): Uint8Array {
  const bound = maxFramedLength(data.length);
  let out: Uint8Array;
  if (bound <= SCRATCH_LIMIT) {
    if (scratch.length < bound) scratch = new Uint8Array(Math.min(SCRATCH_LIMIT, bound * 2));
    out = scratch;
  } else {
    out = new Uint8Array(bound);
  }
  out.set(XERIAL_MAGIC, 0);
  writeInt32BE(out, 8, XERIAL_VERSION);
  writeInt32BE(out, 12, XERIAL_VERSION);
  let pos = XERIAL_HEADER_LENGTH;
  for (let start = 0; start < data.length; start += XERIAL_BLOCK_SIZE) {
    const end = Math.min(start + XERIAL_BLOCK_SIZE, data.length);
    const blockEnd = compressBlock(data, start, end, out, pos + 4);
    writeInt32BE(out, pos, blockEnd - pos - 4);
    pos = blockEnd;
  }
  return out.slice(0, pos);
}

/** Decompresses xerial-framed snappy, or one raw snappy block when the magic is absent. */
export function decompressSnappy(data: Uint8Array): Uint8Array {
  if (data.length === 0) throw corrupt("empty input");
  if (!hasMagic(data, 0)) {
    const { length, elementsStart } = readPreamble(data, 0, data.length);
    const out = new Uint8Array(length);
    decompressBlock(data, elementsStart, data.length, out, 0, length);
    return out;
  }

  // First pass: find every chunk and its declared length, so the output is allocated once.
  checkHeader(data, 0);
  const starts: number[] = [];
  const ends: number[] = [];
  const lengths: number[] = [];
  let total = 0;
  let pos = XERIAL_HEADER_LENGTH;
  while (pos < data.length) {
    if (data.length - pos < 4) throw corrupt(`chunk length cut short at byte ${pos}`);
    const word = readUint32BE(data, pos);
    if (word === MAGIC_HEAD) {
      checkHeader(data, pos);
      pos += XERIAL_HEADER_LENGTH;
      continue;
    }
    if (word > 0x7fffffff || word > data.length - pos - 4) {
      throw corrupt(`chunk at byte ${pos} claims ${word} bytes; ${data.length - pos - 4} remain`);
    }
    const end = pos + 4 + word;
    const { length, elementsStart } = readPreamble(data, pos + 4, end);
    starts.push(elementsStart);
    ends.push(end);
    lengths.push(length);
    total += length;
    pos = end;
  }

  const out = new Uint8Array(total);
  let op = 0;
  for (let i = 0; i < starts.length; i++) {
    decompressBlock(data, starts[i]!, ends[i]!, out, op, lengths[i]!);
    op += lengths[i]!;
  }
  return out;
}

function hasMagic(data: Uint8Array, pos: number): boolean {
  if (data.length - pos < XERIAL_MAGIC.length) return false;
  for (let i = 0; i < XERIAL_MAGIC.length; i++) {
    if (data[pos + i] !== XERIAL_MAGIC[i]) return false;
  }
  return true;
}

/** A header we can read: the magic, then a minimum compatible version of at most ours. */
function checkHeader(data: Uint8Array, pos: number): void {
  if (data.length - pos < XERIAL_HEADER_LENGTH || !hasMagic(data, pos)) {
    throw corrupt(`stream header at byte ${pos} is cut short or has the wrong magic`);
  }
  const compatible = readUint32BE(data, pos + 12);
  if (compatible > XERIAL_VERSION) {
    throw corrupt(
      `stream header at byte ${pos} needs reader version ${compatible}; this reads version ${XERIAL_VERSION}`,
    );
  }
}

function writeInt32BE(out: Uint8Array, pos: number, value: number): void {
  out[pos] = value >>> 24;
  out[pos + 1] = (value >>> 16) & 0xff;
  out[pos + 2] = (value >>> 8) & 0xff;
  out[pos + 3] = value & 0xff;
}

function readUint32BE(data: Uint8Array, pos: number): number {
  return (
    ((data[pos]! << 24) | (data[pos + 1]! << 16) | (data[pos + 2]! << 8) | data[pos + 3]!) >>> 0
  );
}
