// @ts-check
// Where things are: the repository root and the runtimes installed under conformance/runtimes.
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = fileURLToPath(new URL("../..", import.meta.url));
export const RUNTIMES_DIR = join(ROOT, "conformance", "runtimes");
export const RUNTIME_BIN = join(RUNTIMES_DIR, "node_modules", ".bin");
export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

/** @param {"deno" | "bun" | "workerd" | "node"} name */
export function runtimeBin(name) {
  return join(RUNTIME_BIN, name);
}
