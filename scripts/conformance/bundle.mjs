// @ts-check
/**
 * esbuild bundles of the conformance drivers for the two runtimes that load one file: workerd
 * (an ES-module Worker, `workerd` export conditions, .wasm kept as separate modules) and
 * Chromium (a browser module). Both resolve the workspace packages to their TypeScript sources
 * (`source` condition), so no `tsc -b` is needed first, and both report which producer entry
 * the package's `exports` map handed them.
 */
import { mkdirSync } from "node:fs";
import { join, relative } from "node:path";
import * as esbuild from "esbuild";
import { ROOT } from "./paths.mjs";

/**
 * @typedef {object} Bundle
 * @property {string} dir where the files are
 * @property {string} main the bundled module's file name inside dir
 * @property {string[]} wasm the .wasm files esbuild copied beside it (names as imported)
 * @property {string} entry the @tributary/producer source file the bundle holds, from the repo root
 */

/**
 * `entry` (a path from the repo root) bundles another module for the same target, such as the
 * edge-function Worker of conformance/edge; the default is the target's conformance driver.
 * @param {{ target: "workerd" | "browser", outDir: string, entry?: string | undefined }} options
 * @returns {Promise<Bundle>}
 */
export async function bundleDriver({ target, outDir, entry: entryFile }) {
  mkdirSync(outDir, { recursive: true });
  const workerd = target === "workerd";
  const source = entryFile ?? join("conformance", "drivers", `${target}.ts`);
  const result = await esbuild.build({
    entryPoints: { [target]: join(ROOT, source) },
    absWorkingDir: ROOT,
    bundle: true,
    format: "esm",
    // neutral: no Node built-ins and no implied conditions; the lists below are the whole story.
    platform: workerd ? "neutral" : "browser",
    target: "es2022",
    // What wrangler uses for Workers (https://developers.cloudflare.com/workers/wrangler/bundling/),
    // plus `source` for the workspace packages' TypeScript.
    conditions: workerd ? ["workerd", "worker", "browser", "source"] : ["browser", "source"],
    // cloudflare:sockets is provided by workerd itself; anything node:* must fail the bundle,
    // since the Worker runs without nodejs_compat.
    external: workerd ? ["cloudflare:*"] : [],
    // The workerd builds of lz4/zstd import their .wasm; esbuild copies each file beside the
    // bundle and rewrites the import to it, and the capnp config declares it a `wasm` module.
    loader: { ".wasm": "copy" },
    assetNames: "[name]-[hash]",
    outdir: outDir,
    metafile: true,
    sourcemap: false,
    logLevel: "silent",
  });
  const outputs = Object.keys(result.metafile.outputs).map((f) => relative(outDir, join(ROOT, f)));
  const inputs = Object.keys(result.metafile.inputs);
  const entry =
    inputs.find((i) => /(^|\/)packages\/producer\/src\/[a-z-]+\.ts$/.test(i) && isEntry(i)) ??
    "(no producer entry in the bundle)";
  return {
    dir: outDir,
    main: `${target}.js`,
    wasm: outputs.filter((f) => f.endsWith(".wasm")),
    entry,
  };
}

/** @param {string} input */
function isEntry(input) {
  return /\/(node|deno|bun|workerd|browser|index)\.ts$/.test(input);
}
