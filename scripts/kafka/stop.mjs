// @ts-check
// Stops the brokers start.mjs started, by pid file, and nothing else.
import { rmSync } from "node:fs";
import { clusterSpec, nodeFiles } from "./config.mjs";
import { isAlive, isOurBroker, portOpen, readPid, sleep } from "./process.mjs";

/** Kafka's controlled shutdown takes a few seconds here; after this it gets SIGKILL. */
const TERM_GRACE_MS = 30_000;
/** How long a node may outlive its controller quorum before it gets SIGKILL (see below). */
const NO_QUORUM_GRACE_MS = 3_000;
const KILL_GRACE_MS = 5_000;

/**
 * @typedef {object} StopResult
 * @property {Array<{ cluster: string, nodeId: number, pid: number, killed: boolean }>} stopped
 *   killed is true when the node got SIGKILL after SIGTERM
 * @property {string[]} notes stale pid files and reused pids that were left alone
 */

/**
 * @typedef {object} Target
 * @property {import("./config.mjs").ClusterSpec} spec
 * @property {number} nodeId
 * @property {number} pid
 * @property {string} pidFile
 * @property {string} properties
 */

/**
 * Stops the single node (which: 1), the three-node cluster (which: 3) or both ("all", default).
 * Signals a pid only when /proc says it is java running kafka.Kafka with our config file.
 * @param {{ which?: 1 | 3 | "all" | undefined, quiet?: boolean | undefined }} [options]
 * @returns {Promise<StopResult>}
 */
export async function stop({ which = "all", quiet = false } = {}) {
  const log = quiet ? () => {} : (/** @type {string} */ line) => console.log(line);
  const sizes = which === "all" ? /** @type {const} */ ([1, 3]) : [which];
  /** @type {Target[]} */
  const targets = [];
  /** @type {string[]} */
  const notes = [];
  for (const size of sizes) {
    const spec = clusterSpec(size);
    for (const node of spec.nodes) {
      const files = nodeFiles(node);
      const pid = readPid(files.pid);
      if (pid === undefined) continue;
      if (!isAlive(pid)) {
        notes.push(`${spec.name} node ${node.id}: pid ${pid} had already exited`);
        rmSync(files.pid, { force: true });
      } else if (!isOurBroker(pid, files.properties)) {
        notes.push(
          `${spec.name} node ${node.id}: pid ${pid} now belongs to another program; not signalled`,
        );
        rmSync(files.pid, { force: true });
      } else {
        targets.push({
          spec,
          nodeId: node.id,
          pid,
          pidFile: files.pid,
          properties: files.properties,
        });
      }
    }
  }
  for (const note of notes) log(note);
  if (targets.length === 0) {
    log("Nothing to stop: no Kafka started by scripts/kafka is running.");
    return { stopped: [], notes };
  }

  const began = Date.now();
  for (const t of targets) {
    log(`Stopping ${t.spec.name} node ${t.nodeId} (pid ${t.pid})…`);
    signal(t, "SIGTERM");
  }
  const killed = await awaitExit(targets, log);
  for (const t of targets) rmSync(t.pidFile, { force: true });
  log(`Stopped ${targets.length} node(s) in ${((Date.now() - began) / 1000).toFixed(1)} s.`);
  return {
    stopped: targets.map((t) => ({
      cluster: t.spec.name,
      nodeId: t.nodeId,
      pid: t.pid,
      killed: killed.has(t),
    })),
    notes,
  };
}

/**
 * Waits for the signalled nodes to exit; sends SIGKILL to those that cannot.
 *
 * A KRaft node shuts its broker down first, and a broker's controlled shutdown needs the
 * controller quorum to approve it. Once a majority of a cluster's controllers has gone, the nodes
 * still up would wait minutes for an approval that cannot come, so they get SIGKILL after a
 * short grace. Storage is formatted afresh at every start, so nothing is lost.
 * @param {Target[]} targets
 * @param {(line: string) => void} log
 * @returns {Promise<Set<Target>>} the targets that got SIGKILL
 */
async function awaitExit(targets, log) {
  /** @type {Set<Target>} */
  const killed = new Set();
  /** @type {Map<string, number>} cluster name -> when its quorum was first seen gone */
  const quorumGoneSince = new Map();
  const deadline = Date.now() + TERM_GRACE_MS;
  /** @param {Target} t @param {string} why */
  const kill = (t, why) => {
    if (killed.has(t) || !isOurBroker(t.pid, t.properties)) return;
    log(`${t.spec.name} node ${t.nodeId} (pid ${t.pid}) ${why}; sending SIGKILL`);
    signal(t, "SIGKILL");
    killed.add(t);
  };
  for (;;) {
    const alive = targets.filter((t) => isAlive(t.pid));
    if (alive.length === 0) return killed;
    if (Date.now() > deadline + KILL_GRACE_MS) {
      throw new Error(
        `could not stop pids ${alive.map((t) => t.pid).join(", ")}; they survived SIGKILL`,
      );
    }
    if (Date.now() > deadline)
      for (const t of alive) kill(t, `ignored SIGTERM for ${TERM_GRACE_MS / 1000} s`);
    for (const spec of new Set(alive.map((t) => t.spec))) {
      if (spec.size === 1) continue;
      const open = await Promise.all(
        spec.nodes.map((n) => portOpen(n.controllerPort, "127.0.0.1", 200)),
      );
      if (open.filter(Boolean).length * 2 > spec.nodes.length) {
        quorumGoneSince.delete(spec.name);
        continue;
      }
      const since = quorumGoneSince.get(spec.name) ?? Date.now();
      quorumGoneSince.set(spec.name, since);
      if (Date.now() - since >= NO_QUORUM_GRACE_MS) {
        for (const t of alive.filter((a) => a.spec === spec))
          kill(t, "cannot finish its controlled shutdown without a controller quorum");
      }
    }
    await sleep(200);
  }
}

/**
 * @param {Target} target
 * @param {NodeJS.Signals} sig
 */
function signal(target, sig) {
  try {
    process.kill(target.pid, sig);
  } catch {
    // exited in between
  }
}
