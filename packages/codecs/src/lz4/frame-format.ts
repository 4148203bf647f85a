/**
 * The parts of the LZ4 frame format (https://github.com/lz4/lz4/blob/dev/doc/lz4_Frame_format.md)
 * that Kafka writes and reads: Lz4BlockOutputStream / Lz4BlockInputStream in
 * https://github.com/apache/kafka/tree/trunk/clients/src/main/java/org/apache/kafka/common/compress
 *
 *   magic  4 bytes LE 0x184D2204
 *   FLG    version 01 (bits 7-6), block independence (5), block checksum (4), content size (3),
 *          content checksum (2), reserved (1), dictionary id (0)
 *   BD     reserved (7), block max size id 4..7 = 64 KB, 256 KB, 1 MB, 4 MB (6-4), reserved (3-0)
 *   [content size: 8 bytes LE, when FLG bit 3]
 *   HC     (xxhash32(FLG .. end of descriptor, seed 0) >> 8) & 0xFF
 *   blocks 4-byte LE size, high bit set = stored uncompressed; data; [xxhash32 of data]
 *   end    4 zero bytes; [xxhash32 of the whole content, when FLG bit 2]
 *
 * Kafka's producer writes FLG 0x60 (version 1, independent blocks, nothing else) and BD 0x40
 * (64 KB blocks). Its reader rejects a set reserved or dictionary-id bit, dependent blocks, a
 * version other than 1 and block size ids outside 4..7; it accepts and checks block checksums,
 * skips a content size and reads past (without checking) a content checksum.
 */

export const MAGIC = 0x184d2204;

export const FLG_VERSION_MASK = 0xc0;
export const FLG_VERSION_1 = 0x40;
export const FLG_BLOCK_INDEPENDENCE = 0x20;
export const FLG_BLOCK_CHECKSUM = 0x10;
export const FLG_CONTENT_SIZE = 0x08;
export const FLG_CONTENT_CHECKSUM = 0x04;
/** Bit 1 is reserved; bit 0 (a dictionary id in newer specs) is reserved to Kafka as well. */
export const FLG_RESERVED = 0x03;

export const BD_BLOCK_SIZE_SHIFT = 4;
export const BD_BLOCK_SIZE_MASK = 0x70;
export const BD_RESERVED = 0x8f;

/** Block size ids of the BD byte: 4..7. */
export type BlockSizeId = 4 | 5 | 6 | 7;

/** Bytes a block of size id `id` may hold before compression: 2^(2·id + 8). */
export const blockMaxSize = (id: BlockSizeId): number => 1 << (2 * id + 8);

/** The high bit of a block's size word: the block is stored as is. */
export const BLOCK_UNCOMPRESSED = 0x80000000;

/** Magic, FLG, BD, HC: the frame header when no content size is written. */
export const HEADER_SIZE = 7;
export const END_MARK_SIZE = 4;
