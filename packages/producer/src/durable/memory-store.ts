import type { Adopted, DurableStore, StoredChunk } from "./store.js";

/**
 * Records in memory: what the durable queue uses where there is no IndexedDB. It bounds and
 * resends exactly like the real one within the life of the producer, and loses everything when
 * the page or process goes; the stats say "memory" so nobody takes it for durable.
 */
export class MemoryStore implements DurableStore {
  readonly kind = "memory";
  readonly #rows = new Map<string, StoredChunk>();

  async open(): Promise<void> {}

  async write(puts: readonly StoredChunk[], deletes: readonly string[]): Promise<void> {
    for (const c of puts) this.#rows.set(c.id, { ...c, records: [...c.records] });
    for (const id of deletes) this.#rows.delete(id);
  }

  async adopt(owner: string, live: ReadonlySet<string>, expiredBefore: number): Promise<Adopted> {
    const chunks: StoredChunk[] = [];
    let expired = 0;
    for (const id of [...this.#rows.keys()].sort()) {
      const row = this.#rows.get(id)!;
      if (row.owner === owner || live.has(row.owner)) continue;
      const records = row.records.filter((r) => r.storedAt >= expiredBefore);
      expired += row.records.length - records.length;
      if (records.length === 0) {
        this.#rows.delete(id);
        continue;
      }
      const taken = { id, owner, records };
      this.#rows.set(id, { ...taken, records: [...records] });
      chunks.push(taken);
    }
    return { chunks, expired };
  }

  close(): void {}
}
