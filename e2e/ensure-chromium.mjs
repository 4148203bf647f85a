// @ts-check
/**
 * Makes sure Debian's Chromium is at /usr/bin/chromium (or CHROMIUM_PATH) before the browser
 * tests: installs the `chromium` package with apt-get when it is missing. Playwright's own
 * browser downloads are never used (the npm package is installed with
 * PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1).
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";

const path = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

/** @param {string} cmd @param {string[]} args */
function run(cmd, args) {
  const r = spawnSync(cmd, args, {
    stdio: "inherit",
    env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" },
  });
  if (r.status !== 0) {
    console.error(`ensure-chromium: ${cmd} ${args.join(" ")} exited with ${r.status ?? r.signal}`);
    process.exit(1);
  }
}

if (!existsSync(path)) {
  if (process.env.CHROMIUM_PATH) {
    console.error(`ensure-chromium: CHROMIUM_PATH=${path} does not exist`);
    process.exit(1);
  }
  console.log(`ensure-chromium: ${path} is missing; installing Debian's chromium package`);
  const sudo = process.getuid?.() === 0 ? [] : ["sudo", "-n"];
  const [cmd = "apt-get", ...pre] = [...sudo, "apt-get"];
  run(cmd, [...pre, "update"]);
  run(cmd, [...pre, "install", "-y", "chromium"]);
  if (!existsSync(path)) {
    console.error(`ensure-chromium: apt-get installed chromium but ${path} is still missing`);
    process.exit(1);
  }
}
const v = spawnSync(path, ["--version"], { encoding: "utf8" });
console.log(`ensure-chromium: ${(v.stdout || "").trim() || path}`);
