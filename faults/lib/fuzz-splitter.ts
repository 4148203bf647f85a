/**
 * Fuzz target (faults/fuzz.ts): the frame splitter fed streams of frames, junk and bad size
 * prefixes in every chunking, checked against a reference split of the whole stream (also the
 * gateway target's oracle for where frames end).
 */
import { DEFAULT_MAX_FRAME_BYTES, FrameSizeError, FrameSplitter } from "@tributary/protocol";
import { boundariesOf, concat, prefixed, readBE, sameBytes } from "./bytes.js";
import { chunk } from "./chunk.js";
import { errorText, type Input, OK, type Target, TYPED } from "./fuzz-outcome.js";
import { mutate } from "./mutators.js";

interface SplitterInput extends Input {
  chunks: Uint8Array[];
  maxFrameBytes: number;
}

export const splitterTarget: Target<SplitterInput> = {
  name: "frame splitter",
  share: 0.1,
  generate(rng) {
    const maxFrameBytes = rng.pick([
      0,
      1,
      64,
      1000,
      65_536,
      DEFAULT_MAX_FRAME_BYTES,
      rng.int(5000),
    ]);
    const parts: Uint8Array[] = [];
    const kinds: string[] = [];
    const n = rng.range(1, 6);
    for (let i = 0; i < n; i++) {
      const kind = rng.weighted([
        [8, "frame"],
        [1, "junk"],
        [1, "bad size"],
      ] as const);
      kinds.push(kind);
      if (kind === "frame") {
        const size = rng.weighted<() => number>([
          [1, () => 0],
          [4, () => rng.range(1, 64)],
          [3, () => rng.range(65, 2000)],
          [0.2, () => rng.range(2001, 70_000)],
        ])();
        parts.push(prefixed(size, rng.bytes(size)));
      } else if (kind === "junk") {
        parts.push(rng.bytes(rng.range(1, 16)));
      } else {
        const size = rng.pick([-1, -0x80000000, maxFrameBytes + 1, 0x7fffffff, rng.int32()]);
        parts.push(prefixed(size, rng.bytes(rng.size(16))));
      }
    }
    let stream = concat(parts);
    let note = "";
    if (rng.chance(0.3)) {
      const m = mutate(rng, stream, 2);
      stream = m.bytes;
      note = `, mutated: ${m.applied.join(", ")}`;
    }
    const { chunks, style } = chunk(rng, stream, boundariesOf(parts));
    return {
      bytes: stream,
      chunks,
      maxFrameBytes,
      describe: `${kinds.join(" + ")}${note}; ${chunks.length} ${style} chunks, maxFrameBytes ${maxFrameBytes}`,
    };
  },
  check(input) {
    const ref = referenceSplit(input.bytes, input.maxFrameBytes);
    const splitter = new FrameSplitter({ maxFrameBytes: input.maxFrameBytes });
    let start = 0;
    let next = 0; // the next reference frame expected out
    for (const piece of input.chunks) {
      const end = start + piece.length;
      const failsHere =
        ref.error !== undefined && ref.error.detectAt > start && ref.error.detectAt <= end;
      let frames: Uint8Array[];
      try {
        frames = splitter.push(piece);
      } catch (err) {
        if (!(err instanceof FrameSizeError)) return `push: ${errorText(err)}`;
        if (!failsHere || ref.error === undefined) {
          return `FrameSizeError (${err.message}) where the stream has no bad size prefix`;
        }
        if (err.size !== ref.error.size || err.offset !== ref.error.offset) {
          return `FrameSizeError names size ${err.size} at ${err.offset}, expected ${ref.error.size} at ${ref.error.offset}`;
        }
        if (err.maxFrameBytes !== input.maxFrameBytes) return "FrameSizeError names another limit";
        try {
          splitter.push(new Uint8Array([0, 0, 0, 0]));
          return "the splitter accepted more bytes after a FrameSizeError";
        } catch (again) {
          if (again !== err)
            return `after a FrameSizeError the splitter raised ${errorText(again)}`;
        }
        return TYPED;
      }
      if (failsHere)
        return `no FrameSizeError for the size ${ref.error!.size} at ${ref.error!.offset}`;
      for (const f of frames) {
        const want = ref.frames[next];
        if (want === undefined || want.end > end) return `an extra frame of ${f.length} bytes`;
        if (!sameBytes(f, input.bytes.subarray(want.start, want.end))) {
          return `frame ${next} differs from the stream's bytes ${want.start}..${want.end}`;
        }
        next++;
      }
      const due = ref.frames[next];
      if (due !== undefined && due.end <= end)
        return `frame ${next} (ends at ${due.end}) is missing`;
      const lastEnd = next === 0 ? 0 : ref.frames[next - 1]!.end;
      if (splitter.buffered !== end - lastEnd) {
        return `buffered is ${splitter.buffered} after ${end} bytes, expected ${end - lastEnd}`;
      }
      start = end;
    }
    return OK;
  },
};

export interface ReferenceSplit {
  frames: { start: number; end: number }[];
  /** The first size prefix out of range: where it starts and where its 4th byte arrives. */
  error: { size: number; offset: number; detectAt: number } | undefined;
}

/** What a correct splitter cuts from the whole stream (the oracle for both splitter users). */
export function referenceSplit(stream: Uint8Array, max: number): ReferenceSplit {
  const frames: ReferenceSplit["frames"] = [];
  let pos = 0;
  while (stream.length - pos >= 4) {
    const size = readBE(stream, pos, 4);
    if (size < 0 || size > max) return { frames, error: { size, offset: pos, detectAt: pos + 4 } };
    if (pos + 4 + size > stream.length) break;
    frames.push({ start: pos + 4, end: pos + 4 + size });
    pos += 4 + size;
  }
  return { frames, error: undefined };
}
