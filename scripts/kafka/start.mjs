// @ts-check
// Starts a fresh single node or three-node KRaft cluster as detached java processes.
import { spawn } from "node:child_process";
import { closeSync, mkdirSync, openSync, rmSync, writeFileSync } from "node:fs";
import {
  bootstrapOf,
  brokerLog4j,
  clientPorts,
  clusterSpec,
  nodeFiles,
  randomClusterId,
  SASL_MECHANISMS,
  SASL_USERS,
  scramFormatArgs,
  serverProperties,
} from "./config.mjs";
import { classpath, ensureJars } from "./fetch.mjs";
import { jdkTool, runTool } from "./java.mjs";
import { clusterDir, KAFKA_VERSION } from "./paths.mjs";
import { isAlive, portOpen, sleep, tail } from "./process.mjs";
import { clusterStatus, stateFile } from "./status.mjs";
import { stop } from "./stop.mjs";
import { makeTlsMaterial, tlsFiles } from "./tls.mjs";

const READY_TIMEOUT_MS = 120_000;

/**
 * @typedef {object} StartOptions
 * @property {1 | 3 | undefined} [nodes] 1 (default): 127.0.0.1:9092; 3: 127.0.0.1:19092,19192,19292
 * @property {boolean | undefined} [sasl] also open SASL_PLAINTEXT (9094), SSL (9095) and SASL_SSL (9096)
 *   listeners (cluster: 19094.., +100 per node), with a fresh throw-away CA and broker certificate
 * @property {boolean | undefined} [quiet] print nothing (errors are still thrown)
 * @property {number | undefined} [timeoutMs] how long to wait for the broker ports (default 120000)
 */

/**
 * @typedef {object} StartResult
 * @property {boolean} alreadyRunning true when a matching cluster was already up and nothing was started
 * @property {string} bootstrap PLAINTEXT bootstrap servers, e.g. "127.0.0.1:9092"
 * @property {string | undefined} saslBootstrap SASL_PLAINTEXT bootstrap servers when sasl is on
 * @property {string | undefined} sslBootstrap SSL (TLS, no SASL) bootstrap servers when sasl is on
 * @property {string | undefined} saslSslBootstrap SASL_SSL bootstrap servers when sasl is on
 * @property {string | undefined} caFile the CA certificate (PEM) the SSL listeners' certificate chains to
 * @property {string} clusterId
 * @property {Array<{ id: number, pid: number | undefined, serverLog: string }>} nodes
 */

/**
 * Starts Kafka (fetching the jars on first use) and resolves once every broker port accepts
 * connections. Each start formats fresh storage, so topics from an earlier run are gone.
 * @param {StartOptions} [options]
 * @returns {Promise<StartResult>}
 */
