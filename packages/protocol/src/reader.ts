import { ProtocolDecodeError } from "./errors.js";
import { utf8Decoder } from "./text.js";
import type { Uuid } from "./uuid.js";
import { uuidFromBytes } from "./uuid.js";
import type { TaggedField } from "./writer.js";

/**
 * Reads Kafka primitive types from a byte buffer. Every read checks bounds first and raises
 * ProtocolDecodeError when the input is short or malformed: decoders built on it never throw
 * RangeError, never read past the end, and never allocate from an untrusted count that could
 * not fit in the bytes that remain.
 *
 * MessageReader has the reads Kafka's message schemas use, which is all the message codecs
 * take; Reader adds the record-batch varints and the other widths. The split keeps those out of
 * a browser bundle, which cannot drop a class's unused methods.
 */
export class MessageReader {
  readonly bytes: Uint8Array;
  readonly #view: DataView;
  #pos: number;
  readonly #end: number;

  constructor(bytes: Uint8Array, start = 0, end = bytes.length) {
    this.bytes = bytes;
    this.#view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.#pos = start;
    this.#end = end;
  }

  get position(): number {
    return this.#pos;
  }

  get remaining(): number {
    return this.#end - this.#pos;
  }

  /** Fails unless the whole input was consumed: trailing bytes mean we misread the schema. */
  expectEnd(what: string): void {
    if (this.#pos !== this.#end) {
      throw new ProtocolDecodeError(
        `${what}: ${this.#end - this.#pos} unexpected trailing bytes`,
        this.#pos,
      );
    }
  }

  /** For subclasses: claims `n` bytes (or fails as truncated) and returns where they start. */
  protected take(n: number, what: string): number {
    return this.#need(n, what);
  }

  /** For subclasses that read ahead and then start over from `position`. */
  protected seek(position: number): void {
    this.#pos = position;
  }

  protected get view(): DataView {
    return this.#view;
  }

  #need(n: number, what: string): number {
    const at = this.#pos;
    if (n > this.#end - at) {
      throw new ProtocolDecodeError(
        `truncated ${what}: needs ${n} bytes, ${this.#end - at} left`,
        at,
      );
    }
    this.#pos = at + n;
    return at;
  }

  int16(): number {
    return this.#view.getInt16(this.#need(2, "int16"));
  }

  int32(): number {
    return this.#view.getInt32(this.#need(4, "int32"));
  }

  int64(): bigint {
    return this.#view.getBigInt64(this.#need(8, "int64"));
  }

  boolean(): boolean {
    return this.bytes[this.#need(1, "boolean")] !== 0;
  }

  unsignedVarint(): number {
    const start = this.#pos;
    let result = 0;
    for (let shift = 0; shift < 35; shift += 7) {
      if (this.#pos >= this.#end) throw new ProtocolDecodeError("truncated varint", start);
      const b = this.bytes[this.#pos++]!;
      if (shift === 28 && b > 0x0f) {
        throw new ProtocolDecodeError("unsigned varint does not fit in 32 bits", start);
      }
      result |= (b & 0x7f) << shift;
      if (b < 0x80) return result >>> 0;
    }
    throw new ProtocolDecodeError("varint longer than 5 bytes", start);
  }

  raw(n: number): Uint8Array {
    if (n < 0) throw new ProtocolDecodeError(`negative length ${n}`, this.#pos);
    const at = this.#need(n, "bytes");
    return this.bytes.subarray(at, at + n);
  }

  #utf8(n: number): string {
    const at = this.#pos;
    const bytes = this.raw(n);
    try {
      return utf8Decoder.decode(bytes);
    } catch (cause) {
      throw new ProtocolDecodeError("string is not valid UTF-8", at, { cause });
    }
  }

  string(): string {
    const at = this.#pos;
    const n = this.int16();
    if (n < 0) throw new ProtocolDecodeError(`non-nullable string has length ${n}`, at);
    return this.#utf8(n);
  }

  nullableString(): string | null {
    const at = this.#pos;
    const n = this.int16();
    if (n === -1) return null;
    if (n < 0) throw new ProtocolDecodeError(`string length ${n} is invalid`, at);
    return this.#utf8(n);
  }

  compactString(): string {
    const at = this.#pos;
    const n = this.unsignedVarint();
    if (n === 0) throw new ProtocolDecodeError("non-nullable compact string is null", at);
    return this.#utf8(n - 1);
  }

  compactNullableString(): string | null {
    const n = this.unsignedVarint();
    return n === 0 ? null : this.#utf8(n - 1);
  }

  /** BYTES. Returns a view into the input, not a copy. */
  bytesField(): Uint8Array {
    const at = this.#pos;
    const n = this.int32();
    if (n < 0) throw new ProtocolDecodeError(`non-nullable bytes have length ${n}`, at);
    return this.raw(n);
  }

  nullableBytes(): Uint8Array | null {
    const at = this.#pos;
    const n = this.int32();
    if (n === -1) return null;
    if (n < 0) throw new ProtocolDecodeError(`bytes length ${n} is invalid`, at);
    return this.raw(n);
  }

  compactBytes(): Uint8Array {
    const at = this.#pos;
    const n = this.unsignedVarint();
    if (n === 0) throw new ProtocolDecodeError("non-nullable compact bytes are null", at);
    return this.raw(n - 1);
  }

  compactNullableBytes(): Uint8Array | null {
    const n = this.unsignedVarint();
    return n === 0 ? null : this.raw(n - 1);
  }

  #count(n: number, at: number): void {
    // Every Kafka array element takes at least one byte, so a count above the bytes left is
    // corrupt; refusing it early stops a hostile count from driving a huge allocation or loop.
    if (n > this.#end - this.#pos) {
      throw new ProtocolDecodeError(
        `array count ${n} exceeds the ${this.#end - this.#pos} bytes left`,
        at,
      );
    }
  }

  array<T>(read: (r: this) => T): T[] {
    const at = this.#pos;
    const n = this.int32();
    if (n < 0) throw new ProtocolDecodeError(`non-nullable array has count ${n}`, at);
    return this.#items(n, at, read);
  }

  nullableArray<T>(read: (r: this) => T): T[] | null {
    const at = this.#pos;
    const n = this.int32();
    if (n === -1) return null;
    if (n < 0) throw new ProtocolDecodeError(`array count ${n} is invalid`, at);
    return this.#items(n, at, read);
  }

  compactArray<T>(read: (r: this) => T): T[] {
    const at = this.#pos;
    const n = this.unsignedVarint();
    if (n === 0) throw new ProtocolDecodeError("non-nullable compact array is null", at);
    return this.#items(n - 1, at, read);
  }

  compactNullableArray<T>(read: (r: this) => T): T[] | null {
    const at = this.#pos;
    const n = this.unsignedVarint();
    return n === 0 ? null : this.#items(n - 1, at, read);
  }

  #items<T>(n: number, at: number, read: (r: this) => T): T[] {
    this.#count(n, at);
    const out = new Array<T>(n);
    for (let i = 0; i < n; i++) out[i] = read(this);
    return out;
  }

  uuid(): Uuid {
    return uuidFromBytes(this.raw(16));
  }

  /** Reads a tagged-field section and returns the fields (unknown tags are kept, not dropped). */
  taggedFields(): TaggedField[] {
    const at = this.#pos;
    const n = this.unsignedVarint();
    this.#count(n, at);
    const fields: TaggedField[] = [];
    let last = -1;
    for (let i = 0; i < n; i++) {
      const tagAt = this.#pos;
      const tag = this.unsignedVarint();
      if (tag <= last) throw new ProtocolDecodeError("tagged fields out of order", tagAt);
      last = tag;
      const size = this.unsignedVarint();
      fields.push({ tag, data: this.raw(size) });
    }
    return fields;
  }
}

