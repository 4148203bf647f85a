import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import {
  bootstrapServers,
  consume,
  createTopic,
  deleteTopic,
  randomTopicName,
} from "../../../../scripts/kafka/helpers.mjs";
import type { Codec } from "../../src/codec.js";
import { lz4 } from "../../src/lz4/index.js";
import { xxhash32 } from "../../src/lz4/xxhash32.js";
import { telemetryRecords } from "../lz4-data.js";
import { assertBatchesAsSent, assertLandedExactly, produceCompressed } from "./kafka-codec.js";

const RECORDS = 10_000;
/** Records per batch, cycled: one record, small batches, and ~1 MB batches of 17 blocks. */
const BATCH_SIZES = [1, 7, 60, 250, 2500];

/**
 * lz4 whose frames say "dependent blocks" (FLG 0x40, as lz4js and kafka-lz4-lite write them),
 * with the header checksum made right for that flag byte.
 */
const dependentBlocksLz4: Codec = {
  ...lz4,
  async compress(data) {
    const frame = (await lz4.compress(data)).slice();
    frame[4] = 0x40;
    frame[6] = (xxhash32(frame.subarray(4, 6), 0) >>> 8) & 0xff;
    return frame;
  },
};

describe("lz4 against a real Kafka broker", () => {
  const topic = randomTopicName("codecs-lz4");

  before(() => createTopic(topic, { partitions: 1 }));
  after(() => deleteTopic(topic));

  it("refuses a frame with dependent blocks (FLG 0x40), and writes nothing of it", async () => {
    const records = telemetryRecords(5, 7, Date.now());
    await assert.rejects(
      produceCompressed({
        bootstrap: bootstrapServers(),
        topic,
        partitions: 1,
        records,
        batchSizes: 5,
        codec: dependentBlocksLz4,
      }),
      /batch 0 \(Produce v\d+\) to partition 0: [A-Z_]+/,
    );
  });

  it("10,000 telemetry records in lz4 batches, as the producer sends them, are what Kafka's console consumer reads", async () => {
    const records = telemetryRecords(RECORDS, 42, Date.now());
    // The refused frame above took no offset: these batches start at 0 (produceCompressed checks).
    const sent = await produceCompressed({
      bootstrap: bootstrapServers(),
      topic,
      partitions: 1,
      records,
      batchSizes: BATCH_SIZES,
      codec: lz4,
    });
    const multiBlock = sent.filter((s) => s.sectionBytes > 64 * 1024).length;
    assert.ok(multiBlock >= 3, `${multiBlock} batches over 64 KB`);
    await assertBatchesAsSent(sent, lz4);
    // Kafka's console consumer decompresses with Kafka's own Java lz4 reader.
    assertLandedExactly(await consume(topic, { max: RECORDS, timeoutMs: 30_000 }), sent);
  });
});
