import assert from "node:assert/strict";
import { test } from "node:test";
import { parsePlan } from "../plan.js";
import { addTerm, digestTerm, recordKey, recordValue } from "../record-layout.mjs";

const good = {
  runtime: "bun",
  topic: "t-conformance-1",
  records: 10,
  bootstrap: { tcp: "127.0.0.1:9092", websocket: "ws://127.0.0.1:8080/kafka" },
  cells: [{ transport: "websocket", codec: "zstd" }],
};

test("parsePlan reads a good plan back as it was written", () => {
  assert.deepEqual(parsePlan(JSON.stringify(good)), good);
});

test("parsePlan names the field and what it received", () => {
  const bad = (change: Record<string, unknown>) => JSON.stringify({ ...good, ...change });
  assert.throws(() => parsePlan("nope"), /the plan is not JSON/);
  assert.throws(
    () => parsePlan(bad({ records: 0 })),
    /plan\.records must be a positive integer; received 0/,
  );
  assert.throws(
    () => parsePlan(bad({ topic: "" })),
    /plan\.topic must be a non-empty string; received ""/,
  );
  assert.throws(
    () => parsePlan(bad({ cells: [{ transport: "quic", codec: "lz4" }] })),
    /plan\.cells\[0\]\.transport must be one of tcp, websocket; received "quic"/,
  );
  assert.throws(
    () => parsePlan(bad({ cells: [{ transport: "tcp", codec: "brotli" }] })),
    /plan\.cells\[0\]\.codec must be one of none, gzip, snappy, lz4, zstd; received "brotli"/,
  );
  assert.throws(
    () => parsePlan(bad({ bootstrap: null })),
    /plan\.bootstrap must be an object; received null/,
  );
});

test("parsePlan reads auth cells with the plan's security, and refuses them without it", () => {
  const security = {
    bootstrap: { sasl: "127.0.0.1:9094", ssl: "127.0.0.1:9095", saslSsl: "127.0.0.1:9096" },
    ca: "-----BEGIN CERTIFICATE-----…",
    unrelatedCa: "-----BEGIN CERTIFICATE-----…",
  };
  const withAuth = {
    ...good,
    security,
    cells: [{ transport: "tcp", codec: "none", security: "tls+scram-sha-512" }],
  };
  assert.deepEqual(parsePlan(JSON.stringify(withAuth)), withAuth);
  assert.throws(
    () => parsePlan(JSON.stringify({ ...withAuth, security: undefined })),
    /plan\.security is required when a cell has a security/,
  );
  assert.throws(
    () =>
      parsePlan(
        JSON.stringify({
          ...withAuth,
          cells: [{ transport: "tcp", codec: "none", security: "tls+kerberos" }],
        }),
      ),
    /plan\.cells\[0\]\.security must be one of plain, .*tls\+untrusted-ca; received "tls\+kerberos"/,
  );
  assert.throws(
    () =>
      parsePlan(
        JSON.stringify({ ...withAuth, security: { ...security, bootstrap: { sasl: "x:1" } } }),
      ),
    /plan\.security\.bootstrap\.ssl must be a non-empty string; received undefined/,
  );
});

test("the record layout: 16 keys, a value that names its cell and seq", () => {
  assert.equal(recordKey(0), "k-0");
  assert.equal(recordKey(17), "k-1");
  assert.deepEqual(JSON.parse(recordValue("deno/tcp/lz4", 5)), {
    cell: "deno/tcp/lz4",
    seq: 5,
    note: "conformance record: keyed, with headers, judged by Kafka's console consumer",
  });
  const bytes = new TextEncoder().encode(recordValue("chromium/websocket/snappy", 9999)).length;
  assert.ok(bytes >= 120 && bytes <= 160, `about 150 bytes; got ${bytes}`);
});

test("the receipt digest changes when two records swap offsets or a partition is wrong", () => {
  const sum = (rows: [number, number, number][]) =>
    rows.reduce((d, [seq, p, o]) => addTerm(d, digestTerm(seq, p, o)), 0);
  const truth = sum([
    [0, 1, 10],
    [1, 1, 11],
    [2, 4, 0],
  ]);
  assert.notEqual(
    sum([
      [0, 1, 11],
      [1, 1, 10],
      [2, 4, 0],
    ]),
    truth,
  );
  assert.notEqual(
    sum([
      [0, 1, 10],
      [1, 1, 11],
      [2, 3, 0],
    ]),
    truth,
  );
  assert.notEqual(
    sum([
      [0, 1, 10],
      [1, 1, 11],
      [2, 4, 2 ** 32],
    ]),
    truth,
  );
  assert.equal(
    sum([
      [2, 4, 0],
      [0, 1, 10],
      [1, 1, 11],
    ]),
    truth,
    "order of arrival does not matter",
  );
});
