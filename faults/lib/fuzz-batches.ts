/**
 * Fuzz target (faults/fuzz.ts): the record batch decoders (decodeRecordBatch,
 * decodeRecordBatches, decodeBatchRecords, decodeRecords) fed valid, mutated, header-edited,
 * spliced and random batches and damaged records sections. Valid batches must decode to the
 * records they were built from; anything else must decode or raise ProtocolDecodeError.
 */
import {
  crc32c,
  decodeBatchRecords,
  decodeRecordBatch,
  decodeRecordBatches,
  decodeRecords,
} from "@tributary/protocol";
import { concat, readBE, sameBytes } from "./bytes.js";
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
import { type BatchSeed, recordBatchSeed } from "./seed-batches.js";

type BatchMode = "valid" | "mutated" | "crc-fixed" | "header" | "spliced" | "random" | "section";

interface BatchInput extends Input {
  mode: BatchMode;
  seeds: BatchSeed[];
  verifyCrc: boolean;
  /** Section mode: the record count and base timestamp decodeRecords is given. */
  count: number;
  baseTimestamp: number;
}

const BATCH_HEADER = 61;
/** Batch header fields a decoder trusts for sizes and counts: [name, offset, width]. */
const BATCH_FIELDS: readonly (readonly [string, number, 1 | 2 | 4])[] = [
  ["batchLength", 8, 4],
  ["magic", 16, 1],
  ["attributes", 21, 2],
  ["lastOffsetDelta", 23, 4],
  ["baseTimestamp", 27, 4],
  ["maxTimestamp", 35, 4],
  ["recordCount", 57, 4],
];
const EDGE_INT32 = [0, 1, -1, 2, 7, 0x7f, 0x80, 0xffff, 0x7fffffff, -0x80000000, 0x10000000];

/**
 * Replaces the first record's timestamp delta (a varlong after the record's length varint and
 * attributes byte) with 1 to 12 continuation bytes, ended or not: the long varlong paths.
 */
function longTimestamp(rng: Rng, section: Uint8Array): { bytes: Uint8Array; applied: string[] } {
  if (rng.chance(0.3)) {
    // One record whose length is right but whose timestamp runs to the end of the section.
    const body = Uint8Array.from([0, ...Array.from({ length: rng.range(5, 10) }, () => 0x80)]);
    const length = Uint8Array.of(body.length * 2); // zigzag, below 64: one byte
    return { bytes: concat([length, body]), applied: ["timestamp delta cut off by the end"] };
  }
  let at = 1;
  while (at <= section.length && (section[at - 1]! & 0x80) !== 0) at++;
  at++; // the attributes byte
  if (at > section.length) return { bytes: section, applied: ["(no record to change)"] };
  const run = Array.from({ length: rng.range(1, 12) }, () => 0x80 | rng.int(128));
  if (rng.chance(0.6)) run.push(rng.int(128));
  const bytes = concat([section.subarray(0, at), Uint8Array.from(run), section.subarray(at + 1)]);
  return { bytes, applied: [`timestamp delta as ${run.length} varlong bytes`] };
}

/** Rewrites the CRC of the batch at the start of `bytes` so a mutation gets past the check. */
function fixFirstCrc(bytes: Uint8Array): Uint8Array {
  if (bytes.length < BATCH_HEADER) return bytes;
  const declared = readBE(bytes, 8, 4);
  const end = declared >= 49 && 12 + declared <= bytes.length ? 12 + declared : bytes.length;
  new DataView(bytes.buffer, bytes.byteOffset).setUint32(17, crc32c(bytes.subarray(21, end)));
  return bytes;
}

