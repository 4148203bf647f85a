import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  decodeRecordBatches,
  decodeRequestFrame,
  FrameSplitter,
  ProduceApi,
} from "@tributary/protocol";
import {
  createProducer,
  type DeliveryReceipt,
  nodeTcp,
  type TransportConnector,
} from "../../src/node.js";
import { bootstrapServers, consume, withTopic } from "./support.js";

const CODECS = [
  ["gzip", 1],
  ["snappy", 2],
  ["lz4", 3],
  ["zstd", 4],
] as const;

/** A TCP transport that also hands every Produce request it writes to `onProduce`. */
function tapping(onProduce: (attributes: number[]) => void): TransportConnector {
  return {
    name: "tcp-tap",
    async connect(address, handlers, options) {
      const t = await nodeTcp.connect(address, handlers, options);
      const splitter = new FrameSplitter();
      return {
        write(bytes) {
          for (const frame of splitter.push(bytes)) {
            if (new DataView(frame.buffer, frame.byteOffset).getInt16(0) !== ProduceApi.apiKey)
              continue;
            const { body } = decodeRequestFrame(ProduceApi, frame);
            const attributes: number[] = [];
            for (const topic of body.topicData) {
              for (const p of topic.partitionData) {
                if (p.records === null) continue;
                for (const b of decodeRecordBatches(p.records)) attributes.push(b.attributes);
              }
            }
            onProduce(attributes);
          }
          return t.write(bytes);
        },
        close: () => t.close(),
      };
    },
  };
}

/** A browser-telemetry-like event: what these codecs are for. */
function telemetry(i: number): string {
  return JSON.stringify({
    event: ["page_view", "click", "scroll", "error"][i % 4],
    ts: 1_795_000_000_000 + i * 37,
    session: `s-${(i * 7919) % 1000}`,
    url: `https://shop.example.com/products/${i % 250}?ref=campaign-${i % 13}`,
    ua: "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0 Safari/537.36",
    viewport: { w: 1280 + (i % 5) * 64, h: 720 },
    props: { position: i % 100, experiment: i % 3 === 0 ? "a" : "b", latencyMs: (i * 13) % 900 },
  });
}

describe("compression through the producer", () => {
  for (const [name, id] of CODECS) {
    it(`${name}: 10,000 telemetry records with keys and headers land identical, in batches marked with codec id ${id}`, async () => {
      await withTopic(`codec-${name}`, 3, async (topic) => {
        const seen: number[] = [];
        const producer = createProducer({
          bootstrap: bootstrapServers(),
          compression: name,
          transport: tapping((attrs) => seen.push(...attrs)),
          lingerMs: 10,
          batchBytes: 256 * 1024,
        });
        const count = 10_000;
        const receipts: DeliveryReceipt[] = [];
        for (let i = 0; i < count; i++) {
          receipts.push(
            producer.produce(topic, {
              key: `user-${i % 400}`,
              value: telemetry(i),
              headers: { "content-type": "application/json", seq: String(i) },
            }),
          );
        }
        await producer.flush();
        const stats = producer.stats.snapshot;
        await producer.close();
        const failed = receipts.filter((r) => !r.success);
        assert.deepEqual(
          failed.slice(0, 2).map((r) => r.errorMessage),
          [],
        );
        assert.ok(seen.length > 0, "Produce requests were seen on the wire");
        for (const a of seen) assert.equal(a & 0x07, id, `batch attributes ${a}`);
        assert.ok(stats.compressionRatio > 2, `compression ratio ${stats.compressionRatio}`);

        const landed = await consume(topic, { max: count, timeoutMs: 20_000 });
        assert.equal(landed.length, count);
        const bySeq = new Map(landed.map((r) => [Number(r.headers[1]![1]), r]));
        for (let i = 0; i < count; i++) {
          const got = bySeq.get(i);
          assert.ok(got, `record ${i} landed`);
          assert.equal(got.key, `user-${i % 400}`);
          assert.equal(got.value, telemetry(i));
          assert.deepEqual(got.headers, [
            ["content-type", "application/json"],
            ["seq", String(i)],
          ]);
          assert.equal(got.partition, receipts[i]!.partition);
          assert.equal(BigInt(got.offset), receipts[i]!.offset);
        }
      });
    });
  }
});
