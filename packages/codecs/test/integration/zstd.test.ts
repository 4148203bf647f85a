/**
 * zstd against a real broker: batches compressed by our WASM zstd, sent with a hand-built
 * Produce, must come back identical through Kafka's console consumer, i.e. through zstd-jni,
 * the Java decompressor every Kafka client and the broker itself use.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { RecordInput } from "@tributary/protocol";
import { ApiKey, ApiVersionsApi, CLIENT_VERSIONS, negotiateVersions } from "@tributary/protocol";
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
import { assertBatchesAsSent, assertLandedExactly, produceCompressed } from "./kafka-codec.js";

const RECORDS = 10_000;
const PARTITIONS = 3;
const PER_BATCH = 500;
/** KIP-110: zstd batches need Produce v7+; older requests get UNSUPPORTED_COMPRESSION_TYPE. */
const FIRST_ZSTD_PRODUCE = 7;
const text = new TextEncoder();

function telemetryRecords(count: number, base: number): RecordInput[] {
  const random = prng(42);
  return Array.from({ length: count }, (_, i) => ({
    key: text.encode(`session-${(i * 7) % 613}`),
    value: text.encode(telemetryEvent(i, random)),
    headers: [
      { key: "content-type", value: text.encode("application/json") },
      { key: "seq", value: text.encode(String(i)) },
      { key: "trace", value: i % 11 === 0 ? null : Uint8Array.of(i & 0xff, (i >> 8) & 0xff) },
    ],
    timestamp: base + i,
  }));
}

/** The newest Produce version the broker and this client share. */
async function maxProduceVersion(): Promise<number> {
  const conn = await BrokerConnection.open(bootstrapServers());
  try {
    const api = await conn.request(ApiVersionsApi, CLIENT_VERSIONS[ApiKey.ApiVersions].max, {
      clientSoftwareName: "tributary-it",
      clientSoftwareVersion: "0.1.0",
    });
    return negotiateVersions(api).version(ApiKey.Produce);
  } finally {
    conn.close();
  }
}

describe("zstd batches against a real Kafka broker", () => {
  const topic = randomTopicName("zstd");

  before(() => createTopic(topic, { partitions: PARTITIONS }));
  after(() => deleteTopic(topic));

  it("refuses a zstd batch over Produce v6 with UNSUPPORTED_COMPRESSION_TYPE", async () => {
    const v = FIRST_ZSTD_PRODUCE - 1;
    assert.ok(v >= CLIENT_VERSIONS[ApiKey.Produce].min);
    await assert.rejects(
      produceCompressed({
        bootstrap: bootstrapServers(),
        topic,
        partitions: 1,
        records: telemetryRecords(3, Date.now()),
        batchSizes: 3,
        codec: zstd,
        versions: [v],
      }),
      /UNSUPPORTED_COMPRESSION_TYPE/,
    );
  });

  it("10,000 telemetry records with keys and headers, zstd-compressed per batch over every Produce version from v7, read back identical by Kafka's console consumer", async () => {
    const maxProduce = await maxProduceVersion();
    assert.ok(maxProduce >= FIRST_ZSTD_PRODUCE, `broker speaks Produce v${maxProduce}`);
    const versions = Array.from(
      { length: maxProduce - FIRST_ZSTD_PRODUCE + 1 },
      (_, i) => FIRST_ZSTD_PRODUCE + i,
    );
    const sent = await produceCompressed({
      bootstrap: bootstrapServers(),
      topic,
      partitions: PARTITIONS,
      records: telemetryRecords(RECORDS, Date.now()),
      batchSizes: PER_BATCH,
      codec: zstd,
      versions,
    });
    assert.deepEqual([...new Set(sent.map((s) => s.version))].sort(), versions.sort());
    const raw = sent.reduce((n, s) => n + s.sectionBytes, 0);
    const compressed = sent.reduce((n, s) => n + s.batch.length, 0);
    assert.ok(compressed < raw / 3, `zstd shrank ${raw} bytes of records to ${compressed}`);
    await assertBatchesAsSent(sent, zstd);
    assertLandedExactly(await consume(topic, { max: RECORDS, timeoutMs: 30_000 }), sent);
  });
});
