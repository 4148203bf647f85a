import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import {
  ApiKey,
  buildRecordBatch,
  MetadataApi,
  type MetadataResponse,
  ProduceApi,
  type ProduceRequest,
  type Uuid,
} from "@tributary/protocol";
import {
  bootstrapServers,
  consume,
  createTopic,
  deleteTopic,
  randomTopicName,
} from "../../../../scripts/kafka/helpers.mjs";
import { Connection } from "../../src/connection.js";
import { nodeTcp } from "../../src/transport/node-tcp.js";
import type { BrokerAddress } from "../../src/transport/transport.js";

const text = new TextEncoder();

function bootstrapAddress(): BrokerAddress {
  const first = bootstrapServers().split(",")[0]!;
  const at = first.lastIndexOf(":");
  return { host: first.slice(0, at).replace(/^\[|\]$/g, ""), port: Number(first.slice(at + 1)) };
}

describe("Connection against a real Kafka broker", { timeout: 120_000 }, () => {
  const topic = randomTopicName("conn");
  let conn: Connection;
  let topicId: Uuid;

  before(async () => {
    await createTopic(topic, { partitions: 1 });
    conn = await Connection.open(bootstrapAddress(), {
      connector: nodeTcp,
      clientId: "tributary-conn-it",
      requestTimeoutMs: 30_000,
      connectTimeoutMs: 10_000,
    });
    // A just-created topic can take a moment to get a leader.
    const deadline = Date.now() + 15_000;
    let meta: MetadataResponse;
    for (;;) {
      meta = await conn.request(MetadataApi, {
        topics: [{ name: topic }],
        allowAutoTopicCreation: false,
      });
      const t = meta.topics[0];
      if (
        t?.errorCode === 0 &&
        t.partitions[0]?.leaderId !== undefined &&
        t.partitions[0].leaderId >= 0
      )
        break;
      assert.ok(Date.now() < deadline, `topic ${topic} got no leader in time`);
      await new Promise((r) => setTimeout(r, 200));
    }
    topicId = meta.topics[0]!.topicId;
  });

  after(async () => {
    await conn?.close({ timeoutMs: 5_000 });
    await deleteTopic(topic);
  });

  it("open() negotiates versions with the broker (Produce v9 or later, flexible)", () => {
    assert.ok(conn.isOpen);
    assert.ok(conn.versions.version(ApiKey.Produce) >= 9);
    assert.ok(conn.versions.version(ApiKey.Metadata) >= 9);
    assert.equal(conn.versions.version(ApiKey.ApiVersions), 4);
  });

  it("1,000 pipelined Metadata requests resolve in order, each with its own answer", async (t) => {
    const N = 1000;
    const order: number[] = [];
    const started = performance.now();
    const answers = await Promise.all(
      Array.from({ length: N }, (_, i) => {
        // Every other request asks for a topic that does not exist, named after its index, so
        // each answer can only belong to its own request.
        const name = i % 2 === 0 ? topic : `${topic}-missing-${i}`;
        return conn
          .request(MetadataApi, { topics: [{ name }], allowAutoTopicCreation: false })
          .then((res) => {
            order.push(i);
            return res;
          });
      }),
    );
    const ms = performance.now() - started;
    t.diagnostic(
      `${N} pipelined Metadata requests in ${ms.toFixed(0)} ms (${Math.round((N / ms) * 1000)}/s)`,
    );
    assert.deepEqual(
      order,
      Array.from({ length: N }, (_, i) => i),
      "resolved in order",
    );
    answers.forEach((res, i) => {
      const got = res.topics[0]!;
      if (i % 2 === 0) {
        assert.equal(got.name, topic);
        assert.equal(got.errorCode, 0);
      } else {
        assert.equal(got.name, `${topic}-missing-${i}`);
        assert.equal(got.errorCode, 3, "UNKNOWN_TOPIC_OR_PARTITION");
      }
    });
    assert.equal(conn.inFlight, 0);
  });

  function produceRequest(acks: number, value: string): ProduceRequest {
    return {
      transactionalId: null,
      acks,
      timeoutMs: 10_000,
      topicData: [
        {
          name: topic,
          topicId,
          partitionData: [
            {
              index: 0,
              records: buildRecordBatch([{ key: text.encode("k"), value: text.encode(value) }]),
            },
          ],
        },
      ],
    };
  }

  it("a Produce with acks 1 via request() returns baseOffset 0 for the first batch", async () => {
    const res = await conn.request(ProduceApi, produceRequest(1, "first, acks 1"));
    const p = res.responses[0]!.partitionResponses[0]!;
    assert.equal(p.errorCode, 0, p.errorMessage ?? undefined);
    assert.equal(p.baseOffset, 0n);
  });

  it("a Produce with acks 0 via send() lands, as Kafka's console consumer sees", async () => {
    await conn.send(ProduceApi, produceRequest(0, "second, acks 0"));
    assert.equal(conn.inFlight, 0, "no answer awaited");
    // The connection still pairs later answers correctly after an unanswered request.
    const meta = await conn.request(MetadataApi, {
      topics: [{ name: topic }],
      allowAutoTopicCreation: false,
    });
    assert.equal(meta.topics[0]!.name, topic);
    const landed = await consume(topic, { max: 2, timeoutMs: 15_000 });
    assert.deepEqual(
      landed.map((r) => [r.offset, r.key, r.value]),
      [
        [0, "k", "first, acks 1"],
        [1, "k", "second, acks 0"],
      ],
    );
  });
});
