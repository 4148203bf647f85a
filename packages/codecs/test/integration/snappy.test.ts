import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { encodeRecords } from "@tributary/protocol";
import {
  bootstrapServers,
  consume,
  createTopic,
  deleteTopic,
  randomTopicName,
} from "../../../../scripts/kafka/helpers.mjs";
import { snappy } from "../../src/snappy/index.js";
import {
  assertBatchesAsSent,
  assertLandedExactly,
  codecBitsOf,
  produceCompressed,
  runKafkaCodec,
  telemetryRecord,
} from "./kafka-codec.js";

const RECORDS = 10_000;
const PER_BATCH = 500;
const PARTITIONS = 3;

describe("snappy against Kafka 4.1.1's own Java code", () => {
  const topic = randomTopicName("snappy");

  before(() =>
    createTopic(topic, { partitions: PARTITIONS, config: { "compression.type": "producer" } }),
  );
  after(() => deleteTopic(topic));

  it("10,000 telemetry records in snappy batches are exactly what Kafka's console consumer reads", async () => {
    const base = Date.now();
    const records = Array.from({ length: RECORDS }, (_, i) => telemetryRecord(i, base));
    const sent = await produceCompressed({
      bootstrap: bootstrapServers(),
      topic,
      partitions: PARTITIONS,
      records,
      batchSizes: PER_BATCH,
      codec: snappy,
    });
    assert.equal(sent.length, RECORDS / PER_BATCH);
    for (const { batch } of sent)
      assert.equal(codecBitsOf(batch), 2, "attributes & 0x07 is snappy");

    await assertBatchesAsSent(sent, snappy);
    assertLandedExactly(await consume(topic, { max: RECORDS, timeoutMs: 20_000 }), sent);
  });

  it("Kafka's SnappyCompression reads our frames, and we read the xerial frames it writes", async () => {
    const section = encodeRecords(
      Array.from({ length: 800 }, (_, i) => telemetryRecord(i, 0)),
      0,
    );
    const ours = await snappy.compress(section);
    const [javaReadOurs, javaWrote] = await runKafkaCodec([
      { mode: "decompress", codec: "snappy", input: ours },
      { mode: "compress", codec: "snappy", input: section },
    ]);
    assert.deepEqual(javaReadOurs, section);
    assert.deepEqual(await snappy.decompress(javaWrote!), section);
    // Java frames it as we do: the same 16-byte header, and blocks of 32 KiB of input.
    assert.deepEqual(javaWrote!.subarray(0, 16), ours.subarray(0, 16));
    assert.deepEqual(blockInputSizes(javaWrote!), blockInputSizes(ours));
    assert.equal(blockInputSizes(ours)[0], 32768);
  });
});

/** The uncompressed size of each block in a xerial frame (the varint that starts each block). */
function blockInputSizes(framed: Uint8Array): number[] {
  const view = new DataView(framed.buffer, framed.byteOffset, framed.byteLength);
  const sizes: number[] = [];
  for (let pos = 16; pos < framed.length; pos += 4 + view.getInt32(pos)) {
    let size = 0;
    for (let i = pos + 4, shift = 0; ; i++, shift += 7) {
      size += (framed[i]! & 0x7f) * 2 ** shift;
      if (framed[i]! < 0x80) break;
    }
    sizes.push(size);
  }
  return sizes;
}
