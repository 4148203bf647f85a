/**
 * Runner: Tributary in headless Chromium through the gateway (client "tributary-chromium").
 *
 * Builds the bench page into bench/browser/dist (the directory the run's gateway serves with
 * --static), starts Debian's Chromium (never a downloaded browser) and drives it over the
 * DevTools protocol on a pipe (bench/browser/cdp-pipe.ts says why not through Playwright), opens
 * the page from the gateway's own origin and runs the shared workload there with the producer's
 * browser entry (global WebSocket). The page reports its marks through a CDP binding; each is
 * printed as a MARK line the moment it arrives, so the orchestrator's CPU samples (the runner's
 * process tree, Chromium's processes included) bracket the measured phase.
 *
 * The payload goes into the page with Runtime.evaluate as base64 of the payload file, before the
 * warm-up: one message, byte-exact whatever the values hold, and nothing written into the
 * static directory a running gateway serves (no file to clean up, no other run to race with).
 *
 * BENCH_CHROMIUM_PROFILE=<file.cpuprofile>: also records a CPU profile of the page's main
 * thread over the measured phase (CDP Profiler), writes it there (DevTools loads it) and prints
 * self time by function and by source file on stderr. The page is then built without
 * identifier renaming and with a source map, so the rows name the sources.
 */
import { readFileSync } from "node:fs";
import { BENCH_PAGE_HTML, buildBenchPage } from "../browser/build.js";
import { ChromiumPipe } from "../browser/cdp-pipe.js";
import { HOOK_BINDING, PAGE_API, parseHookMessage } from "../browser/page-api.js";
import { type PageProfiler, preparePageProfiler } from "../browser/page-profiler.js";
import { PageSession } from "../browser/page-session.js";
import type { RunResult, RunSpec } from "./contract.js";
import { bounded, markEnd, markStart, progress, readSpec, runMain } from "./runner-io.js";
import { tributarySettings } from "./tributary-workload.js";

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const PROFILE_OUT = process.env.BENCH_CHROMIUM_PROFILE;
const LAUNCH_TIMEOUT_MS = 30_000;
const PAGE_LOAD_TIMEOUT_MS = 30_000;
const CLOSE_TIMEOUT_MS = 10_000;
/** Rows of the profile summary printed per table. */
const PROFILE_TOP = 25;

