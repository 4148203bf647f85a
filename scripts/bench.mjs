// @ts-check
/**
 * `npm run bench -- <name> [args]`: runs bench/<name>.ts from the sources (no build needed),
 * passing the remaining arguments through. With no name, or an unknown one, lists the
 * benchmarks there are.
 */
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const benchDir = join(root, "bench");
const [name, ...rest] = process.argv.slice(2);

const available = existsSync(benchDir)
  ? readdirSync(benchDir)
      .filter((f) => f.endsWith(".ts") && !f.endsWith(".d.ts"))
      .map((f) => f.slice(0, -".ts".length))
      .sort()
  : [];

if (name === undefined || !available.includes(name)) {
  if (name !== undefined) console.error(`bench: no benchmark named "${name}"`);
  console.error("usage: npm run bench -- <name> [args]");
  console.error(`benchmarks: ${available.length > 0 ? available.join(", ") : "(none in bench/)"}`);
  process.exit(name === undefined ? 0 : 2);
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
