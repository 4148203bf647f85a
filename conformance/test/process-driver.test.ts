import assert from "node:assert/strict";
import { join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { runProcessDriver } from "../../scripts/conformance/process-driver.mjs";
import type { Plan } from "../plan.js";

const FAKE = join(fileURLToPath(new URL(".", import.meta.url)), "fixtures", "fake-driver.mjs");

const plan: Plan = {
  runtime: "fake",
  topic: "t-unused",
  records: 10,
  bootstrap: { tcp: "127.0.0.1:1", websocket: "ws://127.0.0.1:1/kafka" },
  cells: [
    { transport: "tcp", codec: "none" },
    { transport: "tcp", codec: "gzip" },
    { transport: "tcp", codec: "lz4" },
    { transport: "websocket", codec: "none" },
    { transport: "websocket", codec: "zstd" },
  ],
};

function run(mode: string, cellTimeoutMs = 2000, budgetMs = 20_000) {
  const seen: string[] = [];
  return runProcessDriver({
    plan,
    command: process.execPath,
    argsFor: (json) => [FAKE, mode, json],
    cellTimeoutMs,
    budgetMs,
    onCell: (line) => seen.push(line.cell),
  }).then((book) => ({ book, seen }));
}

test("a driver that answers every cell settles every cell and records its entry", async () => {
  const { book, seen } = await run("ok");
  assert.deepEqual(
    seen,
    plan.cells.map((c) => `fake/${c.transport}/${c.codec}`),
  );
  assert.equal(book.failures.size, 0);
  assert.equal(book.entry, "packages/producer/src/node.ts");
  assert.deepEqual(book.notes, []);
});

test("a hung cell is killed and failed, the rest of its transport is skipped, the other transport still runs", async () => {
  const started = Date.now();
  const { book, seen } = await run("hang-at=tcp/gzip");
  assert.match(
    book.failures.get("fake/tcp/gzip") ?? "",
    /no result within 2 s; the fake process was killed/,
  );
  assert.match(book.failures.get("fake/tcp/lz4") ?? "", /not run: fake\/tcp\/gzip hung before it/);
  // The restarted driver got only what was left, and answered it.
  assert.deepEqual(seen, ["fake/tcp/none", "fake/websocket/none", "fake/websocket/zstd"]);
  assert.ok(Date.now() - started < 10_000, "the hang was cut at the cell timeout");
});

test("a driver that dies before its first line fails every cell with its stderr", async () => {
  const { book, seen } = await run("crash-at-start");
  assert.deepEqual(seen, []);
  assert.equal(book.failures.size, plan.cells.length);
  for (const why of book.failures.values()) {
    assert.match(why, /exited \(code 3\) before its first line:\nfake driver: crashing on purpose/);
  }
});

test("a driver that stays up after its last line is killed, and that is noted, not failed", async () => {
  const { book, seen } = await run("linger");
  assert.equal(seen.length, plan.cells.length);
  assert.equal(book.failures.size, 0);
  assert.match(book.notes.join("\n"), /did not exit within 5 s of its last line/);
});

test("a runtime out of budget fails what it has not run", async () => {
  // Budget shorter than one cell's timeout: the first hang uses it all up.
  const { book } = await run("hang-at=tcp/none", 5_000, 1_000);
  assert.match(book.failures.get("fake/tcp/none") ?? "", /no result within 1 s/);
  assert.match(book.failures.get("fake/websocket/none") ?? "", /used up its 1 s budget/);
});
