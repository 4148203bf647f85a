import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { makeSelfSignedCa } from "../../../../scripts/kafka/tls.mjs";
import { createProducer } from "../../src/node.js";
import type { SaslMechanismName } from "../../src/sasl/sasl-option.js";
import { consume, withTopic } from "./support.js";

/**
 * TLS (node:tls) against the test broker's SSL and SASL_SSL listeners. `npm test` starts Kafka
 * with --sasl, which makes a throw-away CA and a broker certificate for 127.0.0.1, ::1 and
 * localhost (scripts/kafka/tls.mjs). The console consumer reads what landed over PLAINTEXT.
 */
const SSL_BOOTSTRAP = process.env.KAFKA_SSL_BOOTSTRAP ?? "127.0.0.1:9095";
const SASL_SSL_BOOTSTRAP = process.env.KAFKA_SASL_SSL_BOOTSTRAP ?? "127.0.0.1:9096";
const CA_FILE =
  process.env.KAFKA_TLS_CA_FILE ??
  join(import.meta.dirname, "../../../../.kafka/single/tls/ca.pem");
const MECHANISMS: SaslMechanismName[] = ["PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"];

let ca: string;
/** A CA that signed nothing the broker has: made here, at test time. */
let strangerCa: string;
let scratch: string;

before(() => {
  ca = readFileSync(CA_FILE, "utf8");
  scratch = mkdtempSync(join(tmpdir(), "tributary-tls-"));
  makeSelfSignedCa({
    certFile: join(scratch, "stranger.pem"),
    keyFile: join(scratch, "stranger.key"),
    subject: "A CA the broker never met",
  });
  strangerCa = readFileSync(join(scratch, "stranger.pem"), "utf8");
});
after(() => rmSync(scratch, { recursive: true, force: true }));

/** Produces `count` records and checks every receipt, then that the consumer reads exactly them. */
async function produceAndJudge(
  topicPrefix: string,
  options: Record<string, unknown>,
  count = 200,
): Promise<void> {
  await withTopic(topicPrefix, 3, async (topic) => {
    const producer = createProducer({ ...options } as never);
    const receipts = Array.from({ length: count }, (_, i) =>
      producer.produce(topic, { key: `k-${i}`, value: `${topicPrefix}-${i}` }),
    );
    await producer.flush();
    await producer.close();
    for (const r of receipts) assert.equal(r.success, true, `${r.errorCode} ${r.errorMessage}`);
    // One more than produced: the consumer reads everything there, then waits out an idle
    // timeout to show nothing else is. Every record is acknowledged already, so 5 s of quiet
    // is plenty (it was 20 s: 15 s of waiting per test).
    const landed = await consume(topic, { max: count + 1, timeoutMs: 5_000 });
    assert.deepEqual(
      landed.map((r) => r.value).sort(),
      receipts.map((_, i) => `${topicPrefix}-${i}`).sort(),
    );
  });
}

/** Produces to a topic that need not exist and returns the receipts once all failed, with the time taken. */
async function failingReceipts(options: Record<string, unknown>) {
  const producer = createProducer({ maxBlockMs: 60_000, ...options } as never);
  const began = performance.now();
  const receipts = [0, 1, 2].map((i) => producer.produce("tls-never-created", { value: `${i}` }));
  await Promise.allSettled(receipts.map((r) => r.done));
  const ms = performance.now() - began;
  await producer.close();
  return { receipts, ms };
}

describe("TLS against a real broker (SSL and SASL_SSL listeners)", () => {
  it("SSL: with the test CA in tls.ca, records land, read back by the console consumer", async () => {
    await produceAndJudge("tls-ssl", { bootstrap: SSL_BOOTSTRAP, tls: { ca } });
  });

  it("SSL: tls.servername names another host the certificate is for (localhost) and still verifies", async () => {
    await produceAndJudge("tls-servername", {
      bootstrap: SSL_BOOTSTRAP,
      tls: { ca: [ca], servername: "localhost" },
    });
  });

  for (const mechanism of MECHANISMS) {
    it(`SASL_SSL with ${mechanism}: records land`, async () => {
      await produceAndJudge(`tls-sasl-${mechanism.toLowerCase()}`, {
        bootstrap: SASL_SSL_BOOTSTRAP,
        tls: { ca },
        sasl: { mechanism, username: "alice", password: "alice-secret" },
      });
    });
  }

  it("SASL_SSL with a wrong password fails at once with AUTHENTICATION_FAILED naming the mechanism", async () => {
    const { receipts, ms } = await failingReceipts({
      bootstrap: SASL_SSL_BOOTSTRAP,
      tls: { ca },
      sasl: { mechanism: "SCRAM-SHA-256", username: "bob", password: "not-bobs-password" },
    });
    assert.ok(ms < 10_000, `failed after ${Math.round(ms)} ms, not at once (maxBlockMs is 60 s)`);
    for (const r of receipts) {
      assert.equal(r.errorCode, "AUTHENTICATION_FAILED");
      assert.match(r.errorMessage ?? "", /SASL SCRAM-SHA-256 as user "bob"/);
    }
  });

  it("a CA that did not sign the broker's certificate fails every record at once, naming the certificate problem", async () => {
    const { receipts, ms } = await failingReceipts({
      bootstrap: SSL_BOOTSTRAP,
      tls: { ca: strangerCa },
    });
    assert.ok(ms < 10_000, `failed after ${Math.round(ms)} ms, not at once (maxBlockMs is 60 s)`);
    for (const r of receipts) {
      assert.equal(r.errorCode, "CONNECTION_FAILED");
      assert.match(r.errorMessage ?? "", /127\.0\.0\.1:9095 .*TLS: .*certificate/);
      assert.match(r.errorMessage ?? "", /tls\.ca/);
    }
  });

  it("tls: true trusts only the runtime's roots, which do not hold the test CA: refused", async () => {
    const { receipts } = await failingReceipts({ bootstrap: SSL_BOOTSTRAP, tls: true });
    for (const r of receipts) assert.equal(r.errorCode, "CONNECTION_FAILED");
  });

  it("a server name the certificate is not for is refused, and the message says which names it has", async () => {
    const { receipts, ms } = await failingReceipts({
      bootstrap: SSL_BOOTSTRAP,
      tls: { ca, servername: "kafka.example.com" },
    });
    assert.ok(ms < 10_000, `failed after ${Math.round(ms)} ms, not at once`);
    for (const r of receipts) {
      assert.equal(r.errorCode, "CONNECTION_FAILED");
      assert.match(r.errorMessage ?? "", /kafka\.example\.com/);
      assert.match(r.errorMessage ?? "", /DNS:localhost/);
    }
  });

  it("plaintext to the SSL listener fails with a message that says the peer speaks TLS", async () => {
    const { receipts } = await failingReceipts({ bootstrap: SSL_BOOTSTRAP, maxBlockMs: 3_000 });
    for (const r of receipts) assert.match(r.errorMessage ?? "", /the peer speaks TLS/);
  });
});
