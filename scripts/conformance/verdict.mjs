// @ts-check
/**
 * A cell passes only when everything agrees: its runtime loaded the right producer entry and
 * logged no errors, its driver reported every receipt delivered, and the console consumer found
 * exactly its records, intact, where the receipts said they were (the digest). A cell that must
 * be refused (conformance/security.mjs) passes only when every receipt failed the expected way,
 * soon enough, without showing the wrong password, and nothing landed.
 */
import {
  cellName,
  REFUSED_WITHIN_MS,
  recordsFor,
  securityOf,
  WRONG_PASSWORD,
} from "../../conformance/security.mjs";
import { plannedCells } from "./matrix.mjs";

/**
 * @typedef {object} CellVerdict
 * @property {string} cell
 * @property {boolean} pass
 * @property {string | null} reason why it failed; null when it passed
 * @property {number | null} recordsPerSec as the driver measured it
 * @property {number} delivered receipts that succeeded
 * @property {number} landed records the console consumer found for it
 * @property {number | null} refusedInMs for a cell that had to be refused and was: how soon
 */

/**
 * @param {object} input
 * @param {string} input.cell
 * @param {number} input.records
 * @param {import("./cell-book.mjs").CellBook | undefined} input.book undefined: the runtime never ran
 * @param {RegExp} input.entry the producer entry this runtime must get
 * @param {import("./judge.mjs").LandedCell | undefined} input.landed undefined: nothing was judged
 * @param {import("../../conformance/security.mjs").Refusal | null} [input.refusal] how every
 *   receipt must fail; null or absent: every record must be delivered
 * @returns {CellVerdict}
 */
export function cellVerdict({ cell, records, book, entry, landed, refusal = null }) {
  const line = book?.lines.get(cell);
  const base = {
    cell,
    recordsPerSec: line?.recordsPerSec ?? null,
    delivered: line?.delivered ?? 0,
    landed: landed?.landed ?? 0,
    refusedInMs: null,
  };
  const fail = (/** @type {string} */ reason) => ({ ...base, pass: false, reason });
  if (book === undefined) return fail("the runtime did not run");
  if (book.problem !== undefined) return fail(book.problem);
  if (book.entry !== undefined && !entry.test(book.entry)) {
    return fail(
      `@tributary/producer resolved to ${book.entry}, not ${entry.source.replaceAll("\\", "")}`,
    );
  }
  const failure = book.failures.get(cell);
  if (failure !== undefined) return fail(failure);
  if (line === undefined) return fail("the driver reported no result");
  if (line.firstError?.startsWith("not run") === true) return fail(line.firstError);
  if (refusal !== null) {
    const why = refusalProblem(line, records, refusal);
    if (why !== undefined) return fail(why);
    if (landed === undefined) return fail("the console consumer did not run");
    if (landed.problem !== undefined) return fail(`console consumer: ${landed.problem}`);
    return { ...base, pass: true, reason: null, refusedInMs: line.elapsedMs };
  }
  if (line.failed > 0 || line.delivered !== records) {
    return fail(`${line.failed} of ${records} receipts failed: ${line.firstError ?? "?"}`);
  }
  if (line.firstError !== null) return fail(line.firstError);
  if (landed === undefined) return fail("the console consumer did not run");
  if (landed.problem !== undefined) return fail(`console consumer: ${landed.problem}`);
  if (landed.digest !== line.digest) {
    return fail(
      "receipts name other partitions/offsets than the console consumer found (digest differs)",
    );
  }
  return { ...base, pass: true, reason: null };
}

/**
 * Why a cell that had to be refused was not refused as it should be; undefined when it was.
 * @param {import("./cell-book.mjs").CellLine} line
 * @param {number} records
 * @param {import("../../conformance/security.mjs").Refusal} refusal
 * @returns {string | undefined}
 */
function refusalProblem(line, records, refusal) {
  const must = `every receipt had to fail with ${refusal.says}`;
  if (line.delivered > 0) return `${line.delivered} of ${records} receipts succeeded; ${must}`;
  if (line.failed !== records) return `${line.failed} of ${records} receipts failed; ${must}`;
  const kinds = line.errorKinds ?? [];
  const counted = kinds.reduce((n, k) => n + k.count, 0);
  if (counted !== records) return `the driver accounted for ${counted} of ${records} failures`;
  const wrong = kinds.find((k) => k.code !== refusal.code || !refusal.message.test(k.message));
  if (wrong !== undefined) {
    return `${wrong.count} receipts failed with ${wrong.code}: ${wrong.message}; ${must}`;
  }
  if (kinds.some((k) => k.message.includes(WRONG_PASSWORD))) {
    return "an error message shows the password";
  }
  if (line.elapsedMs > REFUSED_WITHIN_MS) {
    return `the receipts failed after ${line.elapsedMs} ms; a refusal must settle them within ${REFUSED_WITHIN_MS} ms`;
  }
  return undefined;
}

/**
 * Every planned cell of these rows, judged.
 * @param {object} input
 * @param {import("./matrix.mjs").RuntimeRow[]} input.rows
 * @param {Map<string, import("./cell-book.mjs").CellBook>} input.books by runtime id
 * @param {Map<string, import("./judge.mjs").LandedCell> | undefined} input.landed
 * @param {number} input.records
 * @returns {Map<string, CellVerdict>}
 */
export function matrixVerdicts({ rows, books, landed, records }) {
  /** @type {Map<string, CellVerdict>} */
  const verdicts = new Map();
  for (const row of rows) {
    for (const c of plannedCells(row)) {
      const cell = cellName({ runtime: row.id, ...c });
      const book = books.get(row.id);
      verdicts.set(
        cell,
        cellVerdict({
          cell,
          records: recordsFor(c.security, records),
          book,
          entry: row.entry,
          landed: landed?.get(cell),
          refusal: c.security === undefined ? null : securityOf(c.security).refusal,
        }),
      );
    }
  }
  return verdicts;
}
