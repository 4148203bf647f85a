// @ts-check
/**
 * Kafka for the conformance run: as scripts/demo/kafka.mjs acquires it (KAFKA_BOOTSTRAP, or a
 * broker already running), except that a single node this run has to start itself is started
 * with --sasl, so that the auth cells find their SASL_PLAINTEXT, SSL and SASL_SSL listeners.
 */
import { acquireKafka } from "../demo/kafka.mjs";
import { clusterStatus, start, stop } from "../kafka/cluster.mjs";

/**
 * @returns {Promise<import("../demo/kafka.mjs").DemoKafka>}
 */
export async function acquireConformanceKafka() {
  if (!process.env.KAFKA_BOOTSTRAP) {
    const node = (await clusterStatus(1)).nodes[0];
    if (node !== undefined && !node.running && !node.brokerOpen) {
      const r = await start({ nodes: 1, sasl: true });
      return {
        bootstrap: r.bootstrap,
        started: !r.alreadyRunning,
        origin: `started a single-node Kafka on ${r.bootstrap}, with SASL_PLAINTEXT ${r.saslBootstrap}, SSL ${r.sslBootstrap} and SASL_SSL ${r.saslSslBootstrap}`,
        stop: async () => {
          if (!r.alreadyRunning) await stop({ which: 1 });
        },
      };
    }
  }
  return acquireKafka();
}
