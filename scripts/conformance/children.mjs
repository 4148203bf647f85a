// @ts-check
/**
 * Every child process the conformance run starts is spawned here, in its own process group, so
 * that a timeout or Ctrl-C can end it together with anything it started (Chromium's helpers,
 * tsx's workers), by its id and nothing else.
 */
import { spawn } from "node:child_process";

/** @type {Set<import("node:child_process").ChildProcess>} */
const running = new Set();

/**
 * @param {string} command
 * @param {string[]} args
 * @param {import("node:child_process").SpawnOptions} [options]
 */
export function spawnTracked(command, args, options = {}) {
  const child = spawn(command, args, {
    stdio: ["ignore", "pipe", "pipe"],
    ...options,
    detached: true,
  });
  running.add(child);
  child.once("exit", () => running.delete(child));
  child.once("error", () => running.delete(child));
  return child;
}

/**
 * Kills a tracked child's whole process group.
 * @param {import("node:child_process").ChildProcess} child
 * @param {NodeJS.Signals} [signal]
 */
export function killGroup(child, signal = "SIGKILL") {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // Already gone between the check and the kill.
  }
}

/**
 * SIGTERM, then SIGKILL after `graceMs`; resolves once the child has exited.
 * @param {import("node:child_process").ChildProcess} child
 * @param {number} [graceMs]
 * @returns {Promise<void>}
 */
export async function stopChild(child, graceMs = 3000) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  killGroup(child, "SIGTERM");
  const timer = setTimeout(() => killGroup(child, "SIGKILL"), graceMs);
  await exited;
  clearTimeout(timer);
}

/** For Ctrl-C: every child still running gets SIGKILL, group and all. */
export function killAllChildren() {
  for (const child of running) killGroup(child, "SIGKILL");
}

/**
 * Keeps the last `limit` characters of a stream, for failure messages.
 * @param {import("node:stream").Readable | null} stream
 * @param {number} [limit]
 * @returns {() => string}
 */
export function tailOf(stream, limit = 4000) {
  let text = "";
  stream?.setEncoding("utf8");
  stream?.on("data", (/** @type {string} */ chunk) => {
    text = (text + chunk).slice(-limit);
  });
  return () => text.trim();
}
