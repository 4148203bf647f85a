import type { TributaryError } from "@tributary/protocol";

/** What the broker told us about one delivered record. */
export interface RecordMetadata {
  topic: string;
  partition: number;
  /** Undefined with acks 0: the broker does not answer, so the offset is never known. */
  offset: bigint | undefined;
  /** CreateTime we sent, or the broker's LogAppendTime when the topic uses it. */
  timestamp: number;
}

/** Called with the receipt itself, at once on subscribe and again on every change. */
export type ReceiptListener = (receipt: DeliveryReceipt) => void;

/** The callback form of produce(): exactly one call per record. */
export type DeliveryCallback = (
  metadata: RecordMetadata | undefined,
  error: TributaryError | undefined,
) => void;

export type ReceiptState = "pending" | "delivered" | "failed";

/**
 * A record's delivery receipt. produce() returns it at once with `completed` false; when the
 * broker answers (or delivery fails) the same object is updated in place and its subscribers are
 * told. Keep it, render it, await `done`, or ignore it.
 *
 * Reactive contract: `subscribe(listener)` calls the listener at once with the receipt and again
 * on every change, and returns an unsubscribe function. That is the Svelte store contract, and
 * with `state` as the snapshot it also fits React's `useSyncExternalStore(r.subscribe, () =>
 * r.state)`. `subscribe` may be passed around unbound.
 *
 * Deliberately not thenable (no `then`): `await produce(...)` would otherwise silently wait for
 * the broker and defeat fire-and-forget. Await `done` or use produceAsync() instead.
 *
 * Cost: a million receipts are a million small objects. Listener storage, the bound subscribe
 * and the `done` promise are created only when someone asks for them.
 */
export class DeliveryReceipt {
  /** False until the broker answered or delivery failed; then true, once. */
  completed = false;
  /** Undefined while pending; then true (delivered) or false (failed). */
  success: boolean | undefined = undefined;
  readonly topic: string;
  /** Known once the record is placed on a partition (at once when metadata is cached). */
  partition: number | undefined = undefined;
  /** The record's offset in its partition; undefined while pending, on failure, and with acks 0. */
  offset: bigint | undefined = undefined;
  /** The record's timestamp (ms); set when produced, replaced by LogAppendTime if the topic uses it. */
  timestamp: number | undefined = undefined;
  /** A stable string code on failure: ours (e.g. "QUEUE_FULL") or Kafka's (e.g. "NOT_ENOUGH_REPLICAS"). */
  errorCode: string | undefined = undefined;
  errorMessage: string | undefined = undefined;
  error: TributaryError | undefined = undefined;

  #listeners: ReceiptListener | ReceiptListener[] | undefined = undefined;
  #callback: DeliveryCallback | undefined;
  #subscribe: ((listener: ReceiptListener) => () => void) | undefined = undefined;
  #done: Promise<RecordMetadata> | undefined = undefined;
  #settle: ((ok: boolean) => void) | undefined = undefined;

  constructor(topic: string, callback?: DeliveryCallback) {
    this.topic = topic;
    this.#callback = callback;
  }

  /** "pending", "delivered" or "failed": a primitive snapshot for useSyncExternalStore. */
  get state(): ReceiptState {
    return this.success === undefined ? "pending" : this.success ? "delivered" : "failed";
  }

  /** Subscribe to changes; returns the unsubscribe function. Bound, so it can be passed around. */
  get subscribe(): (listener: ReceiptListener) => () => void {
    this.#subscribe ??= (listener) => this.#add(listener);
    return this.#subscribe;
  }

  /** Resolves with the record's metadata once delivered; rejects with the error on failure. */
  get done(): Promise<RecordMetadata> {
    if (this.#done === undefined) {
      if (this.completed) {
        this.#done = this.success
          ? Promise.resolve(this.#metadata())
          : Promise.reject(this.error as TributaryError);
      } else {
        this.#done = new Promise<RecordMetadata>((resolve, reject) => {
          this.#settle = (ok) => (ok ? resolve(this.#metadata()) : reject(this.error));
        });
      }
    }
    return this.#done;
  }

  /** For the callback form and produceAsync: the metadata of a delivered record. */
  #metadata(): RecordMetadata {
    return {
      topic: this.topic,
      partition: this.partition as number,
      offset: this.offset,
      timestamp: this.timestamp as number,
    };
  }

  #add(listener: ReceiptListener): () => void {
    const current = this.#listeners;
    if (current === undefined) this.#listeners = listener;
    else if (Array.isArray(current)) current.push(listener);
    else this.#listeners = [current, listener];
    listener(this);
    let active = true;
    return () => {
      if (!active) return;
      active = false;
      const now = this.#listeners;
      if (now === listener) this.#listeners = undefined;
      else if (Array.isArray(now)) {
        const i = now.indexOf(listener);
        if (i >= 0) now.splice(i, 1);
      }
    };
  }

  /** @internal Tells subscribers the receipt changed (it completed). */
  notify(): void {
    const listeners = this.#listeners;
    if (listeners === undefined) return;
    if (typeof listeners === "function") callSafely(listeners, this);
    else for (const l of listeners.slice()) callSafely(l, this);
  }

  /** @internal Marks the record delivered. Later calls are ignored: a receipt completes once. */
  resolve(partition: number, offset: bigint | undefined, timestamp: number): void {
    if (this.completed) return;
    this.partition = partition;
    this.offset = offset;
    this.timestamp = timestamp;
    this.completed = true;
    this.success = true;
    this.#finish();
  }

  /** @internal Marks the record failed. Later calls are ignored. */
  reject(error: TributaryError): void {
    if (this.completed) return;
    this.error = error;
    this.errorCode = error.code;
    this.errorMessage = error.message;
    this.completed = true;
    this.success = false;
    this.#finish();
  }

  #finish(): void {
    this.#settle?.(this.success === true);
    this.#settle = undefined;
    const callback = this.#callback;
    if (callback !== undefined) {
      this.#callback = undefined;
      try {
        if (this.success) callback(this.#metadata(), undefined);
        else callback(undefined, this.error);
      } catch (err) {
        reportListenerError(err);
      }
    }
    this.notify();
  }
}

function callSafely(listener: ReceiptListener, receipt: DeliveryReceipt): void {
  try {
    listener(receipt);
  } catch (err) {
    reportListenerError(err);
  }
}

/**
 * A throwing listener or callback is the application's bug, not a delivery failure: it must not
 * stop other listeners or the producer, so it is reported the way the platform reports
 * uncaught errors, on a fresh task.
 */
function reportListenerError(err: unknown): void {
  setTimeout(() => {
    throw err;
  }, 0);
}

/** A new receipt for produce(): a topic that is not a string is shown as text (validation fails it). */
export function receiptFor(topic: unknown, callback?: DeliveryCallback): DeliveryReceipt {
  return new DeliveryReceipt(typeof topic === "string" ? topic : String(topic), callback);
}
