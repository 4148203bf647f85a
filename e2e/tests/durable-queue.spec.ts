/**
 * The durable queue in real Chromium: IndexedDB, Web Locks, page lifecycle and the online event
 * are the browser's own. The page (e2e/durable-page.ts) comes from a small HTTP server of the
 * test's own, so that it loads while the gateway is down; the gateway is the real
 * `tributary-proxy`, admitting that page's origin, started and stopped by the tests. (A page
 * fulfilled by Playwright's route() cannot open WebSockets in Chromium: tried.) Kafka's console
 * consumer judges what landed.
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type BrowserContext, expect, type Page, test } from "@playwright/test";
import * as esbuild from "esbuild";
import { closedPort } from "../../packages/producer/test/net-helpers.js";
import { type RunningGateway, startGateway } from "../../scripts/demo/gateway.mjs";
import {
  type ConsumedRecord,
  consume,
  createTopic,
  deleteTopic,
} from "../../scripts/kafka/helpers.mjs";
import type { OpenRequest, PageReceipt, PageStats, ProduceRequest } from "../durable-page.js";
import { PAGE_BUILD, pageEntry } from "../page-bundle.js";
import { UUID_V7 } from "../spec-helpers.js";

const prefix = `durable-e2e-${randomBytes(4).toString("hex")}`;
const topic = `${prefix}-events`;
/** Their own topics, so that reading stops at exactly their records. */
const onlineTopic = `${prefix}-online`;
const trackTopic = `${prefix}-track`;
const crashTopic = `${prefix}-crash`;

test.describe.configure({ mode: "serial", timeout: 90_000 });

let pageScript: string;
let port: number;
let gateway: RunningGateway | undefined;
let context: BrowserContext;
/** The gateway's static folder: empty, since the page is served by Playwright. */
let emptyDir: string;

let pageServer: Server;
/** The page's origin (the test's HTTP server); the gateway admits it with --allow-origin. */
let origin: string;
const wsUrl = () => `ws://127.0.0.1:${port}/kafka`;

async function startOurGateway(): Promise<void> {
  gateway = await startGateway({
    bootstrap: process.env.KAFKA_BOOTSTRAP ?? "127.0.0.1:9092",
    allowTopics: `${prefix}-*`,
    port,
    staticDir: emptyDir,
    allowOrigin: origin,
  });
}

/** A new tab on the page, with the console's errors collected. */
async function openPage(problems: string[] = []): Promise<Page> {
  const page = await context.newPage();
  page.on("pageerror", (e) => problems.push(`uncaught: ${e.message}`));
  await page.goto(`${origin}/durable.html`);
  await expect(page.locator("body")).toHaveAttribute("data-ready", "true");
  return page;
}

const open = (page: Page, r: OpenRequest): Promise<PageStats> =>
  page.evaluate((req) => window.durable.open(req), r);
const produce = (page: Page, r: ProduceRequest): Promise<number> =>
  page.evaluate((req) => window.durable.produce(req), r);
const stats = (page: Page): Promise<PageStats> => page.evaluate(() => window.durable.stats());
const receipts = (page: Page): Promise<PageReceipt[]> =>
  page.evaluate(() => window.durable.receipts());

/** Polls the page's durable stats until `check` holds (bounded by `timeoutMs`). */
async function statsUntil(
  page: Page,
  what: string,
  check: (s: PageStats) => boolean,
  timeoutMs = 30_000,
): Promise<PageStats> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const s = await stats(page);
    if (check(s)) return s;
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${what}: ${JSON.stringify(s)}`);
    await page.waitForTimeout(100);
  }
}

/**
 * The records on `t` whose value starts with `p`: read up to `expected` records (fast: the
 * consumer stops there), and everything if that left some of them out (a duplicate took a place).
 */
async function landedRecords(t: string, p: string, expected: number): Promise<ConsumedRecord[]> {
  const pick = (rs: ConsumedRecord[]) => rs.filter((r) => r.value?.startsWith(`${p}-`));
  let got = pick(await consume(t, { max: expected, timeoutMs: 8_000 }));
  if (new Set(got.map((r) => r.value)).size < expected) {
    got = pick(await consume(t, { timeoutMs: 5_000 }));
  }
  return got;
}

/** Values `${p}-0` … `${p}-${n - 1}`. */
const values = (p: string, n: number) => Array.from({ length: n }, (_, i) => `${p}-${i}`);

test.beforeAll(async ({ browser }) => {
  const built = await esbuild.build({
    ...PAGE_BUILD,
    entryPoints: [pageEntry("durable-page.ts")],
    write: false,
  });
  pageScript = built.outputFiles[0]!.text;
  port = await closedPort();
  emptyDir = mkdtempSync(join(tmpdir(), "tributary-durable-e2e-"));
  await Promise.all([
    createTopic(topic, { partitions: 3 }),
    createTopic(onlineTopic),
    createTopic(trackTopic, { partitions: 3 }),
    createTopic(crashTopic),
  ]);
  const html =
    '<!doctype html><html lang="en"><head><meta charset="utf-8"><link rel="icon" href="data:,">' +
    `<title>durable queue</title></head><body><script type="module">${pageScript}</script></body></html>`;
  pageServer = createServer((req, res) => {
    if (req.url === "/durable.html") res.writeHead(200, { "content-type": "text/html" }).end(html);
    else res.writeHead(404).end();
  });
  await new Promise<void>((r) => pageServer.listen(0, "127.0.0.1", r));
  origin = `http://127.0.0.1:${(pageServer.address() as { port: number }).port}`;
  context = await browser.newContext();
});

