/**
 * The demo console's durable queue in real Chromium, through the real gateway to a real Kafka:
 * with the page's network switch off, records wait in IndexedDB (the panel shows the depth) and
 * none lands; switched back on, the queue drains and every record lands. The switch works at the
 * producer's transport (web-demo/src/network-switch.ts), so the producer really cannot reach the
 * gateway. Kafka's own console consumer is the judge of what landed. The tests run in order on
 * one page of their own.
 */
import { randomBytes } from "node:crypto";
import { expect, type Page, test } from "@playwright/test";
import { consume, createTopic, deleteTopic } from "../../scripts/kafka/helpers.mjs";
import { collectProblems, consoleUrl, UUID_V7 } from "../spec-helpers.js";

const RECORDS = 300;
const topic = `demo-durable-${randomBytes(4).toString("hex")}`;

test.describe.configure({ mode: "serial", timeout: 40_000 });

let page: Page;
const problems: string[] = [];

/** A counter of the durable queue panel, as a number ("1,234" → 1234; "–" → NaN). */
const counter = async (id: string): Promise<number> =>
  Number(((await page.locator(`#${id}`).textContent()) ?? "").replaceAll(",", ""));

test.beforeAll(async ({ browser }) => {
  await createTopic(topic, { partitions: 3 });
  page = await browser.newPage();
  collectProblems(page, problems);
});

test.afterAll(async () => {
  await page?.close();
  await deleteTopic(topic);
});

test("offline: the records wait in the durable queue and none lands", async () => {
  await page.goto(consoleUrl());
  await expect(page.locator("body")).toHaveAttribute("data-ready", "true");
  await expect(page.locator("#durable")).toBeChecked();
  await page.fill("#topic", topic);

  await page.click("#network-toggle");
  await expect(page.locator("body")).toHaveAttribute("data-network", "offline");
  await expect(page.locator("#network-toggle")).toHaveText("Go online");

  await page.fill("#gen-rate", "5000");
  await page.fill("#gen-count", String(RECORDS));
  await page.click("#gen-start");
  const status = page.locator("#gen-status");
  await expect(status).toHaveAttribute("data-topic", topic);
  await expect(status).toHaveAttribute("data-produced", String(RECORDS), { timeout: 5000 });
  await expect(page.locator("#producer-status")).toContainText("durable queue 5.0 MiB drop-oldest");

  // The judge first: not one record reached the topic.
  const early = await consume(topic, { max: 1, timeoutMs: 3000 });
  expect(early).toEqual([]);

  await expect(page.locator("#dq-depth")).toHaveText(String(RECORDS), { timeout: 5000 });
  await expect(page.locator("#dq-storage")).toHaveText("(indexeddb, when full: drop-oldest)");
  await expect(page.locator("#dq-bytes")).toContainText("of 5.0 MiB kept");
  await expect(status).toHaveAttribute("data-delivered", "0");
  await expect(status).toHaveAttribute("data-failed", "0");
  await expect(status).toHaveAttribute("data-done", "false");

  // The producer gives the records back after maxBlockMs (5 s) without a connection; the queue
  // keeps them and backs off (a failed send of each is one resend), the receipts stay pending.
  await expect
    .poll(() => counter("dq-resends"), { timeout: 15_000 })
    .toBeGreaterThanOrEqual(RECORDS);
  await expect(page.locator("#dq-error")).toContainText("offline (demo switch)");
  await expect(page.locator("#dq-depth")).toHaveText(String(RECORDS));
  await expect(status).toHaveAttribute("data-delivered", "0");
  await expect(page.locator("#stat-failed")).toHaveText("0");
  expect(problems).toEqual([]);
});

