import type { WhenFull } from "./durable-options.js";

/** The durable queue's part of `producer.stats.snapshot` (under `durable`). */
export interface DurableStatsSnapshot {
  /** "indexeddb", or "memory" where there is none (then nothing survives a reload). */
  readonly storage: string;
  /** Records kept until the broker acknowledges them: waiting, or handed to the producer. */
  readonly storedRecords: number;
  readonly storedBytes: number;
  readonly maxBytes: number;
  readonly whenFull: WhenFull;
  /** Of storedRecords, those not handed to the producer: offline, or backing off after a failed send. */
  readonly waitingRecords: number;
  /** Records adopted from an earlier page or a closed tab, to be sent by this producer. */
  readonly recovered: number;
  /** Records removed to make room (whenFull "drop-oldest"); their receipts fail RECORD_DROPPED. */
  readonly dropped: number;
  /** New records refused because the queue was full (whenFull "refuse-new"): QUEUE_FULL. */
  readonly refused: number;
  /** Records removed unsent after maxAgeMs: RECORD_EXPIRED. */
  readonly expired: number;
  /** Times a record went back to wait after a failed send. */
  readonly resends: number;
  /** Writes the storage refused (the records stay in memory and are still sent). */
  readonly storageErrors: number;
  /** navigator.onLine where there is one; true elsewhere. */
  readonly online: boolean;
  /** When the next attempt is due while backing off (ms since the epoch); undefined otherwise. */
  readonly nextRetryAt: number | undefined;
  /** The last failure that kept records waiting, or a storage failure. */
  readonly lastError: string | undefined;
}
