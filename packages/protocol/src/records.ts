/**
 * The records section of a RecordBatch v2: the bytes after the batch's record count, which a
 * codec may compress as a whole. Each record is (https://kafka.apache.org/documentation/#record,
 * Kafka's DefaultRecord.java):
 *
 *   length          varint   size of everything below
 *   attributes      int8     unused, always 0
 *   timestampDelta  varlong  timestamp - batch baseTimestamp
 *   offsetDelta     varint   offset - batch baseOffset
 *   keyLength       varint   -1 for a null key
 *   key             bytes
 *   valueLength     varint   -1 for a null value
 *   value           bytes
 *   headerCount     varint
 *   headers         [headerKeyLength varint, UTF-8 key, headerValueLength varint (-1 = null), value]
 *
 * The producer encodes every record through `encodeRecords`, so it is written as two tight
 * passes over the input: one that validates and sizes each record with the varint size helpers,
 * one that writes into a buffer allocated once at the exact size. Knowing each body's size up
 * front lets the length prefix go first without shifting bytes.
 */
import { ProtocolDecodeError, ProtocolEncodeError } from "./errors.js";
import { Reader } from "./reader.js";
import { utf8Decoder, utf8Encoder, utf8Length } from "./text.js";
import { isInt32, sizeOfUnsignedVarint, sizeOfVarlong, zigzag32, zigzag64 } from "./varint.js";

/** A record header: Kafka allows repeated keys and null values, but not a null key. */
export interface RecordHeader {
  key: string;
  value: Uint8Array | null;
}

/** One record to encode. */
export interface RecordInput {
  key: Uint8Array | null;
  value: Uint8Array | null;
  headers?: readonly RecordHeader[] | undefined;
  /** Milliseconds since the epoch; defaults to the batch's base timestamp. */
  timestamp?: number | undefined;
  /** Offset relative to the batch's base offset; defaults to the record's index. */
  offsetDelta?: number | undefined;
}

/** One decoded record. Keys, values and header values are views into the input, not copies. */
export interface DecodedRecord {
  key: Uint8Array | null;
  value: Uint8Array | null;
  headers: RecordHeader[];
  /** Absolute timestamp in milliseconds (base timestamp + delta). */
  timestamp: number;
  offsetDelta: number;
}

/** Kafka's NO_TIMESTAMP: the only negative timestamp the Java client accepts. */
export const NO_TIMESTAMP = -1;

/** length, attributes, timestampDelta, offsetDelta, key, value and header count: 1 byte each. */
const MIN_RECORD_BYTES = 7;
const INT32_MAX = 0x7fffffff;
const NO_HEADERS: readonly RecordHeader[] = [];

/**
 * Encodes records into an uncompressed records section. Record timestamps are written as
 * deltas from `baseTimestamp`, which must be the batch's base timestamp.
 */
export function encodeRecords(records: readonly RecordInput[], baseTimestamp: number): Uint8Array {
  const plan = planRecords(records, baseTimestamp, baseTimestamp, 0);
  const out = new Uint8Array(plan.size);
  writeRecords(records, baseTimestamp, baseTimestamp, plan.bodySizes, out, 0);
  return out;
}

/** Per-record body sizes and the section's total size, from the sizing pass. */
export interface RecordsPlan {
  bodySizes: Int32Array;
  size: number;
}

/**
 * The validating and sizing pass. Records without a timestamp take `defaultTimestamp`.
 * `reserved` is the number of bytes the caller will put in front of the section (a batch
 * header), counted against the int32 size limit. Internal to the package.
 */
export function planRecords(
  records: readonly RecordInput[],
  baseTimestamp: number,
  defaultTimestamp: number,
  reserved: number,
): RecordsPlan {
  if (!Array.isArray(records)) {
    throw new ProtocolEncodeError("records", "must be an array of records", records);
  }
  checkTimestamp(baseTimestamp, "baseTimestamp");
  const n = records.length;
  const bodySizes = new Int32Array(n);
  let size = 0;
  for (let i = 0; i < n; i++) {
    const r = records[i];
    if (typeof r !== "object" || r === null) {
      throw new ProtocolEncodeError(`records[${i}]`, "must be a record object", r);
    }
    const { key, value } = r;
    const headers = r.headers ?? NO_HEADERS;
    const timestamp = r.timestamp ?? defaultTimestamp;
    const offsetDelta = r.offsetDelta ?? i;
    if (timestamp !== baseTimestamp) {
      checkTimestamp(timestamp, `records[${i}].timestamp`);
      // A delta of 2^53 ms or more could not be read back as a number.
      if (!Number.isSafeInteger(timestamp - baseTimestamp)) {
        throw new ProtocolEncodeError(
          `records[${i}].timestamp`,
          `must be within 2^53 - 1 ms of the base timestamp ${baseTimestamp}`,
          timestamp,
        );
      }
    }
    if (offsetDelta !== i && (!isInt32(offsetDelta) || offsetDelta < 0)) {
      throw new ProtocolEncodeError(
        `records[${i}].offsetDelta`,
        "must be an integer in [0, 2147483647]",
        offsetDelta,
      );
    }
    let body = 1 + sizeOfVarlong(timestamp - baseTimestamp) + sizeOfVarintZ(offsetDelta);
    // undefined is taken as null: plain-JS callers often leave a key out.
    if (key == null) body += 1;
    else if (key instanceof Uint8Array) body += sizeOfVarintZ(key.length) + key.length;
    else throw new ProtocolEncodeError(`records[${i}].key`, "must be a Uint8Array or null", key);
    if (value == null) body += 1;
    else if (value instanceof Uint8Array) body += sizeOfVarintZ(value.length) + value.length;
    else {
      throw new ProtocolEncodeError(`records[${i}].value`, "must be a Uint8Array or null", value);
    }
    if (!Array.isArray(headers)) {
      throw new ProtocolEncodeError(`records[${i}].headers`, "must be an array", headers);
    }
    body += sizeOfVarintZ(headers.length);
    for (let h = 0; h < headers.length; h++) body += sizeOfHeader(headers[h], i, h);
    if (body > INT32_MAX - 5) {
      throw new ProtocolEncodeError(`records[${i}]`, "must encode to less than 2 GiB", body);
    }
    bodySizes[i] = body;
    size += sizeOfVarintZ(body) + body;
  }
  if (size + reserved > INT32_MAX) {
    throw new ProtocolEncodeError("records", "must encode to less than 2 GiB in total", size);
  }
  return { bodySizes, size };
}

