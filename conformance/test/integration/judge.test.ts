import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { createProducer, type ProducerMessage } from "@tributary/producer";
import { judgeTopic, type Verdict } from "../../../scripts/conformance/judge.mjs";
import {
  bootstrapServers,
  createTopic,
  deleteTopic,
  randomTopicName,
} from "../../../scripts/kafka/helpers.mjs";
import { addTerm, digestTerm, recordKey, recordValue } from "../../record-layout.mjs";

// The judge must catch every way a cell can land wrong; each cell below breaks one rule.
const RECORDS = 20;
const topic = randomTopicName("conformance-judge");
const CELLS = [
  "good/tcp/none",
  "dup/tcp/none",
  "missing/tcp/none",
  "badkey/tcp/none",
  "badvalue/tcp/none",
  "forced/tcp/none",
];
/** Cells that had to be refused: none of their records may land. */
const REFUSED = ["refused/tcp+tls+untrusted-ca/none", "leaked/tcp+tls+untrusted-ca/none"];
let verdict: Verdict;
let goodDigest = 0;

function message(cell: string, seq: number): ProducerMessage {
  return {
    key: recordKey(seq),
    value: recordValue(cell, seq),
    headers: [
      ["cell", cell],
      ["seq", String(seq)],
    ],
  };
}

before(async () => {
  await createTopic(topic, { partitions: 6 });
  const producer = createProducer({ bootstrap: bootstrapServers() });
  try {
    const sends: Promise<unknown>[] = [];
    const good = Array.from({ length: RECORDS }, (_, seq) =>
      producer.produceAsync(topic, message("good/tcp/none", seq)),
    );
    const goodMeta = await Promise.all(good);
    goodMeta.forEach((m, seq) => {
      goodDigest = addTerm(goodDigest, digestTerm(seq, m.partition, Number(m.offset)));
    });
    for (let seq = 0; seq < RECORDS; seq++) {
      sends.push(producer.produceAsync(topic, message("dup/tcp/none", seq)));
      if (seq === 3) sends.push(producer.produceAsync(topic, message("dup/tcp/none", seq)));
      if (seq !== 19) sends.push(producer.produceAsync(topic, message("missing/tcp/none", seq)));
      const k = message("badkey/tcp/none", seq);
      sends.push(producer.produceAsync(topic, seq === 5 ? { ...k, key: "k-x" } : k));
      const v = message("badvalue/tcp/none", seq);
      sends.push(producer.produceAsync(topic, seq === 2 ? { ...v, value: `${v.value} ` } : v));
      // Key k-0 forced onto another partition than the partitioner chose for "good".
      const f = message("forced/tcp/none", seq);
      const partition = seq === 0 ? ((goodMeta[0]?.partition ?? 0) + 1) % 6 : undefined;
      sends.push(producer.produceAsync(topic, partition === undefined ? f : { ...f, partition }));
    }
    sends.push(producer.produceAsync(topic, message("nobody/tcp/none", 0)));
    sends.push(producer.produceAsync(topic, message("leaked/tcp+tls+untrusted-ca/none", 0)));
    await Promise.all(sends);
  } finally {
    await producer.close();
  }
  verdict = await judgeTopic({
    topic,
    bootstrap: bootstrapServers(),
    cells: [
      ...CELLS.map((name) => ({ name, records: RECORDS })),
      ...REFUSED.map((name) => ({ name, records: 0 })),
    ],
    timeoutMs: 3000,
  });
});

after(() => deleteTopic(topic));

test("a cell that landed intact passes, with the digest its receipts give", () => {
  const good = verdict.cells.get("good/tcp/none");
  assert.deepEqual(good, { landed: RECORDS, digest: goodDigest, problem: undefined });
});

test("the judge catches a duplicate, a missing record, a wrong key and a changed value", () => {
  assert.match(verdict.cells.get("dup/tcp/none")?.problem ?? "", /seq 3 landed twice/);
  assert.match(
    verdict.cells.get("missing/tcp/none")?.problem ?? "",
    /19 of 20 records landed \(first missing seq 19\)/,
  );
  assert.match(
    verdict.cells.get("badkey/tcp/none")?.problem ?? "",
    /seq 5: key "k-x", expected k-5/,
  );
  assert.match(verdict.cells.get("badvalue/tcp/none")?.problem ?? "", /seq 2: the value differs/);
});

test("a cell that had to be refused passes when nothing of it landed, and fails when a record did", () => {
  assert.deepEqual(verdict.cells.get("refused/tcp+tls+untrusted-ca/none"), {
    landed: 0,
    digest: 0,
    problem: undefined,
  });
  assert.match(
    verdict.cells.get("leaked/tcp+tls+untrusted-ca/none")?.problem ?? "",
    /a record landed, though every receipt of this cell had to fail/,
  );
});

test("the judge reports records of no planned cell and a key found on two partitions", () => {
  const problems = verdict.problems.join("\n");
  assert.match(problems, /a record of no planned cell: \[\["cell","nobody\/tcp\/none"\]/);
  assert.match(problems, /key k-0 landed on partitions .*: runtimes disagree on partitioning/);
  const onTopic = 6 * RECORDS + 1 /* dup */ - 1 /* missing */ + 1 /* stray */ + 1 /* leaked */;
  assert.match(
    problems,
    new RegExp(`the topic holds ${onTopic} records; the plan put ${6 * RECORDS} there`),
  );
  assert.equal(verdict.consumed, onTopic, "the read stops at the topic's record count");
});
