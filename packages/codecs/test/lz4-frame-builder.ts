import lz4napi from "lz4-napi";
import { xxhash32 } from "../src/lz4/xxhash32.js";

/** One block of a hand-built frame: compressed with native lz4 unless `stored`. */
export interface BlockSpec {
  data: Uint8Array;
  stored?: boolean;
}

export interface FrameSpec {
  flg?: number;
  bd?: number;
  /** Written (with FLG bit 3 forced on) when given. */
  contentSize?: number | bigint;
  blocks: BlockSpec[];
  /** Overrides the computed header checksum byte. */
  hc?: number;
  /** Defaults to the flag: FLG bit 4 / bit 2. Pass a number to write a wrong checksum. */
  blockChecksum?: number;
  contentChecksum?: number;
  /** Bytes appended after everything else. */
  trailing?: Uint8Array;
  /** Leave out the end mark (and content checksum). */
  noEndMark?: boolean;
}

/** A raw LZ4 block from native lz4 (lz4-napi's size-prepended block, without its prefix). */
export function nativeBlock(data: Uint8Array): Uint8Array {
  return new Uint8Array(lz4napi.compressSync(Buffer.from(data)).subarray(4));
}

const u32 = (n: number): number[] => [n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, n >>> 24];

/** push(...bytes) overflows the stack for large blocks. */
function append(out: number[], bytes: ArrayLike<number>): void {
  for (let i = 0; i < bytes.length; i++) out.push(bytes[i]!);
}

/**
 * Builds an LZ4 frame byte by byte from the spec (lz4_Frame_format.md), independently of our
 * writer, so the reader can be tested on flags and layouts our writer never produces.
 */
export function buildFrame(spec: FrameSpec): Uint8Array {
  let flg = spec.flg ?? 0x60;
  if (spec.contentSize !== undefined) flg |= 0x08;
  const bd = spec.bd ?? 0x40;
  const descriptor = [flg, bd];
  if (spec.contentSize !== undefined) {
    const size = BigInt(spec.contentSize);
    for (let i = 0n; i < 8n; i++) descriptor.push(Number((size >> (8n * i)) & 0xffn));
  }
  const hc = spec.hc ?? (xxhash32(Uint8Array.from(descriptor)) >>> 8) & 0xff;
  const out: number[] = [...u32(0x184d2204), ...descriptor, hc];
  const content: number[] = [];
  for (const block of spec.blocks) {
    const body = block.stored ? block.data : nativeBlock(block.data);
    append(out, u32((body.length | (block.stored ? 0x80000000 : 0)) >>> 0));
    append(out, body);
    if (flg & 0x10) out.push(...u32(spec.blockChecksum ?? xxhash32(body)));
    append(content, block.data);
  }
  if (!spec.noEndMark) {
    out.push(0, 0, 0, 0);
    if (flg & 0x04) out.push(...u32(spec.contentChecksum ?? xxhash32(Uint8Array.from(content))));
  }
  if (spec.trailing) append(out, spec.trailing);
  return Uint8Array.from(out);
}
