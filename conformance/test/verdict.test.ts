import assert from "node:assert/strict";
import { test } from "node:test";
import { CellBook } from "../../scripts/conformance/cell-book.mjs";
import { cellVerdict } from "../../scripts/conformance/verdict.mjs";
import type { CellLine, Plan } from "../plan.js";

const CELL = "deno/tcp/lz4";
const plan: Plan = {
  runtime: "deno",
  topic: "t",
  records: 100,
  bootstrap: { tcp: "127.0.0.1:1", websocket: "ws://127.0.0.1:1/kafka" },
  cells: [{ transport: "tcp", codec: "lz4" }],
};
const ENTRY = /^packages\/producer\/src\/deno\.ts$/;

function line(overrides: Partial<CellLine> = {}): CellLine {
  return {
    kind: "cell",
    cell: CELL,
    delivered: 100,
    failed: 0,
    firstError: null,
    elapsedMs: 10,
    recordsPerSec: 10_000,
    digest: 42,
    compression: "name",
    webSocket: null,
    ...overrides,
  };
}

function book(result?: CellLine, entry = "packages/producer/src/deno.ts"): CellBook {
  const b = new CellBook(plan);
  b.entry = entry;
  if (result) b.settle(result);
  return b;
}

const landedOk = { landed: 100, digest: 42, problem: undefined };

test("a cell passes when receipts, landing and digest all agree", () => {
  const v = cellVerdict({
    cell: CELL,
    records: 100,
    book: book(line()),
    entry: ENTRY,
    landed: landedOk,
  });
  assert.equal(v.pass, true, v.reason ?? "");
  assert.equal(v.recordsPerSec, 10_000);
});

test("a cell fails when the runtime got another producer entry, even if its records landed", () => {
  const v = cellVerdict({
    cell: CELL,
    records: 100,
    book: book(line(), "packages/producer/src/node.ts"),
    entry: ENTRY,
    landed: landedOk,
  });
  assert.equal(v.pass, false);
  assert.match(v.reason ?? "", /resolved to packages\/producer\/src\/node\.ts, not .*deno\.ts/);
});

test("a cell fails when a receipt failed", () => {
  const v = cellVerdict({
    cell: CELL,
    records: 100,
    book: book(line({ delivered: 99, failed: 1, firstError: "REQUEST_TIMED_OUT: slow" })),
    entry: ENTRY,
    landed: landedOk,
  });
  assert.equal(v.pass, false);
  assert.match(v.reason ?? "", /1 of 100 receipts failed: REQUEST_TIMED_OUT: slow/);
});

test("a cell fails when the console consumer found something wrong", () => {
  const v = cellVerdict({
    cell: CELL,
    records: 100,
    book: book(line()),
    entry: ENTRY,
    landed: { landed: 101, digest: 42, problem: "seq 7 landed twice" },
  });
  assert.equal(v.pass, false);
  assert.match(v.reason ?? "", /console consumer: seq 7 landed twice/);
});

test("a cell fails when its receipts name other offsets than the consumer found", () => {
  const v = cellVerdict({
    cell: CELL,
    records: 100,
    book: book(line({ digest: 41 })),
    entry: ENTRY,
    landed: landedOk,
  });
  assert.equal(v.pass, false);
  assert.match(v.reason ?? "", /digest differs/);
});

test("a cell fails with the runtime's problem (page console errors), and with a driver failure", () => {
  const withProblem = book(line());
  withProblem.problem = "the page logged 1 error(s), the first: boom";
  const v1 = cellVerdict({
    cell: CELL,
    records: 100,
    book: withProblem,
    entry: ENTRY,
    landed: landedOk,
  });
  assert.match(v1.reason ?? "", /boom/);

  const hung = book();
  hung.failNext("no result within 55 s; the deno process was killed");
  const v2 = cellVerdict({ cell: CELL, records: 100, book: hung, entry: ENTRY, landed: landedOk });
  assert.match(v2.reason ?? "", /no result within 55 s/);

  const v3 = cellVerdict({
    cell: CELL,
    records: 100,
    book: undefined,
    entry: ENTRY,
    landed: landedOk,
  });
  assert.equal(v3.pass, false);
});
