// @ts-check
/**
 * A cell passes only when everything agrees: its runtime loaded the right producer entry and
 * logged no errors, its driver reported every receipt delivered, and the console consumer found
 * exactly its records, intact, where the receipts said they were (the digest).
 */
import { plannedCells } from "./matrix.mjs";

/**
 * @typedef {object} CellVerdict
 * @property {string} cell
 * @property {boolean} pass
 * @property {string | null} reason why it failed; null when it passed
 * @property {number | null} recordsPerSec as the driver measured it
 * @property {number} delivered receipts that succeeded
 * @property {number} landed records the console consumer found for it
 */

/**
 * @param {object} input
 * @param {string} input.cell
 * @param {number} input.records
 * @param {import("./cell-book.mjs").CellBook | undefined} input.book undefined: the runtime never ran
 * @param {RegExp} input.entry the producer entry this runtime must get
 * @param {import("./judge.mjs").LandedCell | undefined} input.landed undefined: nothing was judged
 * @returns {CellVerdict}
 */
export function cellVerdict({ cell, records, book, entry, landed }) {
  const line = book?.lines.get(cell);
  const base = {
    cell,
    recordsPerSec: line?.recordsPerSec ?? null,
    delivered: line?.delivered ?? 0,
    landed: landed?.landed ?? 0,
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
      const cell = `${row.id}/${c.transport}/${c.codec}`;
      const book = books.get(row.id);
      verdicts.set(
        cell,
        cellVerdict({ cell, records, book, entry: row.entry, landed: landed?.get(cell) }),
      );
    }
  }
  return verdicts;
}
