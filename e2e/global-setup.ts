/**
 * Starts what the browser tests talk to: a Kafka (KAFKA_BOOTSTRAP from `npm test`, else one
 * found or started like `npm run demo` does) and the built gateway on a free port serving
 * web-demo/dist, allowing only demo-* topics, without auth (it listens on 127.0.0.1 only).
 * The tests read the console's URL from E2E_CONSOLE_URL. Returns the teardown.
 */
import { startGateway } from "../scripts/demo/gateway.mjs";
import { acquireKafka } from "../scripts/demo/kafka.mjs";

export default async function globalSetup(): Promise<() => Promise<void>> {
  const kafka = await acquireKafka({ quiet: true });
  process.env.KAFKA_BOOTSTRAP = kafka.bootstrap;
  const gateway = await startGateway({ bootstrap: kafka.bootstrap, allowTopics: "demo-*" });
  process.env.E2E_CONSOLE_URL = gateway.url;
  return async () => {
    await gateway.stop();
    await kafka.stop();
  };
}
