// @ts-check
// Pure builders for the files a Kafka node reads: cluster layout, server.properties, log4j2 config.
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { nodeDir } from "./paths.mjs";
import { tlsFiles } from "./tls.mjs";

/**
 * @typedef {object} NodeSpec
 * @property {number} id            node.id
 * @property {number} brokerPort    PLAINTEXT listener
 * @property {number} controllerPort CONTROLLER listener
 * @property {number} saslPort      SASL_PLAINTEXT listener (opened only with sasl)
 * @property {number} sslPort       SSL listener, TLS without SASL (opened only with sasl)
 * @property {number} saslSslPort   SASL_SSL listener, SASL over TLS (opened only with sasl)
 * @property {string} dir           .kafka/<cluster>/node-<id>
 */

/**
 * @typedef {object} ClusterSpec
 * @property {"single" | "cluster3"} name folder under .kafka/
 * @property {1 | 3} size
 * @property {string} heap          -Xms/-Xmx value
 * @property {NodeSpec[]} nodes
 */

/** Fixed SASL test users. PLAIN and both SCRAM mechanisms know every one of them. */
export const SASL_USERS = Object.freeze([
  { name: "alice", password: "alice-secret" },
  { name: "bob", password: "bob-secret" },
  // The gateway's own upstream user. Its password doubles as a canary: the gateway tests check
  // it never shows in the gateway's logs or metrics, nor in the broker's log.
  { name: "gateway", password: "gw-canary-Q4mT8zR2" },
]);
export const SASL_MECHANISMS = Object.freeze(["PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"]);

const HOST = "127.0.0.1";

/**
 * The fixed layout of the single node (9092..9096) or the three-node cluster (19092.., +100 per node).
 * @param {1 | 3} size
 * @returns {ClusterSpec}
 */
export function clusterSpec(size) {
  const name = size === 1 ? "single" : "cluster3";
  const base = size === 1 ? 9092 : 19092;
  /** @type {NodeSpec[]} */
  const nodes = [];
  for (let i = 0; i < size; i++) {
    const id = i + 1;
    const p = base + 100 * i;
    nodes.push({
      id,
      brokerPort: p,
      controllerPort: p + 1,
      saslPort: p + 2,
      sslPort: p + 3,
      saslSslPort: p + 4,
      dir: nodeDir(name, id),
    });
  }
  return { name, size, heap: size === 1 ? "512m" : "384m", nodes };
}

/**
 * Bootstrap servers of one listener: PLAINTEXT (false, the default), SASL_PLAINTEXT (true), or
 * by name.
 * @param {ClusterSpec} cluster
 * @param {boolean | "PLAINTEXT" | "SASL_PLAINTEXT" | "SSL" | "SASL_SSL"} listener
 */
export function bootstrapOf(cluster, listener = false) {
  const name = listener === true ? "SASL_PLAINTEXT" : listener === false ? "PLAINTEXT" : listener;
  /** @param {NodeSpec} n */
  const portOf = (n) =>
    ({
      PLAINTEXT: n.brokerPort,
      SASL_PLAINTEXT: n.saslPort,
      SSL: n.sslPort,
      SASL_SSL: n.saslSslPort,
    })[name];
  return cluster.nodes.map((n) => `${HOST}:${portOf(n)}`).join(",");
}

/**
 * The ports a node opens for clients: PLAINTEXT, plus SASL_PLAINTEXT, SSL and SASL_SSL with sasl.
 * @param {NodeSpec} node
 * @param {boolean} sasl
 */
export function clientPorts(node, sasl) {
  return sasl
    ? [node.brokerPort, node.saslPort, node.sslPort, node.saslSslPort]
    : [node.brokerPort];
}

/** @param {NodeSpec} node */
export function nodeFiles(node) {
  return {
    properties: join(node.dir, "server.properties"),
    log4j: join(node.dir, "log4j2.properties"),
    data: join(node.dir, "data"),
    logs: join(node.dir, "logs"),
    serverLog: join(node.dir, "logs", "server.log"),
    stdoutLog: join(node.dir, "logs", "stdout.log"),
    pid: join(node.dir, "pid"),
  };
}

/**
 * A KRaft cluster id: 16 random bytes, base64url without padding, like Kafka's Uuid.randomUuid()
 * (which also never hands out an id starting with "-", since that reads as a flag).
 */
export function randomClusterId() {
  for (;;) {
    const id = randomBytes(16).toString("base64url");
    if (!id.startsWith("-")) return id;
  }
}

/**
 * Serialises key/value pairs as a Java properties file. Values are escaped, so no value can turn
 * into a comment or continue onto the next line.
 * @param {Array<[string, string | number | boolean]>} entries
 */
export function toProperties(entries) {
  const escapeValue = (/** @type {string} */ s) =>
    s
      .replace(/\\/g, "\\\\")
      .replace(/\n/g, "\\n")
      .replace(/\r/g, "\\r")
      .replace(/^\s/, (c) => `\\${c}`);
  return `${entries.map(([k, v]) => `${k}=${escapeValue(String(v))}`).join("\n")}\n`;
}

/**
 * server.properties for one combined broker/controller node.
 * @param {ClusterSpec} cluster
 * @param {NodeSpec} node
 * @param {boolean} sasl
 */
