import { ProtocolEncodeError } from "./errors.js";
import { utf8Encoder, utf8Length } from "./text.js";
import type { Uuid } from "./uuid.js";
import { uuidToBytes } from "./uuid.js";
import { isInt32, zigzag32, zigzag64 } from "./varint.js";

/** A tagged field as written in flexible message versions (KIP-482). */
export interface TaggedField {
  tag: number;
  data: Uint8Array;
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/**
 * Appends Kafka primitive types to a growable byte buffer, big-endian as the protocol wants
 * (https://kafka.apache.org/protocol#protocol_types). Methods return `this` so a message can be
 * written as one chain. Values out of a type's range raise ProtocolEncodeError naming the
 * type; message encoders wrap that with the field name.
 *
 * MessageWriter has the writes the message codecs use (they write nullable and array fields
 * through messages/fields.ts); Writer adds varints, varlongs, the other widths and the
 * nullable, array and tagged-field forms. The split keeps those out of a browser bundle, which
 * cannot drop a class's unused methods.
 */
export class MessageWriter {
  #buf: Uint8Array;
  #view: DataView;
  #pos = 0;

  constructor(initialCapacity = 256) {
    this.#buf = new Uint8Array(Math.max(16, initialCapacity));
    this.#view = new DataView(this.#buf.buffer);
  }

  /** Bytes written so far. */
  get length(): number {
    return this.#pos;
  }

