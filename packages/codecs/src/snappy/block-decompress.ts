/**
 * Raw snappy block decompression (google/snappy's format_description.txt; the element layout is
 * summed up in block-compress.ts). Every length and offset is checked before it is used, so a
 * corrupt block raises CodecError(CODEC_CORRUPT) and never reads or writes out of bounds.
 */
import { CodecError, CodecErrorCode } from "../codec.js";

export function corrupt(message: string): CodecError {
  return new CodecError(CodecErrorCode.Corrupt, "snappy", message);
}

/** A block's preamble: the uncompressed length and where the elements start. */
export interface BlockPreamble {
  length: number;
  elementsStart: number;
}

/**
 * Reads the varint32 uncompressed length at the start of `src[start, end)` and checks that the
 * elements after it could produce that much: no element yields more than 64 bytes for 3 bytes
 * of input, so a larger claim is corrupt (and is refused before anything is allocated).
 */
export function readPreamble(src: Uint8Array, start: number, end: number): BlockPreamble {
  let length = 0;
  let ip = start;
  for (let shift = 0; ; shift += 7) {
    if (ip >= end) throw corrupt(`block at byte ${start} ends inside its length`);
    const b = src[ip++]!;
    if (shift === 28 && b > 0x0f) throw corrupt(`block at byte ${start}: length over 32 bits`);
    length += (b & 0x7f) * 2 ** shift;
    if (b < 0x80) break;
  }
  if (length > ((end - ip) * 64) / 3) {
    throw corrupt(
      `block at byte ${start} claims ${length} bytes from ${end - ip} bytes of elements`,
    );
  }
  return { length, elementsStart: ip };
}

/**
 * Decodes the elements in `src[ip, end)` into `dst[op, op + length)`. Copies may reach back only
 * into this block's own output, and the elements must produce exactly `length` bytes.
 */
export function decompressBlock(
  src: Uint8Array,
  ip: number,
  end: number,
  dst: Uint8Array,
  op: number,
  length: number,
): void {
  const outStart = op;
  const outEnd = op + length;
  const out = new DataView(dst.buffer, dst.byteOffset, dst.byteLength);
  const input = new DataView(src.buffer, src.byteOffset, src.byteLength);
  while (ip < end) {
    const tag = src[ip++]!;
    const kind = tag & 3;
    if (kind === 0) {
      let len = (tag >>> 2) + 1;
      if (len > 60) {
        // 61..64: the length-1 follows in 1..4 little-endian bytes.
        const extra = len - 60;
        if (extra > end - ip) throw corrupt(`literal length cut short at byte ${ip}`);
        len = src[ip]!;
        if (extra > 1) len += src[ip + 1]! * 0x100;
        if (extra > 2) len += src[ip + 2]! * 0x10000;
        if (extra > 3) len += src[ip + 3]! * 0x1000000;
        len += 1;
        ip += extra;
      }
      if (len > end - ip) throw corrupt(`literal of ${len} bytes at byte ${ip} runs past the end`);
      if (len > outEnd - op) throw corrupt(`literal at byte ${ip} overruns the declared length`);
      if (len <= 16 && outEnd - op >= 16 && end - ip >= 16) {
        // Short literals in 4-byte steps; see the copy below for why overshooting is safe.
        for (let i = 0; i < len; i += 4) out.setInt32(op + i, input.getInt32(ip + i, true), true);
      } else if (len < 16) {
        for (let i = 0; i < len; i++) dst[op + i] = src[ip + i]!;
      } else {
        dst.set(src.subarray(ip, ip + len), op);
      }
      ip += len;
      op += len;
      continue;
    }

    let len: number;
    let offset: number;
    if (kind === 1) {
      if (ip >= end) throw corrupt(`copy cut short at byte ${ip}`);
      len = ((tag >>> 2) & 7) + 4;
      offset = ((tag >>> 5) << 8) | src[ip++]!;
    } else if (kind === 2) {
      if (end - ip < 2) throw corrupt(`copy cut short at byte ${ip}`);
      len = (tag >>> 2) + 1;
      offset = src[ip]! | (src[ip + 1]! << 8);
      ip += 2;
    } else {
      if (end - ip < 4) throw corrupt(`copy cut short at byte ${ip}`);
      len = (tag >>> 2) + 1;
      offset = (src[ip]! | (src[ip + 1]! << 8) | (src[ip + 2]! << 16) | (src[ip + 3]! << 24)) >>> 0;
      ip += 4;
    }
    if (offset === 0 || offset > op - outStart) {
      throw corrupt(`copy offset ${offset} at byte ${ip} points outside the output so far`);
    }
    if (len > outEnd - op) throw corrupt(`copy at byte ${ip} overruns the declared length`);
    const from = op - offset;
    if (offset >= 4 && len <= 16 && outEnd - op >= 16) {
      // Short copies in 4-byte steps (measured 1.3-1.6x faster than bytes). With offset >= 4
      // each step reads only bytes already written; it may write up to 3 bytes past the copy,
      // still inside this block's output, where the next elements write before anything reads.
      for (let i = 0; i < len; i += 4) out.setInt32(op + i, out.getInt32(from + i, true), true);
    } else if (offset >= len && len >= 16) {
      // No overlap: a native copy beats the loop once the copy is long enough (measured).
      dst.copyWithin(op, from, from + len);
    } else {
      // Byte by byte on purpose: with an offset shorter than the length the copy repeats the
      // bytes it has just written (run-length style), which copyWithin would not do.
      for (let i = 0; i < len; i++) dst[op + i] = dst[from + i]!;
    }
    op += len;
  }
  if (op !== outEnd) {
    throw corrupt(`block produced ${op - outStart} bytes but declared ${length}`);
  }
}
