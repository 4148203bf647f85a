import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import {
  bootstrapServers,
  consume,
  createTopic,
  deleteTopic,
  randomTopicName,
} from "../../../../scripts/kafka/helpers.mjs";
import {
  ApiKey,
  ApiVersionsApi,
  buildRecordBatch,
  CLIENT_VERSIONS,
  errorName,
  InitProducerIdApi,
  isRetriableCode,
  kafkaErrorFromCode,
  MetadataApi,
  type MetadataResponse,
  type NegotiatedVersions,
  negotiateVersions,
  ProduceApi,
  type ProduceResponsePartition,
  type RecordInput,
  type Uuid,
} from "../../src/index.js";
import { BrokerConnection } from "./broker-connection.js";

const PARTITIONS = 6;
const RECORDS = 1000;
const text = new TextEncoder();
const b64 = (bytes: Uint8Array | null) =>
  bytes === null ? null : Buffer.from(bytes).toString("base64");

/** Record i: a UTF-8 key, a JSON value (binary for every tenth) and two headers, one null. */
function makeRecord(i: number, baseTimestamp: number): RecordInput & { partition: number } {
  const value =
    i % 10 === 0
      ? Uint8Array.from({ length: 32 }, (_, j) => (i * 31 + j * 7) & 0xff)
      : text.encode(JSON.stringify({ i, event: "click", note: "héllo ✓" }));
  return {
    partition: i % PARTITIONS,
    key: text.encode(`key-${i}`),
    value,
    headers: [
      { key: "index", value: text.encode(String(i)) },
      { key: "trace-ü", value: i % 7 === 0 ? null : Uint8Array.of(0, 1, i & 0xff) },
    ],
    timestamp: baseTimestamp + i,
  };
}

