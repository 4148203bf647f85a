/**
 * zstd against a real broker: batches compressed by our WASM zstd, sent with a hand-built
 * Produce, must come back identical through Kafka's console consumer, i.e. through zstd-jni,
 * the Java decompressor every Kafka client and the broker itself use.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import {
  ApiKey,
  ApiVersionsApi,
  CLIENT_VERSIONS,
  CompressionCodec,
  decodeRecordBatch,
  decodeRecords,
  encodeRecordBatch,
  encodeRecords,
  errorName,
  MetadataApi,
  type NegotiatedVersions,
  negotiateVersions,
  ProduceApi,
  type RecordInput,
  type Uuid,
} from "@tributary/protocol";
import {
  bootstrapServers,
  consume,
  createTopic,
  deleteTopic,
  randomTopicName,
} from "../../../../scripts/kafka/helpers.mjs";
import { BrokerConnection } from "../../../protocol/test/integration/broker-connection.js";
import { zstd } from "../../src/zstd/index.js";
import { prng, telemetryEvent } from "../zstd-fixtures.js";

const RECORDS = 10_000;
const PARTITIONS = 3;
const PER_BATCH = 500;
/** KIP-110: zstd batches need Produce v7+; older requests get UNSUPPORTED_COMPRESSION_TYPE. */
const FIRST_ZSTD_PRODUCE = 7;
const text = new TextEncoder();
const b64 = (bytes: Uint8Array | null) =>
  bytes === null ? null : Buffer.from(bytes).toString("base64");

interface Sent extends RecordInput {
  partition: number;
  timestamp: number;
}

function telemetryRecords(base: number): Sent[] {
  const random = prng(42);
  return Array.from({ length: RECORDS }, (_, i) => {
    const value = text.encode(telemetryEvent(i, random));
    return {
      partition: i % PARTITIONS,
      key: text.encode(`session-${(i * 7) % 613}`),
      value,
      headers: [
        { key: "content-type", value: text.encode("application/json") },
        { key: "seq", value: text.encode(String(i)) },
        { key: "trace", value: i % 11 === 0 ? null : Uint8Array.of(i & 0xff, (i >> 8) & 0xff) },
      ],
      timestamp: base + i,
    };
  });
}

/** encodeRecords -> zstd -> encodeRecordBatch with compression id 4, as a producer does. */
async function zstdBatch(records: Sent[]): Promise<Uint8Array> {
  const baseTimestamp = records[0]!.timestamp;
  const section = encodeRecords(records, baseTimestamp);
  const compressed = await zstd.compress(section);
  return encodeRecordBatch(
    {
      compression: CompressionCodec.Zstd,
      baseTimestamp,
      maxTimestamp: Math.max(...records.map((r) => r.timestamp)),
    },
    compressed,
    records.length,
  );
}

