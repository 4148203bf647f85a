import assert from "node:assert/strict";
import type { ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { closedPort } from "../../../packages/producer/test/net-helpers.js";
import { bundleDriver } from "../../../scripts/conformance/bundle.mjs";
import { spawnTracked, stopChild, tailOf } from "../../../scripts/conformance/children.mjs";
import { endOffsets } from "../../../scripts/conformance/end-offsets.mjs";
import { runtimeBin } from "../../../scripts/conformance/paths.mjs";
import { runtimesNeedInstall } from "../../../scripts/conformance/setup.mjs";
import { writeWorkerdConfig } from "../../../scripts/conformance/workerd-config.mjs";
import {
  bootstrapServers,
  consume,
  createTopic,
  deleteTopic,
  randomTopicName,
} from "../../../scripts/kafka/helpers.mjs";
import type { Settled } from "../../edge/worker.js";

// The Workers edge-function pattern (README.md, "Edge functions"; conformance/edge/worker.ts)
// in real workerd: a Worker answers its request before any record is acknowledged, and
// ctx.waitUntil(producer.flush()) still lands every record, with producers kept at module
// scope and reused by later requests, one request at a time. Kafka's console consumer judges.

const RECORDS = 50;
/** One after another: each waits until the one before has settled, so one producer serves all. */
const IN_SEQUENCE = ["seq-0", "seq-1", "seq-2", "seq-3"];
/** Then overlapping requests, in two bursts: the second reuses the producers of the first. */
const BURST = 6;
const BURSTS = [0, 1].map((b) => Array.from({ length: BURST }, (_, i) => `burst${b}-${i}`));
const START_TIMEOUT_MS = 15_000;
const SETTLE_TIMEOUT_MS = 15_000;

const topic = randomTopicName("edge-workerd");
const run = randomBytes(4).toString("hex");
const workDir = mkdtempSync(join(tmpdir(), "tributary-edge-"));
let workerd: ChildProcess | undefined;
let stderr: () => string = () => "";
let origin = "";

interface Answer {
  request: string;
  producer: number;
  use: number;
  produced: number;
  completedAtResponse: number;
  elapsedMs: number;
}
interface Report {
  made: number;
  idle: number;
  settled: Record<string, Settled>;
}

before(async () => {
  await createTopic(topic, { partitions: 3 });
  const bundle = await bundleDriver({
    target: "workerd",
    outDir: workDir,
    entry: join("conformance", "edge", "worker.ts"),
  });
  // workerd's config needs a port number, not 0: one nothing listens on now.
  const port = await closedPort();
  const config = writeWorkerdConfig({
    dir: workDir,
    main: bundle.main,
    wasm: bundle.wasm,
    port,
    bindings: { KAFKA_BOOTSTRAP: bootstrapServers() },
  });
  const missing = runtimesNeedInstall();
  if (missing !== undefined) {
    throw new Error(
      `workerd is not installed (${missing}): npm test installs it, or run npm run conformance once`,
    );
  }
  workerd = spawnTracked(runtimeBin("workerd"), ["serve", config], { cwd: workDir });
  stderr = tailOf(workerd.stderr);
  tailOf(workerd.stdout);
  origin = `http://127.0.0.1:${port}`;
  const until = Date.now() + START_TIMEOUT_MS;
  for (;;) {
    if (workerd.exitCode !== null) throw new Error(`workerd exited at start:\n${stderr()}`);
    const up = await fetch(`${origin}/report`, { signal: AbortSignal.timeout(2000) }).then(
      (r) => r.ok,
      () => false,
    );
    if (up) break;
    if (Date.now() > until) throw new Error(`workerd did not answer on ${origin}:\n${stderr()}`);
    await sleep(100);
  }
});

after(async () => {
  if (workerd !== undefined) await stopChild(workerd);
  rmSync(workDir, { recursive: true, force: true });
  await deleteTopic(topic).catch(() => undefined);
});

/** Asks the Worker to produce RECORDS records; resolves with its answer and the round trip. */
async function produce(request: string): Promise<Answer & { roundTripMs: number }> {
  const query = new URLSearchParams({ topic, run, request, n: String(RECORDS) });
  const started = performance.now();
  const response = await fetch(`${origin}/produce?${query}`, {
    signal: AbortSignal.timeout(10_000),
  });
  const body = await response.text();
  assert.equal(
    response.status,
    200,
    `the Worker answered ${response.status}: ${body}\n${stderr()}`,
  );
  return { ...(JSON.parse(body) as Answer), roundTripMs: performance.now() - started };
}

/** Polls the Worker's report until these requests' flushes have settled. */
async function settledOf(requests: string[]): Promise<Report> {
  const until = Date.now() + SETTLE_TIMEOUT_MS;
  for (;;) {
    const report = (await (
      await fetch(`${origin}/report`, { signal: AbortSignal.timeout(5000) })
    ).json()) as Report;
    if (requests.every((r) => report.settled[r] !== undefined)) return report;
    if (Date.now() > until) {
      const missing = requests.filter((r) => report.settled[r] === undefined);
      assert.fail(
        `no flush settled within ${SETTLE_TIMEOUT_MS} ms for ${missing.join(", ")} (a hang):\n${stderr()}`,
      );
    }
    await sleep(20);
  }
}

function checkSettled(report: Report, request: string): Settled {
  const s = report.settled[request]!;
  assert.deepEqual(
    { delivered: s.delivered, failed: s.failed, errors: s.errors },
    { delivered: RECORDS, failed: 0, errors: [] },
    `request ${request}`,
  );
  return s;
}

test("a Worker answers at once; waitUntil(flush) lands the records; the producer serves later requests", async (t) => {
  for (const [i, request] of IN_SEQUENCE.entries()) {
    const answer = await produce(request);
    // Nothing was acknowledged when the response was made: the request did not wait for Kafka.
    assert.equal(answer.completedAtResponse, 0, `request ${request}: ${JSON.stringify(answer)}`);
    const settled = checkSettled(await settledOf([request]), request);
    // One producer, reused: each later request runs after the one before has ended, and over
    // a socket of its own, since the one before's socket died with it.
    assert.deepEqual({ producer: answer.producer, use: answer.use }, { producer: 1, use: i + 1 });
    // That socket is recognised before anything is written to it: no request fails, so no
    // batch is retried (without workerd-tcp.ts's usableHere, each reuse retries every batch).
    assert.equal(settled.retries, 0, `request ${request} took the retry path`);
    t.diagnostic(
      `${request}: answered in ${answer.elapsedMs} ms in the Worker (${answer.roundTripMs.toFixed(1)} ms ` +
        `round trip) with 0 of ${RECORDS} acknowledged; all acknowledged ${settled.settledMs} ms after the request began`,
    );
  }
});

test("overlapping requests each borrow a producer of their own, and nothing is lost", async (t) => {
  let made = 0;
  for (const [b, requests] of BURSTS.entries()) {
    const answers = await Promise.all(requests.map(produce));
    for (const a of answers) {
      assert.equal(a.completedAtResponse, 0, `request ${a.request}: ${JSON.stringify(a)}`);
    }
    const report = await settledOf(requests);
    for (const r of requests) assert.equal(checkSettled(report, r).retries, 0, r);
    const producers = [...new Set(answers.map((a) => a.producer))];
    // The requests overlapped: a producer busy with one was not lent to another.
    assert.ok(producers.length > 1, `one producer served the whole burst: ${producers}`);
    // No more producers than requests at once, and the later burst reused earlier ones.
    assert.ok(report.made <= BURST, `${report.made} producers for ${BURST} requests at a time`);
    if (b > 0) {
      assert.ok(
        answers.some((a) => a.producer <= made),
        `burst ${b} made new producers only: ${producers}`,
      );
    }
    made = report.made;
    t.diagnostic(
      `burst ${b}: producers ${producers.join(",")} (uses ${answers.map((a) => a.use).join(",")}); ` +
        `answered in at most ${Math.max(...answers.map((a) => a.elapsedMs))} ms; all acknowledged ` +
        `within ${Math.max(...requests.map((r) => report.settled[r]!.settledMs))} ms`,
    );
  }
});

test("Kafka's console consumer finds every record of every request exactly once", async () => {
  const requests = [...IN_SEQUENCE, ...BURSTS.flat()];
  const expected = requests.length * RECORDS;
  // Idempotent producers leave one offset per record: the end offsets count what landed,
  // duplicates included, without waiting out a consumer timeout.
  const ends = await endOffsets(topic, bootstrapServers());
  const onTopic = [...ends.values()].reduce((sum, end) => sum + end, 0);
  assert.equal(onTopic, expected, "records on the topic");
  const records = await consume(topic, { max: expected, timeoutMs: 10_000 });
  const keys = new Map<string, number>();
  for (const r of records) keys.set(r.key ?? "", (keys.get(r.key ?? "") ?? 0) + 1);
  const wrong: string[] = [];
  for (const request of requests) {
    for (let seq = 0; seq < RECORDS; seq++) {
      const count = keys.get(`${run}/${request}/${seq}`) ?? 0;
      if (count !== 1) wrong.push(`${request}/${seq} x${count}`);
    }
  }
  assert.deepEqual(wrong.slice(0, 10), [], `${wrong.length} records not found exactly once`);
  assert.equal(keys.size, expected);
  for (const r of records) {
    const [, request, seq] = (r.key ?? "").split("/");
    assert.equal(r.value, `${request} ${seq}`, `value of ${r.key}`);
  }
});

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
