import {
  BD_BLOCK_SIZE_SHIFT,
  BLOCK_UNCOMPRESSED,
  type BlockSizeId,
  blockMaxSize,
  END_MARK_SIZE,
  FLG_BLOCK_CHECKSUM,
  FLG_BLOCK_INDEPENDENCE,
  FLG_VERSION_1,
  HEADER_SIZE,
  MAGIC,
} from "./frame-format.js";
import { xxhash32 } from "./xxhash32.js";

/**
 * Compresses `src[start, end)` as one independent LZ4 block into `dst` from `at`, and returns
 * the compressed size; or returns -1, writing nothing, when that size would not be smaller
 * than the input (the caller then stores the block as is). `dst` has room for end - start bytes.
 */
export type BlockCompressor = (
  src: Uint8Array,
  start: number,
  end: number,
  dst: Uint8Array,
  at: number,
) => number;

export interface FrameWriterOptions {
  /** BD block size id: 4 = 64 KB (Kafka's choice), 5 = 256 KB, 6 = 1 MB, 7 = 4 MB. */
  blockSizeId: BlockSizeId;
  /** Append xxhash32 of each block's stored bytes, as Kafka's writer can. */
  blockChecksum: boolean;
}

const KAFKA_DEFAULTS: FrameWriterOptions = { blockSizeId: 4, blockChecksum: false };

/**
 * Writes `data` as one LZ4 frame the way Kafka's Lz4BlockOutputStream does: FLG 0x60 (0x70
 * with block checksums), the chosen BD, header checksum, blocks of at most the block size, each
 * stored uncompressed when compression does not shrink it, and the end mark; no content size
 * and no content checksum. Empty input gives header and end mark only, as in Kafka.
 */
export function writeLz4Frame(
  data: Uint8Array,
  compress: BlockCompressor,
  options: FrameWriterOptions = KAFKA_DEFAULTS,
): Uint8Array {
  const blockSize = blockMaxSize(options.blockSizeId);
  const blocks = Math.ceil(data.length / blockSize);
  const perBlock = options.blockChecksum ? 8 : 4;
  // Stored blocks never exceed their input, so this is the largest frame `data` can make.
  const out = new Uint8Array(HEADER_SIZE + data.length + blocks * perBlock + END_MARK_SIZE);
  const view = new DataView(out.buffer, out.byteOffset, out.byteLength);

  view.setUint32(0, MAGIC, true);
  out[4] =
    FLG_VERSION_1 | FLG_BLOCK_INDEPENDENCE | (options.blockChecksum ? FLG_BLOCK_CHECKSUM : 0);
  out[5] = options.blockSizeId << BD_BLOCK_SIZE_SHIFT;
  out[6] = (xxhash32(out, 0, 4, 6) >>> 8) & 0xff;

  let pos = HEADER_SIZE;
  for (let start = 0; start < data.length; start += blockSize) {
    const end = Math.min(start + blockSize, data.length);
    const dataAt = pos + 4;
    let stored = compress(data, start, end, out, dataAt);
    if (stored < 0) {
      stored = end - start;
      out.set(data.subarray(start, end), dataAt);
      view.setUint32(pos, (stored | BLOCK_UNCOMPRESSED) >>> 0, true);
    } else {
      view.setUint32(pos, stored, true);
    }
    pos = dataAt + stored;
    if (options.blockChecksum) {
      view.setUint32(pos, xxhash32(out, 0, dataAt, pos), true);
      pos += 4;
    }
  }
  view.setUint32(pos, 0, true);
  pos += END_MARK_SIZE;
  return out.slice(0, pos);
}
