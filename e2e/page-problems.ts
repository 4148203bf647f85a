import type { ConsoleMessage, Page } from "@playwright/test";

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
