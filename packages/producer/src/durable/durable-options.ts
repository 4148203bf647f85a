import { invalidArgument } from "../errors.js";
import { globalIndexedDb, IndexedDbStore } from "./indexeddb-store.js";
import { MemoryStore } from "./memory-store.js";
import type { DurableStore } from "./store.js";

/** What happens to a new record when the durable queue is full. */
export type WhenFull = "drop-oldest" | "refuse-new";

/** The `durable` option of createDurableProducer(). */
export interface DurableOptions {
  /** The IndexedDB database, shared by the tabs of one origin. Default "tributary". */
  name?: string | undefined;
  /** Bytes of records kept unacknowledged, per producer. Default 5 MiB. */
  maxBytes?: number | undefined;
  /** A record older than this (since produce()) is dropped unsent. Default 7 days. */
  maxAgeMs?: number | undefined;
  /** Full queue: drop the oldest record (default) or refuse the new one. */
  whenFull?: WhenFull | undefined;
  /** The header that carries each record's stable id. Default "tributary-id". */
  idHeader?: string | undefined;
  /** The first wait before sending again after a failed send; it doubles up to retryBackoffMaxMs. Default 1000. */
  retryBackoffMs?: number | undefined;
  /** The longest wait between attempts while the path to Kafka is down. Default 30000. */
  retryBackoffMaxMs?: number | undefined;
  /** How often to look for records left by producers that are gone (other tabs). Default 30000. */
  adoptIntervalMs?: number | undefined;
  /** Where records are kept; default IndexedDB, or memory (not durable) where there is none. */
  store?: DurableStore | undefined;
}

export interface ResolvedDurableOptions {
  readonly name: string;
  readonly maxBytes: number;
  readonly maxAgeMs: number;
  readonly whenFull: WhenFull;
  readonly idHeader: string;
  readonly retryBackoffMs: number;
  readonly retryBackoffMaxMs: number;
  readonly adoptIntervalMs: number;
  readonly store: DurableStore;
}

export const DURABLE_DEFAULTS = {
  name: "tributary",
  maxBytes: 5 * 1024 * 1024,
  maxAgeMs: 7 * 24 * 3600 * 1000,
  whenFull: "drop-oldest",
  idHeader: "tributary-id",
  retryBackoffMs: 1000,
  retryBackoffMaxMs: 30_000,
  adoptIntervalMs: 30_000,
} as const;

const KNOWN = new Set([...Object.keys(DURABLE_DEFAULTS), "store"]);
const MAX_MS = 2_147_483_647;

export function resolveDurableOptions(given: unknown): ResolvedDurableOptions {
  const o = (given ?? {}) as DurableOptions;
  if (typeof o !== "object" || Array.isArray(o)) {
    throw invalidArgument("durable", "must be an object of durable-queue options", given);
  }
  for (const key of Object.keys(o)) {
    if (!KNOWN.has(key)) {
      throw invalidArgument(
        `durable.${key}`,
        `is not a durable-queue option (known: ${[...KNOWN].join(", ")})`,
        (o as Record<string, unknown>)[key],
      );
    }
  }
  const name = text(o.name, "durable.name", DURABLE_DEFAULTS.name);
  const whenFull = o.whenFull ?? DURABLE_DEFAULTS.whenFull;
  if (whenFull !== "drop-oldest" && whenFull !== "refuse-new") {
    throw invalidArgument("durable.whenFull", 'must be "drop-oldest" or "refuse-new"', whenFull);
  }
  const store = o.store ?? defaultStore(name);
  if (typeof store?.write !== "function" || typeof store.adopt !== "function") {
    throw invalidArgument(
      "durable.store",
      "must be a DurableStore (open, write, adopt, close)",
      store,
    );
  }
  return {
    name,
    maxBytes: int(o.maxBytes, "durable.maxBytes", DURABLE_DEFAULTS.maxBytes, 1024, 2 ** 40),
    maxAgeMs: int(o.maxAgeMs, "durable.maxAgeMs", DURABLE_DEFAULTS.maxAgeMs, 1000, 2 ** 45),
    whenFull,
    idHeader: text(o.idHeader, "durable.idHeader", DURABLE_DEFAULTS.idHeader),
    retryBackoffMs: int(
      o.retryBackoffMs,
      "durable.retryBackoffMs",
      DURABLE_DEFAULTS.retryBackoffMs,
      1,
      MAX_MS,
    ),
    retryBackoffMaxMs: int(
      o.retryBackoffMaxMs,
      "durable.retryBackoffMaxMs",
      DURABLE_DEFAULTS.retryBackoffMaxMs,
      1,
      MAX_MS,
    ),
    adoptIntervalMs: int(
      o.adoptIntervalMs,
      "durable.adoptIntervalMs",
      DURABLE_DEFAULTS.adoptIntervalMs,
      100,
      MAX_MS,
    ),
    store,
  };
}

/** IndexedDB where the runtime has it; elsewhere memory, which the stats report as "memory". */
function defaultStore(name: string): DurableStore {
  return globalIndexedDb() === undefined ? new MemoryStore() : new IndexedDbStore(name);
}

function text(value: unknown, field: string, fallback: string): string {
  if (value === undefined) return fallback;
  if (typeof value !== "string" || value.length === 0) {
    throw invalidArgument(field, "must be a non-empty string", value);
  }
  return value;
}

function int(value: unknown, field: string, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) {
    throw invalidArgument(field, `must be an integer from ${min} to ${max}`, value);
  }
  return value;
}
