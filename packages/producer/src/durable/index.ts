/**
 * @tributary/producer/durable: a producer whose records survive a reload, a closed tab, a crash
 * or a spell offline, kept in IndexedDB until the broker acknowledges them. For pages (through
 * the gateway); its own entry, so that apps without it do not ship it.
 */
import { createProducer } from "../index.js";
import type { ProducerOptions } from "../options.js";
import { type DurableOptions, resolveDurableOptions } from "./durable-options.js";
import { type DurableProducer, DurableQueueProducer } from "./durable-producer.js";

export type DurableProducerOptions = ProducerOptions & { durable?: DurableOptions | undefined };

/** createProducer() plus the durable queue, configured by the `durable` option. */
export function createDurableProducer(
  options: DurableProducerOptions | Record<string, unknown>,
): DurableProducer {
  const { durable, ...rest } = options as DurableProducerOptions;
  const resolved = resolveDurableOptions(durable);
  return new DurableQueueProducer(createProducer(rest), resolved);
}

export { DURABLE_DEFAULTS, type DurableOptions, type WhenFull } from "./durable-options.js";
export type { DurableProducer } from "./durable-producer.js";
export type { DurableStatsSnapshot } from "./durable-stats.js";
export { IndexedDbStore } from "./indexeddb-store.js";
export { MemoryStore } from "./memory-store.js";
export type { Adopted, DurableStore, StoredRecord } from "./store.js";
