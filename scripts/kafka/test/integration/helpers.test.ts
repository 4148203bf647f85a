// The test helpers against the broker `npm test` starts (KAFKA_BOOTSTRAP, default 127.0.0.1:9092):
// Kafka's own console producer writes, helpers.consume() must show exactly what landed.
import assert from "node:assert/strict";
import { after, test } from "node:test";
import {
  bootstrapServers,
  consume,
  createTopic,
  deleteTopic,
  randomTopicName,
} from "../../helpers.mjs";
import { runTool } from "../../java.mjs";

const topics: string[] = [];
after(async () => {
  for (const t of topics) await deleteTopic(t);
});

async function produceLines(topic: string, lines: string[]): Promise<void> {
  const r = await runTool(
    "org.apache.kafka.tools.ConsoleProducer",
    [
      ...["--bootstrap-server", bootstrapServers(), "--topic", topic],
      ...["--property", "parse.key=true", "--property", "key.separator=|"],
      ...["--property", "parse.headers=true", "--property", "headers.delimiter=#"],
      ...["--property", "headers.separator=,", "--property", "headers.key.separator=:"],
      ...["--property", "null.marker=NULL", "--producer-property", "acks=all"],
    ],
    { input: `${lines.join("\n")}\n` },
  );
  assert.equal(r.code, 0, `console producer failed:\n${r.stdout}${r.stderr}`);
}

test("consume() returns what Kafka's console producer wrote: keys, values, headers, nulls", async () => {
  const topic = randomTopicName("helpers");
  topics.push(topic);
  await createTopic(topic, { partitions: 3, config: { "retention.ms": "600000" } });
  await createTopic(topic, { partitions: 3 }); // exists already: no error

  const keys = ["alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta"];
  await produceLines(topic, [
    ...keys.map((k, i) => `n:${i},lang:ünï©ødé#${k}|value ${i} ✓`),
    "h:NULL#nullvalue|NULL",
    "empty:#alpha|second alpha",
  ]);

  const records = await consume(topic, { max: 10, timeoutMs: 15_000 });
  assert.equal(records.length, 10);

  const first = records.find((r) => r.key === "beta");
  assert.equal(first?.value, "value 1 ✓");
  assert.equal(first?.valueBase64, Buffer.from("value 1 ✓").toString("base64"));
  assert.deepEqual(first?.headers, [
    ["n", "1"],
    ["lang", "ünï©ødé"],
  ]);

  const nullValue = records.find((r) => r.key === "nullvalue");
  assert.equal(nullValue?.value, null);
  assert.equal(nullValue?.valueBase64, null);
  assert.deepEqual(nullValue?.headers, [["h", null]]);
  assert.deepEqual(records.find((r) => r.value === "second alpha")?.headers, [["empty", ""]]);

  // Partitions and offsets are the broker's: one key, one partition; offsets count from 0.
  const alphas = records.filter((r) => r.key === "alpha");
  assert.equal(alphas[0]?.partition, alphas[1]?.partition);
  assert.ok(new Set(records.map((r) => r.partition)).size > 1, "8 keys spread over 3 partitions");
  for (const p of [0, 1, 2]) {
    const offsets = records.filter((r) => r.partition === p).map((r) => r.offset);
    assert.deepEqual(
      offsets,
      offsets.map((_, i) => i),
    );
  }
  assert.ok(records.every((r) => r.topic === topic && r.timestampType === "CreateTime"));
});

test("consume() stops after timeoutMs on an empty topic and returns no records", async () => {
  const topic = randomTopicName("empty");
  topics.push(topic);
  await createTopic(topic);
  const began = Date.now();
  assert.deepEqual(await consume(topic, { timeoutMs: 1000 }), []);
  assert.ok(Date.now() - began < 15_000);
});

test("consume() rejects a topic that does not exist instead of returning nothing", async () => {
  await assert.rejects(
    consume(randomTopicName("missing"), { timeoutMs: 1500 }),
    /topic t-missing-\w+ does not exist/,
  );
});

test("createTopic() rejects what the broker refuses, with the tool's message", async () => {
  await assert.rejects(
    createTopic(randomTopicName("rf"), { replicationFactor: 5 }),
    /replication factor of 5 cannot be reached/i,
  );
});
