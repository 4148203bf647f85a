// @ts-check
/**
 * Kafka's own console consumer is the judge: it reads the run's topic once (GetOffsetShell first
 * says how many records to expect, so the read ends as soon as it has them), and every cell is
 * checked against what landed (conformance/record-layout.mjs): exactly its expected count of
 * records with its `cell` header, each seq 0..count-1 once, the right key, headers and value
 * (a cell that had to be refused expects none), and the
 * receipt digest its driver reported. Across cells, each key must sit on one partition, so
 * every runtime partitions the same way (murmur2, like the Java client).
 */

import {
  addTerm,
  digestTerm,
  KEY_COUNT,
  recordKey,
  recordValue,
} from "../../conformance/record-layout.mjs";
import { consume } from "../kafka/helpers.mjs";
import { endOffsets } from "./end-offsets.mjs";

/**
 * @typedef {object} LandedCell
 * @property {number} landed records with this cell's header
 * @property {number} digest sum of digestTerm over them
 * @property {string | undefined} problem the first thing wrong, if any
 */

/**
 * @typedef {object} Verdict
 * @property {Map<string, LandedCell>} cells by cell name, for every expected cell
 * @property {number} consumed records the consumer read in all
 * @property {string[]} problems topic-wide problems (stray records, a key on two partitions)
 * @property {number} ms how long the read took
 */

/**
 * @typedef {object} ExpectedCell
 * @property {string} name the cell's name, its records' `cell` header
 * @property {number} records how many of its records must land (0: none may)
 */

/**
 * @param {{ topic: string, bootstrap: string, cells: ExpectedCell[], timeoutMs: number }} options
 * @returns {Promise<Verdict>}
 */
export async function judgeTopic({ topic, bootstrap, cells, timeoutMs }) {
  const started = Date.now();
  const expected = cells.reduce((n, c) => n + c.records, 0);
  /** @type {Map<string, { records: number, landed: number, digest: number, seen: Uint8Array, problem: string | undefined }>} */
  const tally = new Map(
    cells.map((c) => [
      c.name,
      {
        records: c.records,
        landed: 0,
        digest: 0,
        seen: new Uint8Array(c.records),
        problem: undefined,
      },
    ]),
  );
  /** @type {Map<string, Set<number>>} */
  const partitionsOfKey = new Map();
  /** @type {string[]} */
  const problems = [];
  let stray = 0;

  // The end offsets say how many records the topic holds, so the consumer can stop at exactly
  // that many instead of waiting out its timeout for a record too many.
  const ends = await endOffsets(topic, bootstrap);
  const onTopic = [...ends.values()].reduce((a, b) => a + b, 0);
  if (onTopic !== expected) {
    problems.push(`the topic holds ${onTopic} records; the plan put ${expected} there`);
  }
  let read = 0;
  let told = Date.now();
  const consumed =
    onTopic === 0
      ? []
      : await consume(topic, {
          max: onTopic,
          timeoutMs,
          bootstrap,
          onLine: () => {
            read++;
            if (Date.now() - told >= 5000) {
              told = Date.now();
              console.log(
                `  read ${read.toLocaleString("en-US")} of ${expected.toLocaleString("en-US")}`,
              );
            }
          },
        });
  for (const r of consumed) {
    const cell = r.headers[0]?.[1] ?? "";
    const t = tally.get(cell);
    if (t === undefined) {
      if (stray++ === 0) problems.push(`a record of no planned cell: ${JSON.stringify(r.headers)}`);
      continue;
    }
    t.landed++;
    if (t.records === 0) {
      t.problem ??= "a record landed, though every receipt of this cell had to fail";
      continue;
    }
    const seqText = r.headers[1]?.[1] ?? "";
    const seq = Number(seqText);
    const problem = checkRecord(r, cell, seq, seqText, t.records);
    if (problem !== undefined) {
      t.problem ??= problem;
      continue;
    }
    if (t.seen[seq] === 1) {
      t.problem ??= `seq ${seq} landed twice`;
      continue;
    }
    t.seen[seq] = 1;
    t.digest = addTerm(t.digest, digestTerm(seq, r.partition, r.offset));
    const key = r.key ?? "";
    const parts = partitionsOfKey.get(key) ?? new Set();
    parts.add(r.partition);
    partitionsOfKey.set(key, parts);
  }
  if (consumed.length < onTopic) {
    problems.push(
      `the console consumer read ${consumed.length} of the ${onTopic} records on the topic`,
    );
  }
  if (stray > 1) problems.push(`${stray} records of no planned cell in all`);
  for (const [key, parts] of partitionsOfKey) {
    if (parts.size > 1) {
      problems.push(
        `key ${key} landed on partitions ${[...parts].join(", ")}: runtimes disagree on partitioning`,
      );
    }
  }

  /** @type {Map<string, LandedCell>} */
  const out = new Map();
  for (const [cell, t] of tally) {
    let problem = t.problem;
    if (problem === undefined && t.landed !== t.records) {
      const missing = t.seen.indexOf(0);
      problem = `${t.landed} of ${t.records} records landed${missing >= 0 ? ` (first missing seq ${missing})` : ""}`;
    }
    out.set(cell, { landed: t.landed, digest: t.digest, problem });
  }
  return { cells: out, consumed: consumed.length, problems, ms: Date.now() - started };
}

/**
 * @param {import("../kafka/helpers.mjs").ConsumedRecord} r
 * @param {string} cell @param {number} seq @param {string} seqText @param {number} records
 * @returns {string | undefined}
 */
function checkRecord(r, cell, seq, seqText, records) {
  if (!Number.isInteger(seq) || seq < 0 || seq >= records || String(seq) !== seqText) {
    return `a record with seq header ${JSON.stringify(seqText)} (expected 0..${records - 1})`;
  }
  if (r.headers.length !== 2 || r.headers[0]?.[0] !== "cell" || r.headers[1]?.[0] !== "seq") {
    return `seq ${seq}: headers ${JSON.stringify(r.headers)}, expected [["cell",…],["seq",…]]`;
  }
  if (r.key !== recordKey(seq)) {
    return `seq ${seq}: key ${JSON.stringify(r.key)}, expected ${recordKey(seq)} (${KEY_COUNT} keys)`;
  }
  if (r.value !== recordValue(cell, seq)) {
    return `seq ${seq}: the value differs from what was produced: ${String(r.value).slice(0, 80)}`;
  }
  return undefined;
}
