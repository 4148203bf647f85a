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
import { gzip } from "../../src/gzip/index.js";
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

describe("gzip against Kafka 4.1.1's own Java code", () => {
  const topic = randomTopicName("gzip");

  before(() =>
    createTopic(topic, { partitions: PARTITIONS, config: { "compression.type": "producer" } }),
  );
  after(() => deleteTopic(topic));

  it("10,000 telemetry records in gzip batches are exactly what Kafka's console consumer reads", async () => {
    const base = Date.now();
    const records = Array.from({ length: RECORDS }, (_, i) => telemetryRecord(i, base));
    const sent = await produceCompressed({
      bootstrap: bootstrapServers(),
      topic,
      partitions: PARTITIONS,
      records,
      batchSizes: PER_BATCH,
      codec: gzip,
    });
    assert.equal(sent.length, RECORDS / PER_BATCH);
    for (const { batch } of sent) assert.equal(codecBitsOf(batch), 1, "attributes & 0x07 is gzip");

    await assertBatchesAsSent(sent, gzip);
    assertLandedExactly(await consume(topic, { max: RECORDS, timeoutMs: 20_000 }), sent);
  });

  it("Kafka's GzipCompression (GZIPInputStream) reads ours, and we read what it writes", async () => {
    const section = encodeRecords(
      Array.from({ length: 800 }, (_, i) => telemetryRecord(i, 0)),
      0,
    );
    const ours = await gzip.compress(section);
    const [javaReadOurs, javaWrote] = await runKafkaCodec([
      { mode: "decompress", codec: "gzip", input: ours },
      { mode: "compress", codec: "gzip", input: section },
    ]);
    assert.deepEqual(javaReadOurs, section);
    assert.deepEqual([...javaWrote!.subarray(0, 3)], [0x1f, 0x8b, 0x08]);
    assert.deepEqual(await gzip.decompress(javaWrote!), section);
  });
});
