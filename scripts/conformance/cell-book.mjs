// @ts-check
/**
 * The ledger of one runtime's planned cells: which have a result line from the driver, which
 * failed without one (and why), and which are still to run. Drivers may be restarted after a
 * hang; the book tells each restart what is left.
 */

/** @typedef {import("../../conformance/plan.js").CellLine} CellLine */
/** @typedef {import("../../conformance/plan.js").PlannedCell} PlannedCell */
/** @typedef {import("../../conformance/plan.js").Plan} Plan */

import { cellName } from "../../conformance/security.mjs";

export class CellBook {
  /** @type {Map<string, CellLine>} results the driver reported, by cell name */
  lines = new Map();
  /** @type {Map<string, string>} cells that ended without a result line: why */
  failures = new Map();
  /** @type {string[]} things worth saying about the runtime that fail no cell */
  notes = [];
  /** @type {string | undefined} what "@tributary/producer" resolved to, from the repo root */
  entry = undefined;
  /** @type {string | undefined} a runtime-wide failure (e.g. page console errors): fails every cell */
  problem = undefined;

  /** @param {Plan} plan */
  constructor(plan) {
    this.plan = plan;
  }

  /** @param {PlannedCell} c */
  name(c) {
    return cellName({ runtime: this.plan.runtime, ...c });
  }

  /** @returns {PlannedCell[]} the planned cells with neither a result nor a failure yet */
  pending() {
    return this.plan.cells.filter((c) => {
      const n = this.name(c);
      return !this.lines.has(n) && !this.failures.has(n);
    });
  }

  /** A plan for what is left, to hand to a (re)started driver. @returns {Plan} */
  rest() {
    return { ...this.plan, cells: this.pending() };
  }

  /**
   * @param {CellLine} line
   * @returns {boolean} false when the line names no pending cell of this plan
   */
  settle(line) {
    const known = this.pending().some((c) => this.name(c) === line.cell);
    if (known) this.lines.set(line.cell, line);
    return known;
  }

  /** Fails the next pending cell (the one a driver was running) and returns its name. @param {string} why */
  failNext(why) {
    const next = this.pending()[0];
    if (next === undefined) return undefined;
    this.failures.set(this.name(next), why);
    return this.name(next);
  }

  /** @param {string} why @param {(c: PlannedCell) => boolean} [which] */
  failPending(why, which = () => true) {
    for (const c of this.pending()) if (which(c)) this.failures.set(this.name(c), why);
  }
}
