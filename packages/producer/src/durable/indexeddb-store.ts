import { ProducerError, ProducerErrorCode } from "../errors.js";
import type { Adopted, DurableStore, StoredChunk } from "./store.js";

const RECORDS = "records";
/** Bump with an upgrade step in open() when the stored shape changes. */
const SCHEMA_VERSION = 1;

/** The IndexedDB globals we use, typed here so the package needs no DOM typings. */
interface IdbRequest<T = unknown> {
  result: T;
  error: { name: string; message: string } | null;
  onsuccess: ((ev: unknown) => void) | null;
  onerror: ((ev: unknown) => void) | null;
}
interface IdbOpenRequest extends IdbRequest<IdbDatabase> {
  onupgradeneeded: ((ev: unknown) => void) | null;
  onblocked: ((ev: unknown) => void) | null;
}
interface IdbCursor {
  value: StoredChunk;
  update(value: StoredChunk): void;
  delete(): void;
  continue(): void;
}
interface IdbStore {
  put(value: StoredChunk): void;
  delete(key: string): void;
  openCursor(): IdbRequest<IdbCursor | null>;
}
interface IdbTransaction {
  objectStore(name: string): IdbStore;
  error: { name: string; message: string } | null;
  oncomplete: ((ev: unknown) => void) | null;
  onerror: ((ev: unknown) => void) | null;
  onabort: ((ev: unknown) => void) | null;
}
interface IdbDatabase {
  objectStoreNames: { contains(name: string): boolean };
  createObjectStore(name: string, options: { keyPath: string }): void;
  transaction(store: string, mode: "readwrite"): IdbTransaction;
  close(): void;
  onversionchange: ((ev: unknown) => void) | null;
}
interface IdbFactory {
  open(name: string, version: number): IdbOpenRequest;
}

/** The page's (or worker's) IndexedDB, or undefined where there is none (Node, Workers). */
export function globalIndexedDb(): IdbFactory | undefined {
  return (globalThis as { indexedDB?: IdbFactory }).indexedDB;
}

/**
 * Records in one IndexedDB database (one object store keyed by record id). Every call is one
 * transaction, and IndexedDB runs read-write transactions on the same store in the order they
 * were created, so a put is always committed before a later delete of the same record.
 *
 * Durability: transactions use the browser's default durability (we pass no hint). A committed
 * write survives the tab closing (e2e/tests/durable-queue.spec.ts); surviving a power cut is up
 * to the browser.
 */
export class IndexedDbStore implements DurableStore {
  readonly kind = "indexeddb";
  readonly #name: string;
  readonly #factory: IdbFactory;
  #db: IdbDatabase | undefined;

  constructor(name: string, factory: IdbFactory | undefined = globalIndexedDb()) {
    if (factory === undefined) {
      throw new ProducerError(
        ProducerErrorCode.InvalidArgument,
        "durable: this runtime has no IndexedDB (it is a browser API); pass durable.store to keep records elsewhere",
      );
    }
    this.#name = name;
    this.#factory = factory;
  }

  open(): Promise<void> {
    return new Promise((resolve, reject) => {
      const req = this.#factory.open(this.#name, SCHEMA_VERSION);
      req.onupgradeneeded = () => {
        const db = req.result;
        if (!db.objectStoreNames.contains(RECORDS))
          db.createObjectStore(RECORDS, { keyPath: "id" });
      };
      req.onsuccess = () => {
        this.#db = req.result;
        // Another tab opening a newer schema asks us to step aside; closing lets it upgrade.
        this.#db.onversionchange = () => this.close();
        resolve();
      };
      req.onerror = () => reject(storageError(`open database "${this.#name}"`, req.error));
      req.onblocked = () =>
        reject(
          storageError(`open database "${this.#name}"`, {
            name: "Blocked",
            message: "another tab holds an older version open",
          }),
        );
    });
  }

  write(puts: readonly StoredChunk[], deletes: readonly string[]): Promise<void> {
    return this.#transaction("write", (store) => {
      for (const r of puts) store.put(r);
      for (const id of deletes) store.delete(id);
    });
  }

  async adopt(owner: string, live: ReadonlySet<string>, expiredBefore: number): Promise<Adopted> {
    const chunks: StoredChunk[] = [];
    let expired = 0;
    await this.#transaction("adopt", (store) => {
      const req = store.openCursor();
      req.onsuccess = () => {
        const cursor = req.result;
        if (cursor === null) return;
        const row = cursor.value;
        if (row.owner !== owner && !live.has(row.owner)) {
          const records = row.records.filter((r) => r.storedAt >= expiredBefore);
          expired += row.records.length - records.length;
          if (records.length === 0) cursor.delete();
          else {
            const taken = { id: row.id, owner, records };
            cursor.update(taken);
            chunks.push(taken);
          }
        }
        cursor.continue();
      };
    });
    return { chunks, expired };
  }

  close(): void {
    this.#db?.close();
    this.#db = undefined;
  }

  #transaction(what: string, body: (store: IdbStore) => void): Promise<void> {
    const db = this.#db;
    if (db === undefined) {
      return Promise.reject(
        storageError(what, { name: "Closed", message: "the database is not open" }),
      );
    }
    return new Promise((resolve, reject) => {
      let tx: IdbTransaction;
      try {
        tx = db.transaction(RECORDS, "readwrite");
        body(tx.objectStore(RECORDS));
      } catch (err) {
        reject(storageError(what, err as { name: string; message: string }));
        return;
      }
      tx.oncomplete = () => resolve();
      // A failed request aborts the transaction (nothing of it is kept): report once, on abort.
      tx.onabort = () => reject(storageError(what, tx.error));
    });
  }
}

function storageError(
  what: string,
  cause: { name: string; message: string } | null | undefined,
): ProducerError {
  const why =
    cause === null || cause === undefined ? "unknown error" : `${cause.name}: ${cause.message}`;
  return new ProducerError(
    ProducerErrorCode.StorageFailed,
    `durable queue: IndexedDB could not ${what}: ${why}`,
    { cause, retriable: true },
  );
}
