// @ts-check
/**
 * Builds the demo console into web-demo/dist: index.html and style.css copied, src/main.ts
 * bundled by esbuild for browsers (ESM, minified, code splitting so each codec is its own
 * chunk loaded when picked). Prints each file's raw and gzipped size and the JS a first visit
 * downloads.
 *
 *   node web-demo/build.mjs
 */
import { copyFileSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import * as esbuild from "esbuild";

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, "dist");

rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });

const result = await esbuild.build({
  entryPoints: { app: join(here, "src/main.ts") },
  absWorkingDir: here,
  bundle: true,
  minify: true,
  sourcemap: "linked",
  format: "esm",
  splitting: true,
  platform: "browser",
  target: "es2022",
  // `source` resolves the workspace packages to their TypeScript, so the demo does not depend
  // on a previous `tsc -b`; `browser` picks the producer's browser entry (global WebSocket).
  conditions: ["browser", "source"],
  outdir: out,
  chunkNames: "chunks/[name]-[hash]",
  metafile: true,
  write: true,
  logLevel: "warning",
});
for (const f of ["index.html", "style.css"]) copyFileSync(join(here, f), join(out, f));

const gz = (/** @type {Uint8Array} */ b) => gzipSync(b, { level: 9 }).length;
const kb = (/** @type {number} */ n) => `${(n / 1024).toFixed(1)} KB`;
const outputs = result.metafile.outputs;

/** What a first visit loads: app.js and every chunk it reaches through static imports. */
const eager = new Set();
const visit = (/** @type {string} */ file) => {
  if (eager.has(file)) return;
  eager.add(file);
  for (const i of outputs[file]?.imports ?? []) if (i.kind === "import-statement") visit(i.path);
};
visit(Object.keys(outputs).find((f) => basename(f) === "app.js") ?? "");

/** The codec a lazily loaded chunk carries, from the sources esbuild put in it. */
const codecOf = (/** @type {string} */ file) =>
  ["gzip", "snappy", "lz4", "zstd"].find((c) =>
    Object.keys(outputs[file]?.inputs ?? {}).some((i) => i.includes(`codecs/src/${c}/`)),
  ) ?? "a codec";

let firstVisitJs = 0;
/** @type {[string, string, string, string][]} */
const rows = [];
for (const file of Object.keys(outputs)) {
  if (file.endsWith(".map")) continue;
  const bytes = readFileSync(join(here, file));
  const size = gz(bytes);
  if (eager.has(file)) firstVisitJs += size;
  const when = eager.has(file) ? "every visit" : `when ${codecOf(file)} is picked`;
  rows.push([file, kb(bytes.length), kb(size), when]);
}
for (const f of ["index.html", "style.css"]) {
  const bytes = readFileSync(join(out, f));
  rows.push([`dist/${f}`, kb(bytes.length), kb(gz(bytes)), "every visit"]);
}
console.log("web-demo build (raw, gzip -9):");
for (const [f, raw, g, when] of rows) {
  console.log(`  ${f.padEnd(34)} ${raw.padStart(9)} ${g.padStart(9)}  ${when}`);
}
console.log(`  page JS on first visit: ${kb(firstVisitJs)} gzipped; codecs load when picked`);
