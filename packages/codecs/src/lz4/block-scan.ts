/**
 * Walks one LZ4 block (https://github.com/lz4/lz4/blob/dev/doc/lz4_Block_format.md) without
 * decoding it: checks that every sequence (token, literals, 2-byte offset, match length) is
 * well formed and returns the size the block decodes to. The output is allocated from that size up
 * front (an LZ4 frame does not store it per block), and a frame with a bad block fails before
 * any block is decoded; the wasm decoder checks every bound again on its own.
 *
 * Every read is bounds-checked and each pass consumes at least one byte, so malformed input
 * ends in `BlockCorrupt`, never in a RangeError or a loop that does not end.
 */

/** Why a block is malformed; the frame reader turns it into a CodecError. */
export class BlockCorrupt extends Error {
  override readonly name = "BlockCorrupt";
}

const MIN_MATCH = 4;

/**
 * The decoded size of the block `src[start, end)`, which must not exceed `limit` bytes.
 * Matches may reach back to the block's first byte but not before it: Kafka's frames have
 * independent blocks.
 */
export function scanBlock(src: Uint8Array, start: number, end: number, limit: number): number {
  let ip = start;
  let size = 0;
  for (;;) {
    // The last sequence holds literals only, so a block that ends anywhere else is cut short.
    if (ip >= end) throw new BlockCorrupt(`block ends without its final literals at ${ip - start}`);
    const token = src[ip++]!;

    let literals = token >>> 4;
    if (literals === 15) {
      let more: number;
      do {
        if (ip >= end) throw new BlockCorrupt("literal length runs past the block");
        more = src[ip++]!;
        literals += more;
      } while (more === 255);
    }
    if (literals > end - ip) throw new BlockCorrupt("literals run past the block");
    ip += literals;
    size += literals;
    if (ip === end) {
      if (size > limit) throw new BlockCorrupt(`block decodes to more than ${limit} bytes`);
      return size;
    }

    if (end - ip < 2) throw new BlockCorrupt("match offset runs past the block");
    const offset = src[ip]! | (src[ip + 1]! << 8);
    ip += 2;
    if (offset === 0 || offset > size) {
      throw new BlockCorrupt(`match offset ${offset} at byte ${size} points before the block`);
    }

    let length = (token & 15) + MIN_MATCH;
    if ((token & 15) === 15) {
      let more: number;
      do {
        if (ip >= end) throw new BlockCorrupt("match length runs past the block");
        more = src[ip++]!;
        length += more;
      } while (more === 255);
    }
    size += length;
    if (size > limit) throw new BlockCorrupt(`block decodes to more than ${limit} bytes`);
  }
}