test("online: the queue drains to 0 and every record lands exactly once", async () => {
  const started = Date.now();
  await page.click("#network-toggle");
  await expect(page.locator("body")).toHaveAttribute("data-network", "online");
  // retryNow() skips the rest of the backoff, so the drain starts at once.
  await expect(page.locator("#dq-depth")).toHaveText("0", { timeout: 10_000 });
  const drainedMs = Date.now() - started;
  const status = page.locator("#gen-status");
  await expect(status).toHaveAttribute("data-delivered", String(RECORDS));
  await expect(status).toHaveAttribute("data-failed", "0");
  await expect(status).toHaveAttribute("data-done", "true");
  await expect(page.locator("#dq-waiting")).toHaveText("0");
  await expect(page.locator("#dq-retry")).toHaveText("–");
  await expect(page.locator("#dq-bytes")).toContainText("0 B of 5.0 MiB kept");
  await expect(page.locator("#stat-failed")).toHaveText("0");
  const resends = await counter("dq-resends");
  console.log(`[e2e] durable: ${RECORDS} records drained ${drainedMs} ms after going online`);
  console.log(`[e2e] durable: ${resends} resends while offline`);

  // One more than was produced: the read ends on its timeout, so duplicates would show.
  const landed = await consume(topic, { max: RECORDS + 1, timeoutMs: 3000 });
  const run = await status.getAttribute("data-run");
  const seen = new Map<number, number>();
  const ids = new Set<string>();
  for (const r of landed) {
    const h = Object.fromEntries(r.headers);
    const event = JSON.parse(r.value ?? "null") as { seq: number; run: string };
    expect(event.run).toBe(run);
    expect(h.seq).toBe(String(event.seq));
    expect(h["tributary-id"]).toMatch(UUID_V7);
    ids.add(String(h["tributary-id"]));
    seen.set(event.seq, (seen.get(event.seq) ?? 0) + 1);
  }
  const duplicates = [...seen].filter(([, n]) => n > 1).map(([seq]) => seq);
  console.log(
    `[e2e] durable: ${landed.length} records landed, duplicates: ${duplicates.length === 0 ? "none" : duplicates.join(", ")}`,
  );
  expect([...seen.keys()].sort((a, b) => a - b)).toEqual(
    Array.from({ length: RECORDS }, (_, i) => i),
  );
  // Offline, no request ever left the page, so the resends cannot have made a copy.
  expect(duplicates).toEqual([]);
  expect(landed).toHaveLength(RECORDS);
  expect(ids.size).toBe(RECORDS);
  expect(problems).toEqual([]);
});

test("offline after connecting: the open connection is cut, so a record waits until online", async () => {
  // The producer is connected now; without the cut, its open WebSocket would carry this record.
  await page.click("#network-toggle");
  await expect(page.locator("body")).toHaveAttribute("data-network", "offline");
  await page.fill("#key", "offline-one");
  await page.fill("#value", '{"type":"offline"}');
  await page.click("#produce-one");
  const row = page.locator(`#receipt-rows tr[data-topic="${topic}"]`, { hasText: "offline-one" });
  await expect(row).toHaveAttribute("data-state", "pending");
  await expect(page.locator("#dq-depth")).toHaveText("1");
  const meanwhile = await consume(topic, { max: RECORDS + 1, timeoutMs: 2500 });
  expect(meanwhile.filter((r) => r.key === "offline-one")).toEqual([]);
  await expect(row).toHaveAttribute("data-state", "pending");

  await page.click("#network-toggle");
  await expect(row).toHaveAttribute("data-state", "delivered", { timeout: 10_000 });
  await expect(row).toHaveAttribute("data-history", "pending delivered");
  await expect(page.locator("#dq-depth")).toHaveText("0");
  const partition = Number(await row.locator("td.partition").textContent());
  const offset = Number(await row.locator("td.offset").textContent());
  const landed = await consume(topic, { max: RECORDS + 2, timeoutMs: 2500 });
  const mine = landed.filter((r) => r.key === "offline-one");
  expect(mine).toHaveLength(1);
  expect(mine[0]).toMatchObject({ partition, offset, value: '{"type":"offline"}' });
  expect(problems).toEqual([]);
});
