// @ts-check
/**
 * Runs a driver that is a plain process (Node, Deno, Bun): the plan goes in as one argument,
 * results come back one JSON line each on stdout. Every attempt is bounded: a cell that gives no
 * result within `cellTimeoutMs` gets its process group killed, that cell fails, the rest of its
 * route's cells are not tried (a hung transport would hang them too), and the driver starts
 * again for what is left, as long as the runtime's budget lasts.
 */
import { relative } from "node:path";
import { fileURLToPath } from "node:url";
import { routeOf } from "../../conformance/security.mjs";
import { CellBook } from "./cell-book.mjs";
import { killGroup, spawnTracked, tailOf } from "./children.mjs";
import { ROOT } from "./paths.mjs";

/** Time a driver gets to load (a first tsx or Deno compile) on top of its first cell. */
const STARTUP_MS = 30_000;
/** Time a driver gets to exit after its last line before it is killed. */
const EXIT_GRACE_MS = 5_000;

/**
 * @typedef {object} DriverRun
 * @property {import("./cell-book.mjs").Plan} plan
 * @property {string} command
 * @property {(planJson: string) => string[]} argsFor
 * @property {number} cellTimeoutMs
 * @property {number} budgetMs the whole runtime's limit, restarts included
 * @property {AbortSignal} [signal] Ctrl-C: start no new attempt
 * @property {(line: import("./cell-book.mjs").CellLine) => void} onCell progress
 */

/**
 * @param {DriverRun} run
 * @returns {Promise<CellBook>}
 */
export async function runProcessDriver(run) {
  const book = new CellBook(run.plan);
  const deadline = Date.now() + run.budgetMs;
  while (book.pending().length > 0) {
    if (run.signal?.aborted) {
      book.failPending("not run: interrupted");
      break;
    }
    if (Date.now() >= deadline) {
      book.failPending(`not run: ${run.plan.runtime} used up its ${run.budgetMs / 1000} s budget`);
      break;
    }
    const before = book.pending().length;
    await attempt(run, book, deadline);
    // An attempt that settled nothing would be repeated forever; it has said why in the book.
    if (book.pending().length === before) {
      book.failPending("not run: the driver made no progress");
    }
  }
  return book;
}

/**
 * One driver process for the cells still pending.
 * @param {DriverRun} run @param {CellBook} book @param {number} deadline
 * @returns {Promise<void>}
 */
function attempt(run, book, deadline) {
  const child = spawnTracked(run.command, run.argsFor(JSON.stringify(book.rest())), { cwd: ROOT });
  const stderr = tailOf(child.stderr);
  let sawHello = false;
  let sawEnd = false;
  let killedFor = "";
  let pendingText = "";

  return new Promise((resolve) => {
    /** @type {NodeJS.Timeout | undefined} */
    let watchdog;
    const arm = (/** @type {number} */ ms) => {
      clearTimeout(watchdog);
      const wait = Math.max(0, Math.min(ms, deadline - Date.now()));
      watchdog = setTimeout(() => {
        if (sawEnd) {
          killedFor = "exit";
          book.notes.push(
            `the driver did not exit within ${EXIT_GRACE_MS / 1000} s of its last line (an open handle?); killed`,
          );
        } else {
          killedFor = "hang";
          const cell = book.failNext(
            `no result within ${(wait / 1000).toFixed(0)} s; the ${run.plan.runtime} process was killed`,
          );
          const route = cell?.split("/")[1];
          book.failPending(`not run: ${cell} hung before it`, (c) => routeOf(c) === route);
        }
        killGroup(child);
      }, wait);
    };
    arm(STARTUP_MS + run.cellTimeoutMs);

    child.stdout?.setEncoding("utf8");
    child.stdout?.on("data", (/** @type {string} */ chunk) => {
      pendingText += chunk;
      const lines = pendingText.split("\n");
      pendingText = lines.pop() ?? "";
      for (const text of lines) {
        const line = parseLine(text);
        if (line === undefined) {
          if (text.trim()) book.notes.push(`stdout: ${text.trim().slice(0, 200)}`);
          continue;
        }
        if (line.kind === "hello") {
          sawHello = true;
          book.entry = entryPath(line.entry);
          arm(run.cellTimeoutMs);
        } else if (line.kind === "cell") {
          if (book.settle(line)) run.onCell(line);
          else book.notes.push(`a result for an unplanned cell: ${line.cell}`);
          arm(run.cellTimeoutMs);
        } else if (line.kind === "end") {
          sawEnd = true;
          arm(EXIT_GRACE_MS);
        }
      }
    });

    child.once("error", (err) => {
      clearTimeout(watchdog);
      book.failPending(`${run.command} could not start: ${err.message}`);
      resolve();
    });
    child.once("exit", (code, signal) => {
      clearTimeout(watchdog);
      if (killedFor === "" && !sawEnd) {
        const how = signal ?? `code ${code}`;
        const tail = stderr().split("\n").slice(-12).join("\n");
        if (!sawHello)
          book.failPending(`the driver exited (${how}) before its first line:\n${tail}`);
        else book.failNext(`the driver exited (${how}) during this cell:\n${tail}`);
      } else if (sawEnd && code !== 0 && killedFor === "") {
        book.notes.push(`the driver exited with ${signal ?? `code ${code}`} after its last line`);
      }
      resolve();
    });
  });
}

/**
 * @param {string} text
 * @returns {import("../../conformance/plan.js").DriverLine | undefined}
 */
function parseLine(text) {
  if (!text.startsWith("{")) return undefined;
  try {
    const value = JSON.parse(text);
    return typeof value === "object" && value !== null && typeof value.kind === "string"
      ? value
      : undefined;
  } catch {
    return undefined;
  }
}

/** A file URL or path, shown relative to the repository root. @param {string} entry */
export function entryPath(entry) {
  const path = entry.startsWith("file:") ? fileURLToPath(entry) : entry;
  return relative(ROOT, path);
}