test.afterAll(async () => {
  await context?.close();
  await gateway?.stop();
  await new Promise((r) => pageServer?.close(r));
  if (emptyDir) rmSync(emptyDir, { recursive: true, force: true });
  await deleteTopic(`${prefix}-.*`);
});

test("records produced while the gateway is down survive a reload and are delivered once it is up", async () => {
  const problems: string[] = [];
  const queue: OpenRequest = {
    url: wsUrl(),
    name: `${prefix}-reload`,
    maxBlockMs: 1500,
    retryBackoffMs: 200,
    retryBackoffMaxMs: 1000,
    adoptIntervalMs: 1000,
  };
  const page = await openPage(problems);
  await open(page, queue);
  await produce(page, { topic, prefix: "reload", count: 100 });
  let s = await page.evaluate(() => window.durable.persisted());
  expect(s.storage).toBe("indexeddb");
  expect(s.storedRecords).toBe(100);
  // The gateway is down: sends fail, the records go back to wait, and nothing is delivered.
  s = await statsUntil(page, "a failed send", (x) => x.resends >= 100);
  expect(s.delivered).toBe(0);
  expect(s.storedRecords).toBe(100);
  expect(s.lastError).toMatch(/CONNECTION_FAILED|BOOTSTRAP_UNREACHABLE|DELIVERY_TIMEOUT/);
  expect((await receipts(page)).every((r) => r.state === "pending")).toBe(true);

  await page.reload();
  await expect(page.locator("body")).toHaveAttribute("data-ready", "true");
  await open(page, queue);
  // The old page's lock goes with its document; the new one adopts its records at start, or
  // at the next adoption round if the lock was not yet released.
  s = await statsUntil(page, "the records to be adopted", (x) => x.recovered === 100, 10_000);
  expect(s.storedRecords).toBe(100);

  await startOurGateway();
  s = await statsUntil(page, "the queue to drain", (x) => x.storedRecords === 0);
  expect(s.delivered).toBe(100);
  await page.close();

  const landed = await landedRecords(topic, "reload", 100);
  const got = landed.map((r) => r.value);
  expect(new Set(got)).toEqual(new Set(values("reload", 100)));
  // Each carries its stable id, unique per record (a resend would repeat it, for dedupe).
  const ids = landed.map((r) => r.headers.find(([k]) => k === "tributary-id")?.[1]);
  expect(new Set(ids).size).toBe(new Set(got).size);
  expect(ids.every((id) => UUID_V7.test(String(id)))).toBe(true);
  console.log(`reload: ${got.length} records landed for 100 produced`);
  expect(problems).toEqual([]);
});

