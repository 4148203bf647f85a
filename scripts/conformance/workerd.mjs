// @ts-check
/**
 * Runs the workerd row: bundles conformance/drivers/workerd.ts into a Worker, serves it with
 * `workerd serve <config>` (workerd-config.mjs) and drives it with one HTTP request per cell.
 * A request that outlasts the cell timeout fails its cell; workerd is then restarted for what is
 * left (minus the rest of that transport, which would hang the same way).
 *
 * Records/s is the Worker's own measure, like every other row's. (Deployed Workers advance
 * Date.now() only on I/O, which would hide CPU time; workerd run locally does not do that,
 * https://developers.cloudflare.com/workers/runtime-apis/performance/, and a busy loop in this
 * workerd measured the same by Date.now() inside as by the client outside.)
 */
import { createServer } from "node:net";
import { bundleDriver } from "./bundle.mjs";
import { CellBook } from "./cell-book.mjs";
import { spawnTracked, stopChild, tailOf } from "./children.mjs";
import { runtimeBin } from "./paths.mjs";
import { writeWorkerdConfig } from "./workerd-config.mjs";

const START_TIMEOUT_MS = 20_000;

/**
 * @param {object} run
 * @param {import("./cell-book.mjs").Plan} run.plan
 * @param {string} run.workDir a fresh directory for the bundle and the config
 * @param {number} run.cellTimeoutMs
 * @param {number} run.budgetMs
 * @param {AbortSignal} run.signal Ctrl-C: start no new workerd
 * @param {(line: import("./cell-book.mjs").CellLine) => void} run.onCell
 * @returns {Promise<CellBook>}
 */
export async function runWorkerd(run) {
  const book = new CellBook(run.plan);
  const deadline = Date.now() + run.budgetMs;
  let bundle;
  try {
    bundle = await bundleDriver({ target: "workerd", outDir: run.workDir });
  } catch (err) {
    book.failPending(`esbuild could not bundle the Worker: ${messageOf(err)}`);
    return book;
  }
  book.entry = bundle.entry;

  while (book.pending().length > 0 && Date.now() < deadline && !run.signal.aborted) {
    const server = await startWorkerd(run.workDir, bundle);
    if ("problem" in server) {
      book.failPending(server.problem);
      return book;
    }
    try {
      await driveCells(server.origin, book, run, deadline, server.stderr);
    } finally {
      await stopChild(server.child);
    }
  }
  book.failPending(
    run.signal.aborted
      ? "not run: interrupted"
      : `not run: workerd used up its ${run.budgetMs / 1000} s budget`,
  );
  return book;
}

/**
 * @param {string} origin
 * @param {CellBook} book
 * @param {{ plan: import("./cell-book.mjs").Plan, cellTimeoutMs: number, onCell: (line: import("./cell-book.mjs").CellLine) => void }} run
 * @param {number} deadline
 * @param {() => string} stderr
 * @returns {Promise<void>} after every cell, or after a hang (then workerd must be restarted)
 */
async function driveCells(origin, book, run, deadline, stderr) {
  for (const cell of book.pending()) {
    const rest = book.rest();
    const index = rest.cells.indexOf(cell);
    const name = book.name(cell);
    const timeoutMs = Math.max(1, Math.min(run.cellTimeoutMs, deadline - Date.now()));
    let response;
    try {
      response = await fetch(`${origin}/cell`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ plan: rest, index }),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (err) {
      book.failures.set(
        name,
        `no answer within ${(timeoutMs / 1000).toFixed(0)} s (${messageOf(err)}); workerd restarted`,
      );
      book.failPending(`not run: ${name} hung before it`, (c) => c.transport === cell.transport);
      return;
    }
    const text = await response.text();
    if (!response.ok) {
      const log = stderr().split("\n").slice(-8).join("\n");
      book.failures.set(
        name,
        `the Worker answered ${response.status}: ${text.slice(0, 300)}\n${log}`,
      );
      continue;
    }
    const line = JSON.parse(text);
    if (book.settle(line)) run.onCell(line);
    else book.failures.set(name, `the Worker answered for another cell: ${line.cell}`);
    // As drivers/run-plan.ts does: a transport that delivered nothing is broken here.
    if (line.delivered === 0) {
      book.failPending(
        `not run: ${name} delivered no record`,
        (c) => c.transport === cell.transport,
      );
    }
  }
}

/**
 * @param {string} dir
 * @param {import("./bundle.mjs").Bundle} bundle
 * @returns {Promise<{ origin: string, child: import("node:child_process").ChildProcess, stderr: () => string } | { problem: string }>}
 */
async function startWorkerd(dir, bundle) {
  const port = await freePort();
  const config = writeWorkerdConfig({ dir, main: bundle.main, wasm: bundle.wasm, port });
  const child = spawnTracked(runtimeBin("workerd"), ["serve", config], { cwd: dir });
  const stderr = tailOf(child.stderr);
  tailOf(child.stdout);
  const origin = `http://127.0.0.1:${port}`;
  const until = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < until) {
    if (child.exitCode !== null || child.signalCode !== null) {
      return {
        problem: `workerd exited (${child.exitCode ?? child.signalCode}) at start:\n${stderr()}`,
      };
    }
    const ok = await fetch(`${origin}/hello`, { signal: AbortSignal.timeout(2000) }).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return { origin, child, stderr };
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await stopChild(child);
  return {
    problem: `workerd did not answer on ${origin} within ${START_TIMEOUT_MS / 1000} s:\n${stderr()}`,
  };
}

/** A port nothing listens on right now (workerd's config needs a number, not 0). */
function freePort() {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const address = probe.address();
      const port = typeof address === "object" && address !== null ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

/** @param {unknown} err */
function messageOf(err) {
  return err instanceof Error ? err.message : String(err);
}