  /** Makes room for `n` more bytes, doubling so appends stay amortised O(1). */
  ensure(n: number): void {
    const need = this.#pos + n;
    if (need <= this.#buf.length) return;
    let cap = this.#buf.length * 2;
    while (cap < need) cap *= 2;
    const next = new Uint8Array(cap);
    next.set(this.#buf.subarray(0, this.#pos));
    this.#buf = next;
    this.#view = new DataView(next.buffer);
  }

  /**
   * For subclasses: makes room for `n` bytes, moves past them and returns where they start.
   * Write them through `buffer` or `view` read after this call (growing replaces both).
   */
  protected claim(n: number): number {
    this.ensure(n);
    const at = this.#pos;
    this.#pos = at + n;
    return at;
  }

  protected get buffer(): Uint8Array {
    return this.#buf;
  }

  protected get view(): DataView {
    return this.#view;
  }

  /** The written bytes. A view, not a copy: do not keep writing after taking it. */
  finish(): Uint8Array {
    return this.#buf.subarray(0, this.#pos);
  }

  int16(value: number): this {
    checkInt(value, -0x8000, 0x7fff, "int16");
    this.ensure(2);
    this.#view.setInt16(this.#pos, value);
    this.#pos += 2;
    return this;
  }

  int32(value: number): this {
    checkInt(value, -0x80000000, 0x7fffffff, "int32");
    this.ensure(4);
    this.#view.setInt32(this.#pos, value);
    this.#pos += 4;
    return this;
  }

  /** int64 from a bigint, or from a number when it is a safe integer. */
  int64(value: bigint | number): this {
    const v = toInt64(value);
    this.ensure(8);
    this.#view.setBigInt64(this.#pos, v);
    this.#pos += 8;
    return this;
  }

  boolean(value: boolean): this {
    this.ensure(1);
    this.#buf[this.#pos++] = value ? 1 : 0;
    return this;
  }

  /** Unsigned LEB128 varint of a uint32. */
  unsignedVarint(value: number): this {
    checkInt(value, 0, 0xffffffff, "unsigned varint");
    this.ensure(5);
    let v = value >>> 0;
    const buf = this.#buf;
    let pos = this.#pos;
    while (v >= 0x80) {
      buf[pos++] = (v & 0x7f) | 0x80;
      v >>>= 7;
    }
    buf[pos++] = v;
    this.#pos = pos;
    return this;
  }

  /** Raw bytes with no length prefix. */
  raw(bytes: Uint8Array): this {
    this.ensure(bytes.length);
    this.#buf.set(bytes, this.#pos);
    this.#pos += bytes.length;
    return this;
  }

  /** STRING: int16 length then UTF-8. */
  string(value: string): this {
    const len = utf8Length(value);
    checkInt(len, 0, 0x7fff, "string byte length");
    this.int16(len);
    return this.#utf8(value, len);
  }

  /** COMPACT_STRING: unsigned varint of length + 1, then UTF-8. */
  compactString(value: string): this {
    const len = utf8Length(value);
    checkInt(len, 0, 0x7fff, "string byte length");
    this.unsignedVarint(len + 1);
    return this.#utf8(value, len);
  }

  /** BYTES: int32 length then the bytes. */
  bytes(value: Uint8Array): this {
    this.int32(value.length);
    return this.raw(value);
  }

  compactBytes(value: Uint8Array): this {
    this.unsignedVarint(value.length + 1);
    return this.raw(value);
  }

  /** UUID: 16 raw bytes. */
  uuid(value: Uuid): this {
    return this.raw(uuidToBytes(value));
  }

  /** Reserves `n` bytes to fill in later (a length or a CRC); returns their position. */
  skip(n: number): number {
    this.ensure(n);
    const at = this.#pos;
    this.#buf.fill(0, at, at + n);
    this.#pos += n;
    return at;
  }

  setInt32At(position: number, value: number): this {
    checkInt(value, -0x80000000, 0x7fffffff, "int32");
    this.#view.setInt32(position, value);
    return this;
  }

  #utf8(value: string, len: number): this {
    this.ensure(len);
    if (len > 0) utf8Encoder.encodeInto(value, this.#buf.subarray(this.#pos, this.#pos + len));
    this.#pos += len;
    return this;
  }
}

/** Every write: MessageWriter's, plus varints, varlongs, other widths and the composite forms. */
export class Writer extends MessageWriter {
  int8(value: number): this {
    checkInt(value, -0x80, 0x7f, "int8");
    const at = this.claim(1);
    this.view.setInt8(at, value);
    return this;
  }

  uint16(value: number): this {
    checkInt(value, 0, 0xffff, "uint16");
    const at = this.claim(2);
    this.view.setUint16(at, value);
    return this;
  }

  uint32(value: number): this {
    checkInt(value, 0, 0xffffffff, "uint32");
    const at = this.claim(4);
    this.view.setUint32(at, value);
    return this;
  }

  float64(value: number): this {
    const at = this.claim(8);
    this.view.setFloat64(at, value);
    return this;
  }

  /** Zigzag varint of an int32. */
  varint(value: number): this {
    checkInt(value, -0x80000000, 0x7fffffff, "varint");
    return this.unsignedVarint(zigzag32(value));
  }

  /** Zigzag varlong of an int64; int32-sized numbers take the cheaper varint path (same bytes). */
  varlong(value: bigint | number): this {
    if (typeof value === "number" && isInt32(value)) return this.unsignedVarint(zigzag32(value));
    let z = zigzag64(toInt64(value));
    this.ensure(10);
    while (z >= 0x80n) {
      const at = this.claim(1);
      this.buffer[at] = Number(z & 0x7fn) | 0x80;
      z >>= 7n;
    }
    const at = this.claim(1);
    this.buffer[at] = Number(z);
    return this;
  }

  /** NULLABLE_STRING: length -1 stands for null. */
  nullableString(value: string | null): this {
    return value === null ? this.int16(-1) : this.string(value);
  }

  /** COMPACT_NULLABLE_STRING: 0 stands for null. */
  compactNullableString(value: string | null): this {
    return value === null ? this.unsignedVarint(0) : this.compactString(value);
  }

  nullableBytes(value: Uint8Array | null): this {
    return value === null ? this.int32(-1) : this.bytes(value);
  }

  compactNullableBytes(value: Uint8Array | null): this {
    return value === null ? this.unsignedVarint(0) : this.compactBytes(value);
  }

  /** ARRAY: int32 count then each item. */
  array<T>(items: readonly T[], write: (w: this, item: T) => void): this {
    this.int32(items.length);
    for (const item of items) write(this, item);
    return this;
  }

  /** Nullable ARRAY: count -1 stands for null. */
  nullableArray<T>(items: readonly T[] | null, write: (w: this, item: T) => void): this {
    return items === null ? this.int32(-1) : this.array(items, write);
  }

  /** COMPACT_ARRAY: unsigned varint of count + 1 then each item. */
  compactArray<T>(items: readonly T[], write: (w: this, item: T) => void): this {
    this.unsignedVarint(items.length + 1);
    for (const item of items) write(this, item);
    return this;
  }

  compactNullableArray<T>(items: readonly T[] | null, write: (w: this, item: T) => void): this {
    return items === null ? this.unsignedVarint(0) : this.compactArray(items, write);
  }

  /**
   * The tagged-field section that ends every structure in a flexible version: a count, then
   * (tag, size, bytes) in ascending tag order as Kafka requires.
   */
  taggedFields(fields: readonly TaggedField[] = []): this {
    this.unsignedVarint(fields.length);
    let last = -1;
    for (const f of fields) {
      if (f.tag <= last) {
        throw new ProtocolEncodeError("tagged fields", "tags must be unique and ascending", f.tag);
      }
      last = f.tag;
      this.unsignedVarint(f.tag).unsignedVarint(f.data.length).raw(f.data);
    }
    return this;
  }

  setUint32At(position: number, value: number): this {
    checkInt(value, 0, 0xffffffff, "uint32");
    this.view.setUint32(position, value);
    return this;
  }
}

function checkInt(value: number, min: number, max: number, type: string): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ProtocolEncodeError(type, `must be an integer in [${min}, ${max}]`, value);
  }
}

export function toInt64(value: bigint | number): bigint {
  if (typeof value === "number") {
    if (!Number.isSafeInteger(value)) {
      throw new ProtocolEncodeError(
        "int64",
        "a number must be a safe integer (use a bigint)",
        value,
      );
    }
    return BigInt(value);
  }
  if (value < INT64_MIN || value > INT64_MAX) {
    throw new ProtocolEncodeError("int64", "must fit in 64 signed bits", value);
  }
  return value;
}