test("closing a tab right after producing loses nothing that was persisted", async () => {
  // Gateway up (the previous test started it). A long linger keeps the records in the page,
  // unsent, when the tab closes: only what the durable queue persisted can bring them back.
  // The control tab produces the same way without the durable queue: what it loses shows that
  // closing the tab really does lose unsent records.
  if (gateway === undefined) await startOurGateway();
  const control = await openPage();
  await control.evaluate((r) => window.durable.openPlain(r), {
    url: wsUrl(),
    topic,
    lingerMs: 60_000,
    flushOnHide: false,
  });
  await control.evaluate((r) => window.durable.producePlain(r), {
    topic,
    prefix: "control",
    count: 50,
  });
  await control.close();

  const queue: OpenRequest = { url: wsUrl(), name: `${prefix}-close`, lingerMs: 60_000 };
  const first = await openPage();
  await open(first, queue);
  await produce(first, { topic, prefix: "closed", count: 100 });
  const s = await first.evaluate(() => window.durable.persisted());
  expect(s.storedRecords).toBe(100);
  expect(s.delivered).toBe(0);
  await first.close();

  const second = await openPage();
  await open(second, { ...queue, lingerMs: 5, adoptIntervalMs: 1000 });
  const after = await statsUntil(
    second,
    "the closed tab's records to be delivered",
    (x) => x.recovered > 0 && x.storedRecords === 0,
  );
  await second.close();
  console.log(`closed tab: ${after.recovered} of 100 records adopted by the next tab`);

  const landed = await consume(topic, { timeoutMs: 5_000 });
  const closed = landed.map((r) => r.value).filter((v) => v?.startsWith("closed-"));
  const lostControl = 50 - landed.filter((r) => r.value?.startsWith("control-")).length;
  expect(new Set(closed)).toEqual(new Set(values("closed", 100)));
  expect(lostControl).toBe(50);
  console.log(
    `closed tab: ${closed.length} landed for 100 persisted; control lost ${lostControl} of 50`,
  );
});

test("a tab whose renderer crashes right after producing loses nothing that was persisted", async () => {
  if (gateway === undefined) await startOurGateway();
  const queue: OpenRequest = { url: wsUrl(), name: `${prefix}-crash`, lingerMs: 60_000 };
  const doomed = await openPage();
  let crashed = false;
  doomed.on("crash", () => {
    crashed = true;
  });
  await open(doomed, queue);
  await produce(doomed, { topic: crashTopic, prefix: "crashed", count: 50 });
  const s = await doomed.evaluate(() => window.durable.persisted());
  expect(s.storedRecords).toBe(50);
  expect(s.delivered).toBe(0);
  // chrome://crash kills the tab's renderer process: no pagehide, no flush, no goodbye.
  await doomed.goto("chrome://crash").catch(() => undefined);
  await expect.poll(() => crashed, { timeout: 10_000 }).toBe(true);
  await doomed.close();

  const next = await openPage();
  await open(next, { ...queue, lingerMs: 5, adoptIntervalMs: 1000 });
  await statsUntil(
    next,
    "the crashed tab's records to be delivered",
    (x) => x.recovered > 0 && x.storedRecords === 0,
  );
  await next.close();
  const got = (await landedRecords(crashTopic, "crashed", 50)).map((r) => r.value);
  expect(new Set(got)).toEqual(new Set(values("crashed", 50)));
  console.log(`crashed tab: ${got.length} landed for 50 persisted`);
});

for (const whenFull of ["drop-oldest", "refuse-new"] as const) {
  test(`a full queue applies whenFull "${whenFull}", reports it on receipts and stats, and stores only what it kept`, async () => {
    // Kafka unreachable (a port nothing listens on): everything stays in the queue.
    const nowhere = `ws://127.0.0.1:${await closedPort()}/kafka`;
    const queue: OpenRequest = {
      url: nowhere,
      name: `${prefix}-${whenFull}`,
      maxBytes: 4096,
      whenFull,
      retryBackoffMs: 60_000,
      retryBackoffMaxMs: 60_000,
    };
    const page = await openPage();
    await open(page, queue);
    await produce(page, { topic, prefix: whenFull, count: 40, valueBytes: 300 });
    const s = await page.evaluate(() => window.durable.persisted());
    const all = await receipts(page);
    expect(s.storedBytes).toBeLessThanOrEqual(4096);
    expect(s.storedRecords).toBeGreaterThan(5);
    const failed = all.filter((r) => r.state === "failed");
    if (whenFull === "drop-oldest") {
      expect(s.dropped).toBe(40 - s.storedRecords);
      expect(s.refused).toBe(0);
      // The oldest went: the first receipts failed, the newest are kept.
      expect(all.slice(0, s.dropped).every((r) => r.errorCode === "RECORD_DROPPED")).toBe(true);
      expect(all.slice(s.dropped).every((r) => r.state === "pending")).toBe(true);
      expect(failed[0]?.errorMessage).toMatch(/"drop-oldest"/);
    } else {
      expect(s.refused).toBe(40 - s.storedRecords);
      expect(s.dropped).toBe(0);
      expect(all.slice(0, s.storedRecords).every((r) => r.state === "pending")).toBe(true);
      expect(all.slice(s.storedRecords).every((r) => r.errorCode === "QUEUE_FULL")).toBe(true);
      expect(failed[0]?.errorMessage).toMatch(/durable queue full: .*"refuse-new"/);
    }
    // What IndexedDB holds is exactly what was kept: a reload adopts that many, no more.
    const kept = s.storedRecords;
    await page.reload();
    await expect(page.locator("body")).toHaveAttribute("data-ready", "true");
    await open(page, { ...queue, adoptIntervalMs: 500 });
    const again = await statsUntil(
      page,
      "the kept records to be adopted",
      (x) => x.recovered === kept,
      10_000,
    );
    expect(again.storedRecords).toBe(kept);
    await page.close();
  });
}

