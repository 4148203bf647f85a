// @ts-check
// The command line of `npm run conformance`.
import { RUNTIMES } from "./matrix.mjs";

export const HELP = `Usage: npm run conformance -- [options]

Runs the conformance matrix (runtime x transport x codec) against a real Kafka: each cell
produces N keyed records with headers, awaits every receipt, and Kafka's console consumer
confirms what landed. Prints a table and one JSON line; exits 0 only if every cell passed.

Options:
  --records <n>        records per cell [default: 10000]
  --only <a[,b]>       only these runtimes: ${RUNTIMES.map((r) => r.id).join(", ")}
  --json <file>        also write the JSON summary to this file
  --help               show this help

Kafka: KAFKA_BOOTSTRAP when set, else the single node of scripts/kafka (started if needed,
and stopped at the end only if this run started it).`;

/**
 * @typedef {object} Options
 * @property {number} records
 * @property {string[]} only runtime ids, all when none were named
 * @property {string | undefined} json
 * @property {boolean} help
 */

/**
 * @param {string[]} argv
 * @returns {Options}
 */
export function parseOptions(argv) {
  /** @type {Options} */
  const options = {
    records: 10_000,
    only: RUNTIMES.map((r) => r.id),
    json: undefined,
    help: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? "";
    const [flag, inline] = arg.includes("=") ? arg.split(/=(.*)/s, 2) : [arg, undefined];
    const value = () => {
      const v = inline ?? argv[++i];
      if (v === undefined || v === "") throw new Error(`${flag} needs a value`);
      return v;
    };
    if (flag === "--help" || flag === "-h") options.help = true;
    else if (flag === "--records") {
      const text = value();
      const n = Number(text);
      if (!Number.isInteger(n) || n < 1 || n > 1_000_000) {
        throw new Error(
          `--records must be an integer from 1 to 1000000; received ${JSON.stringify(text)}`,
        );
      }
      options.records = n;
    } else if (flag === "--only") {
      const ids = value()
        .split(",")
        .map((s) => s.trim())
        .filter(Boolean);
      const known = RUNTIMES.map((r) => r.id);
      const unknown = ids.filter((id) => !known.includes(id));
      if (unknown.length > 0) {
        throw new Error(
          `--only: no runtime named ${unknown.join(", ")}; the runtimes are ${known.join(", ")}`,
        );
      }
      options.only = ids;
    } else if (flag === "--json") options.json = value();
    else throw new Error(`unknown option ${JSON.stringify(arg)}; see --help`);
  }
  return options;
}
