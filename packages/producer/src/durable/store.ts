/**
 * What the durable queue keeps per record, and the storage it keeps it in. The browser's is
 * IndexedDB (indexeddb-store.ts); memory-store.ts is for places without it, and is not durable.
 */

/** One record as stored: everything needed to send it again after a reload. */
export interface StoredRecord {
  /** UUIDv7, sorted by time (record-id.ts); also the value of the record's id header. */
  id: string;
  /** The producer instance that is sending it (owner-lock.ts); another may adopt it once that one is gone. */
  owner: string;
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

/** What adopt() found: the records now owned by the caller, and how many were too old to keep. */
export interface Adopted {
  records: StoredRecord[];
  expired: number;
}

export interface DurableStore {
  /** "indexeddb" or "memory": shown in the stats, so nobody mistakes memory for durable. */
  readonly kind: string;
  open(): Promise<void>;
  /** Writes and deletes in one transaction, in this order; resolves once committed. */
  write(puts: readonly StoredRecord[], deletes: readonly string[]): Promise<void>;
  /**
   * Takes over every record whose owner is neither the caller nor in `live` (its producer is
   * gone: the tab closed, crashed or reloaded), deleting those stored before `expiredBefore`;
   * oldest first. The caller's own records are left out: it already holds them, and one it has
   * just delivered may not be deleted yet.
   */
  adopt(owner: string, live: ReadonlySet<string>, expiredBefore: number): Promise<Adopted>;
  close(): void;
}
