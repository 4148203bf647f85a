/**
 * Valid RecordBatch v2 seeds for the fuzz part (faults/fuzz.ts), built with
 * @tributary/protocol's own encoders, with the records a decoder must read back from them. A
 * pure function of the Rng it is given.
 */
import { buildRecordBatch, CompressionCodec, encodeRecordBatch } from "@tributary/protocol";
import { count, list, type Rng } from "./rng.js";

/** A record as a decoder must return it from a seed batch. */
export interface SeedRecord {
  key: Uint8Array | null;
  value: Uint8Array | null;
  headers: { key: string; value: Uint8Array | null }[];
  timestamp: number;
  offsetDelta: number;
}

export interface BatchSeed {
  bytes: Uint8Array;
  /** The records the batch holds; null for a "compressed" batch (its section is random). */
  records: SeedRecord[] | null;
}

/**
 * A RecordBatch v2: usually uncompressed records built with buildRecordBatch (their expected
 * decoding alongside), sometimes a "compressed" one whose section is random bytes.
 */
export function recordBatchSeed(rng: Rng): BatchSeed {
  const base = 1_700_000_000_000 + rng.int(1_000_000_000);
  const producer = {
    baseOffset: rng.chance(0.7) ? 0n : rng.int64() & 0x7fffffffffffffffn,
    partitionLeaderEpoch: rng.chance(0.7) ? -1 : rng.int32(),
    producerId: rng.chance(0.3) ? -1n : BigInt(rng.next()),
    producerEpoch: rng.chance(0.3) ? -1 : rng.range(0, 0x7fff),
    baseSequence: rng.chance(0.3) ? -1 : rng.next() >>> 1,
    isTransactional: rng.chance(0.2),
  };
  if (rng.chance(0.15)) {
    const section = rng.bytes(rng.size(300));
    const bytes = encodeRecordBatch(
      {
        ...producer,
        compression: rng.pick([
          CompressionCodec.Gzip,
          CompressionCodec.Snappy,
          CompressionCodec.Lz4,
          CompressionCodec.Zstd,
        ]),
        baseTimestamp: base,
        maxTimestamp: base + rng.int(1000),
      },
      section,
      rng.int(20),
    );
    return { bytes, records: null };
  }
  const n = count(rng, 30);
  const records = Array.from(
    { length: n },
    (_, i): SeedRecord => ({
      key: rng.chance(0.3) ? null : rng.bytes(rng.size(24)),
      value: rng.chance(0.1) ? null : rng.bytes(rng.size(200)),
      headers: list(rng, 4, () => ({
        key: rng.string(12),
        value: rng.chance(0.2) ? null : rng.bytes(rng.size(16)),
      })),
      timestamp: rng.chance(0.3) ? base : base + rng.range(-1000, 100_000),
      offsetDelta: rng.chance(0.9) ? i : rng.range(0, 0x7fffffff),
    }),
  );
  const bytes = buildRecordBatch(records, { ...producer, timestamp: base });
  return { bytes, records };
}