export function serverProperties(cluster, node, sasl) {
  const rf = cluster.size === 1 ? 1 : 3;
  const minIsr = cluster.size === 1 ? 1 : 2;
  const voters = cluster.nodes.map((n) => `${n.id}@${HOST}:${n.controllerPort}`).join(",");
  const listeners = [
    `PLAINTEXT://${HOST}:${node.brokerPort}`,
    `CONTROLLER://${HOST}:${node.controllerPort}`,
  ];
  const advertised = [`PLAINTEXT://${HOST}:${node.brokerPort}`];
  if (sasl) {
    for (const [name, port] of /** @type {const} */ ([
      ["SASL_PLAINTEXT", node.saslPort],
      ["SSL", node.sslPort],
      ["SASL_SSL", node.saslSslPort],
    ])) {
      listeners.push(`${name}://${HOST}:${port}`);
      advertised.push(`${name}://${HOST}:${port}`);
    }
  }
  /** @type {Array<[string, string | number | boolean]>} */
  const entries = [
    ["process.roles", "broker,controller"],
    ["node.id", node.id],
    ["controller.quorum.voters", voters],
    ["listeners", listeners.join(",")],
    ["advertised.listeners", advertised.join(",")],
    ["controller.listener.names", "CONTROLLER"],
    ["inter.broker.listener.name", "PLAINTEXT"],
    [
      "listener.security.protocol.map",
      "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT,SASL_PLAINTEXT:SASL_PLAINTEXT,SSL:SSL,SASL_SSL:SASL_SSL",
    ],
    ["log.dirs", nodeFiles(node).data],
    ["num.partitions", 1],
    ["auto.create.topics.enable", false],
    ["default.replication.factor", rf],
    ["min.insync.replicas", minIsr],
    ["offsets.topic.replication.factor", rf],
    ["transaction.state.log.replication.factor", rf],
    ["transaction.state.log.min.isr", minIsr],
    ["share.coordinator.state.topic.replication.factor", rf],
    ["share.coordinator.state.topic.min.isr", minIsr],
    ["group.initial.rebalance.delay.ms", 0],
    // The 128 MiB default is allocated on the heap at start-up; too much for a 384-512 MiB heap.
    ["log.cleaner.dedupe.buffer.size", 16 * 1024 * 1024],
  ];
  if (cluster.size > 1) {
    // Fast fencing of a broker that was killed, so failover tests do not wait 9 s.
    entries.push(["broker.heartbeat.interval.ms", 1000], ["broker.session.timeout.ms", 4000]);
  }
  if (sasl) {
    const plainUsers = SASL_USERS.map((u) => `user_${u.name}="${u.password}"`).join(" ");
    entries.push(["sasl.enabled.mechanisms", SASL_MECHANISMS.join(",")]);
    // JAAS per listener and mechanism (KIP-103): the same users on SASL_PLAINTEXT and SASL_SSL.
    for (const listener of ["sasl_plaintext", "sasl_ssl"]) {
      entries.push(
        [
          `listener.name.${listener}.plain.sasl.jaas.config`,
          `org.apache.kafka.common.security.plain.PlainLoginModule required ${plainUsers};`,
        ],
        [
          `listener.name.${listener}.scram-sha-256.sasl.jaas.config`,
          "org.apache.kafka.common.security.scram.ScramLoginModule required;",
        ],
        [
          `listener.name.${listener}.scram-sha-512.sasl.jaas.config`,
          "org.apache.kafka.common.security.scram.ScramLoginModule required;",
        ],
      );
    }
    // SSL and SASL_SSL present the broker certificate from a PEM keystore (KIP-651); no client
    // certificates are asked for (ssl.client.auth defaults to none).
    entries.push(
      ["ssl.keystore.type", "PEM"],
      ["ssl.keystore.location", tlsFiles(cluster.name).keystore],
    );
  }
  return toProperties(entries);
}

/** StorageTool arguments that create the SCRAM users at format time. */
export function scramFormatArgs() {
  return SASL_MECHANISMS.filter((m) => m.startsWith("SCRAM")).flatMap((m) =>
    SASL_USERS.flatMap((u) => ["--add-scram", `${m}=[name=${u.name},password=${u.password}]`]),
  );
}

/**
 * log4j2 config for a broker: WARN and above into logs/server.log, plus the INFO line
 * "Kafka Server started (kafka.server.KafkaRaftServer)" that marks readiness.
 * @param {string} logFile absolute path
 */
export function brokerLog4j(logFile) {
  return toProperties([
    ["status", "warn"],
    ["appender.file.type", "File"],
    ["appender.file.name", "file"],
    ["appender.file.fileName", logFile],
    ["appender.file.layout.type", "PatternLayout"],
    ["appender.file.layout.pattern", "[%d] %p %m (%c)%n"],
    ["rootLogger.level", "WARN"],
    ["rootLogger.appenderRef.file.ref", "file"],
    ["logger.raftserver.name", "kafka.server.KafkaRaftServer"],
    ["logger.raftserver.level", "INFO"],
  ]);
}

/**
 * log4j2 config for short-lived tools: errors only, to stderr, so stdout carries only data. The
 * network client also reports warnings, because "topic does not exist" and "broker unreachable"
 * are warnings there and would otherwise look like an empty topic.
 */
export function toolLog4j() {
  return toProperties([
    ["status", "warn"],
    ["appender.err.type", "Console"],
    ["appender.err.name", "err"],
    ["appender.err.target", "SYSTEM_ERR"],
    ["appender.err.layout.type", "PatternLayout"],
    ["appender.err.layout.pattern", "%p %m (%c)%n"],
    ["rootLogger.level", "ERROR"],
    ["rootLogger.appenderRef.err.ref", "err"],
    ["logger.network.name", "org.apache.kafka.clients.NetworkClient"],
    ["logger.network.level", "WARN"],
  ]);
}