export async function start({
  nodes: size = 1,
  sasl = false,
  quiet = false,
  timeoutMs = READY_TIMEOUT_MS,
} = {}) {
  const log = quiet ? () => {} : (/** @type {string} */ line) => console.log(line);
  const spec = clusterSpec(size);
  const stopHint = size === 1 ? "npm run kafka -- stop" : "npm run kafka -- stop --nodes 3";

  const current = await clusterStatus(size);
  const running = current.nodes.filter((n) => n.running);
  if (running.length === spec.nodes.length && current.state) {
    if (sasl && !current.state.sasl) {
      throw new Error(
        `${spec.name} Kafka is already running without SASL; stop it first (${stopHint}) and start again with --sasl`,
      );
    }
    await waitUntilReady(spec, current.state.sasl, timeoutMs, () => {});
    log(
      `${spec.name} Kafka is already running (bootstrap ${bootstrapOf(spec)}${current.state.sasl ? `, sasl ${bootstrapOf(spec, true)}` : ""}). Stop it with: ${stopHint}`,
    );
    return result(
      spec,
      current.state.sasl,
      current.state.clusterId,
      true,
      current.nodes.map((n) => n.pid),
    );
  }
  if (running.length > 0) {
    log(
      `${spec.name} Kafka is only partly running (${running.length}/${spec.nodes.length} nodes); restarting it.`,
    );
    await stop({ which: size, quiet });
  }
  const { nodes: now } = running.length > 0 ? await clusterStatus(size) : current;
  const busy = now.flatMap((n) => [
    ...(n.brokerOpen ? [n.node.brokerPort] : []),
    ...(n.controllerOpen ? [n.node.controllerPort] : []),
    ...(sasl && n.saslOpen ? [n.node.saslPort] : []),
    ...(sasl && n.sslOpen ? [n.node.sslPort] : []),
    ...(sasl && n.saslSslOpen ? [n.node.saslSslPort] : []),
  ]);
  if (busy.length > 0) {
    throw new Error(
      `port ${busy.join(", ")} on 127.0.0.1 is in use by a program this script did not start; ${spec.name} Kafka needs it`,
    );
  }

  await ensureJars({ quiet });
  const began = Date.now();
  const clusterId = randomClusterId();
  rmSync(stateFile(spec), { force: true });
  mkdirSync(clusterDir(spec.name), { recursive: true });
  if (sasl) makeTlsMaterial(spec.name);
  for (const node of spec.nodes) writeNodeFiles(spec, node, sasl);
  await Promise.all(spec.nodes.map((node) => format(node, clusterId, sasl)));

  // All nodes before any wait: a broker opens its port only once a controller quorum exists.
  const pids = spec.nodes.map((node) => launch(spec, node));
  try {
    await waitUntilReady(spec, sasl, timeoutMs, (line) => log(line), pids);
  } catch (err) {
    await stop({ which: size, quiet: true });
    throw err;
  }
  writeFileSync(
    stateFile(spec),
    `${JSON.stringify({ clusterId, sasl, startedAt: new Date().toISOString() }, null, 2)}\n`,
  );

  const secs = ((Date.now() - began) / 1000).toFixed(1);
  log(
    `Kafka ${KAFKA_VERSION} ${size === 1 ? "single node" : "three-node cluster"} is up in ${secs} s (cluster id ${clusterId}).`,
  );
  spec.nodes.forEach((node, i) => {
    let line = `  node ${node.id}: pid ${pids[i]}, broker 127.0.0.1:${node.brokerPort}, controller 127.0.0.1:${node.controllerPort}`;
    if (sasl) {
      line += `, sasl ${node.saslPort}, ssl ${node.sslPort}, sasl_ssl ${node.saslSslPort}`;
    }
    log(line);
    log(`          log ${nodeFiles(node).serverLog}`);
  });
  log(`  bootstrap: ${bootstrapOf(spec)}`);
  if (sasl) {
    log(
      `  sasl bootstrap: ${bootstrapOf(spec, true)} (SASL_PLAINTEXT; ${SASL_MECHANISMS.join(", ")})`,
    );
    log(`  ssl bootstrap: ${bootstrapOf(spec, "SSL")} (TLS only)`);
    log(`  sasl_ssl bootstrap: ${bootstrapOf(spec, "SASL_SSL")} (SASL over TLS)`);
    log(`  users: ${SASL_USERS.map((u) => `${u.name}/${u.password}`).join(", ")}`);
    log(`  CA certificate (trust it for ssl/sasl_ssl): ${tlsFiles(spec.name).ca}`);
  }
  log(`Stop it with: ${stopHint}`);
  return result(spec, sasl, clusterId, false, pids);
}

/**
 * @param {import("./config.mjs").ClusterSpec} spec
 * @param {boolean} sasl
 * @param {string} clusterId
 * @param {boolean} alreadyRunning
 * @param {Array<number | undefined>} pids
 * @returns {StartResult}
 */
function result(spec, sasl, clusterId, alreadyRunning, pids) {
  return {
    alreadyRunning,
    bootstrap: bootstrapOf(spec),
    saslBootstrap: sasl ? bootstrapOf(spec, true) : undefined,
    sslBootstrap: sasl ? bootstrapOf(spec, "SSL") : undefined,
    saslSslBootstrap: sasl ? bootstrapOf(spec, "SASL_SSL") : undefined,
    caFile: sasl ? tlsFiles(spec.name).ca : undefined,
    clusterId,
    nodes: spec.nodes.map((node, i) => ({
      id: node.id,
      pid: pids[i],
      serverLog: nodeFiles(node).serverLog,
    })),
  };
}

/**
 * Wipes the node folder and writes its configs.
 * @param {import("./config.mjs").ClusterSpec} spec
 * @param {import("./config.mjs").NodeSpec} node
 * @param {boolean} sasl
 */
