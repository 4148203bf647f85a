/**
 * End to end: the producer in Node, over WebSocket (the `ws` package, as Node 20 has no global
 * WebSocket), through the gateway, to the real broker; Kafka's console consumer judges what
 * landed.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { createProducer, type DeliveryReceipt } from "@tributary/producer";
import { SignJWT } from "jose";
import { WebSocket } from "ws";
import {
  bootstrapServers,
  consume,
  createTopic,
  deleteTopic,
  randomTopicName,
} from "../../../scripts/kafka/helpers.mjs";
import { createGateway, createLogger, type Gateway, loadConfig, Metrics } from "../../src/index.js";

const JWT_SECRET = "gateway-e2e-secret-0123456789abcdef";
const PARTITIONS = 6;

describe("the producer through the gateway to the real broker", () => {
  let gateway: Gateway;
  let metrics: Metrics;
  let url: string;
  const topics: string[] = [];
  const logs: string[] = [];

  before(async () => {
    const config = loadConfig(
      [
        "--port",
        "0",
        "--bootstrap",
        bootstrapServers(),
        "--allow-topics",
        "t-gw-e2e-*",
        "--jwt-secret",
        JWT_SECRET,
        "--log-level",
        "debug",
      ],
      {},
    );
    metrics = new Metrics();
    gateway = createGateway(config, {
      log: createLogger({
        level: "debug",
        write: (line) => logs.push(line),
        secrets: [JWT_SECRET],
      }),
      metrics,
    });
    const { port } = await gateway.listen();
    url = `ws://127.0.0.1:${port}/kafka`;
  });

  after(async () => {
    await gateway.shutdown();
    await Promise.all(topics.map((t) => deleteTopic(t)));
  });

  async function token(claims: Record<string, unknown> = {}): Promise<string> {
    return new SignJWT(claims)
      .setProtectedHeader({ alg: "HS256" })
      .setAudience("tributary")
      .setSubject("e2e")
      .setIssuedAt()
      .setExpirationTime("10m")
      .sign(new TextEncoder().encode(JWT_SECRET));
  }

  async function freshTopic(prefix: string): Promise<string> {
    const topic = randomTopicName(prefix);
    topics.push(topic);
    await createTopic(topic, { partitions: PARTITIONS });
    return topic;
  }

  it("100,000 keyed records with headers, acks all, idempotent: every receipt succeeds and the console consumer reads exactly these, in order per partition", async () => {
    const topic = await freshTopic("gw-e2e-bulk");
    const jwt = await token();
    const producer = createProducer({
      bootstrap: [url],
      webSocket: WebSocket,
      gatewayToken: jwt,
      acks: "all",
      idempotent: true,
    });
    const count = 100_000;
    const receipts: DeliveryReceipt[] = new Array(count);
    for (let i = 0; i < count; i++) {
      const message = {
        key: `key-${i % 1000}`,
        value: `value-${i}`,
        headers: { seq: String(i) },
      };
      let r = producer.produce(topic, message);
      while (r.errorCode === "QUEUE_FULL") {
        await producer.waitForRoom();
        r = producer.produce(topic, message);
      }
      receipts[i] = r;
    }
    await producer.flush();
    await producer.close();

    const byOffset = new Map<string, number>();
    for (let i = 0; i < count; i++) {
      const r = receipts[i]!;
      assert.equal(r.success, true, `record ${i}: ${r.errorCode} ${r.errorMessage}`);
      const id = `${r.partition}/${r.offset}`;
      assert.ok(!byOffset.has(id), `record ${i}: (partition, offset) ${id} given twice`);
      byOffset.set(id, i);
    }

    const landed = await consume(topic, { max: count, timeoutMs: 60_000 });
    assert.equal(landed.length, count);
    const lastSeq = new Map<number, number>();
    for (const got of landed.sort((a, b) => a.offset - b.offset)) {
      const i = byOffset.get(`${got.partition}/${got.offset}`);
      assert.ok(i !== undefined, `an unknown record at ${got.partition}/${got.offset}`);
      byOffset.delete(`${got.partition}/${got.offset}`);
      assert.equal(got.key, `key-${i % 1000}`);
      assert.equal(got.value, `value-${i}`);
      assert.deepEqual(got.headers, [["seq", String(i)]]);
      assert.ok(i > (lastSeq.get(got.partition) ?? -1), `partition ${got.partition}: order`);
      lastSeq.set(got.partition, i);
    }
    assert.equal(byOffset.size, 0, "every acknowledged record was read back");

    const text = metrics.render();
    assert.match(text, /Produce/, "the gateway counted Produce requests");
    assert.ok(!logs.some((l) => l.includes(jwt)), "the token never appears in the gateway's logs");
  });

  it("a token whose topics claim leaves one topic out: that topic's records fail with GATEWAY_REFUSED naming it, the other topic's records land", async () => {
    const good = await freshTopic("gw-e2e-good");
    const bad = await freshTopic("gw-e2e-bad");
    const producer = createProducer({
      bootstrap: url,
      webSocket: WebSocket,
      gatewayToken: await token({ topics: ["t-gw-e2e-good-*"] }),
    });
    const goodReceipts = Array.from({ length: 200 }, (_, i) =>
      producer.produce(good, { value: `good-${i}` }),
    );
    const badReceipts = Array.from({ length: 5 }, (_, i) =>
      producer.produce(bad, { value: `bad-${i}` }),
    );
    const started = Date.now();
    await producer.flush();
    await producer.close();
    assert.ok(Date.now() - started < 15_000, "the refusal came promptly, not at a timeout");
    for (const r of goodReceipts) assert.equal(r.success, true, `${r.errorCode} ${r.errorMessage}`);
    for (const r of badReceipts) {
      assert.equal(r.success, false);
      assert.equal(r.errorCode, "GATEWAY_REFUSED");
      assert.match(r.errorMessage ?? "", new RegExp(bad));
    }
    assert.equal((await consume(good, { max: 200, timeoutMs: 20_000 })).length, 200);
    assert.equal((await consume(bad, { max: 1, timeoutMs: 5_000 })).length, 0);
  });
});
