/**
 * The profile mode of the Chromium runner (BENCH_CHROMIUM_PROFILE): over the measured phase, a
 * CPU profile of the page's main thread (CDP Profiler, 100 µs samples) and the renderer's own
 * counters (CDP Performance.getMetrics: main-thread and process CPU time), so a slow run can
 * be explained by where the time went rather than guessed at.
 *
 * https://chromedevtools.github.io/devtools-protocol/tot/Profiler/
 * https://chromedevtools.github.io/devtools-protocol/tot/Performance/
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { BENCH_PAGE_DIST } from "./build.js";
import type { PageSession } from "./page-session.js";
import { type CdpProfile, formatSummary, summarizeProfile } from "./profile.js";

export interface PageProfiler {
  /** Called at MARK start; sends its commands without waiting. */
  start(): void;
  /** Stops, writes the profile to `file`, returns the summary as lines. */
  stop(file: string, top: number): Promise<string[]>;
}

type Metrics = Map<string, number>;

/**
 * Counters worth a line (seconds): CPU of the page's main thread and of the whole renderer
 * process (the rest is its other threads: IO, GC helpers, compilers), and the main thread's task
 * time.
 */
const METRICS = ["ThreadTime", "ProcessTime", "TaskDuration", "V8CompileDuration"];

export async function preparePageProfiler(page: PageSession): Promise<PageProfiler> {
  await page.send("Profiler.enable");
  await page.send("Performance.enable");
  // 100 µs samples: the default 1 ms blurs a hot path that spends microseconds per record.
  await page.send("Profiler.setSamplingInterval", { interval: 100 });
  let started: Promise<unknown> | undefined;
  let before: Promise<Metrics> | undefined;
  const metrics = async (): Promise<Metrics> => {
    const r = await page.send("Performance.getMetrics");
    const list = (r.metrics as { name: string; value: number }[] | undefined) ?? [];
    return new Map(list.map((m) => [m.name, m.value]));
  };
  return {
    start: () => {
      before = metrics();
      started = page.send("Profiler.start");
    },
    stop: async (file, top) => {
      if (started === undefined || before === undefined) return ["profile: never started"];
      await started;
      const { profile } = await page.send("Profiler.stop");
      const [b, a] = [await before, await metrics()];
      writeFileSync(file, JSON.stringify(profile));
      const summary = summarizeProfile(profile as CdpProfile, {
        payload: JSON.parse(readFileSync(join(BENCH_PAGE_DIST, "page.js.map"), "utf8")),
        bundleSuffix: "/page.js",
      });
      const deltas = METRICS.map((name) => {
        const d = (a.get(name) ?? 0) - (b.get(name) ?? 0);
        return `${name} ${(d * 1000).toFixed(0)} ms`;
      });
      return [
        `profile written to ${file}`,
        `renderer counters over the measured phase: ${deltas.join(", ")}`,
        ...formatSummary(summary, top),
      ];
    },
  };
}
