// @ts-check
/**
 * Runs one runtime's row with the driver that fits it, within bounds that scale with the work:
 * a cell gets `cellTimeoutMs` to report (its receipts time out well before), the whole row gets
 * `budgetMs`, restarts included. Prints each cell's result as it arrives.
 */
import { runChromium } from "./chromium.mjs";
import { runProcessDriver } from "./process-driver.mjs";
import { processCommand } from "./process-runtimes.mjs";
import { runWorkerd } from "./workerd.mjs";

/**
 * @param {object} input
 * @param {import("./matrix.mjs").RuntimeRow} input.row
 * @param {import("./cell-book.mjs").Plan} input.plan
 * @param {string} input.gatewayUrl http://host:port/
 * @param {string | undefined} input.pageEntry the producer entry in the Chromium page's bundle
 * @param {string} input.work a directory this row may use
 * @param {AbortSignal} input.signal
 * @returns {Promise<import("./cell-book.mjs").CellBook>}
 */
export function runRow({ row, plan, gatewayUrl, pageEntry, work, signal }) {
  // A cell's receipts give up after 20 s and close() after 10 s more (conformance/cell.ts);
  // past this the driver is deemed hung.
  const cellTimeoutMs = 45_000 + plan.records;
  const budgetMs = 60_000 + plan.cells.length * (5_000 + plan.records / 2);
  const onCell = (/** @type {import("./cell-book.mjs").CellLine} */ line) =>
    console.log(describeCell(line));
  switch (row.id) {
    case "workerd":
      return runWorkerd({ plan, workDir: work, cellTimeoutMs, budgetMs, signal, onCell });
    case "chromium":
      return runChromium({
        plan,
        pageUrl: `${gatewayUrl}index.html`,
        entry: pageEntry ?? "(the page was not built)",
        cellTimeoutMs,
        budgetMs,
        signal,
        onCell,
      });
    default: {
      const gateway = new URL(gatewayUrl).host;
      const listeners = Object.values(plan.security?.bootstrap ?? {});
      const { command, argsFor } = processCommand(row.id, {
        kafka: plan.bootstrap.tcp,
        gateway,
        listeners,
      });
      return runProcessDriver({ plan, command, argsFor, cellTimeoutMs, budgetMs, signal, onCell });
    }
  }
}

/** @param {import("./cell-book.mjs").CellLine} line */
function describeCell(line) {
  const total = line.delivered + line.failed;
  const head = `  ${line.cell.padEnd(44)} ${line.delivered}/${total} delivered in ${(line.elapsedMs / 1000).toFixed(2)} s`;
  const rate = `(${line.recordsPerSec.toLocaleString("en-US")}/s)`;
  return line.firstError === null ? `${head} ${rate}` : `${head}: ${line.firstError}`;
}
