/**
 * @tributary/producer for Cloudflare Workers (workerd): the same API, with direct TCP
 * (`connect()` from cloudflare:sockets) as the default transport. Chosen by the `workerd`
 * condition in package.json exports; `worker` (what other edge runtimes and bundlers set)
 * gets the plain web entry, since cloudflare:sockets exists only in workerd.
 *
 * No codecs by name: pass the codec object (`import { lz4 } from "@tributary/codecs/lz4"`).
 * A bundler (wrangler, esbuild) follows the dynamic imports of a name loader and would put
 * all four codecs, WASM included, into every Worker, against a script size limit (3 MB on
 * the free plan: https://developers.cloudflare.com/workers/platform/limits/#worker-size) and
 * a cold start that grows with it; importing the codec the app uses ships only that one, as
 * in browsers.
 *
 * Sockets are bound to the request that opened them (see workerd-tcp.ts): create, use and
 * close a producer within one request, or keep it in a Durable Object.
 */
import type { ProducerOptions } from "./options.js";
import type { Producer } from "./producer.js";
import { createProducerWith } from "./producer.js";
import { saslAuthenticator } from "./sasl/authenticate.js";
import { workerdTcp } from "./transport/workerd-tcp.js";

export function createProducer(options: ProducerOptions | Record<string, unknown>): Producer {
  return createProducerWith(workerdTcp, options, undefined, saslAuthenticator);
}

export * from "./exports.js";
export { workerdTcp };
