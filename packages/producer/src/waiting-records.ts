import type { TributaryError } from "@tributary/protocol";
import { errorName } from "@tributary/protocol";
import type { QueuedRecord } from "./batch.js";
import { formatBrokerAddress } from "./broker-address.js";
import type { Cluster } from "./cluster.js";
import { ProducerError, ProducerErrorCode } from "./errors.js";

export interface WaitingEntry {
  record: QueuedRecord;
  topic: string;
  /** The partition the caller asked for, if any; chosen when metadata arrives otherwise. */
  partition: number | undefined;
  since: number;
}

export interface WaitingOptions {
  retryBackoffMs: number;
  retryBackoffMaxMs: number;
  /** How long a record may wait for its topic's metadata (Java's max.block.ms). */
  maxBlockMs: number;
  brokers: { host: string; port: number }[];
}

export interface WaitingHooks {
  /** The topic is known now: put the record on a partition. */
  place(entry: WaitingEntry): void;
  fail(entry: WaitingEntry, error: TributaryError): void;
  /** A metadata answer arrived: leaders may have changed. */
  refreshed(): void;
}

/**
 * Records whose topic the producer has no metadata for yet, and the metadata refreshes that
 * release them. produce() never blocks: where the Java client would block in send() for up to
 * max.block.ms, the record waits here instead and fails after maxBlockMs with a clear reason:
 * the bootstrap brokers never answered, or the topic does not exist (and will not be created).
 */
export class WaitingRecords {
  readonly #cluster: Cluster;
  readonly #o: WaitingOptions;
  readonly #hooks: WaitingHooks;
  readonly #byTopic = new Map<string, WaitingEntry[]>();
  #inProgress = false;
  #again = false;
  #failures = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #lastError: unknown;
  #stopped = false;

  constructor(cluster: Cluster, options: WaitingOptions, hooks: WaitingHooks) {
    this.#cluster = cluster;
    this.#o = options;
    this.#hooks = hooks;
  }

  add(entry: WaitingEntry): void {
    let list = this.#byTopic.get(entry.topic);
    if (list === undefined) {
      list = [];
      this.#byTopic.set(entry.topic, list);
    }
    list.push(entry);
    this.refreshSoon();
  }

  /** Asks for a metadata refresh; repeated asks while one runs fold into one more. */
  refreshSoon(): void {
    if (this.#stopped) return;
    if (this.#inProgress) {
      this.#again = true;
      return;
    }
    if (this.#timer !== undefined) return;
    const delay =
      this.#failures === 0
        ? 0
        : Math.min(this.#o.retryBackoffMs * 2 ** (this.#failures - 1), this.#o.retryBackoffMaxMs);
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      void this.#refresh();
    }, delay);
  }

  stop(): void {
    this.#stopped = true;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  async #refresh(): Promise<void> {
    this.#inProgress = true;
    this.#again = false;
    const topics = new Set([...this.#cluster.metadata.topics.keys(), ...this.#byTopic.keys()]);
    try {
      await this.#cluster.fetchMetadata([...topics]);
      this.#failures = 0;
      this.#lastError = undefined;
    } catch (err) {
      this.#failures++;
      this.#lastError = err;
    }
    this.#inProgress = false;
    if (this.#stopped) return;
    this.#release(Date.now());
    this.#hooks.refreshed();
    if (this.#again || this.#byTopic.size > 0) {
      // Unknown topics are asked for again after a backoff, until they appear or expire.
      if (this.#byTopic.size > 0 && this.#failures === 0) this.#failures = 1;
      this.refreshSoon();
    }
  }

  #release(now: number): void {
    const meta = this.#cluster.metadata;
    for (const [topic, entries] of this.#byTopic) {
      if (meta.topics.has(topic)) {
        this.#byTopic.delete(topic);
        for (const e of entries) this.#hooks.place(e);
        continue;
      }
      let kept = 0;
      for (const e of entries) {
        if (now - e.since >= this.#o.maxBlockMs) this.#hooks.fail(e, this.#expiredError(topic));
        else entries[kept++] = e;
      }
      entries.length = kept;
      if (kept === 0) this.#byTopic.delete(topic);
    }
  }

  #expiredError(topic: string): ProducerError {
    const wait = `within maxBlockMs (${this.#o.maxBlockMs} ms)`;
    if (!this.#cluster.reachedAnyBroker) {
      const list = this.#o.brokers.map(formatBrokerAddress).join(", ");
      const last =
        this.#lastError instanceof Error ? `; last error: ${this.#lastError.message}` : "";
      return new ProducerError(
        ProducerErrorCode.BootstrapUnreachable,
        `no bootstrap broker answered ${wait} (bootstrap: ${list})${last}`,
        { retriable: true, cause: this.#lastError },
      );
    }
    const code = this.#cluster.metadata.topicErrors.get(topic);
    const why =
      code === undefined ? "no metadata for it arrived" : `the broker answered ${errorName(code)}`;
    return new ProducerError(
      ProducerErrorCode.UnknownTopic,
      `topic ${JSON.stringify(topic)} is not available ${wait}: ${why}. Create it, or let the broker create topics (auto.create.topics.enable) with allowAutoTopicCreation`,
      { retriable: true, ...(code === undefined ? {} : { kafkaCode: code }) },
    );
  }
}
