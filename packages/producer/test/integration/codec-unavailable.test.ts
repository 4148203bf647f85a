import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { createProducer } from "../../src/node.js";
import { bootstrapServers, consume, withTopic } from "./support.js";

describe("a codec that cannot load", () => {
  it("fails the receipts it affects with an error naming the codec and the runtime, while producing without compression goes on", async () => {
    await withTopic("nowasm", 1, async (topic) => {
      // As when a page's CSP blocks WebAssembly: lz4 has not loaded in this process yet.
      const saved = globalThis.WebAssembly;
      Reflect.deleteProperty(globalThis, "WebAssembly");
      try {
        const compressed = createProducer({ bootstrap: bootstrapServers(), compression: "lz4" });
        const plain = createProducer({ bootstrap: bootstrapServers() });
        const lost = Array.from({ length: 20 }, (_, i) =>
          compressed.produce(topic, { value: `lz4-${i}` }),
        );
        const kept = Array.from({ length: 20 }, (_, i) =>
          plain.produce(topic, { value: `plain-${i}` }),
        );
        await compressed.close();
        await plain.close();
        for (const r of lost) {
          assert.equal(r.success, false);
          assert.equal(r.errorCode, "CODEC_UNAVAILABLE");
          assert.match(r.errorMessage ?? "", /^lz4: .*WebAssembly.*node \d+/);
        }
        assert.ok(kept.every((r) => r.success === true));
      } finally {
        Object.assign(globalThis, { WebAssembly: saved });
      }
      const landed = await consume(topic, { max: 20, timeoutMs: 10_000 });
      assert.deepEqual(
        landed.map((r) => r.value),
        Array.from({ length: 20 }, (_, i) => `plain-${i}`),
      );
    });
  });
});
