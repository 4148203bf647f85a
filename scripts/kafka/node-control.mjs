// @ts-check
// One node of a running cluster: signal it (crash, clean stop, freeze, thaw) and start it again
// on the storage it already has. start.mjs formats fresh storage at every start, which is right
// for a new cluster and wrong for a node coming back to the cluster it left: its logs and its
// place in the controller quorum must survive the restart.
import { spawn } from "node:child_process";
import { closeSync, openSync, readFileSync, readlinkSync, writeFileSync } from "node:fs";
import { clusterSpec, nodeFiles } from "./config.mjs";
import { isAlive, isOurBroker, portOpen, readPid, sleep, tail } from "./process.mjs";

/**
 * How a node was started, read back from the kernel (/proc/<pid>/cmdline and cwd) while it runs.
 * Restarting from this record runs exactly what start.mjs launched (JVM flags, classpath, config
 * paths), so the two can never drift apart.
 * @typedef {object} NodeLaunch
 * @property {string} command argv[0] as start.mjs spawned it ("java" or JAVA_HOME/bin/java)
 * @property {string[]} args
 * @property {string} cwd
 */

/**
 * A node that was running when the handle was taken. `pid` is the process the handle's
 * signals go to; `launch` is how to start it again once that process is gone.
 * @typedef {object} NodeHandle
 * @property {1 | 3} size which cluster: 1 (single node) or 3
 * @property {number} nodeId
 * @property {number} pid
 * @property {NodeLaunch} launch
 * @property {number} brokerPort
 */

/**
 * @param {1 | 3} size
 * @param {number} nodeId
 */
function nodeOf(size, nodeId) {
  const node = clusterSpec(size).nodes.find((n) => n.id === nodeId);
  if (node === undefined) {
    throw new RangeError(
      `nodeId must be one of ${clusterSpec(size)
        .nodes.map((n) => n.id)
        .join(", ")} for the ${size}-node cluster; received ${JSON.stringify(nodeId)}`,
    );
  }
  return node;
}

/**
 * The NUL-separated argv of /proc/<pid>/cmdline as an array (the trailing NUL ends the last
 * argument, it does not start an empty one).
 * @param {string} text
 * @returns {string[]}
 */
export function parseCmdline(text) {
  const parts = text.split("\0");
  if (parts.length > 0 && parts[parts.length - 1] === "") parts.pop();
  return parts;
}

/**
 * How process `pid` was started. Throws when the process is gone.
 * @param {number} pid
 * @returns {NodeLaunch}
 */
export function readLaunch(pid) {
  let argv;
  let cwd;
  try {
    argv = parseCmdline(readFileSync(`/proc/${pid}/cmdline`, "utf8"));
    cwd = readlinkSync(`/proc/${pid}/cwd`);
  } catch (err) {
    throw new Error(
      `cannot read how pid ${pid} was started from /proc: ${err instanceof Error ? err.message : err}`,
    );
  }
  const [command, ...args] = argv;
  if (command === undefined) throw new Error(`pid ${pid} has an empty command line (a zombie?)`);
  return { command, args, cwd };
}

/**
 * A handle on a node that runs now (its pid file names a live java running kafka.Kafka with this
 * node's server.properties). Throws, saying which, when it does not.
 * @param {1 | 3} size
 * @param {number} nodeId
 * @returns {NodeHandle}
 */
export function runningNode(size, nodeId) {
  const node = nodeOf(size, nodeId);
  const files = nodeFiles(node);
  const pid = readPid(files.pid);
  if (pid === undefined || !isAlive(pid) || !isOurBroker(pid, files.properties)) {
    throw new Error(
      `${clusterSpec(size).name} node ${nodeId} is not running (pid file ${files.pid}: ${pid ?? "none"}); start the cluster first`,
    );
  }
  return { size, nodeId, pid, launch: readLaunch(pid), brokerPort: node.brokerPort };
}

/**
 * Sends a signal to the handle's process, after checking /proc that the pid is still our broker
 * (a pid the system gave to another program is never signalled).
 * SIGKILL: a crash. SIGTERM: Kafka's controlled shutdown (leaders move away first).
 * SIGSTOP / SIGCONT: freeze and thaw (sockets stay open, nothing answers).
 * @param {NodeHandle} handle
 * @param {NodeJS.Signals} signal
 */
