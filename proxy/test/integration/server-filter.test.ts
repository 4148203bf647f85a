/**
 * The Kafka-aware filter with the real broker behind the gateway: producer APIs reach it and
 * answer correctly; anything else, and any topic off the allowlist, ends the session with 1008
 * before a byte of it reaches the broker (checked with the bytes-to-broker counter, and with
 * the broker itself: the topic still exists, nothing landed).
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import {
  ApiVersionsApi,
  buildRecordBatch,
  encodeRequestFrame,
  InitProducerIdApi,
  MetadataApi,
  ProduceApi,
  Writer,
  writeRequestHeader,
} from "@tributary/protocol";
import { SignJWT } from "jose";
import { BrokerConnection } from "../../../packages/protocol/test/integration/broker-connection.js";
import {
  consume,
  createTopic,
  deleteTopic,
  randomTopicName,
} from "../../../scripts/kafka/helpers.mjs";
import {
  broker,
  JWT_SECRET,
  metric,
  startGateway,
  type TestGateway,
  WsKafka,
} from "./gateway-support.js";

const TO_BROKER = 'tributary_proxy_bytes_total{direction="to_broker"}';
const text = new TextEncoder();

function apiVersionsFrame(correlationId: number): Uint8Array {
  return encodeRequestFrame(
    ApiVersionsApi,
    3,
    { correlationId, clientId: "gw-test" },
    { clientSoftwareName: "gw-test", clientSoftwareVersion: "1" },
  );
}

/** A DeleteTopics v4 request (flexible: header v2, compact strings), written by hand: the protocol package has no codec for it. */
function deleteTopicsFrame(topic: string): Uint8Array {
  const w = new Writer(128);
  const at = w.skip(4);
  writeRequestHeader(w, 2, { apiKey: 20, apiVersion: 4, correlationId: 7, clientId: "gw-test" });
  w.unsignedVarint(2); // one topic name (compact array: n + 1)
  w.compactString(topic);
  w.int32(30_000);
  w.taggedFields();
  w.setInt32At(at, w.length - 4);
  return w.finish();
}

function produceBody(
  topic: { name?: string; topicId?: string },
  value: string,
  records?: Uint8Array,
) {
  return {
    transactionalId: null,
    acks: -1,
    timeoutMs: 10_000,
    topicData: [
      {
        ...topic,
        partitionData: [
          {
            index: 0,
            records: records ?? buildRecordBatch([{ key: null, value: text.encode(value) }]),
          },
        ],
      },
    ],
  };
}

function sizePrefixOf(n: number): Uint8Array {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setInt32(0, n);
  return b;
}

