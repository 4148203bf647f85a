import type { TributaryError } from "@tributary/protocol";
import { bufferCharge, estimateRecordSize } from "../batch.js";
import { ProducerError, ProducerErrorCode, producerClosed } from "../errors.js";
import type { Producer, ProducerMessage } from "../producer.js";
import {
  type DeliveryCallback,
  DeliveryReceipt,
  type RecordMetadata,
  receiptFor,
} from "../receipt.js";
import { SnapshotListeners } from "../snapshot-listeners.js";
import type { ProducerStatsSnapshot, StatsListener } from "../stats.js";
import { normalizeMessage, validateTopicName } from "../validate.js";
import type { ResolvedDurableOptions } from "./durable-options.js";
import type { DurableStatsSnapshot } from "./durable-stats.js";
import { OwnerLock } from "./owner-lock.js";
import { RecordIdGenerator } from "./record-id.js";
import type { Adopted, StoredChunk, StoredRecord } from "./store.js";

/** A producer whose records are kept in storage until the broker acknowledges them. */
export interface DurableProducer extends Producer {
  /** Resolves once every record produced so far is committed to storage (or the write failed). */
  persisted(): Promise<void>;
  /** Sends what waits now instead of at the end of the backoff (what the `online` event does). */
  retryNow(): void;
  /** Resolves once storage is open and records left by earlier pages have been adopted. */
  readonly ready: Promise<void>;
}

/** Where a stored record is: waiting to be handed to the producer, handed to it, or finished. */
type EntryState = "waiting" | "sending" | "done";

interface Entry {
  readonly row: StoredRecord;
  readonly receipt: DeliveryReceipt;
  state: EntryState;
  /** The stored row it is in; undefined until its burst is written. */
  chunk: Chunk | undefined;
}

/** A stored row (store.ts): the entries it still holds. */
interface Chunk {
  readonly id: string;
  entries: Entry[];
}

/**
 * Errors about the path to Kafka rather than the record: the record is kept and sent again
 * later. Anything else not retriable (too large, a topic the broker or gateway refuses) would
 * fail again the same way, so the record fails and leaves storage.
 */
const PATH_FAILURES: ReadonlySet<string> = new Set([
  ProducerErrorCode.ConnectionFailed, // includes a gateway's 401/403 (an expired token)
  ProducerErrorCode.AuthenticationFailed,
  ProducerErrorCode.BootstrapUnreachable,
  ProducerErrorCode.DeliveryTimeout,
  ProducerErrorCode.OutcomeUnknown,
  ProducerErrorCode.QueueFull,
]);

function keepsRecord(error: TributaryError): boolean {
  return error.retriable || PATH_FAILURES.has(error.code);
}

/** Fresh buffers (not views into the producer's shared slab): IndexedDB clones whole buffers. */
const encoder = new TextEncoder();

function ownBytes(b: Uint8Array | null): Uint8Array | null {
  if (b === null) return null;
  return b.byteOffset === 0 && b.byteLength === b.buffer.byteLength ? b : b.slice();
}

interface Environment {
  addEventListener?(type: string, listener: () => void): void;
  removeEventListener?(type: string, listener: () => void): void;
  navigator?: { onLine?: boolean };
}

/**
 * The durable queue on top of a producer. produce() stores the record (with a stable id header)
 * and hands it to the producer; the broker's acknowledgement deletes it. A send that fails
 * because Kafka cannot be reached puts the record back to wait, with a backoff that an `online`
 * event or retryNow() cuts short. Records a closed or reloaded page left unsent are adopted at
 * start and every adoptIntervalMs (owner-lock.ts says how live producers are told apart).
 *
 * The receipt of a kept record stays pending across failed sends: it completes when the record
 * is delivered, or fails when it is dropped, expired or refused for a reason a resend would not
 * fix. Records adopted from an earlier page get new receipts nobody holds; the stats count them.
 */
