/**
 * Builds the Chromium bench page into bench/browser/dist: index.html copied, page.ts bundled by
 * esbuild for browsers (ESM, minified). The gateway of a comparison run serves that directory
 * with `--static`, so the page and the gateway's WebSocket share one origin.
 *
 *   node --import tsx bench/browser/build.ts
 *
 * One bundle, no code splitting: lz4 and zstd are imported statically. The page loads once per
 * run, before anything is measured, so their size costs nothing measured, and fixed file names
 * mean a rebuild overwrites the last one instead of leaving hashed chunks behind in a directory
 * a running gateway may be serving.
 */
import { copyFileSync, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import * as esbuild from "esbuild";

const here = dirname(fileURLToPath(import.meta.url));
export const BENCH_PAGE_DIST = join(here, "dist");
/** The page's file name inside dist (relative to the gateway's static root). */
export const BENCH_PAGE_HTML = "index.html";

export interface BuildOptions {
  outDir?: string;
  /**
   * false keeps identifiers (whitespace and syntax still minified), so a CPU profile names
   * functions as the sources do. Identifier renaming changes nothing the engine optimizes.
   */
  minifyIdentifiers?: boolean;
  /** Writes page.js.map beside the bundle (for mapping a profile back to the sources). */
  sourcemap?: boolean;
}

export interface BuiltPage {
  dir: string;
  html: string;
  /** Bytes of the page's JavaScript. */
  jsBytes: number;
  ms: number;
}

export async function buildBenchPage(options: BuildOptions = {}): Promise<BuiltPage> {
  const outDir = options.outDir ?? BENCH_PAGE_DIST;
  const t0 = performance.now();
  mkdirSync(outDir, { recursive: true });
  const result = await esbuild.build({
    entryPoints: { page: join(here, "page.ts") },
    absWorkingDir: join(here, "..", ".."),
    bundle: true,
    format: "esm",
    platform: "browser",
    target: "es2022",
    // `source` resolves the workspace packages to their TypeScript (no `tsc -b` needed);
    // `browser` picks the producer's browser entry, whose transport is the global WebSocket.
    conditions: ["browser", "source"],
    minifyWhitespace: true,
    minifySyntax: true,
    minifyIdentifiers: options.minifyIdentifiers ?? true,
    sourcemap: options.sourcemap === true ? "external" : false,
    outdir: outDir,
    metafile: true,
    logLevel: "silent",
  });
  // esbuild's service process would otherwise idle in the runner's process tree until exit and
  // count in the memory the comparison run samples there.
  await esbuild.stop();
  copyFileSync(join(here, "index.html"), join(outDir, BENCH_PAGE_HTML));
  const jsBytes = Object.entries(result.metafile.outputs)
    .filter(([file]) => file.endsWith(".js"))
    .reduce((sum, [, out]) => sum + out.bytes, 0);
  return { dir: outDir, html: BENCH_PAGE_HTML, jsBytes, ms: performance.now() - t0 };
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  const built = await buildBenchPage();
  console.log(
    `bench page: ${built.dir} (${(built.jsBytes / 1024).toFixed(1)} KB of JS, ${built.ms.toFixed(0)} ms)`,
  );
}