export function signalNode(handle, signal) {
  const files = nodeFiles(nodeOf(handle.size, handle.nodeId));
  if (!isAlive(handle.pid) || !isOurBroker(handle.pid, files.properties)) {
    throw new Error(
      `node ${handle.nodeId} (pid ${handle.pid}) is not running; cannot send ${signal}`,
    );
  }
  process.kill(handle.pid, signal);
}

/**
 * Signals the node (SIGTERM by default, or SIGKILL for a crash) and resolves once its process
 * has exited. After `timeoutMs` a SIGTERM that was not obeyed is followed by SIGKILL.
 * @param {NodeHandle} handle
 * @param {{ signal?: "SIGTERM" | "SIGKILL", timeoutMs?: number }} [options]
 * @returns {Promise<{ ms: number, killed: boolean }>} killed: SIGKILL had to follow SIGTERM
 */
export async function stopNode(handle, { signal = "SIGTERM", timeoutMs = 30_000 } = {}) {
  const began = Date.now();
  signalNode(handle, signal);
  let killed = false;
  // Bounded: SIGKILL at timeoutMs, and a process that survives SIGKILL for 10 s more is reported.
  while (isAlive(handle.pid)) {
    const waited = Date.now() - began;
    if (!killed && signal !== "SIGKILL" && waited > timeoutMs) {
      killed = true;
      try {
        process.kill(handle.pid, "SIGKILL");
      } catch {
        // exited in between
      }
    }
    if (waited > timeoutMs + 10_000) {
      throw new Error(`node ${handle.nodeId} (pid ${handle.pid}) did not exit after ${signal}`);
    }
    await sleep(50);
  }
  return { ms: Date.now() - began, killed };
}

/**
 * Starts a node again with the command it ran before, on the storage it has: no format, same
 * cluster id, same logs. Appends to its stdout log and rewrites its pid file (so `stop` and
 * `status` know the new process). Resolves with a handle on the new process once its broker
 * port accepts connections; rejects at once, with the log tail, if the process dies, and after
 * `timeoutMs`. Refuses while the node still runs: two JVMs on one storage corrupt it.
 * @param {NodeHandle} handle
 * @param {{ timeoutMs?: number }} [options]
 * @returns {Promise<NodeHandle>}
 */
export async function restartNode(handle, { timeoutMs = 120_000 } = {}) {
  const node = nodeOf(handle.size, handle.nodeId);
  const files = nodeFiles(node);
  const current = readPid(files.pid);
  if (current !== undefined && isAlive(current) && isOurBroker(current, files.properties)) {
    throw new Error(`node ${handle.nodeId} still runs as pid ${current}; stop it before a restart`);
  }
  if (await portOpen(node.brokerPort, "127.0.0.1", 500)) {
    throw new Error(
      `port ${node.brokerPort} is in use by another program; node ${handle.nodeId} cannot listen there`,
    );
  }
  const out = openSync(files.stdoutLog, "a");
  /** @type {number} */
  let pid;
  try {
    const child = spawn(handle.launch.command, handle.launch.args, {
      cwd: handle.launch.cwd,
      detached: true,
      stdio: ["ignore", out, out],
    });
    child.on("error", () => {}); // shows up as a dead pid below
    child.unref();
    if (child.pid === undefined) {
      throw new Error(`could not start ${handle.launch.command} for node ${handle.nodeId}`);
    }
    pid = child.pid;
    writeFileSync(files.pid, `${pid}\n`);
  } finally {
    closeSync(out);
  }
  const began = Date.now();
  for (;;) {
    if (!isAlive(pid)) {
      throw new Error(
        `node ${handle.nodeId} exited during its restart.\n--- ${files.serverLog}\n${tail(files.serverLog, 25)}\n--- ${files.stdoutLog}\n${tail(files.stdoutLog, 15)}`,
      );
    }
    if (await portOpen(node.brokerPort, "127.0.0.1", 500)) break;
    if (Date.now() - began > timeoutMs) {
      throw new Error(
        `node ${handle.nodeId} (pid ${pid}) did not open port ${node.brokerPort} within ${timeoutMs / 1000} s.\n${tail(files.serverLog, 25)}`,
      );
    }
    await sleep(200);
  }
  return { ...handle, pid };
}