test("offline: records wait without a send; the online event sends them at once, not at the end of the backoff", async () => {
  const page = await openPage();
  // A backoff of a minute: only the online event can explain a delivery within seconds.
  await open(page, {
    url: wsUrl(),
    name: `${prefix}-online`,
    retryBackoffMs: 60_000,
    retryBackoffMaxMs: 60_000,
  });
  await context.setOffline(true);
  try {
    expect(await page.evaluate(() => navigator.onLine)).toBe(false);
    await produce(page, { topic: onlineTopic, prefix: "offline", count: 50 });
    await page.waitForTimeout(500);
    const waiting = await stats(page);
    expect(waiting.online).toBe(false);
    expect(waiting.waitingRecords).toBe(50);
    expect(waiting.resends).toBe(0);
  } finally {
    await context.setOffline(false);
  }
  const started = Date.now();
  const s = await statsUntil(
    page,
    "the queue to drain after online",
    (x) => x.storedRecords === 0,
    10_000,
  );
  const ms = Date.now() - started;
  expect(s.delivered).toBe(50);
  expect(ms).toBeLessThan(10_000);
  console.log(`online: 50 records delivered ${ms} ms after the online event`);
  await page.close();
  const got = (await landedRecords(onlineTopic, "offline", 50)).map((r) => r.value);
  expect(new Set(got)).toEqual(new Set(values("offline", 50)));
});

test("a plain producer flushes on pagehide: records in a long linger land when the page is left", async () => {
  for (const flushOnHide of [true, false]) {
    const page = await openPage();
    await page.evaluate((r) => window.durable.openPlain(r), {
      url: wsUrl(),
      topic,
      lingerMs: 60_000,
      flushOnHide,
    });
    await page.evaluate((r) => window.durable.producePlain(r), {
      topic,
      prefix: `hide-${flushOnHide}`,
      count: 20,
    });
    await page.goto("about:blank");
    await page.close();
  }
  const landed = await consume(topic, { timeoutMs: 5_000 });
  const withFlush = landed.filter((r) => r.value?.startsWith("hide-true-")).length;
  const without = landed.filter((r) => r.value?.startsWith("hide-false-")).length;
  console.log(`pagehide: ${withFlush} of 20 landed with flushOnHide, ${without} of 20 without`);
  expect(withFlush).toBe(20);
  expect(without).toBe(0);
});

test("track(): one import and one call; each event lands with time, page URL, session id and user agent", async () => {
  if (gateway === undefined) await startOurGateway();
  const page = await openPage();
  const request = { url: wsUrl(), topic: trackTopic, count: 30 };
  const r = await page.evaluate((req) => window.durable.track(req), request);
  expect(r.storage).toBe("indexeddb");
  expect(r.states.every((s) => s === "delivered")).toBe(true);
  expect(r.badErrorCode).toBe("INVALID_ARGUMENT");
  // The session id is the tab's: a reload keeps it (sessionStorage).
  await page.reload();
  await expect(page.locator("body")).toHaveAttribute("data-ready", "true");
  const again = await page.evaluate((req) => window.durable.track({ ...req, count: 1 }), request);
  expect(again.sessionId).toBe(r.sessionId);
  await page.close();

  const landed = await consume(trackTopic, { max: 31, timeoutMs: 8_000 });
  expect(landed).toHaveLength(31);
  const pageUrl = `${origin}/durable.html`;
  for (const rec of landed) {
    expect(rec.key).toBe(r.sessionId);
    const body = JSON.parse(String(rec.value));
    expect(body.sessionId).toBe(r.sessionId);
    expect(body.url).toBe(pageUrl);
    expect(body.userAgent).toMatch(/Chrome/);
    expect(new Date(body.timestamp).getTime()).toBeGreaterThan(Date.now() - 120_000);
    expect(rec.headers).toContainEqual(["event", body.event]);
    expect(rec.headers.some(([k]) => k === "tributary-id")).toBe(true);
  }
  // One session key: every event on one partition, in the order tracked.
  expect(new Set(landed.map((x) => x.partition)).size).toBe(1);
  const seqs = landed.map((x) => JSON.parse(String(x.value)).properties.seq as number);
  expect(seqs.slice(0, 30)).toEqual(Array.from({ length: 30 }, (_, i) => i));
});
