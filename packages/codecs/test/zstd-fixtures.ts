import assert from "node:assert/strict";
import { prng } from "../../../scripts/test-support/prng.js";
import { CodecError } from "../src/codec.js";

export { prng };

const text = new TextEncoder();

const PAGES = ["/", "/search", "/product/4711", "/cart", "/checkout", "/account/orders"];
const EVENTS = ["page_view", "click", "scroll", "web_vital", "add_to_cart", "error"];
const AGENTS = [
  "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
  "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1",
  "Mozilla/5.0 (X11; Linux x86_64; rv:132.0) Gecko/20100101 Firefox/132.0",
];

/** One browser-telemetry event as JSON: repeated vocabulary, varying ids, timings, positions. */
export function telemetryEvent(i: number, random: () => number): string {
  const session = Math.floor(random() * 50);
  return JSON.stringify({
    event: EVENTS[i % EVENTS.length],
    ts: 1_700_000_000_000 + i * 37 + Math.floor(random() * 30),
    session: `s-${session.toString(16).padStart(8, "0")}`,
    user: session % 3 === 0 ? null : `u-${(session * 7919).toString(36)}`,
    page: PAGES[Math.floor(random() * PAGES.length)],
    ua: AGENTS[session % AGENTS.length],
    viewport: { w: [1920, 1440, 390][session % 3], h: [1080, 900, 844][session % 3] },
    x: Math.floor(random() * 1920),
    y: Math.floor(random() * 4000),
    durationMs: Math.round(random() * 5000) / 10,
    tags: ["web", i % 2 === 0 ? "a" : "b"],
  });
}

/** About `bytes` of newline-separated telemetry JSON. */
export function telemetryJson(bytes: number, seed = 1): Uint8Array {
  const random = prng(seed);
  const lines: string[] = [];
  let size = 0;
  for (let i = 0; size < bytes; i++) {
    const line = telemetryEvent(i, random);
    lines.push(line);
    size += line.length + 1;
  }
  return text.encode(lines.join("\n")).subarray(0, bytes);
}

/** Pseudo-random bytes: what zstd cannot compress. */
export function noise(length: number, seed = 7): Uint8Array {
  const random = prng(seed);
  return Uint8Array.from({ length }, () => Math.floor(random() * 256));
}

const MAGIC = [0x28, 0xb5, 0x2f, 0xfd];

/** A block header: last flag, type (0 raw, 1 RLE, 2 compressed), size (RFC 8878 3.1.1.2). */
export function blockHeader(last: boolean, type: number, size: number): number[] {
  const h = (last ? 1 : 0) | (type << 1) | (size << 3);
  return [h & 0xff, (h >>> 8) & 0xff, (h >>> 16) & 0xff];
}

/**
 * A frame without a content size, the way streaming writers (zstd-jni, Kafka's producer) emit
 * them: a 1 MiB window, then the given blocks.
 */
export function frameWithoutSize(blocks: number[][]): Uint8Array {
  // Descriptor 0x00: no content size, not single-segment, no checksum, no dictionary id.
  // Window descriptor 0x50: exponent 10 -> 2^20 bytes.
  return Uint8Array.from([...MAGIC, 0x00, 0x50, ...blocks.flat()]);
}

/** A frame header declaring an 8-byte content size of `size`, followed by one empty raw block. */
export function frameDeclaring(size: number): Uint8Array {
  const fcs: number[] = [];
  for (let i = 0, v = size; i < 8; i++, v = Math.floor(v / 256)) fcs.push(v % 256);
  // Descriptor 0xc0: 8-byte content size, not single-segment.
  return Uint8Array.from([...MAGIC, 0xc0, 0x50, ...fcs, ...blockHeader(true, 0, 0)]);
}

/** A skippable frame (magic 0x184D2A5?) holding `content`. */
export function skippableFrame(content: Uint8Array): Uint8Array {
  const n = content.length;
  return Uint8Array.from([0x5a, 0x2a, 0x4d, 0x18, n & 0xff, (n >>> 8) & 0xff, 0, 0, ...content]);
}

export function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Asserts that `promise` rejects with CodecError(CODEC_CORRUPT) for zstd (nothing else). */
export async function rejectsCorrupt(promise: Promise<unknown>, message?: RegExp): Promise<void> {
  await assert.rejects(promise, (e: unknown) => {
    assert.ok(e instanceof CodecError, `expected a CodecError, got ${String(e)}`);
    assert.equal(e.code, "CODEC_CORRUPT");
    assert.equal(e.codec, "zstd");
    if (message) assert.match(e.message, message);
    return true;
  });
}

/** Resolves to true when `promise` resolved, false when it rejected with CODEC_CORRUPT. */
export async function decodesOrCorrupt(promise: Promise<Uint8Array>): Promise<boolean> {
  try {
    assert.ok((await promise) instanceof Uint8Array);
    return true;
  } catch (e) {
    assert.ok(e instanceof CodecError, `expected a CodecError, got ${String(e)}`);
    assert.equal(e.code, "CODEC_CORRUPT", e.message);
    return false;
  }
}