function writeNodeFiles(spec, node, sasl) {
  const files = nodeFiles(node);
  rmSync(node.dir, { recursive: true, force: true });
  mkdirSync(files.data, { recursive: true });
  mkdirSync(files.logs, { recursive: true });
  writeFileSync(files.properties, serverProperties(spec, node, sasl));
  writeFileSync(files.log4j, brokerLog4j(files.serverLog));
}

/**
 * @param {import("./config.mjs").NodeSpec} node
 * @param {string} clusterId
 * @param {boolean} sasl
 */
async function format(node, clusterId, sasl) {
  const args = [
    "format",
    "-t",
    clusterId,
    "-c",
    nodeFiles(node).properties,
    ...(sasl ? scramFormatArgs() : []),
  ];
  const r = await runTool("kafka.tools.StorageTool", args, { timeoutMs: 60_000 });
  if (r.code !== 0) {
    throw new Error(
      `formatting storage of node ${node.id} failed (exit ${r.code}${r.timedOut ? ", timed out" : ""}):\n${r.stdout}${r.stderr}`,
    );
  }
}

/**
 * Starts one node as a detached java process that outlives this script; returns its pid.
 * @param {import("./config.mjs").ClusterSpec} spec
 * @param {import("./config.mjs").NodeSpec} node
 */
function launch(spec, node) {
  const files = nodeFiles(node);
  const args = [
    `-Xms${spec.heap}`,
    `-Xmx${spec.heap}`,
    "-XX:+UseG1GC",
    "-XX:MaxGCPauseMillis=20",
    "-XX:+ExitOnOutOfMemoryError",
    "-Djava.awt.headless=true",
    `-Dlog4j2.configurationFile=${files.log4j}`,
    `-Dkafka.logs.dir=${files.logs}`,
    "-cp",
    classpath(),
    "kafka.Kafka",
    files.properties,
  ];
  const out = openSync(files.stdoutLog, "a");
  try {
    const child = spawn(jdkTool("java"), args, {
      cwd: node.dir,
      detached: true,
      stdio: ["ignore", out, out],
    });
    child.on("error", () => {}); // a missing java shows up as a dead pid below
    child.unref();
    if (child.pid === undefined)
      throw new Error(`could not start ${jdkTool("java")} for node ${node.id} (is a JDK on PATH?)`);
    writeFileSync(files.pid, `${child.pid}\n`);
    return child.pid;
  } finally {
    closeSync(out);
  }
}

/**
 * Resolves once every broker port (and SASL port) accepts connections. Fails fast when a node's
 * process dies, and after timeoutMs, with the tail of the broker logs.
 * @param {import("./config.mjs").ClusterSpec} spec
 * @param {boolean} sasl
 * @param {number} timeoutMs
 * @param {(line: string) => void} log
 * @param {number[]} [pids] processes to watch
 */
async function waitUntilReady(spec, sasl, timeoutMs, log, pids) {
  const began = Date.now();
  let lastNote = began;
  for (;;) {
    const dead = spec.nodes.filter(
      (_, i) => pids?.[i] !== undefined && !isAlive(/** @type {number} */ (pids[i])),
    );
    if (dead.length > 0) {
      throw new Error(
        `${spec.name} node ${dead.map((n) => n.id).join(", ")} exited during start-up.\n${logTails(dead)}`,
      );
    }
    const ports = spec.nodes.flatMap((n) => clientPorts(n, sasl));
    const open = await Promise.all(ports.map((p) => portOpen(p, "127.0.0.1", 500)));
    if (open.every(Boolean)) return;
    const waited = Date.now() - began;
    if (waited > timeoutMs) {
      throw new Error(
        `${spec.name} Kafka did not open ports ${ports.filter((_, i) => !open[i]).join(", ")} within ${timeoutMs / 1000} s.\n${logTails(spec.nodes)}`,
      );
    }
    if (Date.now() - lastNote >= 10_000) {
      lastNote = Date.now();
      log(`  waiting for ${spec.name} Kafka to open its ports… ${Math.round(waited / 1000)} s`);
    }
    await sleep(200);
  }
}

/** @param {import("./config.mjs").NodeSpec[]} nodes */
function logTails(nodes) {
  return nodes
    .map((n) => {
      const f = nodeFiles(n);
      return `--- node ${n.id}: ${f.serverLog}\n${tail(f.serverLog, 25)}\n--- node ${n.id}: ${f.stdoutLog}\n${tail(f.stdoutLog, 15)}`;
    })
    .join("\n");
}
