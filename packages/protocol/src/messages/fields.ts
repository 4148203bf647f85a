import { ProtocolEncodeError } from "../errors.js";
import { MessageReader } from "../reader.js";
import type { Uuid } from "../uuid.js";
import { MessageWriter } from "../writer.js";

/**
 * Field helpers shared by the message codecs. Kafka writes the same logical field two ways:
 * classic (int16/int32 length prefixes) before a message's first flexible version, compact
 * (unsigned varint of length + 1) from it on, and every struct in a flexible version ends with
 * a tagged-field section (KIP-482,
 * https://cwiki.apache.org/confluence/display/KAFKA/KIP-482%3A+The+Kafka+Protocol+should+Support+Optional+Tagged+Fields).
 * Each helper takes that `flexible` flag so a codec reads like its JSON spec.
 *
 * Writers check the value's type and range first and name the field in the error, so a bad
 * input says which field broke which rule instead of failing deep inside the Writer. Field
 * names use `[]` for "any element" (`topicData[].partitionData[].index`): static strings cost
 * nothing on the hot path.
 */

const INT16 = [-0x8000, 0x7fff] as const;
const INT32 = [-0x80000000, 0x7fffffff] as const;

function intRule([min, max]: readonly [number, number]): string {
  return `must be an integer in [${min}, ${max}]`;
}

export function writeInt16(w: MessageWriter, field: string, value: number): void {
  if (!Number.isInteger(value) || value < INT16[0] || value > INT16[1]) {
    throw new ProtocolEncodeError(field, intRule(INT16), value);
  }
  w.int16(value);
}

