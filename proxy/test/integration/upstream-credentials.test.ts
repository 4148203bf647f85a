/**
 * Gateway-held credentials against the real broker: the gateway (the real CLI, as a child
 * process whose stdout and stderr are captured) authenticates each broker connection with its
 * own SASL user, over TLS where asked, while the producer holds only a gateway token. Kafka's
 * console consumer judges what landed. At the end, the canary passwords must appear in none of
 * the gateway's output, its /metrics, nor the broker's log.
 *
 * Listeners (npm test starts Kafka with --sasl): SASL_PLAINTEXT 9094, SSL 9095, SASL_SSL 9096,
 * their certificate signed by the throw-away CA in KAFKA_TLS_CA_FILE.
 */
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { after, before, describe, it } from "node:test";
import { createProducer, type DeliveryReceipt } from "@tributary/producer";
import { ApiVersionsApi, SaslHandshakeApi } from "@tributary/protocol";
import { WebSocket } from "ws";
import { clusterSpec, nodeFiles } from "../../../scripts/kafka/config.mjs";
import {
  consume,
  createTopic,
  deleteTopic,
  randomTopicName,
} from "../../../scripts/kafka/helpers.mjs";
import { type TlsScratch, tlsScratch } from "../tls-fixtures.js";
import {
  AS_GATEWAY_OVER_TLS,
  CA_FILE,
  type GatewayProcess,
  startGatewayProcess,
} from "./gateway-process.js";
import { httpGet, WsKafka } from "./gateway-support.js";

const SASL_PLAINTEXT = process.env.KAFKA_SASL_BOOTSTRAP ?? "127.0.0.1:9094";
const SSL = process.env.KAFKA_SSL_BOOTSTRAP ?? "127.0.0.1:9095";
const SASL_SSL = process.env.KAFKA_SASL_SSL_BOOTSTRAP ?? "127.0.0.1:9096";
const BROKER_LOG = nodeFiles(clusterSpec(1).nodes[0]!).serverLog;

const TOKEN = "gwcred-client-token-3f9a6c1e";
/** The broker's password for user "gateway" (scripts/kafka/config.mjs): must never show. */
const GATEWAY_CANARY = "gw-canary-Q4mT8zR2";
/** A wrong password for the refusal test: must never show either. */
const WRONG_CANARY = "gw-wrong-canary-Lp7Vx3Qe";
const RECORDS = 50;
/** How long a client may take to give up when the gateway cannot reach Kafka. */
const FAIL_BOUND_MS = 15_000;

type Mechanism = "PLAIN" | "SCRAM-SHA-256" | "SCRAM-SHA-512";

/** Everything every gateway of this file wrote, and every /metrics page it served. */
const captured: string[] = [];
const gateways: GatewayProcess[] = [];
const topics: string[] = [];

async function gateway(
  bootstrap: string,
  args: readonly string[],
  password?: string,
): Promise<GatewayProcess> {
  const gw = await startGatewayProcess(
    [
      "--bootstrap",
      bootstrap,
      "--allow-topics",
      "t-gwcred-*",
      "--token",
      TOKEN,
      "--log-level",
      "debug",
      "--connect-timeout-ms",
      "5000",
      "--shutdown-grace-ms",
      "200",
      ...args,
    ],
    // The way the README recommends: the password in the environment, not in argv.
    password === undefined ? {} : { TRIBUTARY_PROXY_UPSTREAM_SASL_PASSWORD: password },
  );
  gateways.push(gw);
  return gw;
}

async function finish(gw: GatewayProcess): Promise<void> {
  captured.push((await httpGet(gw.port, "/metrics")).body);
  await gw.stop();
  captured.push(gw.stdout(), gw.stderr());
}

async function freshTopic(name: string): Promise<string> {
  const topic = randomTopicName(`gwcred-${name}`);
  topics.push(topic);
  await createTopic(topic, { partitions: 3 });
  return topic;
}

/** Produces RECORDS records through the gateway; every receipt must succeed and land. */
async function produceAndConfirm(gw: GatewayProcess, topic: string): Promise<void> {
  const producer = createProducer({
    bootstrap: gw.wsUrl,
    webSocket: WebSocket,
    gatewayToken: TOKEN,
  });
  const receipts: DeliveryReceipt[] = [];
  for (let i = 0; i < RECORDS; i++) {
    receipts.push(producer.produce(topic, { key: `k-${i}`, value: `${topic}-${i}` }));
  }
  await producer.flush();
  await producer.close();
  for (const r of receipts) assert.equal(r.success, true, `${r.errorCode} ${r.errorMessage}`);
  const landed = await consume(topic, { max: RECORDS, timeoutMs: 20_000 });
  assert.deepEqual(
    landed.map((r) => r.value).sort(),
    receipts.map((_, i) => `${topic}-${i}`).sort(),
  );
}

