import type { ConsoleMessage, Page } from "@playwright/test";

export { UUID_V7 } from "../packages/producer/test/durable/uuid-v7.js";

/** The demo console's URL, which global-setup.ts puts in E2E_CONSOLE_URL. */
export function consoleUrl(): string {
  const url = process.env.E2E_CONSOLE_URL;
  if (!url) throw new Error("E2E_CONSOLE_URL is not set: global-setup.ts did not run");
  return url;
}

/**
 * Collects what a page reports going wrong: console errors and warnings, and uncaught
 * exceptions. The specs assert the list is empty, so a page that logs a problem fails.
 */
export function collectProblems(page: Page, problems: string[]): void {
  page.on("console", (m: ConsoleMessage) => {
    if (m.type() === "error" || m.type() === "warning") problems.push(`${m.type()}: ${m.text()}`);
  });
  page.on("pageerror", (e) => problems.push(`uncaught: ${e.message}`));
}
