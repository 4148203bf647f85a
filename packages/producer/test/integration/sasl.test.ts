import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { createProducer } from "../../src/node.js";
import type { SaslMechanismName } from "../../src/sasl/sasl-option.js";
import { consume, withTopic } from "./support.js";

/**
 * SASL against the test broker's SASL_PLAINTEXT listener (npm test starts Kafka with --sasl;
 * users from scripts/kafka/config.mjs SASL_USERS, known to all three mechanisms). The console
 * consumer reads what landed through the plaintext listener.
 */
const SASL_BOOTSTRAP = process.env.KAFKA_SASL_BOOTSTRAP ?? "127.0.0.1:9094";
const MECHANISMS: SaslMechanismName[] = ["PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"];
/** A wrong password that must never show up in an error, a receipt or the stats. */
const CANARY = "canary-pw-7Hq2VxK9";

describe("SASL authentication against a real broker", () => {
  for (const mechanism of MECHANISMS) {
    it(`${mechanism}: the right credentials produce, and the console consumer reads exactly what was acknowledged`, async () => {
      await withTopic(`sasl-${mechanism.toLowerCase()}`, 3, async (topic) => {
        const producer = createProducer({
          bootstrap: SASL_BOOTSTRAP,
          sasl: { mechanism, username: "alice", password: "alice-secret" },
        });
        const receipts = Array.from({ length: 200 }, (_, i) =>
          producer.produce(topic, { key: `k-${i}`, value: `${mechanism}-${i}` }),
        );
        await producer.flush();
        await producer.close();
        for (const r of receipts) assert.equal(r.success, true, `${r.errorCode} ${r.errorMessage}`);
        // 201: read all 200, then 5 s of quiet shows there is no extra record (all are acked).
        const landed = await consume(topic, { max: 201, timeoutMs: 5_000 });
        assert.deepEqual(
          landed.map((r) => r.value).sort(),
          receipts.map((_, i) => `${mechanism}-${i}`).sort(),
        );
      });
    });

    it(`${mechanism}: a wrong password fails every record at once with AUTHENTICATION_FAILED naming the mechanism, and the password appears nowhere`, async () => {
      const producer = createProducer({
        bootstrap: SASL_BOOTSTRAP,
        sasl: { mechanism, username: "alice", password: CANARY },
        maxBlockMs: 60_000,
      });
      const began = performance.now();
      const receipts = [0, 1, 2].map((i) =>
        producer.produce("sasl-never-created", { value: `${i}` }),
      );
      await Promise.allSettled(receipts.map((r) => r.done));
      const ms = performance.now() - began;
      await producer.close();
      assert.ok(ms < 10_000, `failed after ${Math.round(ms)} ms, not at once (maxBlockMs is 60 s)`);
      for (const r of receipts) {
        assert.equal(r.errorCode, "AUTHENTICATION_FAILED");
        assert.match(r.errorMessage ?? "", new RegExp(`SASL ${mechanism}`));
        assert.match(r.errorMessage ?? "", /alice/);
        const everything = JSON.stringify({
          receipt: r,
          message: r.errorMessage,
          stack: r.error?.stack,
          cause: String((r.error as { cause?: unknown } | undefined)?.cause),
          stats: producer.stats.snapshot,
          options: producer.options,
        });
        assert.ok(
          !everything.includes(CANARY),
          "the password leaked into an error, receipt, stats or options",
        );
      }
    });
  }
});
