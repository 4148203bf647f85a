// @ts-check
// Each runtime's version, as its own --version prints it, for the table header.
import { spawnSync } from "node:child_process";
import { CHROMIUM, runtimeBin } from "./paths.mjs";

/** @type {Record<string, [string, string[]]>} */
const COMMANDS = {
  node20: [process.execPath, ["-v"]],
  node26: [runtimeBin("node"), ["-v"]],
  deno: [runtimeBin("deno"), ["--version"]],
  bun: [runtimeBin("bun"), ["--version"]],
  workerd: [runtimeBin("workerd"), ["--version"]],
  chromium: [CHROMIUM, ["--version"]],
};

/**
 * @param {string} id
 * @returns {string} the first line of its version output, or why there is none
 */
export function runtimeVersion(id) {
  const command = COMMANDS[id];
  if (command === undefined) return "unknown runtime";
  const r = spawnSync(command[0], command[1], { encoding: "utf8", timeout: 15_000 });
  if (r.error) return `not runnable: ${r.error.message}`;
  const first = `${r.stdout}`.split("\n").find((l) => l.trim() !== "");
  return first?.trim() ?? `no version output (exit ${r.status})`;
}