/** Every read: MessageReader's, plus varints, varlongs and the widths record batches use. */
export class Reader extends MessageReader {
  int8(): number {
    return this.view.getInt8(this.take(1, "int8"));
  }

  uint16(): number {
    return this.view.getUint16(this.take(2, "uint16"));
  }

  uint32(): number {
    return this.view.getUint32(this.take(4, "uint32"));
  }

  /** int64 as a number, for fields such as timestamps that are always safe integers in practice. */
  int64AsNumber(): number {
    const at = this.position;
    return toSafeNumber(this.int64(), at);
  }

  float64(): number {
    return this.view.getFloat64(this.take(8, "float64"));
  }

  varint(): number {
    const z = this.unsignedVarint();
    return (z >>> 1) ^ -(z & 1);
  }

  /** Zigzag varlong as a bigint (the full int64 range). */
  varlong(): bigint {
    const start = this.position;
    let result = 0n;
    for (let shift = 0n; shift < 70n; shift += 7n) {
      if (this.remaining <= 0) throw new ProtocolDecodeError("truncated varlong", start);
      const b = this.bytes[this.take(1, "varlong")]!;
      if (shift === 63n && b > 0x01) {
        throw new ProtocolDecodeError("varlong does not fit in 64 bits", start);
      }
      result |= BigInt(b & 0x7f) << shift;
      if (b < 0x80) return BigInt.asIntN(64, (result >> 1n) ^ -(result & 1n));
    }
    throw new ProtocolDecodeError("varlong longer than 10 bytes", start);
  }

  /**
   * Zigzag varlong as a number. Takes a fast path for values that fit in 32 bits (the common
   * case for record deltas) and fails with a decode error if the value is not a safe integer.
   */
  varlongAsNumber(): number {
    const start = this.position;
    const b = this.bytes;
    // Up to 4 bytes hold 28 bits: decode without bigint.
    let z = 0;
    for (let i = 0; i < 4 && this.remaining > 0; i++) {
      const byte = b[this.take(1, "varlong")]!;
      z |= (byte & 0x7f) << (7 * i);
      if (byte < 0x80) return (z >>> 1) ^ -(z & 1);
    }
    this.seek(start);
    return toSafeNumber(this.varlong(), start);
  }
}

function toSafeNumber(v: bigint, at: number): number {
  if (v > BigInt(Number.MAX_SAFE_INTEGER) || v < BigInt(Number.MIN_SAFE_INTEGER)) {
    throw new ProtocolDecodeError(`64-bit value ${v} is outside the safe integer range`, at);
  }
  return Number(v);
}