export function writeInt32(w: MessageWriter, field: string, value: number): void {
  if (!Number.isInteger(value) || value < INT32[0] || value > INT32[1]) {
    throw new ProtocolEncodeError(field, intRule(INT32), value);
  }
  w.int32(value);
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** int64 from a bigint, or from a number when it is a safe integer. */
export function writeInt64(w: MessageWriter, field: string, value: bigint | number): void {
  const ok =
    typeof value === "bigint"
      ? value >= INT64_MIN && value <= INT64_MAX
      : Number.isSafeInteger(value);
  if (!ok) throw new ProtocolEncodeError(field, "must be a 64-bit integer (bigint)", value);
  w.int64(value);
}

export function writeBoolean(w: MessageWriter, field: string, value: boolean): void {
  if (typeof value !== "boolean") throw new ProtocolEncodeError(field, "must be a boolean", value);
  w.boolean(value);
}

export function writeUuid(w: MessageWriter, field: string, value: Uuid): void {
  if (typeof value !== "string" || value.length !== 22) {
    throw new ProtocolEncodeError(
      field,
      "must be a Kafka UUID (22 characters of base64url)",
      value,
    );
  }
  try {
    w.uuid(value);
  } catch {
    throw new ProtocolEncodeError(
      field,
      "must be a Kafka UUID (22 characters of base64url)",
      value,
    );
  }
}

export function writeString(
  w: MessageWriter,
  flexible: boolean,
  field: string,
  value: string,
): void {
  if (typeof value !== "string") throw new ProtocolEncodeError(field, "must be a string", value);
  stringChecked(w, flexible, field, value);
}

export function writeNullableString(
  w: MessageWriter,
  flexible: boolean,
  field: string,
  value: string | null,
): void {
  if (value === null) {
    if (flexible) w.unsignedVarint(0);
    else w.int16(-1);
    return;
  }
  if (typeof value !== "string") {
    throw new ProtocolEncodeError(field, "must be a string or null", value);
  }
  stringChecked(w, flexible, field, value);
}

function stringChecked(w: MessageWriter, flexible: boolean, field: string, value: string): void {
  try {
    if (flexible) w.compactString(value);
    else w.string(value);
  } catch (cause) {
    if (cause instanceof ProtocolEncodeError) {
      throw new ProtocolEncodeError(field, "must be at most 32767 UTF-8 bytes", value);
    }
    throw cause;
  }
}

export function writeBytes(
  w: MessageWriter,
  flexible: boolean,
  field: string,
  value: Uint8Array,
): void {
  if (!(value instanceof Uint8Array)) {
    throw new ProtocolEncodeError(field, "must be a Uint8Array", value);
  }
  if (flexible) w.compactBytes(value);
  else w.bytes(value);
}

export function writeNullableBytes(
  w: MessageWriter,
  flexible: boolean,
  field: string,
  value: Uint8Array | null,
): void {
  if (value === null) {
    if (flexible) w.unsignedVarint(0);
    else w.int32(-1);
    return;
  }
  if (!(value instanceof Uint8Array)) {
    throw new ProtocolEncodeError(field, "must be a Uint8Array or null", value);
  }
  if (flexible) w.compactBytes(value);
  else w.bytes(value);
}

export function writeArray<T>(
  w: MessageWriter,
  flexible: boolean,
  field: string,
  items: readonly T[],
  item: (w: MessageWriter, value: T) => void,
): void {
  if (!Array.isArray(items)) throw new ProtocolEncodeError(field, "must be an array", items);
  if (flexible) w.unsignedVarint(items.length + 1);
  else w.int32(items.length);
  for (const value of items) item(w, value);
}

export function writeNullableArray<T>(
  w: MessageWriter,
  flexible: boolean,
  field: string,
  items: readonly T[] | null,
  item: (w: MessageWriter, value: T) => void,
): void {
  if (items === null) {
    if (flexible) w.unsignedVarint(0);
    else w.int32(-1);
    return;
  }
  writeArray(w, flexible, field, items, item);
}

export function writeInt32Array(
  w: MessageWriter,
  flexible: boolean,
  field: string,
  items: readonly number[],
): void {
  writeArray(w, flexible, field, items, (w2, v) => writeInt32(w2, `${field}[]`, v));
}

export function writeStringArray(
  w: MessageWriter,
  flexible: boolean,
  field: string,
  items: readonly string[],
): void {
  writeArray(w, flexible, field, items, (w2, v) => writeString(w2, flexible, `${field}[]`, v));
}

/** One known tagged field to write: its tag and a writer for its value. */
export interface TagWrite {
  tag: number;
  write: (w: MessageWriter) => void;
}

/**
 * Writes a tagged-field section from the fields that are present, in ascending tag order as
 * Kafka requires. Kafka leaves a tagged field out when it holds its default, and so do we: the
 * callers pass only the non-default ones.
 */
export function writeTags(w: MessageWriter, fields: readonly TagWrite[] = []): void {
  if (fields.length === 0) {
    w.unsignedVarint(0);
    return;
  }
  w.unsignedVarint(fields.length);
  for (const f of fields) {
    const body = new MessageWriter(64);
    f.write(body);
    const bytes = body.finish();
    w.unsignedVarint(f.tag).unsignedVarint(bytes.length).raw(bytes);
  }
}

// ---------------------------------------------------------------------------------------------
// Reading

export function readString(r: MessageReader, flexible: boolean): string {
  return flexible ? r.compactString() : r.string();
}

export function readNullableString(r: MessageReader, flexible: boolean): string | null {
  return flexible ? r.compactNullableString() : r.nullableString();
}

export function readBytes(r: MessageReader, flexible: boolean): Uint8Array {
  return flexible ? r.compactBytes() : r.bytesField();
}

export function readNullableBytes(r: MessageReader, flexible: boolean): Uint8Array | null {
  return flexible ? r.compactNullableBytes() : r.nullableBytes();
}

export function readArray<T>(
  r: MessageReader,
  flexible: boolean,
  item: (r: MessageReader) => T,
): T[] {
  return flexible ? r.compactArray(item) : r.array(item);
}

export function readNullableArray<T>(
  r: MessageReader,
  flexible: boolean,
  item: (r: MessageReader) => T,
): T[] | null {
  return flexible ? r.compactNullableArray(item) : r.nullableArray(item);
}

export function readInt32Array(r: MessageReader, flexible: boolean): number[] {
  return readArray(r, flexible, (r2) => r2.int32());
}

export function readStringArray(r: MessageReader, flexible: boolean): string[] {
  return readArray(r, flexible, (r2) => readString(r2, flexible));
}

/**
 * Reads a tagged-field section. A known tag's bytes are handed to `known` as a reader bounded
 * to exactly that field, which must consume all of it; unknown tags are skipped, as Kafka's own
 * readers do, so a newer broker's additions never break us.
 */
export function readTags(
  r: MessageReader,
  known?: (tag: number, field: MessageReader) => boolean,
): void {
  const fields = r.taggedFields();
  if (known === undefined) return;
  for (const f of fields) {
    const start = f.data.byteOffset - r.bytes.byteOffset;
    const field = new MessageReader(r.bytes, start, start + f.data.length);
    if (known(f.tag, field)) field.expectEnd(`tagged field ${f.tag}`);
  }
}

// ---------------------------------------------------------------------------------------------
// Versions

/** Encoders reject a field set to a non-default value in a version that cannot carry it. */
export function requireVersion(
  field: string,
  api: string,
  version: number,
  range: string,
  value: unknown,
): never {
  throw new ProtocolEncodeError(
    field,
    `cannot be sent in ${api} v${version} (the field exists in ${range})`,
    value,
  );
}