export class DurableQueueProducer implements DurableProducer {
  readonly options: Producer["options"];
  readonly ready: Promise<void>;
  readonly #inner: Producer;
  readonly #o: ResolvedDurableOptions;
  readonly #ids = new RecordIdGenerator();
  readonly #owner: string;
  /** Every record this producer keeps, oldest first (ids sort by time). */
  #entries = new Map<string, Entry>();
  /** Records waiting to be handed to the producer, oldest first. */
  #waiting: Entry[] = [];
  #storedBytes = 0;
  #sendingBytes = 0;
  // Storage writes made in one burst go in one transaction, chained so that they commit in order.
  /** Accepted since the last write: the next write stores them as one chunk. */
  #fresh: Entry[] = [];
  /** Chunks with a record finished since the last write: rewritten smaller, or deleted. */
  readonly #touched = new Set<Chunk>();
  #writeScheduled = false;
  #lastWrite: Promise<void>;
  #lock: OwnerLock | undefined;
  #backoffTimer: ReturnType<typeof setTimeout> | undefined;
  #adoptTimer: ReturnType<typeof setTimeout> | undefined;
  #attempt = 0;
  #closing: Promise<void> | undefined;
  /** Set once the producer underneath is closed: nothing more is handed to it. */
  #stopped = false;
  readonly #env: Environment = globalThis as Environment;
  readonly #onOnline = () => this.retryNow();
  /** Only the stats change: records already handed over keep trying, new ones wait. */
  readonly #onOffline = () => this.#changed();
  readonly #counts = {
    recovered: 0,
    dropped: 0,
    refused: 0,
    expired: 0,
    resends: 0,
    storageErrors: 0,
  };
  #nextRetryAt: number | undefined;
  #lastError: string | undefined;
  #snapshot: ProducerStatsSnapshot | undefined;
  readonly #listeners = new SnapshotListeners<ProducerStatsSnapshot>(() => this.snapshot);

  constructor(inner: Producer, options: ResolvedDurableOptions) {
    this.#inner = inner;
    this.options = inner.options;
    this.#o = options;
    this.#owner = crypto.randomUUID();
    inner.stats.subscribe(() => this.#changed());
    this.#env.addEventListener?.("online", this.#onOnline);
    this.#env.addEventListener?.("offline", this.#onOffline);
    const opened = this.#open();
    // Writes wait for the store to open; a store that cannot open is reported by #open.
    this.#lastWrite = opened.then(
      () => undefined,
      () => undefined,
    );
    this.ready = opened.then(() => this.#adoptFirst());
  }

  async #open(): Promise<void> {
    try {
      await this.#o.store.open();
      this.#lock = await OwnerLock.acquire(this.#o.name, this.#owner);
    } catch (err) {
      this.#storageFailed(err);
      throw err;
    }
  }

  async #adoptFirst(): Promise<void> {
    await this.#adopt();
    // Without the Web Locks API a live tab cannot be told from a closed one: adopt only at start.
    if (OwnerLock.supported) this.#scheduleAdopt();
  }

  get stats(): Producer["stats"] {
    return this;
  }

  get snapshot(): ProducerStatsSnapshot {
    this.#snapshot ??= Object.freeze({
      ...this.#inner.stats.snapshot,
      durable: this.#durableSnapshot(),
    });
    return this.#snapshot;
  }

  readonly subscribe: (listener: StatsListener) => () => void = this.#listeners.subscribe;

  #durableSnapshot(): DurableStatsSnapshot {
    return {
      storage: this.#o.store.kind,
      storedRecords: this.#entries.size,
      storedBytes: this.#storedBytes,
      maxBytes: this.#o.maxBytes,
      whenFull: this.#o.whenFull,
      waitingRecords: this.#waiting.length,
      ...this.#counts,
      online: this.#online(),
      nextRetryAt: this.#nextRetryAt,
      lastError: this.#lastError,
    };
  }

  produce(topic: string, message: ProducerMessage, callback?: DeliveryCallback): DeliveryReceipt {
    const receipt = receiptFor(topic, callback);
    if (this.#closing !== undefined) {
      receipt.reject(producerClosed());
      return receipt;
    }
    let row: StoredRecord;
    try {
      row = this.#toRow(topic, message);
    } catch (err) {
      receipt.reject(err as TributaryError);
      return receipt;
    }
    if (!this.#makeRoom(row.bytes, receipt)) return receipt;
    receipt.timestamp = row.timestamp;
    const entry: Entry = { row, receipt, state: "waiting", chunk: undefined };
    this.#entries.set(row.id, entry);
    this.#storedBytes += row.bytes;
    this.#waiting.push(entry);
    this.#fresh.push(entry);
    this.#scheduleWrite();
    this.#changed();
    this.#pump();
    return receipt;
  }

  /** Checks and copies a message into the stored form, with its id header added. */
  #toRow(topic: string, message: ProducerMessage): StoredRecord {
    validateTopicName(topic);
    const m = normalizeMessage(message, encoder);
    const now = Date.now();
    const id = this.#ids.next(now);
    const headers = m.headers.map((h) => ({ key: h.key, value: ownBytes(h.value) }));
    headers.push({ key: this.#o.idHeader, value: encoder.encode(id) });
    const key = ownBytes(m.key);
    const value = ownBytes(m.value);
    const bytes = estimateRecordSize(key, value, headers);
    if (bytes > this.#o.maxBytes) {
      throw new ProducerError(
        ProducerErrorCode.RecordTooLarge,
        `message: the record takes about ${bytes} bytes, more than the whole durable queue (durable.maxBytes ${this.#o.maxBytes})`,
      );
    }
    return {
      id,
      topic,
      key,
      value,
      headers,
      partition: m.partition,
      timestamp: m.timestamp ?? now,
      storedAt: now,
      bytes,
    };
  }

  /** Applies whenFull until `bytes` more fit; false (and the receipt failed) when refused. */
  #makeRoom(bytes: number, receipt: DeliveryReceipt): boolean {
    while (this.#storedBytes + bytes > this.#o.maxBytes) {
      if (this.#o.whenFull === "refuse-new") {
        this.#counts.refused++;
        this.#changed();
        receipt.reject(
          new ProducerError(
            ProducerErrorCode.QueueFull,
            `durable queue full: ${this.#storedBytes} of durable.maxBytes (${this.#o.maxBytes}) are taken by ${this.#entries.size} records not yet acknowledged, and durable.whenFull is "refuse-new", so this record was not kept`,
            { retriable: true },
          ),
        );
        return false;
      }
      const oldest = this.#entries.values().next().value;
      if (oldest === undefined) break;
      this.#counts.dropped++;
      this.#finish(
        oldest,
        new ProducerError(
          ProducerErrorCode.RecordDropped,
          `durable queue full (durable.maxBytes ${this.#o.maxBytes}) and durable.whenFull is "drop-oldest": this record, the oldest not yet acknowledged, was removed to make room`,
        ),
      );
    }
    return true;
  }

  /** Hands waiting records to the producer, unless offline or backing off. */
  #pump(): void {
    if (this.#stopped) return;
    const room = this.#inner.options.bufferBytes;
    const expiredBefore = Date.now() - this.#o.maxAgeMs;
    while (this.#waiting.length > 0 && this.#backoffTimer === undefined && this.#online()) {
      const e = this.#waiting[0]!;
      if (e.row.storedAt < expiredBefore) {
        this.#counts.expired++;
        this.#finish(
          e,
          new ProducerError(
            ProducerErrorCode.RecordExpired,
            `the record waited longer than durable.maxAgeMs (${this.#o.maxAgeMs}) without being delivered, and was removed`,
          ),
        );
        continue;
      }
      const charge = bufferCharge(e.row.bytes);
      if (this.#sendingBytes > 0 && this.#sendingBytes + charge > room) break;
      this.#waiting.shift();
      e.state = "sending";
      this.#sendingBytes += charge;
      const r = e.row;
      this.#inner.produce(
        r.topic,
        {
          key: r.key,
          value: r.value,
          headers: r.headers,
          partition: r.partition,
          timestamp: r.timestamp,
        },
        (meta, err) => this.#sent(e, charge, meta, err),
      );
    }
    this.#changed();
  }

  /** The producer's answer for one handed record. */
  #sent(
    e: Entry,
    charge: number,
    meta: RecordMetadata | undefined,
    err: TributaryError | undefined,
  ): void {
    if (e.state !== "sending") return; // dropped or expired meanwhile: its receipt already failed
    this.#sendingBytes -= charge;
    if (err === undefined && meta !== undefined) {
      this.#attempt = 0;
      this.#remove(e);
      e.receipt.resolve(meta.partition, meta.offset, meta.timestamp);
    } else if (err !== undefined && keepsRecord(err)) {
      e.state = "waiting";
      insertByAge(this.#waiting, e);
      this.#counts.resends++;
      this.#lastError = `${err.code}: ${err.message}`;
      this.#scheduleBackoff();
    } else {
      this.#finish(e, err as TributaryError);
    }
    this.#changed();
    this.#pump();
  }

  /** Removes a record for good and fails its receipt. */
  #finish(e: Entry, error: TributaryError): void {
    if (e.state === "waiting") {
      const i = this.#waiting.indexOf(e);
      if (i >= 0) this.#waiting.splice(i, 1);
    }
    this.#remove(e);
    e.receipt.reject(error);
  }

  #remove(e: Entry): void {
    e.state = "done";
    this.#entries.delete(e.row.id);
    this.#storedBytes -= e.row.bytes;
    // Not written yet: the next write leaves it out. Written: its chunk is rewritten or deleted.
    if (e.chunk !== undefined) this.#touched.add(e.chunk);
    this.#scheduleWrite();
    this.#changed();
  }

  #scheduleBackoff(): void {
    if (this.#backoffTimer !== undefined) return;
    // Exponential with ±20% jitter, so that many pages coming back at once do not retry in step.
    const base = Math.min(this.#o.retryBackoffMaxMs, this.#o.retryBackoffMs * 2 ** this.#attempt);
    const delay = Math.round(base * (0.8 + Math.random() * 0.4));
    this.#attempt = Math.min(this.#attempt + 1, 30);
    this.#nextRetryAt = Date.now() + delay;
    this.#backoffTimer = setTimeout(() => {
      this.#backoffTimer = undefined;
      this.#nextRetryAt = undefined;
      this.#pump();
    }, delay);
  }

  retryNow(): void {
    if (this.#backoffTimer !== undefined) clearTimeout(this.#backoffTimer);
    this.#backoffTimer = undefined;
    this.#nextRetryAt = undefined;
    this.#pump();
  }

  #online(): boolean {
    return this.#env.navigator?.onLine !== false;
  }

  #scheduleWrite(): void {
    if (this.#writeScheduled) return;
    this.#writeScheduled = true;
    queueMicrotask(() => this.#write());
  }

  /**
   * Starts one transaction with what this burst changed, after the ones before it: the records
   * accepted since the last write as one new chunk, and each chunk with a finished record
   * rewritten without it, or deleted with its last.
   */
  #write(): void {
    this.#writeScheduled = false;
    const puts: StoredChunk[] = [];
    const deletes: string[] = [];
    const fresh = this.#fresh.filter((e) => e.state !== "done");
    this.#fresh = [];
    if (fresh.length > 0) {
      const chunk: Chunk = { id: fresh[0]!.row.id, entries: fresh };
      for (const e of fresh) e.chunk = chunk;
      puts.push(this.#chunkRow(chunk));
    }
    for (const chunk of this.#touched) {
      chunk.entries = chunk.entries.filter((e) => e.state !== "done");
      if (chunk.entries.length === 0) deletes.push(chunk.id);
      else puts.push(this.#chunkRow(chunk));
    }
    this.#touched.clear();
    if (puts.length === 0 && deletes.length === 0) return;
    const store = this.#o.store;
    this.#lastWrite = this.#lastWrite.then(() =>
      store.write(puts, deletes).catch((err: unknown) => this.#storageFailed(err)),
    );
  }

  #chunkRow(chunk: Chunk): StoredChunk {
    return { id: chunk.id, owner: this.#owner, records: chunk.entries.map((e) => e.row) };
  }

  #storageFailed(err: unknown): void {
    this.#counts.storageErrors++;
    this.#lastError = (err as Error)?.message ?? String(err);
    this.#changed();
  }

  persisted(): Promise<void> {
    this.#write();
    return this.#lastWrite;
  }

  /** Takes over records whose producers are gone, then sends them first (they are older). */
  async #adopt(): Promise<void> {
    const lock = this.#lock;
    if (lock === undefined || this.#closing !== undefined) return;
    const live = await lock.liveOwners();
    const store = this.#o.store;
    const run = this.#lastWrite.then(() =>
      store.adopt(this.#owner, live, Date.now() - this.#o.maxAgeMs),
    );
    // Later writes wait for the adoption, whatever it returns.
    this.#lastWrite = run.then(
      () => undefined,
      () => undefined,
    );
    let adopted: Adopted;
    try {
      adopted = await run;
    } catch (err) {
      this.#storageFailed(err);
      return;
    }
    this.#counts.expired += adopted.expired;
    if (adopted.chunks.length === 0) {
      this.#changed();
      return;
    }
    for (const stored of adopted.chunks) {
      const chunk: Chunk = { id: stored.id, entries: [] };
      for (const row of stored.records) {
        if (this.#entries.has(row.id)) continue;
        const e: Entry = { row, receipt: new DeliveryReceipt(row.topic), state: "waiting", chunk };
        e.receipt.timestamp = row.timestamp;
        chunk.entries.push(e);
        this.#entries.set(row.id, e);
        this.#storedBytes += row.bytes;
        insertByAge(this.#waiting, e);
        this.#counts.recovered++;
      }
    }
    this.#entries = new Map([...this.#entries].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    this.#trimAdopted();
    this.#changed();
    this.#pump();
  }

  /**
   * Adopted records can take the queue past maxBytes. drop-oldest then drops the oldest, as it
   * would have; refuse-new drops the newest, which it would have refused.
   */
  #trimAdopted(): void {
    while (this.#storedBytes > this.#o.maxBytes && this.#entries.size > 0) {
      const all = [...this.#entries.values()];
      const victim = this.#o.whenFull === "drop-oldest" ? all[0]! : all[all.length - 1]!;
      if (this.#o.whenFull === "drop-oldest") this.#counts.dropped++;
      else this.#counts.refused++;
      this.#finish(
        victim,
        new ProducerError(
          ProducerErrorCode.RecordDropped,
          `durable queue full after adopting records left by earlier pages (durable.maxBytes ${this.#o.maxBytes}, whenFull "${this.#o.whenFull}"): this record was removed`,
        ),
      );
    }
  }

  #scheduleAdopt(): void {
    if (this.#closing !== undefined) return;
    this.#adoptTimer = setTimeout(() => {
      void this.#adopt().finally(() => this.#scheduleAdopt());
    }, this.#o.adoptIntervalMs);
  }

  #changed(): void {
    this.#snapshot = undefined;
    this.#listeners.changed();
  }

  async produceAsync(topic: string, message: ProducerMessage): Promise<RecordMetadata> {
    return this.produce(topic, message).done;
  }

  waitForRoom(bytes?: number): Promise<void> {
    return this.#inner.waitForRoom(bytes);
  }

  /**
   * Sends what waits now (skipping the backoff), waits for the producer's answers, and for
   * storage to commit. What still cannot be delivered stays stored, with its receipt pending.
   */
  async flush(): Promise<void> {
    this.retryNow();
    await this.#inner.flush();
    await this.persisted();
  }

  /**
   * Flushes, then stops. Records still unacknowledged stay in storage for the next producer on
   * the same queue (a later page, another tab); their receipts here fail PRODUCER_CLOSED, marked
   * retriable, with a message that says so.
   */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      this.#env.removeEventListener?.("online", this.#onOnline);
      this.#env.removeEventListener?.("offline", this.#onOffline);
      if (this.#adoptTimer !== undefined) clearTimeout(this.#adoptTimer);
      this.retryNow();
      await this.#inner.close();
      this.#stopped = true;
      if (this.#backoffTimer !== undefined) clearTimeout(this.#backoffTimer);
      this.#backoffTimer = undefined;
      // Storage must be open (and this producer's lock held) before they can be given up.
      await this.ready.catch(() => undefined);
      await this.persisted();
      for (const e of this.#entries.values()) {
        e.receipt.reject(
          new ProducerError(
            ProducerErrorCode.ProducerClosed,
            "the producer closed before this record was acknowledged; it stays in the durable queue, and the next producer on the same queue sends it",
            { retriable: true },
          ),
        );
      }
      this.#lock?.release();
      this.#o.store.close();
    })();
    return this.#closing;
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}

/** Puts an entry back among the waiting ones in id (= age) order; usually at the front. */
function insertByAge(waiting: Entry[], e: Entry): void {
  let i = 0;
  while (i < waiting.length && waiting[i]!.row.id < e.row.id) i++;
  waiting.splice(i, 0, e);
}
