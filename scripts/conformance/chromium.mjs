// @ts-check
/**
 * Runs the chromium row: Playwright's library API launches Debian's Chromium, opens the driver
 * page (conformance/browser/index.html + the esbuild bundle of drivers/browser.ts, served by the
 * gateway's --static) with the plan in its query, and reads result lines off the page console.
 * Any console error or uncaught page error fails the whole row: a page that logs errors is not
 * a page that works, whatever its receipts say.
 */
import { copyFileSync } from "node:fs";
import { join } from "node:path";
import { chromium } from "@playwright/test";
import { routeOf } from "../../conformance/security.mjs";
import { bundleDriver } from "./bundle.mjs";
import { CellBook } from "./cell-book.mjs";
import { CHROMIUM, ROOT } from "./paths.mjs";

const LINE_PREFIX = "conformance ";
const START_TIMEOUT_MS = 30_000;

/**
 * Bundles the page into the directory the gateway serves.
 * @param {string} staticDir
 * @returns {Promise<string>} the producer entry the bundle holds
 */
export async function buildChromiumPage(staticDir) {
  const bundle = await bundleDriver({ target: "browser", outDir: staticDir });
  copyFileSync(join(ROOT, "conformance", "browser", "index.html"), join(staticDir, "index.html"));
  return bundle.entry;
}

/**
 * @param {object} run
 * @param {import("./cell-book.mjs").Plan} run.plan
 * @param {string} run.pageUrl http://host:port/index.html
 * @param {string} run.entry from buildChromiumPage
 * @param {number} run.cellTimeoutMs
 * @param {number} run.budgetMs
 * @param {AbortSignal} run.signal Ctrl-C: close the browser
 * @param {(line: import("./cell-book.mjs").CellLine) => void} run.onCell
 * @returns {Promise<CellBook>}
 */
export async function runChromium(run) {
  const book = new CellBook(run.plan);
  book.entry = run.entry;
  const deadline = Date.now() + run.budgetMs;
  /** @type {import("@playwright/test").Browser} */
  let browser;
  try {
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      timeout: START_TIMEOUT_MS,
      // Ctrl-C is ours to handle: Playwright's own handler would exit before our cleanup.
      handleSIGINT: false,
      handleSIGTERM: false,
      handleSIGHUP: false,
    });
  } catch (err) {
    book.failPending(`Chromium did not start: ${messageOf(err)}`);
    return book;
  }
  const onAbort = () => void browser.close().catch(() => undefined);
  run.signal.addEventListener("abort", onAbort);
  /** @type {string[]} */
  const consoleErrors = [];
  try {
    while (book.pending().length > 0 && Date.now() < deadline && !run.signal.aborted) {
      const before = book.pending().length;
      await attempt(browser, book, run, deadline, consoleErrors);
      if (book.pending().length === before) book.failPending("not run: the page made no progress");
    }
    book.failPending(`not run: chromium used up its ${run.budgetMs / 1000} s budget`);
  } finally {
    run.signal.removeEventListener("abort", onAbort);
    await Promise.race([
      browser.close().catch(() => undefined),
      new Promise((resolve) => setTimeout(resolve, 10_000)),
    ]);
  }
  if (consoleErrors.length > 0) {
    book.problem = `the page logged ${consoleErrors.length} error(s), the first: ${consoleErrors[0]}`;
  }
  return book;
}

/**
 * One page load for the cells still pending.
 * @param {import("@playwright/test").Browser} browser
 * @param {CellBook} book
 * @param {{ plan: import("./cell-book.mjs").Plan, pageUrl: string, cellTimeoutMs: number, onCell: (line: import("./cell-book.mjs").CellLine) => void }} run
 * @param {number} deadline
 * @param {string[]} consoleErrors
 */
async function attempt(browser, book, run, deadline, consoleErrors) {
  const page = await browser.newPage();
  /** @type {() => void} */
  let wake = () => {};
  let ended = false;
  page.on("pageerror", (err) => consoleErrors.push(`uncaught: ${err.message}`));
  page.on("console", (msg) => {
    const text = msg.text();
    if (msg.type() === "error") consoleErrors.push(text);
    if (!text.startsWith(LINE_PREFIX)) return;
    let line;
    try {
      line = JSON.parse(text.slice(LINE_PREFIX.length));
    } catch {
      book.notes.push(`an unreadable driver line: ${text.slice(0, 200)}`);
      return;
    }
    if (line.kind === "cell" && book.settle(line)) run.onCell(line);
    if (line.kind === "fatal") {
      book.failPending(`the page failed: ${line.error}`);
      ended = true;
    }
    if (line.kind === "end") ended = true;
    wake();
  });
  try {
    const url = `${run.pageUrl}?plan=${encodeURIComponent(JSON.stringify(book.rest()))}`;
    await page.goto(url, { timeout: START_TIMEOUT_MS });
    // Each result line restarts the wait; a cell with no line within the timeout has hung.
    while (!ended && book.pending().length > 0) {
      const before = book.pending().length;
      const limit = Math.max(0, Math.min(run.cellTimeoutMs, deadline - Date.now()));
      await new Promise((resolve) => {
        const timer = setTimeout(resolve, limit);
        wake = () => {
          clearTimeout(timer);
          resolve(undefined);
        };
      });
      if (!ended && book.pending().length === before) {
        const cell = book.failNext(`no result within ${(limit / 1000).toFixed(0)} s; page closed`);
        book.failPending(
          `not run: ${cell} hung before it`,
          (c) => cell?.includes(`/${routeOf(c)}/`) ?? false,
        );
        return;
      }
    }
  } catch (err) {
    book.failPending(`the page could not run: ${messageOf(err)}`);
  } finally {
    await page.close().catch(() => undefined);
  }
}

/** @param {unknown} err */
function messageOf(err) {
  return err instanceof Error ? err.message : String(err);
}
