import assert from "node:assert/strict";
import { test } from "node:test";
import { CellBook } from "../../scripts/conformance/cell-book.mjs";
import { cellVerdict } from "../../scripts/conformance/verdict.mjs";
import type { CellLine, Plan } from "../plan.js";
import { securityOf, WRONG_PASSWORD } from "../security.mjs";

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
    errorKinds: [],
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

// A cell that must be refused: deno over SASL_PLAINTEXT with a wrong SCRAM-SHA-512 password.
const REFUSED_CELL = "deno/tcp+scram-sha-512+wrong-password/none";
const refusal = securityOf("scram-sha-512+wrong-password").refusal;
const refusedPlan: Plan = {
  ...plan,
  records: 10,
  cells: [{ transport: "tcp", codec: "none", security: "scram-sha-512+wrong-password" }],
};
const AUTH_MESSAGE =
  'SASL SCRAM-SHA-512 as user "alice" to 127.0.0.1:9094: the broker refused the credentials';

function refusedVerdict(
  overrides: Partial<CellLine>,
  landed: { landed: number; digest: number; problem: string | undefined } = {
    landed: 0,
    digest: 0,
    problem: undefined,
  },
) {
  const b = new CellBook(refusedPlan);
  b.entry = "packages/producer/src/deno.ts";
  b.settle(
    line({
      cell: REFUSED_CELL,
      delivered: 0,
      failed: 10,
      firstError: `AUTHENTICATION_FAILED: ${AUTH_MESSAGE}`,
      errorKinds: [{ code: "AUTHENTICATION_FAILED", message: AUTH_MESSAGE, count: 10 }],
      elapsedMs: 80,
      recordsPerSec: 0,
      digest: 0,
      ...overrides,
    }),
  );
  return cellVerdict({ cell: REFUSED_CELL, records: 10, book: b, entry: ENTRY, landed, refusal });
}

test("a cell that must be refused passes when every receipt failed as expected, soon, and nothing landed", () => {
  const v = refusedVerdict({});
  assert.equal(v.pass, true, v.reason ?? "");
  assert.equal(v.refusedInMs, 80);
});

test("a cell that must be refused fails when it was not refused the expected way", () => {
  const cases: [Partial<CellLine>, RegExp][] = [
    [{ delivered: 1, failed: 9 }, /1 of 10 receipts succeeded; every receipt had to fail with/],
    [
      {
        errorKinds: [
          { code: "AUTHENTICATION_FAILED", message: AUTH_MESSAGE, count: 9 },
          { code: "BOOTSTRAP_UNREACHABLE", message: "no bootstrap broker answered", count: 1 },
        ],
      },
      /1 receipts failed with BOOTSTRAP_UNREACHABLE: no bootstrap broker answered/,
    ],
    [
      {
        errorKinds: [
          {
            code: "AUTHENTICATION_FAILED",
            message: "the broker refused the credentials",
            count: 10,
          },
        ],
      },
      /had to fail with AUTHENTICATION_FAILED naming SASL SCRAM-SHA-512/,
    ],
    [{ elapsedMs: 15_000 }, /failed after 15000 ms; a refusal must settle them within 5000 ms/],
    [
      {
        errorKinds: [
          {
            code: "AUTHENTICATION_FAILED",
            message: `${AUTH_MESSAGE} (password ${WRONG_PASSWORD})`,
            count: 10,
          },
        ],
      },
      /an error message shows the password/,
    ],
    [{ errorKinds: [] }, /the driver accounted for 0 of 10 failures/],
  ];
  for (const [overrides, reason] of cases) {
    const v = refusedVerdict(overrides);
    assert.equal(v.pass, false, JSON.stringify(overrides));
    assert.match(v.reason ?? "", reason);
  }
  const landed = refusedVerdict(
    {},
    {
      landed: 1,
      digest: 7,
      problem: "a record landed, though every receipt of this cell had to fail",
    },
  );
  assert.equal(landed.pass, false);
  assert.match(landed.reason ?? "", /console consumer: a record landed/);
});
