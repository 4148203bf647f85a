import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import { ApiKey } from "@tributary/protocol";
import { WebSocket } from "ws";
import { createProducer as createDefaultProducer } from "../src/index.js";
import { createProducer } from "../src/node.js";
import type { DeliveryReceipt } from "../src/receipt.js";
import {
  type FakeGateway,
  type FakeGatewayOptions,
  type GatewayRequest,
  type Refusal,
  startFakeGateway,
} from "./fake-gateway.js";

/**
 * The producer through a (fake) gateway: selecting the WebSocket transport from a ws:// bootstrap,
 * and what happens to records when the gateway refuses a topic. One refused topic must not take
 * the others down: its records fail at once with GATEWAY_REFUSED and the reason, the rest are
 * delivered. The fake gateway (test/fake-gateway.ts) answers like a one-broker cluster.
 */

const gateways: FakeGateway[] = [];
after(async () => {
  await Promise.all(gateways.map((g) => g.close()));
});

async function gateway(options: FakeGatewayOptions = {}): Promise<FakeGateway> {
  const g = await startFakeGateway(options);
  gateways.push(g);
  return g;
}

const REFUSED_BAD: Refusal = { code: 1008, reason: 'topic "bad" is not allowed' };

/** Refuses requests naming topic "bad": on Metadata, on Produce, or both. */
function refuseBad(on: "metadata" | "produce"): (req: GatewayRequest) => Refusal | undefined {
  return (req) => {
    if (!req.topics.includes("bad")) return undefined;
    if (on === "metadata" && req.apiKey === ApiKey.Metadata) return REFUSED_BAD;
    if (on === "produce" && req.apiKey === ApiKey.Produce) return REFUSED_BAD;
    return undefined;
  };
}

/** Waits for every receipt to complete (each has its own deadline in the producer). */
async function settled(receipts: DeliveryReceipt[]): Promise<void> {
  await Promise.allSettled(receipts.map((r) => r.done));
}

const DELIVERY_TIMEOUT_MS = 60_000;
/** "Promptly": far under deliveryTimeoutMs and maxBlockMs. */
const PROMPT_MS = 5_000;

function producerFor(g: FakeGateway, extra: Record<string, unknown> = {}) {
  return createProducer({
    bootstrap: [`${g.origin}/kafka`],
    webSocket: WebSocket,
    lingerMs: 0,
    deliveryTimeoutMs: DELIVERY_TIMEOUT_MS,
    maxBlockMs: DELIVERY_TIMEOUT_MS,
    retryBackoffMs: 20,
    requestTimeoutMs: 5_000,
    ...extra,
  });
}

function assertDelivered(receipts: DeliveryReceipt[]): void {
  for (const r of receipts) {
    assert.equal(r.state, "delivered", `${r.topic}: ${r.errorCode} ${r.errorMessage}`);
    assert.equal(typeof r.offset, "bigint");
  }
}

function assertRefused(receipts: DeliveryReceipt[]): void {
  for (const r of receipts) {
    assert.equal(r.state, "failed");
    assert.equal(r.errorCode, "GATEWAY_REFUSED", r.errorMessage);
    assert.match(
      r.errorMessage ?? "",
      /closed the WebSocket with 1008 \(policy violation\): topic "bad" is not allowed/,
    );
  }
}

describe("producer through a gateway: a refused topic", () => {
  for (const idempotent of [true, false]) {
    const mode = idempotent ? "idempotent" : "acks 1";

    it(`refused on Metadata: its records fail at once, the others are delivered (${mode})`, async () => {
      const g = await gateway({ policy: refuseBad("metadata") });
      const producer = producerFor(g, idempotent ? {} : { acks: 1, idempotent: false });
      const start = performance.now();
      const good: DeliveryReceipt[] = [];
      const bad: DeliveryReceipt[] = [];
      for (let i = 0; i < 20; i++) {
        good.push(producer.produce("good", { value: `g${i}` }));
        bad.push(producer.produce("bad", { value: `b${i}` }));
      }
      await settled([...good, ...bad]);
      const took = performance.now() - start;
      assertDelivered(good);
      assertRefused(bad);
      assert.ok(took < PROMPT_MS, `took ${took} ms`);
      // Later records for either topic behave the same.
      const more = [
        producer.produce("good", { value: "late" }),
        producer.produce("bad", { value: "late" }),
      ];
      await settled(more);
      assertDelivered([more[0]!]);
      assertRefused([more[1]!]);
      await producer.close();
      assert.ok(
        g.requests.every((r) => r.apiKey !== ApiKey.Produce || !r.topics.includes("bad")),
        "no Produce for the refused topic was sent",
      );
    });

    it(`refused on Produce: its batches fail, the others in the same request go again (${mode})`, async () => {
      const g = await gateway({ policy: refuseBad("produce") });
      const producer = producerFor(g, idempotent ? {} : { acks: 1, idempotent: false });
      // Metadata first, so the first Produce request carries both topics.
      await producer.produceAsync("good", { value: "warm-up" });
      await producer.produceAsync("bad", { value: "warm-up" }).catch(() => undefined);
      const start = performance.now();
      const good: DeliveryReceipt[] = [];
      const bad: DeliveryReceipt[] = [];
      for (let i = 0; i < 20; i++) {
        good.push(producer.produce("good", { value: `g${i}` }));
        bad.push(producer.produce("bad", { value: `b${i}` }));
      }
      await settled([...good, ...bad]);
      const took = performance.now() - start;
      assertDelivered(good);
      assertRefused(bad);
      assert.ok(took < PROMPT_MS, `took ${took} ms`);
      assert.ok(
        g.requests.some(
          (r) =>
            r.apiKey === ApiKey.Produce && r.topics.includes("good") && r.topics.includes("bad"),
        ),
        "a refused request carried both topics, so the good batches had to be sent again",
      );
      await producer.close();
    });
  }

  it("a policy refusal naming no topic fails the waiting records with it, promptly", async () => {
    const g = await gateway({
      policy: (req) =>
        req.apiKey === ApiKey.Metadata
          ? { code: 1008, reason: "api Metadata (3) is not allowed" }
          : undefined,
    });
    const producer = producerFor(g);
    const start = performance.now();
    const receipts = [producer.produce("a", { value: "1" }), producer.produce("b", { value: "2" })];
    await settled(receipts);
    for (const r of receipts) {
      assert.equal(r.errorCode, "GATEWAY_REFUSED");
      assert.match(r.errorMessage ?? "", /api Metadata \(3\) is not allowed/);
    }
    assert.ok(performance.now() - start < PROMPT_MS);
    await producer.close();
  });

  it("a gateway refusing InitProducerId fails the records of an idempotent producer with that reason", async () => {
    const g = await gateway({
      policy: (req) =>
        req.apiKey === ApiKey.InitProducerId
          ? { code: 1008, reason: "api InitProducerId (22) is not allowed" }
          : undefined,
    });
    const producer = producerFor(g);
    const start = performance.now();
    const r = producer.produce("good", { value: "1" });
    await settled([r]);
    assert.equal(r.errorCode, "GATEWAY_REFUSED");
    assert.match(r.errorMessage ?? "", /InitProducerId \(22\) is not allowed/);
    assert.ok(performance.now() - start < PROMPT_MS);
    await producer.close();
  });
});

