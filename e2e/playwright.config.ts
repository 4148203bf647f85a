import { defineConfig } from "@playwright/test";

/**
 * The browser suite: Debian's Chromium (never a downloaded browser) drives the demo console,
 * served by the real gateway in front of a real Kafka (global-setup.ts). One worker: the
 * machine is small and the tests share one page on purpose (see console.spec.ts).
 */
export default defineConfig({
  testDir: "tests",
  outputDir: "results/artifacts",
  globalSetup: "./global-setup.ts",
  fullyParallel: false,
  workers: 1,
  retries: 0,
  forbidOnly: true,
  timeout: 180_000,
  expect: { timeout: 30_000 },
  // npm test counts passed, failed and skipped tests from the JSON report (scripts/test.mjs).
  reporter: [
    ["list"],
    ["html", { outputFolder: "results/report", open: "never" }],
    ["json", { outputFile: process.env.PLAYWRIGHT_JSON_OUTPUT_FILE ?? "results/report.json" }],
  ],
  use: {
    browserName: "chromium",
    launchOptions: { executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium" },
    viewport: { width: 1280, height: 900 },
    trace: "retain-on-failure",
  },
});
