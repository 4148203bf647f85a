/**
 * How the browser specs bundle their test pages: the way an app's bundler would see the
 * producer (esbuild, browser platform, ESM, the `browser` condition), from the workspace's
 * TypeScript sources (`source`).
 */
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { BuildOptions } from "esbuild";

const REPO = fileURLToPath(new URL("..", import.meta.url));

export const PAGE_BUILD = {
  absWorkingDir: REPO,
  bundle: true,
  format: "esm",
  platform: "browser",
  target: "es2022",
  conditions: ["browser", "source"],
  logLevel: "silent",
} as const satisfies BuildOptions;

/** The path of a page's entry in e2e/. */
export const pageEntry = (file: string): string => join(REPO, "e2e", file);
