// @ts-check
// Processes and ports: is a pid alive, is it our broker, is a port open, wait for a condition.
import { existsSync, readFileSync } from "node:fs";
import { connect } from "node:net";

/**
 * True while the process exists and is not a zombie.
 * @param {number} pid
 */
export function isAlive(pid) {
  try {
    // Field 3 of /proc/<pid>/stat is the state; the name before it is in parentheses and may hold spaces.
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) !== "Z";
  } catch {
    return false;
  }
}

/**
 * True when pid is a java process running kafka.Kafka with exactly this config file, so a pid that
 * the system handed to another program after our broker died is never signalled.
 * @param {number} pid
 * @param {string} propertiesFile
 */
export function isOurBroker(pid, propertiesFile) {
  let argv;
  try {
    argv = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0");
  } catch {
    return false;
  }
  const exe = argv[0] ?? "";
  return /(^|\/)java$/.test(exe) && argv.includes("kafka.Kafka") && argv.includes(propertiesFile);
}

/**
 * @param {string} pidFile
 * @returns {number | undefined}
 */
export function readPid(pidFile) {
  if (!existsSync(pidFile)) return undefined;
  const pid = Number.parseInt(readFileSync(pidFile, "utf8").trim(), 10);
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

/**
 * True when something accepts TCP connections on host:port.
 * @param {number} port
 * @param {string} [host]
 * @param {number} [timeoutMs]
 * @returns {Promise<boolean>}
 */
export function portOpen(port, host = "127.0.0.1", timeoutMs = 1000) {
  return new Promise((resolve) => {
    const socket = connect({ port, host });
    const done = (/** @type {boolean} */ open) => {
      socket.destroy();
      resolve(open);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once("connect", () => done(true));
    socket.once("error", () => done(false));
  });
}

/** @param {number} ms */
export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Last lines of a text file, or a note that it does not exist.
 * @param {string} file
 * @param {number} [lines]
 */
export function tail(file, lines = 30) {
  if (!existsSync(file)) return `(no ${file})`;
  const text = readFileSync(file, "utf8").trimEnd();
  return text ? text.split("\n").slice(-lines).join("\n") : "(empty)";
}
