/**
 * Named presets: a handful of settings chosen together for one goal. A preset fills in only the
 * options the caller did not give; anything set explicitly wins. The values and the reason for
 * each are documented in packages/producer/OPTIONS.md — keep the two in step.
 */

export type PresetName = "high-throughput" | "low-latency" | "reliable";

/** The settings a preset may choose, in resolved form (acks as a number). */
export interface PresetValues {
  readonly acks?: -1 | 0 | 1;
  readonly idempotent?: boolean;
  readonly lingerMs?: number;
  readonly batchBytes?: number;
  readonly batchMessages?: number;
  readonly maxInFlight?: number;
  readonly deliveryTimeoutMs?: number;
  readonly compression?: "none" | "gzip" | "snappy" | "lz4" | "zstd";
}

export const PRESETS: { readonly [name in PresetName]: PresetValues } = {
  /**
   * Fewer, larger requests: a longer linger fills batches of up to 256 KiB, the leader alone
   * acknowledges, and batches are compressed with lz4 (the cheapest codec per byte saved).
   * Idempotence needs acks=all, so it is off. lz4 needs a codec from @tributary/codecs: the
   * preset names it, the application passes the codec (a preset cannot import one without
   * pulling its WASM into every bundle); without one, requireCodec (options.ts) refuses.
   */
  "high-throughput": {
    lingerMs: 20,
    batchBytes: 262_144,
    batchMessages: 10_000,
    acks: 1,
    idempotent: false,
    compression: "lz4",
  },
  /** Send at once and wait for the leader only; small batches keep encode time short. */
  "low-latency": {
    lingerMs: 0,
    batchBytes: 16_384,
    acks: 1,
    idempotent: false,
  },
  /**
   * Exactly-once per partition and no loss while one in-sync replica survives: the Java 4.x
   * defaults, spelled out so that a later change of our defaults cannot weaken it.
   */
  reliable: {
    acks: -1,
    idempotent: true,
    maxInFlight: 5,
    deliveryTimeoutMs: 120_000,
    lingerMs: 5,
  },
};

export function isPresetName(name: unknown): name is PresetName {
  return typeof name === "string" && Object.hasOwn(PRESETS, name);
}
