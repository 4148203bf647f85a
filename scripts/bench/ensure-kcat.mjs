// @ts-check
/**
 * Makes sure kcat (the librdkafka command-line client the benchmark compares against) is
 * installed: Debian's `kcat` package, put in place with apt-get when /usr/bin/kcat (or KCAT_PATH)
 * is missing. apt-get runs directly as root, otherwise through passwordless sudo (`sudo -n`);
 * when neither is possible it says how to install kcat by hand.
 *
 *   node scripts/bench/ensure-kcat.mjs        prints the kcat version line, installing if needed
 *
 * Or from code: `import { ensureKcat } from "./scripts/bench/ensure-kcat.mjs"`.
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";

const DEFAULT_PATH = "/usr/bin/kcat";

/**
 * @param {string} cmd
 * @param {string[]} args
 * @param {boolean} quiet
 */
function run(cmd, args, quiet) {
  const r = spawnSync(cmd, args, {
    stdio: quiet ? "ignore" : "inherit",
    env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" },
  });
  if (r.error !== undefined)
    throw new Error(`ensure-kcat: could not run ${cmd}: ${r.error.message}`);
  if (r.status !== 0) {
    throw new Error(`ensure-kcat: ${cmd} ${args.join(" ")} exited with ${r.status ?? r.signal}`);
  }
}

/** How apt-get can be run here: directly as root, through `sudo -n`, or not at all. */
function aptPrefix() {
  if (process.getuid?.() === 0) return [];
  const sudo = spawnSync("sudo", ["-n", "true"], { stdio: "ignore" });
  return sudo.status === 0 ? ["sudo", "-n"] : undefined;
}

/**
 * Returns the path of a working kcat, installing Debian's package first when it is missing.
 * Throws, saying what to do, when it is missing and cannot be installed.
 * @param {{ quiet?: boolean }} [options] quiet: no apt-get output, no progress lines
 * @returns {{ path: string, version: string, installed: boolean }}
 */
export function ensureKcat({ quiet = false } = {}) {
  const explicit = process.env.KCAT_PATH;
  const path = explicit ?? DEFAULT_PATH;
  let installed = false;
  if (!existsSync(path)) {
    if (explicit !== undefined)
      throw new Error(`ensure-kcat: KCAT_PATH=${explicit} does not exist`);
    if (!existsSync("/usr/bin/apt-get")) {
      throw new Error(
        `ensure-kcat: ${path} is missing and this system has no apt-get; install kcat with your package manager (https://github.com/edenhill/kcat) or set KCAT_PATH`,
      );
    }
    const prefix = aptPrefix();
    if (prefix === undefined) {
      throw new Error(
        `ensure-kcat: ${path} is missing and cannot be installed from here (not root, and sudo asks for a password); install it with: sudo apt-get install -y kcat`,
      );
    }
    if (!quiet) console.log(`ensure-kcat: ${path} is missing; installing Debian's kcat package`);
    const [cmd = "apt-get", ...pre] = [...prefix, "apt-get"];
    run(cmd, [...pre, "update"], quiet);
    run(cmd, [...pre, "install", "-y", "--no-install-recommends", "kcat"], quiet);
    if (!existsSync(path)) {
      throw new Error(`ensure-kcat: apt-get installed kcat but ${path} is still missing`);
    }
    installed = true;
  }
  const v = spawnSync(path, ["-V"], { encoding: "utf8", timeout: 10_000 });
  const version = /^Version .*$/m.exec(`${v.stdout ?? ""}${v.stderr ?? ""}`)?.[0];
  if (version === undefined) {
    throw new Error(
      `ensure-kcat: ${path} -V printed no version (${v.error?.message ?? `exit ${v.status}`})`,
    );
  }
  return { path, version, installed };
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    const { path, version } = ensureKcat();
    console.log(`ensure-kcat: ${path}: ${version}`);
  } catch (err) {
    console.error(err instanceof Error ? err.message : String(err));
    process.exit(1);
  }
}
