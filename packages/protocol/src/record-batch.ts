/**
 * RecordBatch v2 (magic 2), the only record format worth writing: Produce v3 and later require
 * it. Layout (https://kafka.apache.org/documentation/#recordbatch, Kafka's
 * DefaultRecordBatch.java):
 *
 *   offset  field                 type
 *    0      baseOffset            int64
 *    8      batchLength           int32   bytes from partitionLeaderEpoch to the end
 *   12      partitionLeaderEpoch  int32
 *   16      magic                 int8    2
 *   17      crc                   uint32  CRC-32C of everything from attributes to the end
 *   21      attributes            int16   bits 0-2 codec, 3 timestamp type, 4 transactional,
 *                                         5 control, 6 delete horizon (KIP-534)
 *   23      lastOffsetDelta       int32
 *   27      baseTimestamp         int64
 *   35      maxTimestamp          int64
 *   43      producerId            int64
 *   51      producerEpoch         int16
 *   53      baseSequence          int32
 *   57      recordCount           int32
 *   61      records               the records section, compressed as a whole when a codec is set
 *
 * The header is encoded apart from the records section so a codec (async, in another package)
 * can compress `encodeRecords` output before `encodeRecordBatch` wraps it.
 *
 * CRC mismatches: `decodeRecordBatch` raises ProtocolDecodeError by default, as Kafka's
 * consumer does with check.crcs=true; pass `{ verifyCrc: false }` to skip the check (the
 * stored value is still returned as `crc`).
 */
import { crc32c } from "./crc32c.js";
import { ProtocolDecodeError, ProtocolEncodeError } from "./errors.js";
import type { DecodedRecord, RecordInput } from "./records.js";
import { decodeRecords, NO_TIMESTAMP, planRecords, writeRecords } from "./records.js";

/** Codec ids of the attributes' low three bits (Kafka's CompressionType). */
export const CompressionCodec = { None: 0, Gzip: 1, Snappy: 2, Lz4: 3, Zstd: 4 } as const;
export type CompressionCodecId = (typeof CompressionCodec)[keyof typeof CompressionCodec];

/** Attribute bit 3: who set the timestamps (Kafka's TimestampType). */
export const TimestampType = { CreateTime: 0, LogAppendTime: 1 } as const;
export type TimestampTypeId = (typeof TimestampType)[keyof typeof TimestampType];

/** Bytes before the records section; also the smallest valid batch. */
export const RECORD_BATCH_OVERHEAD = 61;
/** baseOffset and batchLength, which batchLength does not count. */
const LOG_OVERHEAD = 12;
const MAGIC = 2;
const MAGIC_OFFSET = 16;
const CRC_OFFSET = 17;
const ATTRIBUTES_OFFSET = 21;

const CODEC_MASK = 0x07;
const TIMESTAMP_TYPE_BIT = 0x08;
const TRANSACTIONAL_BIT = 0x10;
const CONTROL_BIT = 0x20;
const DELETE_HORIZON_BIT = 0x40;

/** The batch header fields a caller chooses. Optional ones default to what a producer sends. */
export interface RecordBatchHeader {
  /** 0 in a Produce request: the broker assigns offsets. */
  baseOffset?: bigint | number | undefined;
  /** -1 from producers; the broker fills it in. */
  partitionLeaderEpoch?: number | undefined;
  /** Codec that compressed the records section; 0 (none) by default. */
  compression?: CompressionCodecId | undefined;
  timestampType?: TimestampTypeId | undefined;
  isTransactional?: boolean | undefined;
  isControl?: boolean | undefined;
  /** Set by the log cleaner only; then baseTimestamp holds the delete horizon. */
  hasDeleteHorizon?: boolean | undefined;
  /** Defaults to recordCount - 1. */
  lastOffsetDelta?: number | undefined;
  /** The first record's timestamp (record deltas are taken from it), or -1 for an empty batch. */
  baseTimestamp: number;
  maxTimestamp: number;
  /** -1 when not idempotent. */
  producerId?: bigint | number | undefined;
  producerEpoch?: number | undefined;
  /** Sequence number of the first record, -1 when not idempotent. */
  baseSequence?: number | undefined;
}

