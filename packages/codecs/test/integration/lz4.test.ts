import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import {
  ApiKey,
  ApiVersionsApi,
  CLIENT_VERSIONS,
  decodeRecordBatch,
  decodeRecords,
  encodeRecordBatch,
  encodeRecords,
  errorName,
  MetadataApi,
  type MetadataResponse,
  negotiateVersions,
  ProduceApi,
  type RecordInput,
} from "@tributary/protocol";
import {
  bootstrapServers,
  consume,
  createTopic,
  deleteTopic,
  randomTopicName,
} from "../../../../scripts/kafka/helpers.mjs";
import { BrokerConnection } from "../../../protocol/test/integration/broker-connection.js";
import { lz4 } from "../../src/lz4/index.js";
import { telemetryRecords } from "../lz4-data.js";

const RECORDS = 10_000;
/** Records per batch, cycled: one record, small batches, and ~1 MB batches of 17 blocks. */
const BATCH_SIZES = [1, 7, 60, 250, 2500];
const LZ4 = 3;
const b64 = (bytes: Uint8Array | null | undefined) =>
  bytes == null ? null : Buffer.from(bytes).toString("base64");

describe("lz4 against a real Kafka broker", () => {
  const topic = randomTopicName("codecs-lz4");
  let conn: BrokerConnection;

  before(async () => {
    await createTopic(topic, { partitions: 1 });
    conn = await BrokerConnection.open(bootstrapServers());
  });

  after(async () => {
    conn?.close();
    await deleteTopic(topic);
  });

  it("10,000 telemetry records in lz4 batches, as the producer sends them, are what Kafka's console consumer reads", async () => {
    const apiVersions = await conn.request(
      ApiVersionsApi,
      CLIENT_VERSIONS[ApiKey.ApiVersions].max,
      {
        clientSoftwareName: "tributary-it",
        clientSoftwareVersion: "0.1.0",
      },
    );
    const versions = negotiateVersions(apiVersions);
    const produceVersion = versions.version(ApiKey.Produce);

    // A just-created topic can take a moment to get a leader.
    let meta: MetadataResponse;
    const deadline = Date.now() + 15_000;
    for (;;) {
      meta = await conn.request(MetadataApi, versions.version(ApiKey.Metadata), {
        topics: [{ name: topic }],
        allowAutoTopicCreation: false,
      });
      const t = meta.topics[0];
      if (
        (t?.errorCode === 0 &&
          t.partitions[0]?.leaderId !== undefined &&
          t.partitions[0].leaderId >= 0) ||
        Date.now() > deadline
      )
        break;
      await new Promise((r) => setTimeout(r, 200));
    }
    const topicRef = produceVersion >= 13 ? { topicId: meta.topics[0]!.topicId } : { name: topic };

    const records = telemetryRecords(RECORDS, 42, Date.now());
    let sent = 0;
    let expectedOffset = 0n;
    let multiBlockBatches = 0;
    for (let b = 0; sent < RECORDS; b++) {
      const batch: RecordInput[] = records.slice(sent, sent + BATCH_SIZES[b % BATCH_SIZES.length]!);
      const baseTimestamp = batch[0]!.timestamp!;
      const maxTimestamp = batch.at(-1)!.timestamp!;

      // What the producer does: encode the records section, compress it, wrap it in a batch.
      const section = encodeRecords(batch, baseTimestamp);
      const compressed = await lz4.compress(section);
      if (section.length > 64 * 1024) multiBlockBatches++;
      const bytes = encodeRecordBatch(
        { compression: LZ4, baseTimestamp, maxTimestamp },
        compressed,
        batch.length,
      );

      // The batch as sent: codec bits 3, and its records come back through our own reader.
      const decoded = decodeRecordBatch(bytes);
      assert.equal(decoded.attributes & 0x07, LZ4, "attributes name lz4");
      assert.equal(decoded.compression, LZ4);
      assert.deepEqual(decoded.recordsSection, compressed);
      const roundTrip = decodeRecords(
        await lz4.decompress(decoded.recordsSection),
        batch.length,
        baseTimestamp,
      );
      assert.deepEqual(
        roundTrip.map((r) => b64(r.value)),
        batch.map((r) => b64(r.value)),
      );

      const res = await conn.request(ProduceApi, produceVersion, {
        transactionalId: null,
        acks: -1,
        timeoutMs: 30_000,
        topicData: [{ ...topicRef, partitionData: [{ index: 0, records: bytes }] }],
      });
      const p = res.responses[0]!.partitionResponses[0]!;
      assert.equal(p.errorCode, 0, `batch ${b}: ${errorName(p.errorCode)} ${p.errorMessage ?? ""}`);
      assert.equal(p.baseOffset, expectedOffset, `batch ${b}: base offset`);
      expectedOffset += BigInt(batch.length);
      sent += batch.length;
    }
    assert.ok(multiBlockBatches >= 3, `${multiBlockBatches} batches over 64 KB`);

    // Kafka's console consumer decompresses with Kafka's own Java lz4 reader.
    const landed = await consume(topic, { max: RECORDS, timeoutMs: 30_000 });
    assert.equal(landed.length, RECORDS);
    for (let i = 0; i < RECORDS; i++) {
      const got = landed[i]!;
      const want = records[i]!;
      assert.equal(got.offset, i, `record ${i}: offset`);
      assert.equal(got.keyBase64, b64(want.key), `record ${i}: key`);
      assert.equal(got.valueBase64, b64(want.value), `record ${i}: value`);
      assert.deepEqual(
        got.headersBase64,
        (want.headers ?? []).map((h) => [h.key, b64(h.value)]),
        `record ${i}: headers`,
      );
      assert.equal(got.timestamp, want.timestamp, `record ${i}: timestamp`);
    }
  });
});