describe("producer through a gateway: choosing and configuring the transport", () => {
  it("a ws:// bootstrap on the Node entry goes over WebSocket, with the token as a subprotocol", async () => {
    const g = await gateway();
    let asked = 0;
    const producer = producerFor(g, { gatewayToken: () => `tok-${++asked}` });
    await producer.produceAsync("t", { value: "v" });
    await producer.close();
    assert.ok(g.upgrades.length >= 1);
    assert.deepEqual(g.upgrades[0], {
      path: "/kafka",
      protocols: ["tributary.v1", "bearer.tok-1"],
    });
    // Brokers from Metadata (127.0.0.1:9092 here) are reached through the gateway, never directly.
    assert.ok(
      g.upgrades.slice(1).every((u) => u.path === "/kafka/127.0.0.1:9092"),
      JSON.stringify(g.upgrades),
    );
    assert.equal(asked, g.upgrades.length, "the token function was asked once per connect");
  });

  it("the default entry uses the runtime's global WebSocket", async () => {
    const g = await gateway();
    const had = Object.getOwnPropertyDescriptor(globalThis, "WebSocket");
    let producer: ReturnType<typeof createDefaultProducer>;
    Object.defineProperty(globalThis, "WebSocket", {
      value: WebSocket,
      configurable: true,
      writable: true,
    });
    try {
      producer = createDefaultProducer({ bootstrap: `${g.origin}/kafka`, lingerMs: 0 });
    } finally {
      if (had === undefined) delete (globalThis as { WebSocket?: unknown }).WebSocket;
      else Object.defineProperty(globalThis, "WebSocket", had);
    }
    const m = await producer.produceAsync("t", { value: "v" });
    assert.equal(typeof m.offset, "bigint");
    await producer.close();
  });

  it("without a global WebSocket (Node 20) and no webSocket option, says what to pass", () => {
    const had = Object.getOwnPropertyDescriptor(globalThis, "WebSocket");
    Object.defineProperty(globalThis, "WebSocket", {
      value: undefined,
      configurable: true,
      writable: true,
    });
    try {
      for (const create of [createProducer, createDefaultProducer]) {
        assert.throws(() => create({ bootstrap: "ws://127.0.0.1:8080/kafka" }), {
          code: "INVALID_ARGUMENT",
          message:
            'webSocket: this runtime has no global WebSocket (Node 20); pass webSocket: WebSocket from the ws package (import { WebSocket } from "ws") to reach the gateway in bootstrap',
        });
      }
    } finally {
      if (had === undefined) delete (globalThis as { WebSocket?: unknown }).WebSocket;
      else Object.defineProperty(globalThis, "WebSocket", had);
    }
  });

  it("a gateway that refuses the token: records fail at once (not after maxBlockMs) with the gateway's answer, never the token", async () => {
    const g = await gateway({ status: 401 });
    const producer = producerFor(g, { gatewayToken: "wrong-token", maxBlockMs: 30_000 });
    const began = performance.now();
    const r = producer.produce("t", { value: "v" });
    await settled([r]);
    assert.ok(performance.now() - began < 5_000, "the same token would be refused again");
    assert.equal(r.errorCode, "CONNECTION_FAILED");
    assert.match(r.errorMessage ?? "", /Unexpected server response: 401.*did not accept the token/);
    assert.match(r.errorMessage ?? "", new RegExp(`WebSocket to ${g.origin}/kafka`));
    assert.ok(!(r.errorMessage ?? "").includes("wrong-token"));
    await producer.close();
  });
});
