// @ts-check
/**
 * A Kafka for the demo and the browser tests: the one named by KAFKA_BOOTSTRAP, else the single
 * node this checkout runs (started when none is up). When another program already listens on
 * 127.0.0.1:9092 (another checkout's broker, for example) that broker is used as it is;
 * cluster.mjs would refuse to start over it, and stopping it is not ours to do.
 */
import { clusterStatus, start, stop } from "../kafka/cluster.mjs";

/**
 * @typedef {object} DemoKafka
 * @property {string} bootstrap host:port
 * @property {boolean} started true when this call started it (then `stop` stops it)
 * @property {string} origin one line saying where it came from
 * @property {() => Promise<void>} stop stops it if this call started it; else does nothing
 */

/**
 * @param {{ quiet?: boolean }} [options]
 * @returns {Promise<DemoKafka>}
 */
export async function acquireKafka({ quiet = false } = {}) {
  const keep = async () => {};
  const fromEnv = process.env.KAFKA_BOOTSTRAP;
  if (fromEnv) {
    return { bootstrap: fromEnv, started: false, origin: `KAFKA_BOOTSTRAP=${fromEnv}`, stop: keep };
  }
  const status = await clusterStatus(1);
  const node = status.nodes[0];
  if (node && !node.running && node.brokerOpen) {
    const bootstrap = `127.0.0.1:${node.node.brokerPort}`;
    return {
      bootstrap,
      started: false,
      origin: `a Kafka this checkout did not start is listening on ${bootstrap}; using it and leaving it running`,
      stop: keep,
    };
  }
  const r = await start({ nodes: 1, sasl: false, quiet });
  if (r.alreadyRunning) {
    return {
      bootstrap: r.bootstrap,
      started: false,
      origin: `the single-node Kafka was already running on ${r.bootstrap}; leaving it running`,
      stop: keep,
    };
  }
  return {
    bootstrap: r.bootstrap,
    started: true,
    origin: `started a single-node Kafka on ${r.bootstrap}`,
    stop: async () => {
      await stop({ which: 1, quiet });
    },
  };
}
