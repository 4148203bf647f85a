/**
 * The demo console in real Chromium, producing through the real gateway to a real Kafka.
 * The tests run in order on one page, like a person using the console: the final full-page
 * screenshot shows a whole session (one record, a refused topic, a run per codec). Kafka's own
 * console consumer is the judge of what landed.
 */
import { randomBytes } from "node:crypto";
import { expect, type Page, test } from "@playwright/test";
import { consume, createTopic, deleteTopic } from "../../scripts/kafka/helpers.mjs";
import { collectProblems, consoleUrl, UUID_V7 } from "../spec-helpers.js";

const CODECS = ["gzip", "snappy", "lz4", "zstd"] as const;
const RECORDS = 5000;
/** Every topic this run creates starts with it, so one regex deletes them all at the end. */
const prefix = `demo-e2e-${randomBytes(4).toString("hex")}`;

test.describe.configure({ mode: "serial" });

let page: Page;
const problems: string[] = [];

test.beforeAll(async ({ browser }) => {
  page = await browser.newPage();
  collectProblems(page, problems);
});

test.afterAll(async () => {
  await page?.close();
  // TopicCommand reads --topic as a regular expression: this deletes every topic of this run.
  await deleteTopic(`${prefix}-.*`);
});

async function setTopic(name: string): Promise<void> {
  await page.fill("#topic", name);
}

test("the console loads with no console errors", async () => {
  await page.goto(consoleUrl());
  await expect(page.locator("body")).toHaveAttribute("data-ready", "true");
  await expect(page.locator("#gateway-url")).toHaveValue(
    `${consoleUrl().replace(/^http/, "ws").replace(/\/$/, "")}/kafka`,
  );
  await expect(page.locator("#landed")).toContainText("npm run kafka -- consume");
  expect(problems).toEqual([]);
});

test("one record: its receipt goes from pending to delivered with partition and offset", async () => {
  const topic = `${prefix}-one`;
  await createTopic(topic, { partitions: 3 });
  await setTopic(topic);
  await page.fill("#key", "user-42");
  await page.fill("#value", '{"type":"click","target":"#buy"}');
  await page.fill("#headers", "source=e2e, trace=abc=1");
  await page.click("#produce-one");

  const row = page.locator(`#receipt-rows tr[data-topic="${topic}"]`);
  await expect(row).toHaveCount(1);
  await expect(row).toHaveAttribute("data-state", "delivered");
  // The row rendered every notification of its receipt: pending first, then delivered.
  await expect(row).toHaveAttribute("data-history", "pending delivered");
  const partition = Number(await row.locator("td.partition").textContent());
  const offset = (await row.locator("td.offset").textContent()) ?? "";
  expect([0, 1, 2]).toContain(partition);
  expect(offset).toBe("0");
  await expect(row.locator("td.latency")).toContainText("ms");

  const [landed] = await consume(topic, { max: 1, timeoutMs: 10_000 });
  expect(landed).toMatchObject({
    partition,
    offset: Number(offset),
    key: "user-42",
    value: '{"type":"click","target":"#buy"}',
    // The console's durable queue (on by default) adds each record's id after the page's own.
    headers: [
      ["source", "e2e"],
      ["trace", "abc=1"],
      ["tributary-id", expect.stringMatching(UUID_V7)],
    ],
  });
  expect(problems).toEqual([]);
});

test("a topic the gateway does not allow fails with GATEWAY_REFUSED in the table", async () => {
  const topic = "not-allowed-by-the-gateway";
  await setTopic(topic);
  await page.click("#produce-one");
  const row = page.locator(`#receipt-rows tr[data-topic="${topic}"]`);
  await expect(row).toHaveAttribute("data-state", "failed");
  await expect(row).toHaveAttribute("data-history", "pending failed");
  await expect(row.locator("td.error")).toHaveAttribute("data-code", "GATEWAY_REFUSED");
  await expect(row.locator("td.error")).toContainText(`topic "${topic}" is not allowed`);
  await expect(row.locator("td.offset")).toHaveText("");
});

for (const codec of CODECS) {
  test(`${RECORDS.toLocaleString("en")} records with ${codec}: all delivered, and the console consumer confirms`, async () => {
    const topic = `${prefix}-${codec}`;
    await createTopic(topic, { partitions: 3 });
    await setTopic(topic);
    await page.selectOption("#compression", codec);
    await page.click("#apply");
    await expect(page.locator("#producer-status")).toContainText(`compression ${codec}`);

    await page.fill("#gen-rate", "5000");
    await page.fill("#gen-count", String(RECORDS));
    await page.click("#gen-start");
    const status = page.locator("#gen-status");
    await expect(status).toHaveAttribute("data-topic", topic);
    await expect(status).toHaveAttribute("data-done", "true", { timeout: 120_000 });
    await expect(status).toHaveAttribute("data-delivered", String(RECORDS));
    await expect(status).toHaveAttribute("data-failed", "0");
    const run = await status.getAttribute("data-run");
    // Figures for the notes, not assertions: the page's own produce-to-ack latency.
    const p50 = await page.locator("#stat-p50").textContent();
    const p99 = await page.locator("#stat-p99").textContent();
    console.log(
      `[e2e] ${codec}: ${RECORDS} records at 5,000/s, ack latency p50 ${p50}, p99 ${p99}`,
    );

    // Every row still shown for this topic is delivered; the codec really compressed.
    const rows = page.locator(`#receipt-rows tr[data-topic="${topic}"]`);
    await expect(rows).toHaveCount(200);
    await expect(
      page.locator(`#receipt-rows tr[data-topic="${topic}"]:not([data-state="delivered"])`),
    ).toHaveCount(0);
    const ratio = Number.parseFloat((await page.locator("#stat-ratio").textContent()) ?? "");
    expect(ratio).toBeGreaterThan(1);

    // One more than was produced: proves there are no duplicates, not only no losses.
    const landed = await consume(topic, { max: RECORDS + 1, timeoutMs: 5000 });
    expect(landed).toHaveLength(RECORDS);
    const seqs = new Set<number>();
    for (const r of landed) {
      const h = Object.fromEntries(r.headers);
      expect(h.run).toBe(run);
      const event = JSON.parse(r.value ?? "null") as { seq: number; run: string; session: string };
      expect(event.run).toBe(run);
      expect(String(event.seq)).toBe(h.seq);
      expect(r.key).toBe(event.session);
      seqs.add(event.seq);
    }
    expect(seqs.size).toBe(RECORDS);
    expect(Math.min(...seqs)).toBe(0);
    expect(Math.max(...seqs)).toBe(RECORDS - 1);
  });
}

test("a full-page screenshot of the console after the run", async () => {
  const testInfo = test.info();
  await expect(page.locator("#stat-delivered")).toHaveText(
    (1 + RECORDS * CODECS.length).toLocaleString("en"),
  );
  await expect(page.locator("#stat-failed")).toHaveText("1");
  const shot = await page.screenshot({ fullPage: true, path: testInfo.outputPath("console.png") });
  await testInfo.attach("console", { body: shot, contentType: "image/png" });
  expect(shot.byteLength).toBeGreaterThan(10_000);
  expect(problems).toEqual([]);
});
