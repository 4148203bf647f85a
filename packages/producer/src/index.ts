/**
 * @tributary/producer for runtimes without a built-in transport here (browsers, Workers, …): pass
 * `transport` explicitly. Node gets node.ts instead, through the package's `node` export condition.
 */

import type { ProducerOptions } from "./options.js";
import type { Producer } from "./producer.js";
import { createProducerWith } from "./producer.js";

export function createProducer(options: ProducerOptions | Record<string, unknown>): Producer {
  return createProducerWith(undefined, options);
}

export * from "./exports.js";