/** Rejects (once) when the page crashes, throws where nothing catches it, or Chromium exits. */
class PageTrouble {
  readonly promise: Promise<never>;
  #reject: (err: Error) => void = () => {};
  #failed = false;
  constructor() {
    this.promise = new Promise<never>((_, reject) => {
      this.#reject = reject;
    });
    this.promise.catch(() => {});
  }
  fail(why: string): void {
    if (this.#failed) return;
    this.#failed = true;
    this.#reject(new Error(why));
  }
  /** `work`, unless trouble comes first. */
  race<T>(work: Promise<T>): Promise<T> {
    return Promise.race([work, this.promise]);
  }
}

async function main(spec: RunSpec): Promise<RunResult> {
  // Our own bound comes first, leaving time to close Chromium before runMain's gives up.
  const deadline = Date.now() + spec.timeoutMs - Math.min(CLOSE_TIMEOUT_MS, spec.timeoutMs / 4);
  const left = () => Math.max(1, deadline - Date.now());
  const payload = readFileSync(spec.payloadFile).toString("base64");
  const built = await buildBenchPage(
    PROFILE_OUT === undefined ? {} : { minifyIdentifiers: false, sourcemap: true },
  );
  progress(spec, `page built into ${built.dir} (${(built.jsBytes / 1024).toFixed(0)} KB JS)`);

  // The profile directory goes in the run's scratch directory, which the orchestrator removes
  // even when this process is killed before close() could.
  const browser = await ChromiumPipe.launch(CHROMIUM, LAUNCH_TIMEOUT_MS, spec.scratchDir);
  try {
    const product = String((await browser.send("Browser.getVersion")).product);
    const version = product.replace(/^(Headless)?Chrome\//, "");
    progress(spec, `Chromium ${version} (pid ${browser.pid})`);
    const result = await runInPage(spec, browser, payload, left);
    return {
      ...result,
      settings: {
        ...tributarySettings(spec, "browser WebSocket through tributary-proxy"),
        browser: `Chromium ${version} headless`,
      },
      notes: [
        ...result.notes,
        `Chromium ${version} (Debian, headless) driven over the DevTools protocol with no Network instrumentation; the page comes from the gateway's origin and talks to it over the page's WebSocket`,
        "per-record latency is timed in the page with performance.now() (Chromium coarsens it to 0.1 ms without cross-origin isolation)",
      ],
    };
  } finally {
    await browser.close(CLOSE_TIMEOUT_MS);
  }
}

async function runInPage(
  spec: RunSpec,
  browser: ChromiumPipe,
  payload: string,
  left: () => number,
): Promise<RunResult> {
  const trouble = new PageTrouble();
  void browser.exited.then((why) => trouble.fail(`Chromium stopped: ${why}`));
  const consoleErrors: string[] = [];
  let profiler: PageProfiler | undefined;
  const page = await PageSession.create(browser, HOOK_BINDING, {
    binding: (message) => {
      const call = parseHookMessage(message);
      if (call?.kind === "mark") {
        if (call.text === "start") {
          markStart();
          profiler?.start();
        } else markEnd();
      } else if (call?.kind === "progress") progress(spec, `page: ${call.text}`);
    },
    console: (level, text) => {
      process.stderr.write(`  page ${level}: ${text}\n`);
      if (level === "error") consoleErrors.push(text);
    },
    trouble: (why) => {
      process.stderr.write(`  page: ${why}\n`);
      trouble.fail(why);
    },
  });
  if (PROFILE_OUT !== undefined) profiler = await preparePageProfiler(page);

  const url = new URL(BENCH_PAGE_HTML, spec.gatewayHttpUrl).href;
  await checkServed(url);
  await trouble.race(bounded(`loading ${url}`, PAGE_LOAD_TIMEOUT_MS, page.goto(url)));
  const ready = await page.evaluate(`typeof globalThis.${PAGE_API}`);
  if (ready !== "object") {
    throw new Error(
      `the page at ${url} did not define globalThis.${PAGE_API}: is it the bench page?`,
    );
  }
  const lines = await trouble.race(
    page.evaluate(`globalThis.${PAGE_API}.load(${JSON.stringify(payload)}, ${spec.payloadLines})`),
  );
  progress(spec, `payload in the page: ${String(lines)} values`);

  let result: RunResult;
  try {
    result = (await trouble.race(
      bounded(
        "the workload in the page",
        left(),
        page.evaluate(`globalThis.${PAGE_API}.run(${JSON.stringify(spec)})`),
      ),
    )) as RunResult;
  } catch (err) {
    // A hung run (e.g. no gateway at gatewayUrl) says why only in the page's log.
    const last = consoleErrors.at(-1);
    const why = err instanceof Error ? err.message : String(err);
    throw new Error(last === undefined ? why : `${why}; the page's last error: ${last}`);
  }
  if (profiler !== undefined && PROFILE_OUT !== undefined) {
    for (const line of await profiler.stop(PROFILE_OUT, PROFILE_TOP)) progress(spec, line);
  }
  if (consoleErrors.length > 0) {
    result.notes.push(
      `the page logged ${consoleErrors.length} error(s), the first: ${consoleErrors[0]}`,
    );
  }
  return result;
}

/** The page must come from the gateway: a clear message beats a blank page that never runs. */
async function checkServed(url: string): Promise<void> {
  let status: number;
  try {
    const r = await fetch(url, {
      method: "HEAD",
      signal: AbortSignal.timeout(PAGE_LOAD_TIMEOUT_MS),
    });
    status = r.status;
  } catch (err) {
    // fetch() says "fetch failed"; the reason (ECONNREFUSED, …) is its cause.
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    const why = cause?.code ?? cause?.message ?? (err instanceof Error ? err.message : String(err));
    throw new Error(`cannot reach the gateway at ${url}: ${why}`);
  }
  if (status !== 200) {
    throw new Error(
      `${url} answered HTTP ${status}: the gateway must serve bench/browser/dist with --static`,
    );
  }
}

const spec = readSpec();
runMain(spec, () => main(spec));
