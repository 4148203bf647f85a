/**
 * Byte helpers for the fuzz inputs and their oracles: big-endian ints, unsigned varints (read,
 * written, padded overlong), concatenation, comparison, size-prefixed framing and hex for
 * finding reports.
 */

export function concat(parts: readonly Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

export function readBE(b: Uint8Array, at: number, width: 1 | 2 | 4): number {
  if (width === 1) return (b[at]! << 24) >> 24;
  if (width === 2) return ((b[at]! << 24) | (b[at + 1]! << 16)) >> 16;
  return (b[at]! << 24) | (b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]!;
}

export function writeBE(b: Uint8Array, at: number, width: 1 | 2 | 4, value: number): void {
  for (let i = width - 1, v = value; i >= 0; i--, v >>= 8) b[at + i] = v & 0xff;
}

/** The unsigned varint at `at` if one ends within 5 bytes there; undefined otherwise. */
export function readUnsignedVarint(
  b: Uint8Array,
  at: number,
): { value: number; length: number } | undefined {
  let value = 0;
  for (let i = 0; i < 5 && at + i < b.length; i++) {
    const byte = b[at + i]!;
    value += (byte & 0x7f) * 2 ** (7 * i);
    if (byte < 0x80) return { value, length: i + 1 };
  }
  return undefined;
}

export function encodeUnsignedVarint(value: number): Uint8Array {
  const out: number[] = [];
  let v = value;
  while (v >= 0x80) {
    out.push((v % 0x80) | 0x80);
    v = Math.floor(v / 0x80);
  }
  out.push(v);
  return Uint8Array.from(out);
}

/** `value` padded with continuation bytes to `length` bytes (at most 5): same value, more bytes. */
export function overlongVarint(value: number, length: number): Uint8Array {
  const n = Math.min(5, Math.max(length, encodeUnsignedVarint(value).length));
  const out = new Uint8Array(n);
  let v = value;
  for (let i = 0; i < n; i++) {
    out[i] = (v % 0x80) | (i < n - 1 ? 0x80 : 0);
    v = Math.floor(v / 0x80);
  }
  return out;
}

export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

export function firstDifference(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return i;
  return n;
}

/** Hex of the first `max` bytes, with the total length when cut. */
export function hex(bytes: Uint8Array, max = 512): string {
  let s = "";
  const n = Math.min(bytes.length, max);
  for (let i = 0; i < n; i++) s += bytes[i]!.toString(16).padStart(2, "0");
  return bytes.length > max ? `${s}… (${bytes.length} bytes, first ${max} shown)` : s;
}

/** `body` after a 4-byte size prefix holding `size` (which need not be its length). */
export function prefixed(size: number, body: Uint8Array): Uint8Array {
  const out = new Uint8Array(4 + body.length);
  new DataView(out.buffer).setInt32(0, size);
  out.set(body, 4);
  return out;
}

/** Offsets where each of `parts` starts in their concatenation (for boundary chunkings). */
export function boundariesOf(parts: readonly Uint8Array[]): number[] {
  const out: number[] = [];
  let at = 0;
  for (const p of parts) {
    out.push(at);
    at += p.length;
  }
  return out;
}