/** A decoded batch header plus its raw (possibly compressed) records section. */
export interface DecodedRecordBatch {
  baseOffset: bigint;
  batchLength: number;
  partitionLeaderEpoch: number;
  magic: number;
  /** The CRC stored in the batch (verified unless `verifyCrc: false`). */
  crc: number;
  attributes: number;
  compression: CompressionCodecId;
  timestampType: TimestampTypeId;
  isTransactional: boolean;
  isControl: boolean;
  hasDeleteHorizon: boolean;
  lastOffsetDelta: number;
  baseTimestamp: number;
  maxTimestamp: number;
  producerId: bigint;
  producerEpoch: number;
  baseSequence: number;
  recordCount: number;
  /** A view of the records section as stored: compressed when `compression` is not 0. */
  recordsSection: Uint8Array;
}

export interface DecodeRecordBatchOptions {
  /** Check the stored CRC-32C against the bytes; true by default. */
  verifyCrc?: boolean | undefined;
}

/** Header fields `buildRecordBatch` takes; it derives the timestamps and lastOffsetDelta. */
export type BuildRecordBatchOptions = Omit<
  RecordBatchHeader,
  "baseTimestamp" | "maxTimestamp" | "lastOffsetDelta" | "compression"
> & {
  /** Timestamp for records that have none; `Date.now()` when not given. */
  timestamp?: number | undefined;
};

/**
 * Wraps a records section (uncompressed or compressed with `header.compression`) in a batch
 * header and writes its CRC. `recordCount` is the number of records in the section.
 */
export function encodeRecordBatch(
  header: RecordBatchHeader,
  recordsSection: Uint8Array,
  recordCount: number,
): Uint8Array {
  if (!(recordsSection instanceof Uint8Array)) {
    throw new ProtocolEncodeError("recordsSection", "must be a Uint8Array", recordsSection);
  }
  if (recordsSection.length > 0x7fffffff - RECORD_BATCH_OVERHEAD) {
    throw new ProtocolEncodeError("recordsSection", "must be smaller than 2 GiB", recordsSection);
  }
  const out = new Uint8Array(RECORD_BATCH_OVERHEAD + recordsSection.length);
  out.set(recordsSection, RECORD_BATCH_OVERHEAD);
  writeHeader(out, header, recordCount);
  return out;
}

/**
 * Encodes uncompressed records and their batch in one buffer, with no intermediate copy.
 * The base timestamp is the first record's and the max timestamp the largest, as the Java
 * producer writes them; an empty batch gets -1 for both.
 */
export function buildRecordBatch(
  records: readonly RecordInput[],
  options: BuildRecordBatchOptions = {},
): Uint8Array {
  if (!Array.isArray(records)) {
    throw new ProtocolEncodeError("records", "must be an array of records", records);
  }
  let baseTimestamp = NO_TIMESTAMP;
  let maxTimestamp = NO_TIMESTAMP;
  let fallback = options.timestamp;
  if (fallback !== undefined && (!Number.isSafeInteger(fallback) || fallback < NO_TIMESTAMP)) {
    throw new ProtocolEncodeError("timestamp", "must be a safe integer >= -1", fallback);
  }
  for (let i = 0; i < records.length; i++) {
    let t = records[i]?.timestamp;
    if (t === undefined) {
      fallback ??= Date.now();
      t = fallback;
    }
    if (i === 0) baseTimestamp = maxTimestamp = t;
    else if (t > maxTimestamp) maxTimestamp = t;
  }
  const defaultTimestamp = fallback ?? baseTimestamp;
  const plan = planRecords(records, baseTimestamp, defaultTimestamp, RECORD_BATCH_OVERHEAD);
  const out = new Uint8Array(RECORD_BATCH_OVERHEAD + plan.size);
  writeRecords(
    records,
    baseTimestamp,
    defaultTimestamp,
    plan.bodySizes,
    out,
    RECORD_BATCH_OVERHEAD,
  );
  writeHeader(out, { ...options, baseTimestamp, maxTimestamp }, records.length);
  return out;
}

