// The files a broker reads: ports, replication and SASL settings, and safe properties syntax.
import assert from "node:assert/strict";
import { test } from "node:test";
import {
  bootstrapOf,
  clusterSpec,
  randomClusterId,
  scramFormatArgs,
  serverProperties,
  toProperties,
} from "../config.mjs";

function parse(text: string): Map<string, string> {
  const map = new Map<string, string>();
  for (const line of text.split("\n")) {
    if (!line) continue;
    const eq = line.indexOf("=");
    assert.ok(!map.has(line.slice(0, eq)), `duplicate key in ${line}`);
    map.set(line.slice(0, eq), line.slice(eq + 1));
  }
  return map;
}

test("the single node listens on 9092 with controller 9093 and replication 1", () => {
  const spec = clusterSpec(1);
  const node = spec.nodes[0]!;
  const props = parse(serverProperties(spec, node, false));
  assert.equal(props.get("listeners"), "PLAINTEXT://127.0.0.1:9092,CONTROLLER://127.0.0.1:9093");
  assert.equal(props.get("controller.quorum.voters"), "1@127.0.0.1:9093");
  assert.equal(props.get("offsets.topic.replication.factor"), "1");
  assert.equal(props.get("share.coordinator.state.topic.min.isr"), "1");
  assert.equal(props.get("auto.create.topics.enable"), "false");
  assert.equal(props.get("log.cleaner.dedupe.buffer.size"), String(16 * 1024 * 1024));
  assert.equal(props.has("sasl.enabled.mechanisms"), false);
  assert.equal(bootstrapOf(spec), "127.0.0.1:9092");
});

test("three nodes share one voter list and replicate 3 ways with min ISR 2", () => {
  const spec = clusterSpec(3);
  assert.equal(bootstrapOf(spec), "127.0.0.1:19092,127.0.0.1:19192,127.0.0.1:19292");
  for (const node of spec.nodes) {
    const props = parse(serverProperties(spec, node, true));
    assert.equal(props.get("node.id"), String(node.id));
    assert.equal(
      props.get("controller.quorum.voters"),
      "1@127.0.0.1:19093,2@127.0.0.1:19193,3@127.0.0.1:19293",
    );
    assert.equal(props.get("default.replication.factor"), "3");
    assert.equal(props.get("min.insync.replicas"), "2");
    assert.equal(props.get("transaction.state.log.min.isr"), "2");
    assert.equal(props.get("broker.session.timeout.ms"), "4000");
    assert.match(
      props.get("listeners") ?? "",
      new RegExp(`SASL_PLAINTEXT://127.0.0.1:${node.saslPort},SSL://127.0.0.1:${node.sslPort},`),
    );
  }
  assert.deepEqual(
    spec.nodes.map((n) => n.saslPort),
    [19094, 19194, 19294],
  );
  assert.equal(bootstrapOf(spec, "SASL_SSL"), "127.0.0.1:19096,127.0.0.1:19196,127.0.0.1:19296");
});

test("with SASL the node also opens SSL and SASL_SSL, with a PEM keystore, and no client certificates", () => {
  const spec = clusterSpec(1);
  const props = parse(serverProperties(spec, spec.nodes[0]!, true));
  assert.equal(
    props.get("listeners"),
    "PLAINTEXT://127.0.0.1:9092,CONTROLLER://127.0.0.1:9093,SASL_PLAINTEXT://127.0.0.1:9094,SSL://127.0.0.1:9095,SASL_SSL://127.0.0.1:9096",
  );
  assert.match(props.get("listener.security.protocol.map") ?? "", /,SSL:SSL,SASL_SSL:SASL_SSL$/);
  assert.equal(props.get("ssl.keystore.type"), "PEM");
  assert.match(
    props.get("ssl.keystore.location") ?? "",
    /\/\.kafka\/single\/tls\/broker-keystore\.pem$/,
  );
  assert.equal(props.has("ssl.client.auth"), false);
  assert.equal(bootstrapOf(spec, "SSL"), "127.0.0.1:9095");
  const plain = parse(serverProperties(spec, spec.nodes[0]!, false));
  assert.equal(plain.get("listeners"), "PLAINTEXT://127.0.0.1:9092,CONTROLLER://127.0.0.1:9093");
  assert.equal(plain.has("ssl.keystore.location"), false);
});

test("SASL enables PLAIN and both SCRAMs for the documented users", () => {
  const spec = clusterSpec(1);
  const props = parse(serverProperties(spec, spec.nodes[0]!, true));
  assert.equal(props.get("sasl.enabled.mechanisms"), "PLAIN,SCRAM-SHA-256,SCRAM-SHA-512");
  assert.match(
    props.get("listener.name.sasl_plaintext.plain.sasl.jaas.config") ?? "",
    /PlainLoginModule required user_alice="alice-secret" user_bob="bob-secret" user_gateway="[^"]+";$/,
  );
  // SASL_SSL knows the same users as SASL_PLAINTEXT.
  assert.equal(
    props.get("listener.name.sasl_ssl.plain.sasl.jaas.config"),
    props.get("listener.name.sasl_plaintext.plain.sasl.jaas.config"),
  );
  assert.deepEqual(scramFormatArgs().slice(0, 2), [
    "--add-scram",
    "SCRAM-SHA-256=[name=alice,password=alice-secret]",
  ]);
});

test("property values cannot break out of their line", () => {
  assert.equal(
    toProperties([
      ["a", "x\ny"],
      ["b", "c:\\d"],
      ["c", " lead"],
    ]),
    "a=x\\ny\nb=c:\\\\d\nc=\\ lead\n",
  );
});

test("cluster ids look like Kafka's: 22 base64url characters, never a leading dash", () => {
  for (let i = 0; i < 200; i++) assert.match(randomClusterId(), /^[A-Za-z0-9_][A-Za-z0-9_-]{21}$/);
});
