/**
 * Fuzz target (faults/fuzz.ts): the producer's response decoders, one target per API, fed valid,
 * mutated, spliced, cross-version and random frames, and whole streams through the frame
 * splitter. A valid frame must decode to what was encoded; anything else must decode or raise
 * ProtocolDecodeError.
 */
import {
  type ApiCodec,
  ApiKey,
  DEFAULT_MAX_FRAME_BYTES,
  decodeResponseFrame,
  encodeResponseFrame,
  FrameSizeError,
  FrameSplitter,
  peekResponseCorrelationId,
} from "@tributary/protocol";
import { boundariesOf, concat, sameBytes } from "./bytes.js";
import { chunk } from "./chunk.js";
import {
  errorText,
  type Input,
  OK,
  type Outcome,
  type Target,
  TYPED,
  untypedError,
} from "./fuzz-outcome.js";
import { mutate, splice } from "./mutators.js";
import type { Rng } from "./rng.js";
import { apiVersionsFallbackFrame, responseFrame } from "./seed-responses.js";

type ResponseMode =
  | "valid"
  | "fallback"
  | "mutated"
  | "spliced"
  | "cross-version"
  | "random"
  | "stream";

interface ResponseInput extends Input {
  mode: ResponseMode;
  /** Version the frame is decoded at (stream mode: one per frame, cycled). */
  versions: number[];
  /** Stream mode: the chunks and the splitter's limit. */
  chunks: Uint8Array[];
  maxFrameBytes: number;
}

export function responseTarget(api: ApiCodec<unknown, unknown>): Target<ResponseInput> {
  const version = (rng: Rng) => rng.range(api.minVersion, api.maxVersion);
  /** A valid frame without its size prefix, as decodeResponseFrame takes it. */
  const body = (rng: Rng, v: number) => responseFrame(rng, api, v).subarray(4);
  return {
    name: `response ${api.name} v${api.minVersion}-${api.maxVersion}`,
    share: 0.1,
    generate(rng) {
      const mode = rng.weighted<ResponseMode>([
        [10, "valid"],
        // ApiVersions only: a v0 UNSUPPORTED_VERSION answer to a newer request (KIP-511).
        [api.apiKey === ApiKey.ApiVersions ? 5 : 0, "fallback"],
        [50, "mutated"],
        [8, "spliced"],
        [10, "cross-version"],
        [7, "random"],
        [15, "stream"],
      ]);
      const v = version(rng);
      const base = { mode, versions: [v], chunks: [], maxFrameBytes: DEFAULT_MAX_FRAME_BYTES };
      switch (mode) {
        case "valid":
          return { ...base, bytes: body(rng, v), describe: `valid v${v}` };
        case "fallback": {
          const { frame } = apiVersionsFallbackFrame(rng);
          const m = rng.chance(0.5) ? mutate(rng, frame.subarray(4)) : undefined;
          return {
            ...base,
            mode: m ? "mutated" : "fallback",
            bytes: m ? m.bytes : frame.subarray(4),
            describe: `v0 UNSUPPORTED_VERSION answer decoded as v${v}${m ? `, mutated: ${m.applied.join(", ")}` : ""}`,
          };
        }
        case "mutated": {
          const m = mutate(rng, body(rng, v));
          return { ...base, bytes: m.bytes, describe: `v${v} mutated: ${m.applied.join(", ")}` };
        }
        case "spliced": {
          const other = version(rng);
          const s = splice(rng, body(rng, v), body(rng, other));
          return {
            ...base,
            bytes: s.bytes,
            describe: `v${v} head (${s.cutA} bytes) + v${other} tail (from byte ${s.cutB})`,
          };
        }
        case "cross-version": {
          const from = version(rng);
          const seed = body(rng, from);
          const m = rng.chance(0.3) ? mutate(rng, seed, 2) : { bytes: seed, applied: [] };
          const extra = m.applied.length > 0 ? `, mutated: ${m.applied.join(", ")}` : "";
          return { ...base, bytes: m.bytes, describe: `v${from} frame decoded as v${v}${extra}` };
        }
        case "random":
          return { ...base, bytes: rng.bytes(rng.size(600)), describe: `random bytes as v${v}` };
        case "stream": {
          const versions = Array.from({ length: rng.range(1, 3) }, () => version(rng));
          const frames = versions.map((fv) => responseFrame(rng, api, fv));
          let stream = concat(frames);
          let note = "intact";
          if (rng.chance(0.7)) {
            const m = mutate(rng, stream);
            stream = m.bytes;
            note = `mutated: ${m.applied.join(", ")}`;
          }
          const maxFrameBytes = rng.pick([
            DEFAULT_MAX_FRAME_BYTES,
            65_536,
            1024,
            Math.max(0, stream.length - 4),
            rng.int(200),
          ]);
          const { chunks, style } = chunk(rng, stream, boundariesOf(frames));
          return {
            ...base,
            mode,
            versions,
            chunks,
            maxFrameBytes,
            bytes: stream,
            describe: `stream of v${versions.join(",v")} (${note}) in ${chunks.length} ${style} chunks, maxFrameBytes ${maxFrameBytes}`,
          };
        }
      }
    },
    check(input) {
      if (input.mode === "stream") return checkResponseStream(api, input);
      const v = input.versions[0]!;
      const frame = input.bytes;
      try {
        peekResponseCorrelationId(frame);
      } catch (err) {
        const bad = untypedError(err, frame.length);
        if (bad) return `peekResponseCorrelationId: ${bad}`;
      }
      let decoded: { correlationId: number; body: unknown };
      try {
        decoded = decodeResponseFrame(api, v, frame);
      } catch (err) {
        const bad = untypedError(err, frame.length);
        if (bad) return bad;
        if (input.mode === "valid" || input.mode === "fallback") {
          return `a valid ${input.mode} frame (as v${v}) was refused: ${errorText(err)}`;
        }
        return TYPED;
      }
      if (input.mode === "valid" || input.mode === "fallback") {
        // A valid frame must decode to what was encoded: encoding it again gives the same bytes
        // (a fallback answer is a v0 body whatever version was asked for).
        const at = input.mode === "valid" ? v : 0;
        const again = encodeResponseFrame(api, at, decoded.correlationId, decoded.body).subarray(4);
        if (!sameBytes(again, frame))
          return `a valid ${input.mode} frame does not decode to its value`;
      }
      return OK;
    },
  };
}

/** The producer's own path: splitter, correlation id, decoder. */
function checkResponseStream(api: ApiCodec<unknown, unknown>, input: ResponseInput): Outcome {
  const splitter = new FrameSplitter({ maxFrameBytes: input.maxFrameBytes });
  let outcome: Outcome = OK;
  let n = 0;
  for (const piece of input.chunks) {
    let frames: Uint8Array[];
    try {
      frames = splitter.push(piece);
    } catch (err) {
      if (!(err instanceof FrameSizeError)) return `splitter: ${errorText(err)}`;
      return TYPED;
    }
    for (const frame of frames) {
      const v = input.versions[n++ % input.versions.length]!;
      try {
        peekResponseCorrelationId(frame);
        decodeResponseFrame(api, v, frame);
      } catch (err) {
        const bad = untypedError(err, frame.length);
        if (bad) return `frame ${n - 1} as v${v}: ${bad}`;
        outcome = TYPED;
      }
    }
  }
  return outcome;
}
