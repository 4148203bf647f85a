/**
 * @tributary/producer for Deno: the same API, with direct TCP (Deno.connect) as the default
 * transport and codecs loadable by name ("lz4", …). Chosen by the `deno` condition in
 * package.json exports, which Deno matches before `node`. Needs `--allow-net`.
 */
import { errorMessages, useErrorDescriptions } from "@tributary/protocol";
import { loadCodecByName } from "./codec-loader.js";
import type { ProducerOptions } from "./options.js";
import type { Producer } from "./producer.js";
import { createProducerWith } from "./producer.js";
import { saslAuthenticator } from "./sasl/authenticate.js";
import { denoTcp } from "./transport/deno-tcp.js";

// Deno apps are not counted in bytes, so KafkaError messages carry our sentence per code.
useErrorDescriptions(errorMessages);

export function createProducer(options: ProducerOptions | Record<string, unknown>): Producer {
  return createProducerWith(denoTcp, options, loadCodecByName, saslAuthenticator);
}

export * from "./exports.js";
export { denoTcp };
