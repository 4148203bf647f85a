import type { TributaryError } from "@tributary/protocol";
import { errorName } from "@tributary/protocol";
import type { QueuedRecord } from "./batch.js";
import { type BootstrapAddress, formatBrokerAddress } from "./broker-address.js";
import type { Cluster } from "./cluster.js";
import {
  type GatewayRefusedError,
  gatewayRefusalOf,
  ProducerError,
  ProducerErrorCode,
} from "./errors.js";

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
  brokers: BootstrapAddress[];
}

export interface WaitingHooks {
  /** The topic is known now: put the record on a partition. */
  place(entry: WaitingEntry): void;
  fail(entry: WaitingEntry, error: TributaryError): void;
  /** A metadata answer arrived: leaders may have changed. */
  refreshed(): void;
  /** A gateway refused this topic: its records queued for sending fail too. */
  refused(topic: string, error: GatewayRefusedError): void;
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
    this.#schedule(delay);
  }

  #schedule(delay: number): void {
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
    let refusal: GatewayRefusedError | undefined;
    /** A topic we asked for was refused: ask again for the rest at once, no backoff. */
    let askAgainNow = false;
    try {
      await this.#cluster.fetchMetadata([...topics]);
      this.#failures = 0;
      this.#lastError = undefined;
    } catch (err) {
      if (isSettingsRefusal(err)) {
        // The same credentials, certificate or address will be refused again: fail what waits
        // now, not after maxBlockMs.
        this.#inProgress = false;
        this.#failAll(err);
        return;
      }
      refusal = gatewayRefusalOf(err);
      askAgainNow = refusal?.topic !== undefined && topics.has(refusal.topic);
      if (!askAgainNow) {
        this.#failures++;
        this.#lastError = err;
      }
    }
    this.#inProgress = false;
    if (this.#stopped) return;
    if (refusal !== undefined) this.#refused(refusal);
    this.#release(Date.now());
    this.#hooks.refreshed();
    if (askAgainNow) {
      if (this.#timer === undefined) this.#schedule(0);
      return;
    }
    if (this.#again || this.#byTopic.size > 0) {
      // Unknown topics are asked for again after a backoff, until they appear or expire.
      if (this.#byTopic.size > 0 && this.#failures === 0) this.#failures = 1;
      this.refreshSoon();
    }
  }

  /**
   * A gateway refused a Metadata request. Naming a topic, it fails only that topic's records
   * (waiting here and queued for sending) and the topic leaves the metadata we ask for, so the
   * other topics' refresh is not refused again. A policy refusal naming none (Metadata itself
   * not allowed) fails every waiting record: no refresh can succeed. Other refusals (1009, 1003)
   * belong to some other request on the same connection and are only backed off from.
   */
  #refused(refusal: GatewayRefusedError): void {
    const topic = refusal.topic;
    if (topic === undefined) {
      if (refusal.closeCode !== 1008) return;
      const all = [...this.#byTopic.values()].flat();
      this.#byTopic.clear();
      for (const e of all) this.#hooks.fail(e, refusal);
      return;
    }
    const entries = this.#byTopic.get(topic) ?? [];
    this.#byTopic.delete(topic);
    this.#cluster.metadata.topics.delete(topic);
    for (const e of entries) this.#hooks.fail(e, refusal);
    this.#hooks.refused(topic, refusal);
  }

  #failAll(error: ProducerError): void {
    const all = [...this.#byTopic.values()].flat();
    this.#byTopic.clear();
    for (const e of all) this.#hooks.fail(e, error);
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

/**
 * A refusal that comes from our own settings, so no retry can end it: SASL credentials the
 * broker refused, or a connect failure marked not retriable (a certificate the tls settings do
 * not accept, a malformed address, a runtime permission). Java's producer treats SASL and SSL
 * handshake failures as fatal the same way (SslAuthenticationException is an
 * AuthenticationException). A gateway that refuses the upgrade (401 token, 403 origin, 404 path)
 * counts too; a gatewayToken function still gets its next call for the records produced later.
 */
function isSettingsRefusal(err: unknown): err is ProducerError {
  return (
    err instanceof ProducerError &&
    (err.code === ProducerErrorCode.AuthenticationFailed ||
      (err.code === ProducerErrorCode.ConnectionFailed && !err.retriable))
  );
}
