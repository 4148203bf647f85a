// @ts-check
// What runs where: reads pid files and probes ports for the clusters this folder starts.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { bootstrapOf, clusterSpec, nodeFiles } from "./config.mjs";
import { clusterDir } from "./paths.mjs";
import { isAlive, isOurBroker, portOpen, readPid } from "./process.mjs";

/**
 * @typedef {object} ClusterState what start() recorded in .kafka/<cluster>/cluster.json
 * @property {string} clusterId
 * @property {boolean} sasl
 * @property {string} startedAt ISO time
 */

/**
 * @typedef {object} NodeStatus
 * @property {import("./config.mjs").NodeSpec} node
 * @property {number | undefined} pid from the pid file
 * @property {boolean} running pid alive and it is our kafka.Kafka with this node's config
 * @property {boolean} brokerOpen the PLAINTEXT broker port accepts connections
 * @property {boolean} controllerOpen
 * @property {boolean} saslOpen
 * @property {boolean} sslOpen
 * @property {boolean} saslSslOpen
 */

/**
 * @typedef {object} ClusterStatus
 * @property {import("./config.mjs").ClusterSpec} spec
 * @property {ClusterState | undefined} state undefined when never started
 * @property {NodeStatus[]} nodes
 */

/** @param {import("./config.mjs").ClusterSpec} spec */
export function stateFile(spec) {
  return join(clusterDir(spec.name), "cluster.json");
}

/**
 * @param {import("./config.mjs").ClusterSpec} spec
 * @returns {ClusterState | undefined}
 */
export function readState(spec) {
  const file = stateFile(spec);
  if (!existsSync(file)) return undefined;
  try {
    return JSON.parse(readFileSync(file, "utf8"));
  } catch {
    return undefined;
  }
}

/**
 * @param {import("./config.mjs").NodeSpec} node
 * @returns {Promise<NodeStatus>}
 */
export async function nodeStatus(node) {
  const files = nodeFiles(node);
  const pid = readPid(files.pid);
  const running = pid !== undefined && isAlive(pid) && isOurBroker(pid, files.properties);
  const [brokerOpen, controllerOpen, saslOpen, sslOpen, saslSslOpen] = await Promise.all([
    portOpen(node.brokerPort),
    portOpen(node.controllerPort),
    portOpen(node.saslPort),
    portOpen(node.sslPort),
    portOpen(node.saslSslPort),
  ]);
  return { node, pid, running, brokerOpen, controllerOpen, saslOpen, sslOpen, saslSslOpen };
}

/**
 * @param {1 | 3} size
 * @returns {Promise<ClusterStatus>}
 */
export async function clusterStatus(size) {
  const spec = clusterSpec(size);
  const nodes = await Promise.all(spec.nodes.map(nodeStatus));
  return { spec, state: readState(spec), nodes };
}

/**
 * Human-readable status of both clusters.
 * @returns {Promise<string>}
 */
export async function describeStatus() {
  const lines = [];
  for (const size of /** @type {const} */ ([1, 3])) {
    const { spec, state, nodes } = await clusterStatus(size);
    const up = nodes.filter((n) => n.running).length;
    if (!state && up === 0) {
      lines.push(`${spec.name}: never started here`);
      continue;
    }
    const health =
      up === 0
        ? "stopped"
        : up === nodes.length && nodes.every((n) => n.brokerOpen)
          ? "running"
          : "DEGRADED";
    lines.push(
      `${spec.name}: ${health} (${up}/${nodes.length} nodes up${state ? `, cluster id ${state.clusterId}, sasl ${state.sasl ? "on" : "off"}, last started ${state.startedAt}` : ""})`,
    );
    if (up > 0)
      lines.push(
        `  bootstrap ${bootstrapOf(spec)}${state?.sasl ? `  sasl ${bootstrapOf(spec, true)}  ssl ${bootstrapOf(spec, "SSL")}  sasl_ssl ${bootstrapOf(spec, "SASL_SSL")}` : ""}`,
      );
    for (const n of nodes) {
      const port = (/** @type {number} */ p, /** @type {boolean} */ open) =>
        `127.0.0.1:${p} ${open ? "open" : "closed"}`;
      const proc =
        n.pid === undefined
          ? "no pid"
          : `pid ${n.pid} ${n.running ? "alive" : isAlive(n.pid) ? "reused by another program" : "exited"}`;
      let line = `  node ${n.node.id}: ${proc}; broker ${port(n.node.brokerPort, n.brokerOpen)}; controller ${port(n.node.controllerPort, n.controllerOpen)}`;
      if (state?.sasl || n.saslOpen) {
        line += `; sasl ${port(n.node.saslPort, n.saslOpen)}; ssl ${port(n.node.sslPort, n.sslOpen)}; sasl_ssl ${port(n.node.saslSslPort, n.saslSslOpen)}`;
      }
      lines.push(line);
      if (n.running) lines.push(`    log ${nodeFiles(n.node).serverLog}`);
    }
  }
  return lines.join("\n");
}