export const batchTarget: Target<BatchInput> = {
  name: "record batch",
  share: 0.1,
  generate(rng) {
    const mode = rng.weighted<BatchMode>([
      [10, "valid"],
      [35, "mutated"],
      [15, "crc-fixed"],
      [15, "header"],
      [5, "spliced"],
      [5, "random"],
      [15, "section"],
    ]);
    const seeds = Array.from({ length: rng.chance(0.7) ? 1 : rng.range(2, 3) }, () =>
      recordBatchSeed(rng),
    );
    const stream = concat(seeds.map((s) => s.bytes));
    const base = { mode, seeds, verifyCrc: true, count: 0, baseTimestamp: 0 };
    switch (mode) {
      case "valid":
        return { ...base, bytes: stream, describe: `${seeds.length} valid batches` };
      case "mutated": {
        const m = mutate(rng, stream);
        const verifyCrc = rng.chance(0.3);
        return {
          ...base,
          verifyCrc,
          bytes: m.bytes,
          describe: `${seeds.length} batches mutated: ${m.applied.join(", ")}; verifyCrc ${verifyCrc}`,
        };
      }
      case "crc-fixed": {
        const m = mutate(rng, stream);
        return {
          ...base,
          bytes: fixFirstCrc(m.bytes.slice()),
          describe: `${seeds.length} batches mutated: ${m.applied.join(", ")}; CRC rewritten`,
        };
      }
      case "header": {
        // One header field of the first batch set to an edge value, CRC rewritten to match.
        const [field, at, width] = rng.pick(BATCH_FIELDS);
        const value = rng.chance(0.8) ? rng.pick(EDGE_INT32) : rng.int32();
        const bytes = stream.slice();
        const view = new DataView(bytes.buffer);
        if (width === 4) view.setInt32(at, value);
        else if (width === 2) view.setInt16(at, value);
        else view.setInt8(at, value);
        const fixed = rng.chance(0.8);
        return {
          ...base,
          bytes: fixed ? fixFirstCrc(bytes) : bytes,
          describe: `${seeds.length} batches, ${field} set to ${value}${fixed ? ", CRC rewritten" : ""}`,
        };
      }
      case "spliced": {
        const s = splice(rng, stream, recordBatchSeed(rng).bytes);
        return { ...base, verifyCrc: false, bytes: s.bytes, describe: "two batches spliced" };
      }
      case "random":
        return {
          ...base,
          verifyCrc: rng.chance(0.5),
          bytes: rng.bytes(rng.size(400)),
          describe: "random bytes",
        };
      case "section": {
        const seed = seeds[0]!;
        const section = seed.bytes.subarray(BATCH_HEADER);
        const m = rng.chance(0.7) ? mutate(rng, section) : longTimestamp(rng, section);
        const records = seed.records?.length ?? rng.int(20);
        const count = rng.chance(0.7) ? records : Math.max(0, records + rng.range(-2, 2));
        const baseTimestamp = rng.chance(0.9) ? 1_700_000_000_000 : rng.pick([-1, 2 ** 53 - 1, 0]);
        return {
          ...base,
          count,
          baseTimestamp,
          bytes: m.bytes,
          describe: `records section mutated: ${m.applied.join(", ")}; count ${count}, base ${baseTimestamp}`,
        };
      }
    }
  },
  check(input) {
    const bytes = input.bytes;
    try {
      if (input.mode === "section") {
        decodeRecords(bytes, input.count, input.baseTimestamp);
        return OK;
      }
      const options = { verifyCrc: input.verifyCrc };
      let typed = false;
      try {
        // One batch and nothing after it, or a decode error (also for several batches).
        decodeRecordBatch(bytes, options);
      } catch (err) {
        const bad = untypedError(err, bytes.length);
        if (bad) return `decodeRecordBatch: ${bad}`;
        typed = true;
      }
      const batches = decodeRecordBatches(bytes, options);
      const decoded = batches.map((b) => {
        try {
          return decodeBatchRecords(b);
        } catch (err) {
          // A compressed section must be refused until it is decompressed.
          if (b.compression === 0) throw err;
          const bad = untypedError(err, bytes.length);
          if (bad) throw new Error(`decodeBatchRecords on a compressed batch: ${bad}`);
          return null;
        }
      });
      if (input.mode === "valid") return compareSeeds(input.seeds, batches.length, decoded);
      return typed && batches.length === 1
        ? "decodeRecordBatch refused a batch that decodeRecordBatches read"
        : OK;
    } catch (err) {
      const bad = untypedError(err, bytes.length);
      if (bad) return bad;
      if (input.mode === "valid") return `valid batches were refused: ${errorText(err)}`;
      return TYPED;
    }
  },
};

function compareSeeds(
  seeds: readonly BatchSeed[],
  batchCount: number,
  decoded:
    | ReturnType<typeof decodeBatchRecords>[]
    | (ReturnType<typeof decodeBatchRecords> | null)[],
): Outcome {
  if (batchCount !== seeds.length) return `${seeds.length} valid batches decoded as ${batchCount}`;
  for (let b = 0; b < seeds.length; b++) {
    const want = seeds[b]!.records;
    const got = decoded[b];
    if (want === null || got == null) {
      if ((want === null) !== (got === null)) return `batch ${b}: compression flag misread`;
      continue;
    }
    if (got.length !== want.length)
      return `batch ${b}: ${want.length} records read as ${got.length}`;
    for (let i = 0; i < want.length; i++) {
      const w = want[i]!;
      const g = got[i]!;
      const same =
        bytesOrNullEqual(w.key, g.key) &&
        bytesOrNullEqual(w.value, g.value) &&
        w.timestamp === g.timestamp &&
        w.offsetDelta === g.offsetDelta &&
        w.headers.length === g.headers.length &&
        w.headers.every(
          (h, k) => h.key === g.headers[k]!.key && bytesOrNullEqual(h.value, g.headers[k]!.value),
        );
      if (!same) return `batch ${b} record ${i} decodes to a different record`;
    }
  }
  return OK;
}

function bytesOrNullEqual(a: Uint8Array | null, b: Uint8Array | null): boolean {
  return a === null || b === null ? a === b : sameBytes(a, b);
}
