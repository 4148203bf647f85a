/**
 * Random chunkings of a byte stream for the fuzz part (faults/fuzz.ts): the pieces a transport
 * might deliver a stream in, so that the frame splitter and the gateway's inspector meet every
 * way a frame can be cut. A pure function of the Rng it is given.
 */
import type { Rng } from "./rng.js";

export type ChunkStyle = "whole" | "random" | "tiny" | "bytes" | "boundaries" | "empties";

/**
 * Cuts a stream into the chunks a transport might deliver; their concatenation is always the
 * input. Styles: one chunk, a few random cuts, 1-7 byte pieces, single bytes, cuts at and next
 * to frame boundaries (`boundaries`, offsets in the stream), and random cuts with empty chunks
 * in between. Each chunk is a view of the input, a copy, or a copy placed after junk bytes in a
 * larger buffer (so code that looks before a view's start sees bytes it must not trust).
 */
export function chunk(
  rng: Rng,
  bytes: Uint8Array,
  boundaries: readonly number[] = [],
): { chunks: Uint8Array[]; style: ChunkStyle } {
  const n = bytes.length;
  const style = rng.weighted<ChunkStyle>([
    [3, "whole"],
    [4, "random"],
    [1, "tiny"],
    [n <= 4096 ? 1 : 0, "bytes"],
    [boundaries.length > 0 ? 2 : 0, "boundaries"],
    [1, "empties"],
  ]);
  const cuts: number[] = [];
  if (style === "random" || style === "empties") {
    const k = rng.range(1, 8);
    for (let i = 0; i < k; i++) cuts.push(rng.int(n + 1));
  } else if (style === "tiny") {
    for (let at = rng.range(1, 7); at < n && cuts.length < 20_000; at += rng.range(1, 7)) {
      cuts.push(at);
    }
  } else if (style === "bytes") {
    for (let at = 1; at < n; at++) cuts.push(at);
  } else if (style === "boundaries") {
    for (const b of boundaries) cuts.push(Math.max(0, Math.min(n, b + rng.range(-2, 5))));
  }
  cuts.sort((x, y) => x - y);
  const chunks: Uint8Array[] = [];
  let from = 0;
  for (const c of cuts) {
    if (c > from) chunks.push(materialise(rng, bytes.subarray(from, c)));
    if (style === "empties" && rng.chance(0.5)) chunks.push(new Uint8Array(0));
    from = Math.max(from, c);
  }
  if (from < n || chunks.length === 0) chunks.push(materialise(rng, bytes.subarray(from)));
  return { chunks, style };
}

function materialise(rng: Rng, view: Uint8Array): Uint8Array {
  const how = rng.int(3);
  if (how === 0) return view;
  if (how === 1) return view.slice();
  const pad = rng.range(1, 8);
  const buffer = new Uint8Array(pad + view.length + rng.int(4));
  buffer.set(rng.bytes(pad), 0);
  buffer.set(view, pad);
  return buffer.subarray(pad, pad + view.length);
}
