/**
 * What the durable queue keeps, and the storage it keeps it in. The browser's is IndexedDB
 * (indexeddb-store.ts); memory-store.ts is for places without it, and is not durable.
 *
 * Records are stored in chunks: the records produce() accepted in one burst (one microtask)
 * make one row, rewritten with fewer records as they complete and deleted with the last. In
 * Chromium an IndexedDB put or delete costs ~60-150 µs however small the row (5,000 single-
 * record puts took 300-550 ms, 5,000 deletes 400-750 ms; 50 puts of 100 records 35 ms), so one
 * row per record would cost a page more main-thread time than the rest of the producer.
 */

/** One record as stored: everything needed to send it again after a reload. */
export interface StoredRecord {
  /** UUIDv7, sorted by time (record-id.ts); also the value of the record's id header. */
  id: string;
  topic: string;
  key: Uint8Array | null;
  value: Uint8Array | null;
  headers: { key: string; value: Uint8Array | null }[];
  partition: number | undefined;
  timestamp: number;
  /** When produce() accepted it (ms): maxAgeMs counts from here. */
  storedAt: number;
  /** Its size estimate, counted against maxBytes. */
  bytes: number;
}

/** One stored row: records accepted together, not yet acknowledged. */
export interface StoredChunk {
  /** The id of its first record (so rows sort by age too). */
  id: string;
  /** The producer instance that is sending it (owner-lock.ts); another may adopt it once that one is gone. */
  owner: string;
  records: StoredRecord[];
}

/** What adopt() found: the chunks now owned by the caller, and how many records were too old to keep. */
export interface Adopted {
  chunks: StoredChunk[];
  expired: number;
}

export interface DurableStore {
  /** "indexeddb" or "memory": shown in the stats, so nobody mistakes memory for durable. */
  readonly kind: string;
  open(): Promise<void>;
  /** Writes (whole rows, replacing any with the same id) and deletes in one transaction; resolves once committed. */
  write(puts: readonly StoredChunk[], deletes: readonly string[]): Promise<void>;
  /**
   * Takes over every chunk whose owner is neither the caller nor in `live` (its producer is
   * gone: the tab closed, crashed or reloaded), dropping records stored before `expiredBefore`;
   * oldest first. The caller's own chunks are left out: it already holds them, and one it has
   * just finished with may not be deleted yet.
   */
  adopt(owner: string, live: ReadonlySet<string>, expiredBefore: number): Promise<Adopted>;
  close(): void;
}