function sizeOfHeader(header: RecordHeader | undefined, i: number, h: number): number {
  if (typeof header !== "object" || header === null) {
    throw new ProtocolEncodeError(`records[${i}].headers[${h}]`, "must be a header object", header);
  }
  const { key, value } = header;
  if (typeof key !== "string") {
    throw new ProtocolEncodeError(`records[${i}].headers[${h}].key`, "must be a string", key);
  }
  const keyBytes = utf8Length(key);
  let size = sizeOfVarintZ(keyBytes) + keyBytes;
  if (value == null) size += 1;
  else if (value instanceof Uint8Array) size += sizeOfVarintZ(value.length) + value.length;
  else {
    throw new ProtocolEncodeError(
      `records[${i}].headers[${h}].value`,
      "must be a Uint8Array or null",
      value,
    );
  }
  return size;
}

/**
 * The writing pass: writes the records planned by `planRecords` into `out` from `at`, and
 * returns the position after the last byte. The input must not change between the passes.
 */
export function writeRecords(
  records: readonly RecordInput[],
  baseTimestamp: number,
  defaultTimestamp: number,
  bodySizes: Int32Array,
  out: Uint8Array,
  at: number,
): number {
  let pos = at;
  const n = records.length;
  for (let i = 0; i < n; i++) {
    const r = records[i]!;
    const { key, value } = r;
    const headers = r.headers ?? NO_HEADERS;
    pos = writeUnsignedVarint(out, pos, zigzag32(bodySizes[i]!));
    out[pos++] = 0; // attributes: no record-level attribute is defined
    const delta = (r.timestamp ?? defaultTimestamp) - baseTimestamp;
    pos = isInt32(delta)
      ? writeUnsignedVarint(out, pos, zigzag32(delta))
      : writeVarlongSlow(out, pos, delta);
    pos = writeUnsignedVarint(out, pos, zigzag32(r.offsetDelta ?? i));
    pos = writeNullableBytes(out, pos, key);
    pos = writeNullableBytes(out, pos, value);
    const hn = headers.length;
    pos = writeUnsignedVarint(out, pos, zigzag32(hn));
    for (let h = 0; h < hn; h++) {
      const header = headers[h]!;
      pos = writeHeaderKey(out, pos, header.key);
      pos = writeNullableBytes(out, pos, header.value);
    }
  }
  return pos;
}

function sizeOfVarintZ(value: number): number {
  return sizeOfUnsignedVarint(zigzag32(value));
}

function writeUnsignedVarint(out: Uint8Array, pos: number, value: number): number {
  let v = value;
  while (v >= 0x80) {
    out[pos++] = (v & 0x7f) | 0x80;
    v >>>= 7;
  }
  out[pos++] = v;
  return pos;
}

/** Timestamp deltas beyond ±24.8 days take the bigint path; batches almost never need it. */
function writeVarlongSlow(out: Uint8Array, pos: number, value: number): number {
  let z = zigzag64(BigInt(value));
  while (z >= 0x80n) {
    out[pos++] = Number(z & 0x7fn) | 0x80;
    z >>= 7n;
  }
  out[pos++] = Number(z);
  return pos;
}

/** A varint length (-1 for null) then the bytes. */
function writeNullableBytes(
  out: Uint8Array,
  pos: number,
  bytes: Uint8Array | null | undefined,
): number {
  if (bytes == null) {
    out[pos] = 1; // zigzag(-1)
    return pos + 1;
  }
  const len = bytes.length;
  pos = writeUnsignedVarint(out, pos, zigzag32(len));
  // A short copy by hand beats the fixed cost of TypedArray#set for the small keys typical here.
  if (len <= 16) for (let k = 0; k < len; k++) out[pos + k] = bytes[k]!;
  else out.set(bytes, pos);
  return pos + len;
}