/** Produces to a topic through a gateway that cannot reach Kafka: every record must fail soon. */
async function produceAndFail(gw: GatewayProcess): Promise<DeliveryReceipt[]> {
  const producer = createProducer({
    bootstrap: gw.wsUrl,
    webSocket: WebSocket,
    gatewayToken: TOKEN,
    maxBlockMs: 3000,
    deliveryTimeoutMs: 3000,
    requestTimeoutMs: 2000,
  });
  const began = performance.now();
  const receipts = [0, 1, 2].map((i) =>
    producer.produce("t-gwcred-never-created", { value: `${i}` }),
  );
  await Promise.allSettled(receipts.map((r) => r.done));
  const ms = performance.now() - began;
  await producer.close();
  assert.ok(ms < FAIL_BOUND_MS, `the records failed after ${Math.round(ms)} ms`);
  for (const r of receipts) assert.equal(r.success, false);
  return receipts;
}

/** The close the gateway gives a client whose session cannot get a broker connection. */
async function closeSeenByClient(gw: GatewayProcess): Promise<{ code: number; reason: string }> {
  const client = await WsKafka.open(gw.wsUrl, { token: TOKEN });
  return client.closed;
}

function eventsNamed(gw: GatewayProcess, name: string): Record<string, unknown>[] {
  return gw.events().filter((e) => e.event === name);
}

