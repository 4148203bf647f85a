import type { Adopted, DurableStore, StoredRecord } from "./store.js";

/**
 * Records in memory: what the durable queue uses where there is no IndexedDB. It bounds and
 * resends exactly like the real one within the life of the producer, and loses everything when
 * the page or process goes; the stats say "memory" so nobody takes it for durable.
 */
export class MemoryStore implements DurableStore {
  readonly kind = "memory";
  readonly #records = new Map<string, StoredRecord>();

  async open(): Promise<void> {}

  async write(puts: readonly StoredRecord[], deletes: readonly string[]): Promise<void> {
    for (const r of puts) this.#records.set(r.id, r);
    for (const id of deletes) this.#records.delete(id);
  }

  async adopt(owner: string, live: ReadonlySet<string>, expiredBefore: number): Promise<Adopted> {
    const records: StoredRecord[] = [];
    let expired = 0;
    const ids = [...this.#records.keys()].sort();
    for (const id of ids) {
      const r = this.#records.get(id)!;
      if (r.owner === owner || live.has(r.owner)) continue;
      if (r.storedAt < expiredBefore) {
        this.#records.delete(id);
        expired++;
        continue;
      }
      r.owner = owner;
      records.push(r);
    }
    return { records, expired };
  }

  close(): void {}
}
