// @ts-check
/**
 * `npm run bench`: the comparison run (bench/compare.ts: every client, every workload, one
 * broker, one run). `npm run bench -- <name> [args]` runs one benchmark, bench/<name>.ts, from the
 * sources (no build needed); `npm run bench -- --list` lists them. Flags that start with `--`
 * go to the comparison run.
 *
 * On a fresh clone it runs `npm install` first (as `npm test` does), so the command works before
 * anything else was set up.
 */
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const benchDir = join(root, "bench");
const args = process.argv.slice(2);

const available = readdirSync(benchDir)
  .filter((f) => f.endsWith(".ts") && !f.endsWith(".d.ts"))
  .map((f) => f.slice(0, -".ts".length))
  .sort();

if (args[0] === "--list") {
  console.log(`benchmarks: ${available.join(", ")} (compare is the default)`);
  process.exit(0);
}
const [name = "compare", ...rest] =
  args[0] === undefined || args[0].startsWith("-") ? ["compare", ...args] : args;
if (!available.includes(name)) {
  console.error(`bench: no benchmark named "${name}"`);
  console.error(
    "usage: npm run bench [-- --quick ...] | npm run bench -- <name> [args] | npm run bench -- --list",
  );
  console.error(`benchmarks: ${available.join(", ")}`);
  process.exit(2);
}

const lock = join(root, "package-lock.json");
const stamp = join(root, "node_modules", ".package-lock.json");
if (!existsSync(stamp) || statSync(lock).mtimeMs > statSync(stamp).mtimeMs) {
  console.error("bench: npm install (node_modules is missing or older than package-lock.json)");
  const r = spawnSync("npm", ["install", "--no-audit", "--no-fund"], {
    cwd: root,
    stdio: "inherit",
    env: { ...process.env, PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD: "1" },
  });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

const r = spawnSync(
  process.execPath,
  ["--conditions=source", "--import", "tsx", join(benchDir, `${name}.ts`), ...rest],
  { cwd: root, stdio: "inherit" },
);
if (r.error) {
  console.error(`bench: could not start node: ${r.error.message}`);
  process.exit(1);
}
process.exit(r.status ?? 1);
