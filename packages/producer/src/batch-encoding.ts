import {
  buildRecordBatch,
  encodeRecordBatch,
  encodeRecords,
  type TributaryError,
} from "@tributary/protocol";
import { BATCH_OVERHEAD, type ProducerBatch } from "./batch.js";
import type { IdempotenceState } from "./idempotence.js";
import type { CompressionCodec } from "./options.js";

/**
 * Gives a batch its producer id, epoch and base sequence on first send, or again after the
 * epoch was bumped (its bytes must then be re-encoded). Called in drain order, before anything
 * asynchronous, so sequences follow the order batches leave their queue.
 */
export function assignSequence(b: ProducerBatch, idem: IdempotenceState | undefined): void {
  if (idem === undefined) return;
  if (b.producerId === idem.producerId && b.producerEpoch === idem.producerEpoch) return;
  b.producerId = idem.producerId;
  b.producerEpoch = idem.producerEpoch;
  b.baseSequence = idem.assign(b.topic, b.partition, b.records.length);
  b.encoded = undefined;
}

/**
 * Encodes the batches that have no bytes yet (retries keep theirs), compressing the records
 * section when a codec is set. A batch whose compression fails is handed to `fail` and left
 * out; the others are returned, in the order given.
 */
export async function encodeAll(
  batches: ProducerBatch[],
  codecOption: CompressionCodec | Promise<CompressionCodec> | undefined,
  fail: (b: ProducerBatch, error: TributaryError) => void,
): Promise<ProducerBatch[]> {
  if (codecOption === undefined) {
    for (const b of batches) if (b.encoded === undefined) encodePlain(b);
    return batches;
  }
  let codec: CompressionCodec;
  try {
    codec = await codecOption;
  } catch (err) {
    for (const b of batches) fail(b, err as TributaryError);
    return [];
  }
  const ok = await Promise.all(
    batches.map(async (b) => {
      if (b.encoded !== undefined) return true;
      try {
        await encodeCompressed(b, codec);
        return true;
      } catch (err) {
        fail(b, err as TributaryError);
        return false;
      }
    }),
  );
  return batches.filter((_, i) => ok[i]);
}

function encodePlain(b: ProducerBatch): void {
  b.encoded = buildRecordBatch(b.records, {
    producerId: b.producerId,
    producerEpoch: b.producerEpoch,
    baseSequence: b.baseSequence,
  });
  b.uncompressedBytes = b.encoded.length;
}

async function encodeCompressed(b: ProducerBatch, codec: CompressionCodec): Promise<void> {
  const records = b.records;
  const baseTimestamp = records[0]!.timestamp;
  let maxTimestamp = baseTimestamp;
  for (const r of records) if (r.timestamp > maxTimestamp) maxTimestamp = r.timestamp;
  const section = encodeRecords(records, baseTimestamp);
  const compressed = await codec.compress(section);
  b.encoded = encodeRecordBatch(
    {
      compression: codec.id,
      baseTimestamp,
      maxTimestamp,
      producerId: b.producerId,
      producerEpoch: b.producerEpoch,
      baseSequence: b.baseSequence,
    },
    compressed,
    records.length,
  );
  b.uncompressedBytes = BATCH_OVERHEAD + section.length;
}