describe("@tributary/protocol against a real Kafka broker", () => {
  const bootstrap = bootstrapServers();
  const topic = randomTopicName("protocol");
  let conn: BrokerConnection;
  let versions: NegotiatedVersions;

  before(async () => {
    await createTopic(topic, { partitions: PARTITIONS });
    conn = await BrokerConnection.open(bootstrap);
  });

  after(async () => {
    conn?.close();
    await deleteTopic(topic);
  });

  /** Metadata for our topic; a just-created topic can take a moment to get leaders. */
  async function metadata(version: number): Promise<MetadataResponse> {
    const deadline = Date.now() + 15_000;
    for (;;) {
      const res = await conn.request(MetadataApi, version, {
        topics: [{ name: topic }],
        ...(version >= 4 ? { allowAutoTopicCreation: false } : {}),
      });
      const t = res.topics[0];
      const ready = t?.errorCode === 0 && t.partitions.every((p) => p.leaderId >= 0);
      if (ready || Date.now() > deadline) return res;
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  it("negotiates the highest version both sides speak from the broker's ApiVersions", async () => {
    const v = CLIENT_VERSIONS[ApiKey.ApiVersions].max;
    const res = await conn.request(ApiVersionsApi, v, {
      clientSoftwareName: "tributary-it",
      clientSoftwareVersion: "0.1.0",
    });
    assert.equal(res.errorCode, 0);
    versions = negotiateVersions(res);
    const broker = new Map(res.apiKeys.map((k) => [k.apiKey, k]));
    for (const key of Object.values(ApiKey)) {
      const ours = CLIENT_VERSIONS[key];
      const theirs = broker.get(key);
      assert.ok(theirs, `broker offers API ${key}`);
      assert.equal(versions.version(key), Math.min(ours.max, theirs.maxVersion));
    }
    // Kafka 4.1 speaks Produce up to v13 and Metadata up to v13: both flexible.
    assert.ok(versions.version(ApiKey.Produce) >= 9);
    assert.ok(versions.version(ApiKey.Metadata) >= 9);
  });

  it("reads Metadata at every version from v1 to the negotiated one: 6 partitions with leaders", async () => {
    const max = versions.version(ApiKey.Metadata);
    for (let v = CLIENT_VERSIONS[ApiKey.Metadata].min; v <= max; v++) {
      const res = await metadata(v);
      const [host, port] = bootstrap.split(":");
      assert.ok(
        res.brokers.some((b) => b.host === host && b.port === Number(port)),
        `v${v}: the bootstrap broker is among the brokers`,
      );
      const t = res.topics[0]!;
      assert.equal(t.errorCode, 0, `v${v}: topic error`);
      assert.equal(t.name, topic);
      assert.equal(t.partitions.length, PARTITIONS, `v${v}: partition count`);
      const brokerIds = new Set(res.brokers.map((b) => b.nodeId));
      for (const p of t.partitions) assert.ok(brokerIds.has(p.leaderId), `v${v}: leader known`);
      if (v >= 10) assert.notEqual(t.topicId, "AAAAAAAAAAAAAAAAAAAAAA", `v${v}: topic id`);
      if (v >= 2) assert.ok(res.clusterId, `v${v}: cluster id`);
    }
  });

  const initProducerId = () =>
    conn.request(InitProducerIdApi, versions.version(ApiKey.InitProducerId), {
      transactionalId: null,
      transactionTimeoutMs: 60_000,
    });

  it("1,000 keyed records with headers, sent idempotently with every Produce version, are exactly what Kafka's console consumer reads", async () => {
    const meta = await metadata(versions.version(ApiKey.Metadata));
    const topicId: Uuid = meta.topics[0]!.topicId;

    // A broker that has just started answers retriable errors (e.g. COORDINATOR_LOAD_IN_PROGRESS)
    // until its producer-id manager is ready; retry those, as a client must, within a bound.
    const deadline = Date.now() + 30_000;
    let init = await initProducerId();
    while (init.errorCode !== 0 && isRetriableCode(init.errorCode) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 250));
      init = await initProducerId();
    }
    assert.equal(init.errorCode, 0, errorName(init.errorCode));
    assert.ok(init.producerId >= 0n);

    const base = Date.now();
    const records = Array.from({ length: RECORDS }, (_, i) => makeRecord(i, base));

    // Spread the records over one Produce request per version, v3 up to the negotiated one.
    const minProduce = CLIENT_VERSIONS[ApiKey.Produce].min;
    const maxProduce = versions.version(ApiKey.Produce);
    const produceVersions = maxProduce - minProduce + 1;
    const perRequest = Math.ceil(RECORDS / produceVersions);
    const nextSequence = new Array<number>(PARTITIONS).fill(0);

    for (let v = minProduce; v <= maxProduce; v++) {
      const chunk = records.slice((v - minProduce) * perRequest, (v - minProduce + 1) * perRequest);
      if (chunk.length === 0) continue;
      const byPartition = new Map<number, RecordInput[]>();
      for (const r of chunk)
        byPartition.set(r.partition, [...(byPartition.get(r.partition) ?? []), r]);

      const partitionData = [...byPartition].map(([index, rs]) => {
        const records = buildRecordBatch(rs, {
          producerId: init.producerId,
          producerEpoch: init.producerEpoch,
          baseSequence: nextSequence[index]!,
        });
        return { index, records, count: rs.length };
      });
      const res = await conn.request(ProduceApi, v, {
        transactionalId: null,
        acks: -1,
        timeoutMs: 30_000,
        topicData: [
          {
            // v13 names topics by id only; earlier versions by name.
            ...(v >= 13 ? { topicId } : { name: topic }),
            partitionData: partitionData.map(({ index, records }) => ({ index, records })),
          },
        ],
      });
      const answered = new Map<number, ProduceResponsePartition>();
      for (const t of res.responses) {
        if (v >= 13) assert.equal(t.topicId, topicId);
        else assert.equal(t.name, topic);
        for (const p of t.partitionResponses) answered.set(p.index, p);
      }
      for (const { index, count } of partitionData) {
        const p = answered.get(index);
        assert.ok(p, `v${v}: an answer for partition ${index}`);
        assert.equal(p.errorCode, 0, `v${v} partition ${index}: ${p.errorMessage}`);
        // Offsets are dense per partition: this batch starts where the last one ended.
        assert.equal(p.baseOffset, BigInt(nextSequence[index]!), `v${v} partition ${index}`);
        nextSequence[index]! += count;
      }
    }

    const landed = await consume(topic, { max: RECORDS, timeoutMs: 20_000 });
    assert.equal(landed.length, RECORDS);
    const expected = new Map(records.map((r, i) => [`key-${i}`, { r, i }]));
    const lastIndexPerPartition = new Array<number>(PARTITIONS).fill(-1);
    const lastOffsetPerPartition = new Array<number>(PARTITIONS).fill(-1);
    for (const got of landed) {
      const want = expected.get(got.key ?? "");
      assert.ok(want, `unexpected key ${got.key}`);
      expected.delete(got.key ?? "");
      const { r, i } = want;
      assert.equal(got.partition, r.partition, `${got.key}: partition`);
      assert.equal(got.keyBase64, b64(r.key));
      assert.equal(got.valueBase64, b64(r.value), `${got.key}: value`);
      assert.deepEqual(
        got.headersBase64,
        (r.headers ?? []).map((h) => [h.key, b64(h.value)]),
        `${got.key}: headers`,
      );
      assert.equal(got.timestamp, r.timestamp);
      // Produce order is kept within each partition.
      assert.ok(i > lastIndexPerPartition[got.partition]!, `${got.key}: order in partition`);
      assert.ok(got.offset > lastOffsetPerPartition[got.partition]!);
      lastIndexPerPartition[got.partition] = i;
      lastOffsetPerPartition[got.partition] = got.offset;
    }
    assert.equal(expected.size, 0, "every record landed");
  });

  it("a batch with a corrupted CRC is refused with CORRUPT_MESSAGE, named and retriable, and nothing is written", async () => {
    const crcTopic = randomTopicName("crc");
    await createTopic(crcTopic, { partitions: 1 });
    try {
      const v = versions.version(ApiKey.Produce);
      const meta = await conn.request(MetadataApi, versions.version(ApiKey.Metadata), {
        topics: [{ name: crcTopic }],
        allowAutoTopicCreation: false,
      });
      const topicId = meta.topics[0]!.topicId;
      const topicRef = v >= 13 ? { topicId } : { name: crcTopic };
      const send = (records: Uint8Array) =>
        conn.request(ProduceApi, v, {
          transactionalId: null,
          acks: 1,
          timeoutMs: 30_000,
          topicData: [{ ...topicRef, partitionData: [{ index: 0, records }] }],
        });

      const good = buildRecordBatch([{ key: null, value: text.encode("intact") }]);
      const bad = good.slice();
      bad[bad.length - 1]! ^= 0xff; // flip the last value byte, after the CRC was computed

      const refused = (await send(bad)).responses[0]!.partitionResponses[0]!;
      assert.equal(refused.errorCode, 2);
      const err = kafkaErrorFromCode(refused.errorCode, { topic: crcTopic, partition: 0 });
      assert.equal(err.code, "CORRUPT_MESSAGE");
      assert.equal(err.kafkaCode, 2);
      assert.equal(err.retriable, true);

      // The corrupt batch took no offset: the next good batch is the first in the log.
      const accepted = (await send(good)).responses[0]!.partitionResponses[0]!;
      assert.equal(accepted.errorCode, 0);
      assert.equal(accepted.baseOffset, 0n);
    } finally {
      await deleteTopic(crcTopic);
    }
  });
});
