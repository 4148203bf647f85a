import assert from "node:assert/strict";
import { connect, createServer, type Server, type Socket } from "node:net";
import { describe, it } from "node:test";
import {
  createProducer,
  type DeliveryReceipt,
  nodeTcp,
  type TransportConnector,
} from "../../src/node.js";
import { bootstrapServers, byPartition, consume, withTopic } from "./support.js";

/**
 * A TCP relay in front of the real broker that the test can cut: every client connection is
 * piped to the broker, and cut() resets them all at once, as a network failure would.
 */
async function startRelay(target: { host: string; port: number }) {
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const upstream = connect(target);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on("close", () => sockets.delete(s));
      s.on("error", () => undefined);
    }
    client.pipe(upstream);
    upstream.pipe(client);
    client.on("close", () => upstream.destroy());
    upstream.on("close", () => client.destroy());
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as { port: number };
  return {
    port,
    /** Resets every relayed connection (RST toward the producer). */
    cut(): number {
      const n = sockets.size;
      for (const s of sockets) s.resetAndDestroy();
      return n;
    },
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise((r) => server.close(r));
    },
  };
}

/** Record counts after which the relay cuts every connection (at the next in-flight moment). */
const CUT_AFTER = [5_000, 12_000, 19_000];

describe("a connection cut mid-stream", () => {
  it("loses nothing and duplicates nothing: every record lands exactly once, in order per partition", async () => {
    const [host, port] = bootstrapServers().split(":") as [string, string];
    const relay = await startRelay({ host, port: Number(port) });
    // Every broker address (bootstrap and advertised) goes through the relay.
    const viaRelay: TransportConnector = {
      name: "tcp-via-relay",
      connect: (_address, handlers, options) =>
        nodeTcp.connect({ host: "127.0.0.1", port: relay.port }, handlers, options),
    };
    try {
      await withTopic("cut", 6, async (topic) => {
        const producer = createProducer({
          bootstrap: `127.0.0.1:${relay.port}`,
          transport: viaRelay,
          acks: "all",
          idempotent: true,
          lingerMs: 2,
          retryBackoffMs: 20,
        });
        const count = 30_000;
        const chunk = 500;
        const receipts: DeliveryReceipt[] = [];
        let cuts = 0;
        for (let i = 0; i < count; i++) {
          let r = producer.produce(topic, { key: `key-${i % 500}`, value: `value-${i}` });
          while (r.errorCode === "QUEUE_FULL") {
            await producer.waitForRoom();
            r = producer.produce(topic, { key: `key-${i % 500}`, value: `value-${i}` });
          }
          receipts.push(r);
          if ((i + 1) % chunk !== 0) continue;
          // Let the sender run between chunks. Past each threshold, cut at the first chunk
          // boundary where requests are unanswered, so every cut lands mid-flight.
          const wantCut = cuts < CUT_AFTER.length && i + 1 >= CUT_AFTER[cuts]!;
          for (let spin = 0; spin < 1000; spin++) {
            await new Promise((res) => setImmediate(res));
            if (!wantCut || producer.stats.snapshot.inFlightRequests > 0) break;
          }
          if (wantCut && producer.stats.snapshot.inFlightRequests > 0 && relay.cut() > 0) cuts++;
        }
        await producer.flush();
        const { retries } = producer.stats.snapshot;
        await producer.close();
        assert.equal(cuts, CUT_AFTER.length, "every cut happened with requests in flight");
        assert.ok(retries > 0, "the cuts made the producer resend batches");
        const failed = receipts.filter((r) => r.success !== true);
        assert.deepEqual(
          failed.slice(0, 3).map((r) => `${r.errorCode}: ${r.errorMessage}`),
          [],
          "every receipt succeeded",
        );

        const landed = await consume(topic, { max: count + 100, timeoutMs: 10_000 });
        const values = landed.map((r) => r.value);
        assert.equal(new Set(values).size, values.length, "no record landed twice");
        assert.equal(landed.length, count, "every record landed");
        for (const [partition, list] of byPartition(landed)) {
          const seq = list.map((r) => Number(r.value!.slice("value-".length)));
          for (let j = 1; j < seq.length; j++) {
            assert.ok(
              seq[j]! > seq[j - 1]!,
              `partition ${partition}: produce order broken at offset ${j}`,
            );
          }
        }
      });
    } finally {
      await relay.close();
    }
  });
});