/** Fills bytes 0..60 of `out` (records already in place after them) and the CRC. */
function writeHeader(out: Uint8Array, h: RecordBatchHeader, recordCount: number): void {
  checkInt(recordCount, 0, 0x7fffffff, "recordCount");
  const partitionLeaderEpoch = h.partitionLeaderEpoch ?? -1;
  checkInt(partitionLeaderEpoch, -0x80000000, 0x7fffffff, "partitionLeaderEpoch");
  const compression = h.compression ?? CompressionCodec.None;
  checkInt(compression, 0, 4, "compression");
  const timestampType = h.timestampType ?? TimestampType.CreateTime;
  checkInt(timestampType, 0, 1, "timestampType");
  const lastOffsetDelta = h.lastOffsetDelta ?? recordCount - 1;
  checkInt(lastOffsetDelta, -0x80000000, 0x7fffffff, "lastOffsetDelta");
  checkInt64(h.baseTimestamp, "baseTimestamp");
  checkInt64(h.maxTimestamp, "maxTimestamp");
  const producerEpoch = h.producerEpoch ?? -1;
  checkInt(producerEpoch, -0x8000, 0x7fff, "producerEpoch");
  const baseSequence = h.baseSequence ?? -1;
  checkInt(baseSequence, -0x80000000, 0x7fffffff, "baseSequence");

  let attributes = compression | (timestampType === 1 ? TIMESTAMP_TYPE_BIT : 0);
  if (h.isTransactional === true) attributes |= TRANSACTIONAL_BIT;
  if (h.isControl === true) attributes |= CONTROL_BIT;
  if (h.hasDeleteHorizon === true) attributes |= DELETE_HORIZON_BIT;

  const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
  setInt64(view, 0, h.baseOffset ?? 0, "baseOffset");
  view.setInt32(8, out.length - LOG_OVERHEAD);
  view.setInt32(12, partitionLeaderEpoch);
  view.setInt8(MAGIC_OFFSET, MAGIC);
  view.setInt16(ATTRIBUTES_OFFSET, attributes);
  view.setInt32(23, lastOffsetDelta);
  setInt64(view, 27, h.baseTimestamp, "baseTimestamp");
  setInt64(view, 35, h.maxTimestamp, "maxTimestamp");
  setInt64(view, 43, h.producerId ?? -1, "producerId");
  view.setInt16(51, producerEpoch);
  view.setInt32(53, baseSequence);
  view.setInt32(57, recordCount);
  view.setUint32(CRC_OFFSET, crc32c(out.subarray(ATTRIBUTES_OFFSET)));
}

function checkInt(value: unknown, min: number, max: number, field: string): void {
  if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) {
    throw new ProtocolEncodeError(field, `must be an integer in [${min}, ${max}]`, value);
  }
}

