import { CodecError, CodecErrorCode } from "../codec.js";
import { BlockCorrupt, scanBlock } from "./block-scan.js";
import {
  BD_BLOCK_SIZE_MASK,
  BD_BLOCK_SIZE_SHIFT,
  BD_RESERVED,
  BLOCK_UNCOMPRESSED,
  type BlockSizeId,
  blockMaxSize,
  FLG_BLOCK_CHECKSUM,
  FLG_BLOCK_INDEPENDENCE,
  FLG_CONTENT_CHECKSUM,
  FLG_CONTENT_SIZE,
  FLG_RESERVED,
  FLG_VERSION_1,
  FLG_VERSION_MASK,
  MAGIC,
} from "./frame-format.js";
import { xxhash32 } from "./xxhash32.js";

const corrupt = (message: string, cause?: unknown): CodecError =>
  new CodecError(CodecErrorCode.Corrupt, "lz4", message, cause);

/**
 * Decodes the well-formed LZ4 block `src[start, end)`, which decodes to exactly `size` bytes,
 * into `dst` from `at`.
 */
export type BlockDecompressor = (
  src: Uint8Array,
  start: number,
  end: number,
  size: number,
  dst: Uint8Array,
  at: number,
) => void;

/**
 * Reads one LZ4 frame, accepting what Kafka's Lz4BlockInputStream accepts: version 1,
 * independent blocks, block sizes 64 KB to 4 MB, with or without block checksums (checked),
 * content size (checked against the output) and content checksum (checked, which Kafka skips).
 * It is stricter than Kafka where Kafka merely stops reading early: the frame must end with its
 * end mark and nothing may follow it. Any violation is a CodecError with code CODEC_CORRUPT.
 *
 * A first pass checks the whole frame, including every compressed block's sequences
 * (block-scan.ts), and so learns the exact output size; only then are blocks decompressed.
 */
export function readLz4Frame(frame: Uint8Array, decompress: BlockDecompressor): Uint8Array {
  const view = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
  const need = (at: number, bytes: number, what: string): void => {
    if (frame.length - at < bytes) {
      throw corrupt(`frame ends inside the ${what} (byte ${at} of ${frame.length})`);
    }
  };

  need(0, 7, "frame header");
  const magic = view.getUint32(0, true);
  if (magic !== MAGIC) {
    throw corrupt(`not an LZ4 frame: magic 0x${magic.toString(16)}, expected 0x184d2204`);
  }
  const flg = frame[4]!;
  const bd = frame[5]!;
  if ((flg & FLG_VERSION_MASK) !== FLG_VERSION_1) {
    throw corrupt(`frame version ${flg >>> 6} is not 1 (FLG 0x${flg.toString(16)})`);
  }
  if ((flg & FLG_BLOCK_INDEPENDENCE) === 0) {
    throw corrupt("dependent blocks (FLG bit 5 clear) are not supported, as in Kafka");
  }
  if ((flg & FLG_RESERVED) !== 0) {
    throw corrupt(`reserved or dictionary-id FLG bits set (FLG 0x${flg.toString(16)})`);
  }
  if ((bd & BD_RESERVED) !== 0) throw corrupt(`reserved BD bits set (BD 0x${bd.toString(16)})`);
  const sizeId = (bd & BD_BLOCK_SIZE_MASK) >>> BD_BLOCK_SIZE_SHIFT;
  if (sizeId < 4) throw corrupt(`block size id ${sizeId} is not in 4..7 (BD 0x${bd.toString(16)})`);
  const maxBlock = blockMaxSize(sizeId as BlockSizeId);

  let at = 6;
  let contentSize = -1;
  if (flg & FLG_CONTENT_SIZE) {
    need(at, 9, "frame header");
    const high = view.getUint32(at + 4, true);
    if (high >= 0x200000) throw corrupt("content size is larger than 2^53 bytes");
    contentSize = high * 0x1_0000_0000 + view.getUint32(at, true);
    at += 8;
  }
  const hc = (xxhash32(frame, 0, 4, at) >>> 8) & 0xff;
  if (frame[at] !== hc) {
    throw corrupt(`header checksum 0x${frame[at]!.toString(16)} is not 0x${hc.toString(16)}`);
  }
  at++;

  // First pass: find the blocks, check their sizes, checksums and sequences.
  const blockChecksum = (flg & FLG_BLOCK_CHECKSUM) !== 0;
  const starts: number[] = [];
  const words: number[] = [];
  const sizes: number[] = [];
  let total = 0;
  for (;;) {
    need(at, 4, "block size");
    const word = view.getUint32(at, true);
    at += 4;
    if (word === 0) break;
    const stored = (word & ~BLOCK_UNCOMPRESSED) >>> 0;
    if (stored > maxBlock) {
      throw corrupt(
        `block ${starts.length} of ${stored} bytes exceeds the ${maxBlock}-byte maximum`,
      );
    }
    need(at, stored + (blockChecksum ? 4 : 0), "block data");
    if (
      blockChecksum &&
      xxhash32(frame, 0, at, at + stored) !== view.getUint32(at + stored, true)
    ) {
      throw corrupt(`block ${starts.length}: checksum mismatch`);
    }
    let size = stored;
    if (word < BLOCK_UNCOMPRESSED) {
      try {
        size = scanBlock(frame, at, at + stored, maxBlock);
      } catch (err) {
        if (err instanceof BlockCorrupt)
          throw corrupt(`block ${starts.length}: ${err.message}`, err);
        throw err;
      }
    }
    starts.push(at);
    words.push(word);
    sizes.push(size);
    total += size;
    at += stored + (blockChecksum ? 4 : 0);
  }
  let contentChecksum = -1;
  if (flg & FLG_CONTENT_CHECKSUM) {
    need(at, 4, "content checksum");
    contentChecksum = view.getUint32(at, true);
    at += 4;
  }
  if (at !== frame.length) throw corrupt(`${frame.length - at} bytes after the frame's end mark`);
  if (contentSize >= 0 && contentSize !== total) {
    throw corrupt(`content size is ${contentSize} but the blocks hold ${total} bytes`);
  }

  // Second pass: every block into one buffer of the exact size.
  const out = allocate(total);
  let op = 0;
  for (let b = 0; b < starts.length; b++) {
    const start = starts[b]!;
    const word = words[b]!;
    const size = sizes[b]!;
    if (word >= BLOCK_UNCOMPRESSED) {
      out.set(frame.subarray(start, start + size), op);
    } else {
      try {
        decompress(frame, start, start + word, size, out, op);
      } catch (err) {
        if (err instanceof BlockCorrupt) throw corrupt(`block ${b}: ${err.message}`, err);
        throw err;
      }
    }
    op += size;
  }
  if (contentChecksum >= 0 && xxhash32(out) !== contentChecksum) {
    throw corrupt("content checksum mismatch");
  }
  return out;
}

/** A frame of n bytes may legitimately decode to ~255·n; refuse what cannot be allocated. */
function allocate(size: number): Uint8Array {
  try {
    return new Uint8Array(size);
  } catch (err) {
    throw corrupt(
      `the frame would decompress to up to ${size} bytes, more than can be allocated`,
      err,
    );
  }
}
