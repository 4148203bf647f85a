// @ts-check
/**
 * Runs the workerd row: bundles conformance/drivers/workerd.ts into a Worker, serves it with
 * `workerd serve <config>` (workerd-config.mjs) and drives it with one HTTP request per cell.
 * A request that outlasts the cell timeout fails its cell; workerd is then restarted for what is
 * left (minus the rest of that route, which would hang the same way). A plan with auth cells
 * also runs the Worker as a second, "untrusted" service whose network trusts only an unrelated
 * CA (workerd-config.mjs); the cell that must meet an untrusted certificate is sent there.
 *
 * Records/s is the Worker's own measure, like every other row's. (Deployed Workers advance
 * Date.now() only on I/O, which would hide CPU time; workerd run locally does not do that,
 * https://developers.cloudflare.com/workers/runtime-apis/performance/, and a busy loop in this
 * workerd measured the same by Date.now() inside as by the client outside.)
 */
import { createServer } from "node:net";
import { routeOf, securityOf } from "../../conformance/security.mjs";
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
    const server = await startWorkerd(run.workDir, bundle, run.plan.security);
    if ("problem" in server) {
      book.failPending(server.problem);
      return book;
    }
    try {
      await driveCells(server.origins, book, run, deadline, server.stderr);
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
 * Where a cell goes: the "untrusted" service for a cell that must meet a certificate its
 * network does not trust, else the Worker whose network trusts the broker.
 * @param {{ main: string, untrusted: string | undefined }} origins
 * @param {import("../../conformance/plan.js").PlannedCell} cell
 */
function originFor(origins, cell) {
  if (cell.security !== undefined && securityOf(cell.security).ca === "unrelated") {
    return origins.untrusted ?? origins.main;
  }
  return origins.main;
}

/**
 * @param {{ main: string, untrusted: string | undefined }} origins
 * @param {CellBook} book
 * @param {{ plan: import("./cell-book.mjs").Plan, cellTimeoutMs: number, onCell: (line: import("./cell-book.mjs").CellLine) => void }} run
 * @param {number} deadline
 * @param {() => string} stderr
 * @returns {Promise<void>} after every cell, or after a hang (then workerd must be restarted)
 */
async function driveCells(origins, book, run, deadline, stderr) {
  for (const cell of book.pending()) {
    const rest = book.rest();
    const index = rest.cells.indexOf(cell);
    const name = book.name(cell);
    const timeoutMs = Math.max(1, Math.min(run.cellTimeoutMs, deadline - Date.now()));
    let response;
    try {
      response = await fetch(`${originFor(origins, cell)}/cell`, {
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
      book.failPending(`not run: ${name} hung before it`, (c) => routeOf(c) === routeOf(cell));
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
    // As run-plan.ts does: a route that delivered nothing is broken here (unless the cell
    // had to be refused).
    const mustBeRefused = cell.security !== undefined && securityOf(cell.security).refusal !== null;
    if (line.delivered === 0 && !mustBeRefused) {
      book.failPending(`not run: ${name} delivered no record`, (c) => routeOf(c) === routeOf(cell));
    }
  }
}

/**
 * @param {string} dir
 * @param {import("./bundle.mjs").Bundle} bundle
 * @param {import("../../conformance/plan.js").PlanSecurity | undefined} security
 * @returns {Promise<{ origins: { main: string, untrusted: string | undefined }, child: import("node:child_process").ChildProcess, stderr: () => string } | { problem: string }>}
 */
async function startWorkerd(dir, bundle, security) {
  const port = await freePort();
  let untrustedPort = await freePort();
  // Two probes in a row may be handed the same port (rarely; a few tries settle it).
  for (let i = 0; i < 5 && untrustedPort === port; i++) untrustedPort = await freePort();
  const trust =
    security === undefined
      ? undefined
      : { ca: security.ca, unrelatedCa: security.unrelatedCa, untrustedPort };
  const config = writeWorkerdConfig({ dir, main: bundle.main, wasm: bundle.wasm, port, trust });
  const child = spawnTracked(runtimeBin("workerd"), ["serve", config], { cwd: dir });
  const stderr = tailOf(child.stderr);
  tailOf(child.stdout);
  const origins = {
    main: `http://127.0.0.1:${port}`,
    untrusted: trust === undefined ? undefined : `http://127.0.0.1:${trust.untrustedPort}`,
  };
  const waitFor = [origins.main, ...(origins.untrusted === undefined ? [] : [origins.untrusted])];
  const until = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < until) {
    if (child.exitCode !== null || child.signalCode !== null) {
      return {
        problem: `workerd exited (${child.exitCode ?? child.signalCode}) at start:\n${stderr()}`,
      };
    }
    const answers = await Promise.all(
      waitFor.map((origin) =>
        fetch(`${origin}/hello`, { signal: AbortSignal.timeout(2000) }).then(
          (r) => r.ok,
          () => false,
        ),
      ),
    );
    if (answers.every(Boolean)) return { origins, child, stderr };
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await stopChild(child);
  return {
    problem: `workerd did not answer on ${waitFor.join(" and ")} within ${START_TIMEOUT_MS / 1000} s:\n${stderr()}`,
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