function checkInt64(value: unknown, field: string): void {
  if (typeof value !== "number" || !Number.isSafeInteger(value)) {
    throw new ProtocolEncodeError(field, "must be a safe integer", value);
  }
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const TWO_32 = 0x1_0000_0000;

/** int64 from a bigint or a safe-integer number; numbers avoid a bigint allocation. */
function setInt64(view: DataView, at: number, value: unknown, field: string): void {
  if (typeof value === "number") {
    if (!Number.isSafeInteger(value)) {
      throw new ProtocolEncodeError(
        field,
        "a number must be a safe integer (or use a bigint)",
        value,
      );
    }
    const hi = Math.floor(value / TWO_32);
    view.setInt32(at, hi);
    view.setUint32(at + 4, value - hi * TWO_32);
  } else if (typeof value === "bigint") {
    if (value < INT64_MIN || value > INT64_MAX) {
      throw new ProtocolEncodeError(field, "must fit in 64 signed bits", value);
    }
    view.setBigInt64(at, value);
  } else {
    throw new ProtocolEncodeError(field, "must be a bigint or a safe integer", value);
  }
}

/**
 * Decodes the one batch `bytes` holds (trailing bytes are an error; use
 * `decodeRecordBatches` for several). The records section is returned raw, as a view; decode
 * it with `decodeBatchRecords` (after decompressing when `compression` is not 0).
 */
export function decodeRecordBatch(
  bytes: Uint8Array,
  options: DecodeRecordBatchOptions = {},
): DecodedRecordBatch {
  const batch = decodeBatchAt(bytes, 0, options.verifyCrc !== false);
  const size = LOG_OVERHEAD + batch.batchLength;
  if (size !== bytes.length) {
    throw new ProtocolDecodeError(
      `record batch: ${bytes.length - size} unexpected trailing bytes`,
      size,
    );
  }
  return batch;
}

/** Decodes the concatenated batches of a records field, such as a Produce request carries. */
export function decodeRecordBatches(
  bytes: Uint8Array,
  options: DecodeRecordBatchOptions = {},
): DecodedRecordBatch[] {
  const verify = options.verifyCrc !== false;
  const batches: DecodedRecordBatch[] = [];
  let at = 0;
  while (at < bytes.length) {
    const batch = decodeBatchAt(bytes, at, verify);
    batches.push(batch);
    at += LOG_OVERHEAD + batch.batchLength;
  }
  return batches;
}

function decodeBatchAt(bytes: Uint8Array, at: number, verifyCrc: boolean): DecodedRecordBatch {
  const available = bytes.length - at;
  if (available < RECORD_BATCH_OVERHEAD) {
    throw new ProtocolDecodeError(
      `truncated record batch: ${available} bytes, a batch header needs ${RECORD_BATCH_OVERHEAD}`,
      at,
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset + at, available);
  const batchLength = view.getInt32(8);
  if (
    batchLength < RECORD_BATCH_OVERHEAD - LOG_OVERHEAD ||
    batchLength > available - LOG_OVERHEAD
  ) {
    throw new ProtocolDecodeError(
      `record batch length ${batchLength} does not fit: ${available - LOG_OVERHEAD} bytes follow ` +
        `and a batch needs at least ${RECORD_BATCH_OVERHEAD - LOG_OVERHEAD}`,
      at + 8,
    );
  }
  const magic = view.getInt8(MAGIC_OFFSET);
  if (magic !== MAGIC) {
    throw new ProtocolDecodeError(
      `record batch magic ${magic} is not supported (only v2, magic 2)`,
      at + MAGIC_OFFSET,
    );
  }
  const end = at + LOG_OVERHEAD + batchLength;
  const crc = view.getUint32(CRC_OFFSET);
  if (verifyCrc) {
    const computed = crc32c(bytes.subarray(at + ATTRIBUTES_OFFSET, end));
    if (computed !== crc) {
      throw new ProtocolDecodeError(
        `record batch is corrupt: stored CRC-32C ${hex32(crc)}, computed ${hex32(computed)}`,
        at + CRC_OFFSET,
      );
    }
  }
  const attributes = view.getInt16(ATTRIBUTES_OFFSET);
  const compression = attributes & CODEC_MASK;
  if (compression > CompressionCodec.Zstd) {
    throw new ProtocolDecodeError(
      `unknown compression codec ${compression} in batch attributes`,
      at + ATTRIBUTES_OFFSET,
    );
  }
  const recordCount = view.getInt32(57);
  if (recordCount < 0) {
    throw new ProtocolDecodeError(`record count ${recordCount} is negative`, at + 57);
  }
  return {
    baseOffset: view.getBigInt64(0),
    batchLength,
    partitionLeaderEpoch: view.getInt32(12),
    magic,
    crc,
    attributes,
    compression: compression as CompressionCodecId,
    timestampType: attributes & TIMESTAMP_TYPE_BIT ? 1 : 0,
    isTransactional: (attributes & TRANSACTIONAL_BIT) !== 0,
    isControl: (attributes & CONTROL_BIT) !== 0,
    hasDeleteHorizon: (attributes & DELETE_HORIZON_BIT) !== 0,
    lastOffsetDelta: view.getInt32(23),
    baseTimestamp: getSafeInt64(view, 27, at),
    maxTimestamp: getSafeInt64(view, 35, at),
    producerId: view.getBigInt64(43),
    producerEpoch: view.getInt16(51),
    baseSequence: view.getInt32(53),
    recordCount,
    recordsSection: bytes.subarray(at + RECORD_BATCH_OVERHEAD, end),
  };
}

function getSafeInt64(view: DataView, offset: number, base: number): number {
  const hi = view.getInt32(offset);
  const lo = view.getUint32(offset + 4);
  const value = hi * TWO_32 + lo;
  if (!Number.isSafeInteger(value)) {
    throw new ProtocolDecodeError("timestamp is outside the safe integer range", base + offset);
  }
  return value;
}

function hex32(n: number): string {
  return `0x${n.toString(16).padStart(8, "0")}`;
}

/**
 * The records of a decoded batch, with Kafka's timestamp rule applied: in a LogAppendTime
 * batch every record's timestamp is the batch's maxTimestamp. Pass the decompressed section
 * when the batch is compressed.
 */
export function decodeBatchRecords(
  batch: DecodedRecordBatch,
  section: Uint8Array = batch.recordsSection,
): DecodedRecord[] {
  if (batch.compression !== CompressionCodec.None && section === batch.recordsSection) {
    throw new ProtocolDecodeError(
      `records are compressed (codec ${batch.compression}): pass the decompressed section`,
      RECORD_BATCH_OVERHEAD,
    );
  }
  const records = decodeRecords(section, batch.recordCount, batch.baseTimestamp);
  if (batch.timestampType === TimestampType.LogAppendTime) {
    for (const r of records) r.timestamp = batch.maxTimestamp;
  }
  return records;
}
