/**
 * @tributary/producer for Node: the same API, with direct TCP (node:net) as the default transport.
 * Chosen by the `node` condition in package.json exports.
 */
import { errorMessages, useErrorDescriptions } from "@tributary/protocol";
import { loadCodecByName } from "./codec-loader.js";
import type { ProducerOptions } from "./options.js";
import type { Producer } from "./producer.js";
import { createProducerWith } from "./producer.js";
import { saslAuthenticator } from "./sasl/authenticate.js";
import { nodeTcp } from "./transport/node-tcp.js";

// Node apps are not counted in bytes, so KafkaError messages carry our sentence per code.
useErrorDescriptions(errorMessages);

export function createProducer(options: ProducerOptions | Record<string, unknown>): Producer {
  return createProducerWith(nodeTcp, options, loadCodecByName, saslAuthenticator);
}

export * from "./exports.js";
export { nodeTcp };
