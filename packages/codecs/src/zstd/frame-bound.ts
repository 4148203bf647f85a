import { CodecError, CodecErrorCode } from "../codec.js";

/**
 * How large the decompressed output of a zstd stream can be, read from its frame and block
 * headers alone (RFC 8878, https://www.rfc-editor.org/rfc/rfc8878#section-3.1).
 *
 * The WASM build exposes one-shot ZSTD_decompress only, which needs an output buffer big enough
 * up front. Our own frames carry their content size, but Kafka's Java producer writes through
 * zstd-jni's streaming ZstdOutputStream, whose frames do not; walking the blocks gives an upper
 * bound for those (a compressed block regenerates at most min(window, 128 KiB)), so one pass
 * suffices without trusting a size nobody declared. The walk also catches truncated input
 * before any WASM memory is touched.
 */
export interface ZstdSizeBound {
  /** Upper bound of the decompressed size in bytes (exact when `exact`). */
  upper: number;
  /** True when every frame declared its content size, so `upper` is the size itself. */
  exact: boolean;
}

const FRAME_MAGIC = 0xfd2fb528;
const SKIPPABLE_MAGIC = 0x184d2a50;
const SKIPPABLE_MASK = 0xfffffff0;
/** Block_Maximum_Size: RFC 8878 section 3.1.1.2.3. */
const BLOCK_MAX = 128 * 1024;
const DICTIONARY_ID_BYTES = [0, 1, 2, 4] as const;
const CONTENT_SIZE_BYTES = [0, 2, 4, 8] as const;

/** Walks every frame of `data`; throws CodecError(CODEC_CORRUPT) on anything malformed. */
export function zstdSizeBound(data: Uint8Array): ZstdSizeBound {
  if (data.length === 0) throw corrupt("no zstd frame: the input is empty", 0);
  let pos = 0;
  let upper = 0;
  let exact = true;
  while (pos < data.length) {
    need(data, pos, 4, "a frame magic number");
    const magic = u32(data, pos);
    if ((magic & SKIPPABLE_MASK) >>> 0 === SKIPPABLE_MAGIC) {
      need(data, pos + 4, 4, "a skippable frame size");
      const size = u32(data, pos + 4);
      need(data, pos + 8, size, "skippable frame content");
      pos += 8 + size;
      continue;
    }
    if (magic !== FRAME_MAGIC) {
      throw corrupt(`not a zstd frame: magic number 0x${hex(magic)}`, pos);
    }
    const frame = walkFrame(data, pos + 4);
    pos = frame.end;
    if (frame.contentSize === undefined) {
      exact = false;
      upper += frame.blockBound;
    } else {
      upper += frame.contentSize;
    }
  }
  return { upper, exact };
}

interface FrameWalk {
  end: number;
  contentSize: number | undefined;
  blockBound: number;
}

/** Frame_Header then Data_Blocks then the optional checksum; `pos` is just past the magic. */
function walkFrame(data: Uint8Array, pos: number): FrameWalk {
  need(data, pos, 1, "a frame header descriptor");
  const descriptor = data[pos]!;
  const contentSizeFlag = descriptor >>> 6;
  const singleSegment = (descriptor & 0x20) !== 0;
  if ((descriptor & 0x08) !== 0) {
    throw corrupt("frame header descriptor sets the reserved bit", pos);
  }
  const hasChecksum = (descriptor & 0x04) !== 0;
  pos += 1;

  let windowSize = 0;
  if (!singleSegment) {
    need(data, pos, 1, "a window descriptor");
    const w = data[pos]!;
    const base = 2 ** (10 + (w >>> 3));
    windowSize = base + (base / 8) * (w & 7);
    pos += 1;
  }
  pos += DICTIONARY_ID_BYTES[descriptor & 3]!;

  const sizeBytes =
    contentSizeFlag === 0 && singleSegment ? 1 : CONTENT_SIZE_BYTES[contentSizeFlag]!;
  need(data, pos, sizeBytes, "the frame content size");
  let contentSize: number | undefined;
  if (sizeBytes === 1) contentSize = data[pos]!;
  else if (sizeBytes === 2) contentSize = (data[pos]! | (data[pos + 1]! << 8)) + 256;
  else if (sizeBytes === 4) contentSize = u32(data, pos);
  else if (sizeBytes === 8) contentSize = u32(data, pos) + u32(data, pos + 4) * 2 ** 32;
  pos += sizeBytes;
  // A single-segment frame's window is its content (RFC 8878 section 3.1.1.1.2).
  if (singleSegment) windowSize = contentSize ?? 0;
  const blockMax = Math.min(windowSize, BLOCK_MAX);

  let blockBound = 0;
  for (;;) {
    need(data, pos, 3, "a block header");
    const header = data[pos]! | (data[pos + 1]! << 8) | (data[pos + 2]! << 16);
    const last = (header & 1) !== 0;
    const type = (header >>> 1) & 3;
    const size = header >>> 3;
    if (type === 3) throw corrupt("block type 3 is reserved", pos);
    pos += 3;
    if (type === 1) {
      // RLE: one byte on the wire, `size` bytes out.
      need(data, pos, 1, "an RLE block byte");
      pos += 1;
      blockBound += size;
    } else {
      need(data, pos, size, type === 0 ? "raw block content" : "compressed block content");
      pos += size;
      blockBound += type === 0 ? size : blockMax;
    }
    if (last) break;
  }
  if (hasChecksum) {
    need(data, pos, 4, "the content checksum");
    pos += 4;
  }
  return { end: pos, contentSize, blockBound };
}

function need(data: Uint8Array, pos: number, count: number, what: string): void {
  if (pos + count > data.length) {
    throw corrupt(`truncated: ${what} needs ${count} bytes, ${data.length - pos} left`, pos);
  }
}

function u32(data: Uint8Array, pos: number): number {
  return (
    (data[pos]! | (data[pos + 1]! << 8) | (data[pos + 2]! << 16) | (data[pos + 3]! << 24)) >>> 0
  );
}

function hex(n: number): string {
  return n.toString(16).padStart(8, "0");
}

function corrupt(message: string, offset: number): CodecError {
  return new CodecError(CodecErrorCode.Corrupt, "zstd", `${message} (at byte ${offset})`);
}