describe("the gateway authenticates upstream with its own credentials", () => {
  let scratch: TlsScratch;

  before(() => {
    scratch = tlsScratch();
  });

  after(async () => {
    await Promise.all(gateways.map((g) => g.stop()));
    await Promise.all(topics.map((t) => deleteTopic(t)));
    scratch.remove();
  });

  for (const mechanism of ["PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"] as Mechanism[]) {
    it(`${mechanism} over SASL_PLAINTEXT: a producer holding only a gateway token produces, and the console consumer reads every record`, async () => {
      const gw = await gateway(
        SASL_PLAINTEXT,
        ["--upstream-sasl", mechanism, "--upstream-sasl-username", "alice"],
        "alice-secret",
      );
      await produceAndConfirm(gw, await freshTopic(mechanism.toLowerCase()));
      await finish(gw);
      assert.equal(eventsNamed(gw, "upstream.auth_failed").length, 0);
      assert.ok(
        eventsNamed(gw, "session.open").length > 0,
        "the records went through relayed sessions",
      );
    });
  }

  it("SCRAM-SHA-512 over SASL_SSL with --upstream-tls-ca, as user gateway: records land, the stderr line says so", async () => {
    const gw = await gateway(SASL_SSL, [...AS_GATEWAY_OVER_TLS], GATEWAY_CANARY);
    assert.match(
      gw.stderr(),
      /relaying to 127\.0\.0\.1:9096 \(TLS, SASL SCRAM-SHA-512 as "gateway"\)/,
    );
    await produceAndConfirm(gw, await freshTopic("sasl-ssl"));
    const metrics = (await httpGet(gw.port, "/metrics")).body;
    assert.match(metrics, /tributary_proxy_upstream_errors_total\{kind="auth_failed"\} 0/);
    await finish(gw);
  });

  it("a client's own SaslHandshake stays refused: the gateway's connection is already authenticated", async () => {
    const gw = await gateway(SASL_SSL, [...AS_GATEWAY_OVER_TLS], GATEWAY_CANARY);
    const client = await WsKafka.open(gw.wsUrl, { token: TOKEN });
    // The relay runs on an authenticated connection: ApiVersions is answered…
    const versions = await client.request(ApiVersionsApi, 3, {
      clientSoftwareName: "gwcred-test",
      clientSoftwareVersion: "1",
    });
    assert.equal(versions.errorCode, 0);
    // …and the client's answer is the first frame it sees: none of the gateway's own.
    await assert.rejects(
      client.request(SaslHandshakeApi, 1, { mechanism: "PLAIN" }),
      /closed 1008 .*SaslHandshake/,
    );
    await finish(gw);
  });

  it("--upstream-tls alone to the SSL listener: records land", async () => {
    const gw = await gateway(SSL, ["--upstream-tls", "--upstream-tls-ca", CA_FILE]);
    await produceAndConfirm(gw, await freshTopic("ssl"));
    await finish(gw);
  });

  it("a wrong upstream password: the client's records fail within a bound, its WebSocket closes 1014 naming the mechanism, the log names mechanism and user", async () => {
    const gw = await gateway(
      SASL_PLAINTEXT,
      ["--upstream-sasl", "SCRAM-SHA-256", "--upstream-sasl-username", "gateway"],
      WRONG_CANARY,
    );
    const close = await closeSeenByClient(gw);
    assert.equal(close.code, 1014);
    assert.match(
      close.reason,
      /^the gateway's own SASL SCRAM-SHA-256 credentials were refused by broker 127\.0\.0\.1:9094$/,
    );
    // The receipt carries the gateway's close reason: the user learns why without the log.
    for (const r of await produceAndFail(gw)) {
      assert.match(
        r.errorMessage ?? "",
        /closed the WebSocket with 1014 \(bad gateway\): the gateway's own SASL SCRAM-SHA-256 credentials were refused/,
      );
    }
    const metrics = (await httpGet(gw.port, "/metrics")).body;
    await finish(gw);

    const failures = eventsNamed(gw, "upstream.auth_failed");
    assert.ok(failures.length >= 2, "the metadata connection's and the session's failures");
    for (const e of failures) {
      assert.equal(e.level, "error");
      assert.equal(e.mechanism, "SCRAM-SHA-256");
      assert.equal(e.user, "gateway");
      assert.equal(e.kafkaError, "SASL_AUTHENTICATION_FAILED");
      assert.match(String(e.kafkaMessage), /invalid credentials/);
      assert.match(
        String(e.reason),
        /SASL SCRAM-SHA-256 as user "gateway" to broker 127\.0\.0\.1:9094/,
      );
    }
    assert.ok(
      failures.some((e) => e.during === "metadata"),
      "the directory's failure too",
    );
    assert.ok(
      failures.some((e) => typeof e.session === "string"),
      "a session's failure",
    );
    const counted = Number(/upstream_errors_total\{kind="auth_failed"\} (\d+)/.exec(metrics)?.[1]);
    assert.ok(counted >= 2, `auth_failed counted ${counted} times`);
  });

  it("a CA that did not sign the broker's certificate: a clear TLS error in the log, the client fails within a bound", async () => {
    const wrongCa = scratch.selfSigned("wrong-ca");
    const gw = await gateway(SSL, ["--upstream-tls", "--upstream-tls-ca", wrongCa.certFile]);
    const close = await closeSeenByClient(gw);
    assert.equal(close.code, 1014);
    assert.match(
      close.reason,
      /^TLS to broker 127\.0\.0\.1:9095 failed: its certificate is not signed by a trusted CA \([A-Z_]+\)$/,
    );
    for (const r of await produceAndFail(gw)) {
      assert.match(r.errorMessage ?? "", /TLS to broker 127\.0\.0\.1:9095 failed/);
    }
    await finish(gw);
    const failures = eventsNamed(gw, "upstream.tls_failed");
    assert.ok(failures.length >= 2);
    for (const e of failures) {
      assert.equal(e.level, "error");
      assert.match(
        String(e.code),
        /SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_VERIFY_LEAF_SIGNATURE|UNABLE_TO_GET_ISSUER_CERT/,
      );
      assert.match(String(e.reason), /check --upstream-tls-ca/);
    }
  });

  it("a server name the certificate does not hold: the log says so and points at --upstream-tls-servername", async () => {
    const gw = await gateway(SSL, [
      "--upstream-tls",
      "--upstream-tls-ca",
      CA_FILE,
      "--upstream-tls-servername",
      "kafka.example.org",
    ]);
    const close = await closeSeenByClient(gw);
    assert.equal(close.code, 1014);
    assert.match(
      close.reason,
      /not valid for kafka\.example\.org \(ERR_TLS_CERT_ALTNAME_INVALID\)/,
    );
    await finish(gw);
    const [e] = eventsNamed(gw, "upstream.tls_failed");
    assert.match(String(e?.reason), /check --upstream-tls-servername/);
  });

  it("the canary passwords appear nowhere: not in any gateway's stdout or stderr, /metrics, nor the broker's log", () => {
    assert.ok(gateways.length >= 7, "every gateway above ran");
    const all = captured.join("\n");
    // The capture is real: what the gateways wrote about user "gateway" is in it.
    assert.match(all, /"user":"gateway"/);
    assert.match(all, /SASL SCRAM-SHA-512 as "gateway"/);
    assert.match(all, /tributary_proxy_sessions_total/);
    for (const canary of [GATEWAY_CANARY, WRONG_CANARY]) {
      assert.equal(all.includes(canary), false, `${canary.slice(0, 6)}… in the gateway output`);
    }
    assert.ok(existsSync(BROKER_LOG), `the broker's log is at ${BROKER_LOG}`);
    const brokerLog = readFileSync(BROKER_LOG, "utf8");
    assert.match(brokerLog, /Kafka Server started/, "the broker's log was read");
    for (const canary of [GATEWAY_CANARY, WRONG_CANARY]) {
      assert.equal(brokerLog.includes(canary), false, `${canary.slice(0, 6)}… in the broker log`);
    }
  });
});