describe("gateway: requests that pass reach the real broker", () => {
  let topic: string;
  let secret: string;
  let gw: TestGateway;

  before(async () => {
    topic = randomTopicName("gw-filter");
    secret = randomTopicName("secret-filter");
    await Promise.all([
      createTopic(topic, { partitions: 1 }),
      createTopic(secret, { partitions: 1 }),
    ]);
  });
  after(async () => {
    await Promise.all([deleteTopic(topic), deleteTopic(secret)]);
  });

  describe("with one gateway", () => {
    before(async () => {
      gw = await startGateway();
    });
    after(() => gw.close());

    it("ApiVersions, Metadata, InitProducerId and Produce (v9 by name, v13 by id) get the broker's answers", async () => {
      const client = await WsKafka.open(gw.url());
      const versions = await client.request(ApiVersionsApi, 3, {
        clientSoftwareName: "gw-test",
        clientSoftwareVersion: "1",
      });
      assert.equal(versions.errorCode, 0);
      const produceRange = versions.apiKeys.find((k) => k.apiKey === 0);
      assert.ok(produceRange && produceRange.maxVersion >= 13);

      const md = await client.request(MetadataApi, 12, {
        topics: [{ name: topic }],
        allowAutoTopicCreation: false,
      });
      assert.deepEqual(
        md.brokers.map((b) => `${b.host}:${b.port}`),
        [broker().label],
      );
      const t = md.topics[0]!;
      assert.equal(t.errorCode, 0);
      assert.equal(t.name, topic);
      assert.equal(t.partitions.length, 1);

      // A fresh broker may answer COORDINATOR_LOAD_IN_PROGRESS (14) or NOT_AVAILABLE (15) at first: retriable.
      let init = await client.request(InitProducerIdApi, 4, {
        transactionalId: null,
        transactionTimeoutMs: 60_000,
      });
      for (let i = 0; i < 50 && (init.errorCode === 14 || init.errorCode === 15); i++) {
        await new Promise((r) => setTimeout(r, 100));
        init = await client.request(InitProducerIdApi, 4, {
          transactionalId: null,
          transactionTimeoutMs: 60_000,
        });
      }
      assert.equal(init.errorCode, 0);
      assert.ok(init.producerId >= 0n);

      const idempotent = { producerId: init.producerId, producerEpoch: init.producerEpoch };
      const v9 = await client.request(
        ProduceApi,
        9,
        produceBody(
          { name: topic },
          "first",
          buildRecordBatch([{ key: null, value: text.encode("first") }], {
            ...idempotent,
            baseSequence: 0,
          }),
        ),
      );
      assert.equal(v9.responses[0]!.name, topic);
      assert.equal(v9.responses[0]!.partitionResponses[0]!.errorCode, 0);
      assert.equal(v9.responses[0]!.partitionResponses[0]!.baseOffset, 0n);

      // Produce v13 names the topic by id; the gateway looks it up in its own view of the cluster.
      const v13 = await client.request(
        ProduceApi,
        13,
        produceBody(
          { topicId: t.topicId },
          "second",
          buildRecordBatch([{ key: null, value: text.encode("second") }], {
            ...idempotent,
            baseSequence: 1,
          }),
        ),
      );
      assert.equal(v13.responses[0]!.topicId, t.topicId);
      assert.equal(v13.responses[0]!.partitionResponses[0]!.errorCode, 0);
      assert.equal(v13.responses[0]!.partitionResponses[0]!.baseOffset, 1n);
      client.close();
      await client.closed;

      const landed = await consume(topic, { max: 2, timeoutMs: 10_000 });
      assert.deepEqual(
        landed.map((r) => r.value),
        ["first", "second"],
      );
      const m = gw.metrics.render();
      for (const [api, key, n] of [
        ["ApiVersions", 18, 1],
        ["Metadata", 3, 1],
        ["InitProducerId", 22, 1],
        ["Produce", 0, 2],
      ] as const) {
        assert.equal(metric(m, `tributary_proxy_requests_total{api="${api}",key="${key}"}`), n);
      }
    });
  });

  describe("with a fresh gateway per test (exact byte counts)", () => {
    let fresh: TestGateway | undefined;
    after(async () => {
      await fresh?.close();
    });
    async function gateway(overrides = {}): Promise<TestGateway> {
      await fresh?.close();
      fresh = await startGateway(overrides);
      return fresh;
    }

    it("DeleteTopics closes 1008 naming the API; the broker never gets it", async () => {
      const g = await gateway();
      const client = await WsKafka.open(g.url());
      const hello = apiVersionsFrame(1);
      await client.request(ApiVersionsApi, 3, {
        clientSoftwareName: "gw-test",
        clientSoftwareVersion: "1",
      });
      client.send(deleteTopicsFrame(topic));
      assert.deepEqual(await client.closed, {
        code: 1008,
        reason: "api DeleteTopics (20) is not allowed",
      });
      // Only the ApiVersions request went to the broker.
      assert.equal(metric(g.metrics.render(), TO_BROKER), hello.length);
      assert.match(g.metrics.render(), /rejections_total\{reason="api"\} 1/);
      // And the topic is still there.
      const direct = await BrokerConnection.open(broker().label);
      try {
        const md = await direct.request(MetadataApi, 12, {
          topics: [{ name: topic }],
          allowAutoTopicCreation: false,
        });
        assert.equal(md.topics[0]!.errorCode, 0);
      } finally {
        direct.close();
      }
    });

    it("Produce to a topic off the allowlist closes 1008 naming the topic; nothing lands", async () => {
      const g = await gateway();
      const client = await WsKafka.open(g.url());
      client.send(
        encodeRequestFrame(
          ProduceApi,
          9,
          { correlationId: 1, clientId: "gw-test" },
          produceBody({ name: secret }, "leak"),
        ),
      );
      assert.deepEqual(await client.closed, {
        code: 1008,
        reason: `topic ${JSON.stringify(secret)} is not allowed`,
      });
      assert.equal(metric(g.metrics.render(), TO_BROKER), 0);
      assert.match(g.metrics.render(), /rejections_total\{reason="topic"\} 1/);
      assert.deepEqual(await consume(secret, { timeoutMs: 1500 }), []);
    });

    it("Metadata for all topics closes 1008", async () => {
      const g = await gateway();
      const client = await WsKafka.open(g.url());
      client.send(
        encodeRequestFrame(
          MetadataApi,
          12,
          { correlationId: 1, clientId: "gw-test" },
          { topics: null },
        ),
      );
      assert.deepEqual(await client.closed, {
        code: 1008,
        reason: "Metadata for all topics is not allowed",
      });
      assert.equal(metric(g.metrics.render(), TO_BROKER), 0);
    });

    it("Produce v13 with a topic id the cluster does not have closes 1008", async () => {
      const g = await gateway();
      const client = await WsKafka.open(g.url());
      client.send(
        encodeRequestFrame(
          ProduceApi,
          13,
          { correlationId: 1, clientId: "gw-test" },
          produceBody({ topicId: "AAAAAAAAAAAAAAAAAAAAAQ" }, "x"),
        ),
      );
      const { code, reason } = await client.closed;
      assert.equal(code, 1008);
      assert.match(reason, /^topic id "AAAAAAAAAAAAAAAAAAAAAQ" is not known/);
      assert.equal(metric(g.metrics.render(), TO_BROKER), 0);
    });

    for (const size of [-1, 1_048_577]) {
      it(`size prefix ${size} closes 1008 before any byte of that frame reaches the broker`, async () => {
        const g = await gateway();
        const client = await WsKafka.open(g.url());
        const hello = apiVersionsFrame(1);
        await client.request(ApiVersionsApi, 3, {
          clientSoftwareName: "gw-test",
          clientSoftwareVersion: "1",
        });
        // The prefix alone, in its own message: the gateway must decide on these four bytes.
        client.send(sizePrefixOf(size));
        assert.deepEqual(await client.closed, {
          code: 1008,
          reason: `request size ${size} is out of range (max 1048576)`,
        });
        assert.equal(metric(g.metrics.render(), TO_BROKER), hello.length);
        assert.match(g.metrics.render(), /rejections_total\{reason="frame_size"\} 1/);
      });
    }

    it("an oversized prefix followed by body bytes in the same message is refused the same way", async () => {
      const g = await gateway();
      const client = await WsKafka.open(g.url());
      const frame = new Uint8Array(4 + 1000);
      new DataView(frame.buffer).setInt32(0, 2_000_000);
      client.send(frame);
      assert.equal((await client.closed).code, 1008);
      assert.equal(metric(g.metrics.render(), TO_BROKER), 0);
    });

    it("a JWT topics claim narrows the allowlist", async () => {
      const g = await gateway();
      const sign = (topics: string[]) =>
        new SignJWT({ topics })
          .setProtectedHeader({ alg: "HS256" })
          .setAudience("tributary")
          .setSubject("narrow")
          .setExpirationTime("5m")
          .sign(new TextEncoder().encode(JWT_SECRET));
      // Allowed by the gateway (t-gw*) and by this claim: passes.
      const wide = await WsKafka.open(g.url(), { token: await sign([topic]) });
      const ok = await wide.request(MetadataApi, 12, {
        topics: [{ name: topic }],
        allowAutoTopicCreation: false,
      });
      assert.equal(ok.topics[0]!.errorCode, 0);
      wide.close();
      await wide.closed;
      // Allowed by the gateway, not by this claim: refused, named.
      const narrow = await WsKafka.open(g.url(), { token: await sign(["t-gw-other-*"]) });
      narrow.send(
        encodeRequestFrame(
          MetadataApi,
          12,
          { correlationId: 1, clientId: "gw-test" },
          { topics: [{ name: topic }] },
        ),
      );
      assert.deepEqual(await narrow.closed, {
        code: 1008,
        reason: `topic ${JSON.stringify(topic)} is not allowed`,
      });
      // A claim cannot widen the gateway's list: the secret topic stays refused.
      const greedy = await WsKafka.open(g.url(), { token: await sign(["*"]) });
      greedy.send(
        encodeRequestFrame(
          ProduceApi,
          9,
          { correlationId: 1, clientId: "gw-test" },
          produceBody({ name: secret }, "leak"),
        ),
      );
      assert.equal((await greedy.closed).code, 1008);
    });
  });
});
