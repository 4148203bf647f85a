// @ts-check
/**
 * What must be in place before the matrix runs: the runtimes under conformance/runtimes (their
 * own npm install, so their `node` never shadows the machine's) and a gateway build that is not
 * older than its sources.
 */
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { ROOT, RUNTIMES_DIR } from "./paths.mjs";

/** @returns {string | undefined} why an install is needed, or undefined */
export function runtimesNeedInstall() {
  const stamp = join(RUNTIMES_DIR, "node_modules", ".package-lock.json");
  if (!existsSync(stamp)) return "conformance/runtimes/node_modules is missing";
  const lock = join(RUNTIMES_DIR, "package-lock.json");
  if (existsSync(lock) && statSync(lock).mtimeMs > statSync(stamp).mtimeMs) {
    return "conformance/runtimes/package-lock.json is newer than its node_modules";
  }
  return undefined;
}

/** @returns {boolean} */
export function installRuntimes() {
  // deno, bun, workerd and node each download a platform binary (about 300 MB in all).
  // `npm install --no-save`, not `npm ci`: the lockfile lists each runtime's binaries for every
  // platform as optional dependencies, and `npm ci` refuses to run when any of them cannot be
  // resolved (a registry mirror that carries only this platform's, as on the CI machine);
  // install takes the pinned versions from the lockfile, skips the missing optional ones, and
  // --no-save leaves package.json and the lockfile as committed.
  const args = ["install", "--no-save", "--prefix", RUNTIMES_DIR, "--no-audit", "--no-fund"];
  const r = spawnSync("npm", args, {
    cwd: ROOT,
    stdio: "inherit",
    timeout: 600_000,
  });
  return r.status === 0;
}

/**
 * The gateway runs from proxy/dist and the protocol's dist. `tsc -b` rewrites every output of a
 * project whose sources changed, so a project whose newest source is newer than its newest
 * output needs a build.
 * @returns {string | undefined} why the gateway must be rebuilt, or undefined
 */
export function gatewayBuildStale() {
  if (!existsSync(join(ROOT, "proxy", "dist", "cli.js"))) return "proxy/dist/cli.js is missing";
  for (const project of ["proxy", "packages/protocol"]) {
    const dist = join(ROOT, project, "dist");
    if (!existsSync(dist)) return `${project}/dist is missing`;
    const source = newestFile(join(ROOT, project, "src"));
    if (source.mtimeMs > newestFile(dist).mtimeMs) {
      return `${relative(ROOT, source.path)} is newer than ${project}/dist`;
    }
  }
  return undefined;
}

/**
 * Builds the gateway and what it references (protocol) only: the runtimes load every other
 * package from its TypeScript sources, so an unrelated package's build is not this run's concern.
 * @returns {boolean}
 */
export function buildGateway() {
  const r = spawnSync("npx", ["tsc", "-b", "proxy"], {
    cwd: ROOT,
    stdio: "inherit",
    timeout: 300_000,
  });
  return r.status === 0;
}

/**
 * @param {string} dir
 * @returns {{ path: string, mtimeMs: number }}
 */
function newestFile(dir) {
  let newest = { path: dir, mtimeMs: 0 };
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    const candidate = entry.isDirectory()
      ? newestFile(path)
      : { path, mtimeMs: statSync(path).mtimeMs };
    if (candidate.mtimeMs > newest.mtimeMs) newest = candidate;
  }
  return newest;
}