function writeHeaderKey(out: Uint8Array, pos: number, key: string): number {
  const chars = key.length;
  // Header keys are short and nearly always ASCII: copy char codes, fall back to the encoder
  // on the first non-ASCII one.
  let ascii = chars <= 64;
  if (ascii) {
    for (let k = 0; k < chars; k++) {
      if (key.charCodeAt(k) >= 0x80) {
        ascii = false;
        break;
      }
    }
  }
  if (ascii) {
    pos = writeUnsignedVarint(out, pos, zigzag32(chars));
    for (let k = 0; k < chars; k++) out[pos + k] = key.charCodeAt(k);
    return pos + chars;
  }
  const len = utf8Length(key);
  pos = writeUnsignedVarint(out, pos, zigzag32(len));
  utf8Encoder.encodeInto(key, out.subarray(pos, pos + len));
  return pos + len;
}

/** Timestamps are non-negative milliseconds, or -1 for "none", as in Kafka's MemoryRecordsBuilder. */
function checkTimestamp(value: number, field: string): void {
  if (!Number.isSafeInteger(value) || value < NO_TIMESTAMP) {
    throw new ProtocolEncodeError(
      field,
      "must be a safe integer of milliseconds >= 0, or -1 for no timestamp",
      value,
    );
  }
}

/**
 * Decodes `count` records from an uncompressed (or already decompressed) records section.
 * Timestamps come back absolute: `baseTimestamp` + each record's delta. Raises
 * ProtocolDecodeError for anything malformed, including bytes left over after the last record
 * (Kafka's reader refuses those too).
 */
export function decodeRecords(
  section: Uint8Array,
  count: number,
  baseTimestamp: number,
): DecodedRecord[] {
  if (!Number.isInteger(count) || count < 0 || count > section.length / MIN_RECORD_BYTES) {
    throw new ProtocolDecodeError(
      `record count ${count} cannot fit in a ${section.length}-byte records section`,
      0,
    );
  }
  const r = new Reader(section);
  const out = new Array<DecodedRecord>(count);
  for (let i = 0; i < count; i++) out[i] = decodeRecord(r, baseTimestamp);
  r.expectEnd("records section");
  return out;
}

function decodeRecord(r: Reader, baseTimestamp: number): DecodedRecord {
  const lengthAt = r.position;
  const bodyLength = r.varint();
  if (bodyLength < MIN_RECORD_BYTES - 1 || bodyLength > r.remaining) {
    throw new ProtocolDecodeError(
      `record length ${bodyLength} does not fit the ${r.remaining} bytes left`,
      lengthAt,
    );
  }
  const start = r.position;
  r.int8(); // attributes: none defined for records
  const deltaAt = r.position;
  const timestamp = baseTimestamp + r.varlongAsNumber();
  if (!Number.isSafeInteger(timestamp)) {
    throw new ProtocolDecodeError("record timestamp is outside the safe integer range", deltaAt);
  }
  const offsetDelta = r.varint();
  const key = readNullableBytes(r);
  const value = readNullableBytes(r);
  const countAt = r.position;
  const headerCount = r.varint();
  if (headerCount < 0 || headerCount * 2 > r.remaining) {
    throw new ProtocolDecodeError(
      `header count ${headerCount} is invalid for the ${r.remaining} bytes left`,
      countAt,
    );
  }
  let headers: RecordHeader[];
  if (headerCount === 0) headers = [];
  else {
    headers = new Array<RecordHeader>(headerCount);
    for (let h = 0; h < headerCount; h++) {
      const hk = readHeaderKey(r);
      headers[h] = { key: hk, value: readNullableBytes(r) };
    }
  }
  if (r.position - start !== bodyLength) {
    throw new ProtocolDecodeError(
      `record declares ${bodyLength} bytes but its fields take ${r.position - start}`,
      lengthAt,
    );
  }
  return { key, value, headers, timestamp, offsetDelta };
}

function readNullableBytes(r: Reader): Uint8Array | null {
  const at = r.position;
  const n = r.varint();
  if (n === -1) return null;
  if (n < 0) throw new ProtocolDecodeError(`length ${n} is invalid`, at);
  return r.raw(n);
}

function readHeaderKey(r: Reader): string {
  const at = r.position;
  const n = r.varint();
  if (n < 0) throw new ProtocolDecodeError(`header key length ${n} is invalid`, at);
  const bytes = r.raw(n);
  // Short ASCII keys are cheaper to build from char codes than through TextDecoder.
  if (n <= 32) {
    let ascii = true;
    for (let k = 0; k < n; k++) {
      if (bytes[k]! >= 0x80) {
        ascii = false;
        break;
      }
    }
    if (ascii) return String.fromCharCode.apply(null, bytes as unknown as number[]);
  }
  try {
    return utf8Decoder.decode(bytes);
  } catch (cause) {
    throw new ProtocolDecodeError("header key is not valid UTF-8", at, { cause });
  }
}