describe("zstd batches against a real Kafka broker", () => {
  const topic = randomTopicName("zstd");
  let conn: BrokerConnection;
  let versions: NegotiatedVersions;
  let topicId: Uuid;

  before(async () => {
    await createTopic(topic, { partitions: PARTITIONS });
    conn = await BrokerConnection.open(bootstrapServers());
    const api = await conn.request(ApiVersionsApi, CLIENT_VERSIONS[ApiKey.ApiVersions].max, {
      clientSoftwareName: "tributary-it",
      clientSoftwareVersion: "0.1.0",
    });
    assert.equal(api.errorCode, 0);
    versions = negotiateVersions(api);
    // A just-created topic can take a moment to get leaders.
    const deadline = Date.now() + 15_000;
    for (;;) {
      const meta = await conn.request(MetadataApi, versions.version(ApiKey.Metadata), {
        topics: [{ name: topic }],
        allowAutoTopicCreation: false,
      });
      const t = meta.topics[0]!;
      if (t.errorCode === 0 && t.partitions.every((p) => p.leaderId >= 0)) {
        topicId = t.topicId;
        break;
      }
      assert.ok(Date.now() < deadline, `topic ${topic} has no leaders after 15 s`);
      await new Promise((r) => setTimeout(r, 200));
    }
  });

  after(async () => {
    conn?.close();
    await deleteTopic(topic);
  });

  const produce = (version: number, batches: { index: number; records: Uint8Array }[]) =>
    conn.request(ProduceApi, version, {
      transactionalId: null,
      acks: -1,
      timeoutMs: 30_000,
      topicData: [{ ...(version >= 13 ? { topicId } : { name: topic }), partitionData: batches }],
    });

  it("refuses a zstd batch over Produce v6 with UNSUPPORTED_COMPRESSION_TYPE", async () => {
    const v = FIRST_ZSTD_PRODUCE - 1;
    assert.ok(v >= CLIENT_VERSIONS[ApiKey.Produce].min);
    const batch = await zstdBatch(telemetryRecords(Date.now()).slice(0, 3));
    const res = await produce(v, [{ index: 0, records: batch }]);
    const p = res.responses[0]!.partitionResponses[0]!;
    assert.equal(errorName(p.errorCode), "UNSUPPORTED_COMPRESSION_TYPE");
  });

  it("10,000 telemetry records with keys and headers, zstd-compressed per batch, read back identical by Kafka's console consumer", async () => {
    const maxProduce = versions.version(ApiKey.Produce);
    assert.ok(maxProduce >= FIRST_ZSTD_PRODUCE, `broker speaks Produce v${maxProduce}`);
    const records = telemetryRecords(Date.now());

    // One request per round: the next PER_BATCH records of each partition, one batch each
    // (a request names a partition once), the rounds spread over every Produce version from v7.
    const byPartition = Array.from({ length: PARTITIONS }, (_, p) =>
      records.filter((r) => r.partition === p),
    );
    const rounds = Math.ceil(byPartition[0]!.length / PER_BATCH);
    let raw = 0;
    let compressed = 0;
    for (let round = 0; round < rounds; round++) {
      const version = FIRST_ZSTD_PRODUCE + (round % (maxProduce - FIRST_ZSTD_PRODUCE + 1));
      const group = byPartition
        .map((mine, index) => ({
          index,
          records: mine.slice(round * PER_BATCH, (round + 1) * PER_BATCH),
        }))
        .filter((g) => g.records.length > 0);
      const encoded = await Promise.all(
        group.map(async (g) => ({ index: g.index, records: await zstdBatch(g.records) })),
      );
      for (const [k, e] of encoded.entries()) {
        // The batch as sent: compression id 4 in the attributes, records section compressed.
        const batch = decodeRecordBatch(e.records);
        assert.equal(batch.attributes & 0x07, 4);
        assert.equal(batch.compression, CompressionCodec.Zstd);
        const section = await zstd.decompress(batch.recordsSection);
        assert.equal(
          decodeRecords(section, batch.recordCount, batch.baseTimestamp).length,
          group[k]!.records.length,
        );
        raw += section.length;
        compressed += batch.recordsSection.length;
      }
      const res = await produce(version, encoded);
      for (const t of res.responses) {
        for (const p of t.partitionResponses) {
          assert.equal(
            p.errorCode,
            0,
            `v${version} partition ${p.index}: ${errorName(p.errorCode)}`,
          );
        }
      }
    }
    assert.ok(compressed < raw / 3, `zstd shrank ${raw} bytes of records to ${compressed}`);

    const landed = await consume(topic, { max: RECORDS, timeoutMs: 30_000 });
    assert.equal(landed.length, RECORDS);
    const bySeq = new Map(records.map((r, i) => [String(i), r]));
    for (const got of landed) {
      const seq = got.headers.find(([k]) => k === "seq")?.[1] ?? "";
      const want = bySeq.get(seq);
      assert.ok(want, `unexpected record with seq ${seq}`);
      bySeq.delete(seq);
      assert.equal(got.partition, want.partition);
      assert.equal(got.keyBase64, b64(want.key));
      assert.equal(got.valueBase64, b64(want.value), `seq ${seq}: value`);
      assert.deepEqual(
        got.headersBase64,
        (want.headers ?? []).map((h) => [h.key, b64(h.value)]),
        `seq ${seq}: headers`,
      );
      assert.equal(got.timestamp, want.timestamp);
    }
    assert.equal(bySeq.size, 0, "every record landed once");
  });
});
