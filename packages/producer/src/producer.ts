import type { TributaryError } from "@tributary/protocol";
import { Accumulator } from "./accumulator.js";
import {
  BATCH_OVERHEAD,
  bufferCharge,
  estimateRecordSize,
  type ProducerBatch,
  type QueuedRecord,
} from "./batch.js";
import { type BootstrapAddress, formatBrokerAddress } from "./broker-address.js";
import { Cluster, type ClusterOptions } from "./cluster.js";
import { ProducerError, ProducerErrorCode, producerClosed } from "./errors.js";
import { IdempotenceState } from "./idempotence.js";
import {
  type CompressionCodec,
  type ProducerOptions,
  type ResolvedOptions,
  requireCodec,
  resolveOptions,
} from "./options.js";
import { watchPageHide } from "./page-lifecycle.js";
import { choosePartition, StickyPartitioner } from "./partitioner.js";
import {
  type DeliveryCallback,
  type DeliveryReceipt,
  type RecordMetadata,
  receiptFor,
} from "./receipt.js";
import type { SaslAuthenticatorFactory } from "./sasl/sasl-option.js";
import { Sender } from "./sender.js";
import { ProducerStats, type ProducerStatsSnapshot, type StatsListener } from "./stats.js";
import type { TlsSettings, TransportConnector } from "./transport/transport.js";
import { globalWebSocket, webSocketConnector } from "./transport/websocket.js";
import { normalizeMessage, validateTopicName } from "./validate.js";
import { WaitingRecords } from "./waiting-records.js";

/** Room a Produce request needs besides its batches: header, topic name, partition framing. */
const REQUEST_OVERHEAD = 512;

/** A message as produce() takes it; see validate.ts for every accepted form. */
export type { ProducerMessage } from "./validate.js";

import type { ProducerMessage } from "./validate.js";

export interface Producer extends AsyncDisposable {
  /** Queues a record and returns its receipt at once; never throws for bad input (the receipt fails). */
  produce(topic: string, message: ProducerMessage, callback?: DeliveryCallback): DeliveryReceipt;
  /** Queues a record (waiting for buffer room if needed) and resolves once the broker acknowledged it. */
  produceAsync(topic: string, message: ProducerMessage): Promise<RecordMetadata>;
  /** Resolves once every record produced before the call is delivered or failed. */
  flush(): Promise<void>;
  /** Flushes, then closes connections. produce() after close() fails with PRODUCER_CLOSED. */
  close(): Promise<void>;
  /** Resolves when a record of `bytes` would fit in the buffer now (the "drain" of produce()). */
  waitForRoom(bytes?: number): Promise<void>;
  /** Live counters; `stats.snapshot` for a frozen view, `stats.subscribe` to follow them. */
  readonly stats: {
    readonly snapshot: ProducerStatsSnapshot;
    subscribe(l: StatsListener): () => void;
  };
  readonly options: ResolvedOptions;
}

/**
 * Creates a producer. The runtime entry points (node.ts, …) pass their default transport; any
 * caller may pass `transport` explicitly. Gateway URLs in bootstrap (ws://, wss://) select the
 * WebSocket transport whatever the runtime's default, since only it can speak to a gateway.
 */
export function createProducerWith(
  defaultConnector: TransportConnector | undefined,
  options: ProducerOptions | Record<string, unknown>,
  loadCodec?: (name: string) => Promise<CompressionCodec>,
  saslAuthenticator?: SaslAuthenticatorFactory,
): Producer {
  const resolved = resolveOptions(options);
  const sasl = resolved.sasl;
  if (sasl !== undefined && saslAuthenticator === undefined) {
    throw new ProducerError(
      ProducerErrorCode.InvalidArgument,
      "sasl: this entry (the browser one) has no SASL: a page should never hold Kafka credentials; the gateway (tributary-proxy) authenticates to Kafka with its own, and admits the page with a gateway token",
    );
  }
  let codec: CompressionCodec | Promise<CompressionCodec> | undefined = resolved.compression.codec;
  if (resolved.compression.id !== 0 && codec === undefined) {
    if (loadCodec === undefined) requireCodec(resolved);
    else codec = loadCodecOrExplain(loadCodec, resolved.compression.name);
  }
  const connector =
    resolved.transport ??
    (resolved.bootstrapUrls.length > 0 ? gatewayConnector(resolved) : defaultConnector);
  if (connector === undefined) {
    throw new ProducerError(
      ProducerErrorCode.InvalidArgument,
      "transport: this runtime has no default transport; pass one (e.g. a WebSocket gateway connector)",
    );
  }
  if (resolved.tls !== undefined) checkTlsSupport(connector, resolved.tls);
  const authenticate =
    sasl === undefined || saslAuthenticator === undefined
      ? undefined
      : (address: BootstrapAddress) => saslAuthenticator(sasl, formatBrokerAddress(address));
  return new KafkaProducer(resolved, connector, codec, authenticate);
}

/**
 * TLS needs a transport that does it: one that declares checkTls (the runtimes' own TCP
 * transports). A transport that does not would send the bytes in the clear, so it is refused.
 */
function checkTlsSupport(connector: TransportConnector, tls: TlsSettings): void {
  if (connector.checkTls === undefined) {
    throw new ProducerError(
      ProducerErrorCode.InvalidArgument,
      `tls: the ${connector.name} transport does not do TLS; leave transport unset for the runtime's own TCP transport, or drop tls`,
    );
  }
  connector.checkTls(tls);
}

/** The WebSocket transport for gateway URLs in bootstrap, with the webSocket and gatewayToken options. */
function gatewayConnector(options: ResolvedOptions): TransportConnector {
  const WebSocket = options.webSocket ?? globalWebSocket();
  if (WebSocket === undefined) {
    throw new ProducerError(
      ProducerErrorCode.InvalidArgument,
      "webSocket: this runtime has no global WebSocket (Node 20); pass webSocket: WebSocket from the ws package " +
        '(import { WebSocket } from "ws") to reach the gateway in bootstrap',
    );
  }
  return webSocketConnector({
    urls: options.bootstrapUrls,
    token: options.gatewayToken,
    WebSocket,
  });
}

/** Starts loading a named codec; a failure names the codec, and is reported per batch later. */
function loadCodecOrExplain(
  load: (name: string) => Promise<CompressionCodec>,
  name: string,
): Promise<CompressionCodec> {
  const p = load(name).catch((cause: unknown) => {
    throw new ProducerError(
      ProducerErrorCode.InvalidArgument,
      `compression: the ${name} codec could not be loaded from @tributary/codecs/${name}: ${(cause as Error)?.message ?? cause}`,
      { cause },
    );
  });
  p.catch(() => undefined); // reported through the receipts of the batches that need it
  return p;
}

class KafkaProducer implements Producer {
  readonly options: ResolvedOptions;
  readonly #stats = new ProducerStats();
  readonly #acc: Accumulator;
  readonly #cluster: Cluster;
  readonly #sender: Sender;
  readonly #idem: IdempotenceState | undefined;
  readonly #sticky = new StickyPartitioner();
  readonly #waiting: WaitingRecords;
  /** Flush generations: records produced before flush() #n carry gen ≤ n (see flush). */
  #gen = 0;
  readonly #incomplete = new Map<number, number>();
  readonly #flushWaiters: { gen: number; resolve: () => void }[] = [];
  readonly #roomWaiters: { bytes: number; resolve: () => void }[] = [];
  /** The topic name produce() last found valid (only a string can get here). */
  #lastValidTopic: string | undefined;
  #closing: Promise<void> | undefined;
  /** Size of the last record refused for a full buffer: what waitForRoom() waits for by default. */
  #refusedBytes = 1;
  /** Stops the page-lifecycle flush (flushOnHide); a no-op outside a page. */
  readonly #unwatchPage: () => void;

  constructor(
    options: ResolvedOptions,
    connector: TransportConnector,
    codec: CompressionCodec | Promise<CompressionCodec> | undefined,
    authenticate: ClusterOptions["authenticate"],
  ) {
    this.options = options;
    const o = options;
    this.#acc = new Accumulator({
      batchBytes: o.batchBytes,
      batchMessages: o.batchMessages,
      lingerMs: o.lingerMs,
    });
    this.#idem = o.idempotent ? new IdempotenceState() : undefined;
    this.#cluster = new Cluster({
      bootstrap: o.brokers,
      connector,
      clientId: o.clientId,
      requestTimeoutMs: o.requestTimeoutMs,
      connectTimeoutMs: o.connectTimeoutMs,
      tls: o.tls,
      allowAutoTopicCreation: o.allowAutoTopicCreation,
      retryBackoffMs: o.retryBackoffMs,
      retryBackoffMaxMs: o.retryBackoffMaxMs,
      authenticate,
      onConnectionLost: () => {
        this.#waiting.refreshSoon();
        this.#sender.wake();
      },
    });
    this.#sender = new Sender(
      this.#acc,
      this.#cluster,
      this.#idem,
      this.#stats,
      { ...o, codec },
      {
        batchDone: (b) => this.#batchDone(b),
        // The partitioner ignores closes of anything but a topic's current sticky partition.
        batchDrained: (b) => this.#sticky.onBatchClosed(b.topic, b.partition),
        needMetadata: () => this.#waiting.refreshSoon(),
      },
    );
    this.#waiting = new WaitingRecords(this.#cluster, o, {
      place: (entry) => this.#place(entry.record, entry.topic, entry.partition),
      fail: (entry, error) => this.#failRecord(entry.record, error),
      refreshed: () => this.#sender.wake(),
      refused: (topic, error) => this.#sender.failQueued(topic, error),
    });
    // What cannot be delivered before the page goes stays queued: a page that comes back
    // carries on, and the durable queue (durable/) keeps it across a reload.
    this.#unwatchPage = o.flushOnHide ? watchPageHide(() => void this.flush()) : () => undefined;
  }

  get stats(): Producer["stats"] {
    return this.#stats;
  }

  produce(topic: string, message: ProducerMessage, callback?: DeliveryCallback): DeliveryReceipt {
    const receipt = receiptFor(topic, callback);
    if (this.#closing !== undefined) {
      receipt.reject(producerClosed());
      return receipt;
    }
    let partition: number | undefined;
    let record: QueuedRecord;
    try {
      // Most apps produce to one or a few topics: checking each name once per change of topic
      // rather than per record saved ~3% of produce() in a profile (bench W1 in Chromium).
      if (topic !== this.#lastValidTopic) {
        validateTopicName(topic);
        this.#lastValidTopic = topic;
      }
      const m = normalizeMessage(message);
      const size = estimateRecordSize(m.key, m.value, m.headers);
      const limit = this.options.maxRequestBytes;
      if (size + BATCH_OVERHEAD + REQUEST_OVERHEAD > limit) {
        throw new ProducerError(
          ProducerErrorCode.RecordTooLarge,
          `message: the record takes about ${size + BATCH_OVERHEAD + REQUEST_OVERHEAD} bytes in a request, more than maxRequestBytes (${limit})`,
        );
      }
      const charge = bufferCharge(size);
      if (charge > this.options.bufferBytes) {
        throw new ProducerError(
          ProducerErrorCode.RecordTooLarge,
          `message: the record takes about ${charge} bytes of memory, more than the whole buffer (bufferBytes ${this.options.bufferBytes}), so it could never be queued`,
        );
      }
      if (this.#stats.queuedBytes + charge > this.options.bufferBytes) {
        this.#refusedBytes = charge;
        throw new ProducerError(
          ProducerErrorCode.QueueFull,
          `the producer buffer is full: ${this.#stats.queuedBytes} of bufferBytes (${this.options.bufferBytes}) are taken by undelivered records; wait for room (waitForRoom(), produceAsync()) or raise bufferBytes`,
          { retriable: true },
        );
      }
      partition = m.partition;
      record = {
        key: m.key,
        value: m.value,
        headers: m.headers,
        timestamp: m.timestamp ?? Date.now(),
        receipt,
        size,
        gen: this.#gen,
      };
    } catch (err) {
      receipt.reject(err as TributaryError);
      return receipt;
    }
    receipt.timestamp = record.timestamp;
    this.#stats.queuedRecords++;
    this.#stats.queuedBytes += bufferCharge(record.size);
    this.#incomplete.set(record.gen, (this.#incomplete.get(record.gen) ?? 0) + 1);
    this.#stats.changed();
    this.#place(record, topic, partition);
    return receipt;
  }

  /** Puts a record on its partition's batch, or parks it until its topic's metadata arrives. */
  #place(record: QueuedRecord, topic: string, explicit: number | undefined): void {
    const t = this.#cluster.metadata.topics.get(topic);
    if (t === undefined) {
      this.#waiting.add({ record, topic, partition: explicit, since: Date.now() });
      return;
    }
    let partition: number;
    try {
      partition = choosePartition(
        { key: record.key, partition: explicit },
        topic,
        t.partitions.length,
        this.#sticky,
        t.available,
      );
    } catch (err) {
      this.#failRecord(record, err as TributaryError);
      return;
    }
    record.receipt.partition = partition;
    const now = Date.now();
    const { batch, closedFull, opened } = this.#acc.append(record, topic, partition, now);
    if (closedFull) this.#sticky.onBatchClosed(topic, partition);
    if (batch.closed || closedFull) this.#sender.wake();
    else if (opened) this.#sender.wakeAt(now + this.options.lingerMs);
    if (now - this.#cluster.metadata.updatedAt > this.options.metadataMaxAgeMs)
      this.#waiting.refreshSoon();
  }

  async produceAsync(topic: string, message: ProducerMessage): Promise<RecordMetadata> {
    // A full buffer is waited out here (at most deliveryTimeoutMs in all) instead of failing.
    const deadline = Date.now() + this.options.deliveryTimeoutMs;
    for (;;) {
      const receipt = this.produce(topic, message);
      const left = deadline - Date.now();
      if (receipt.errorCode !== ProducerErrorCode.QueueFull || left <= 0) return receipt.done;
      await this.#waitForRoom(this.#refusedBytes, left).catch(() => undefined);
    }
  }

  waitForRoom(bytes?: number): Promise<void> {
    return this.#waitForRoom(bytes ?? this.#refusedBytes, this.options.deliveryTimeoutMs);
  }

  /**
   * Waits until `bytes` fit, and at least a batch's worth more: a waiter woken the moment one
   * small record fits would fill the buffer again at once and spin, starving the event loop that
   * must read the broker's answers (a low-water mark, like a stream's drain).
   */
  #waitForRoom(bytes: number, timeoutMs: number): Promise<void> {
    bytes = Math.min(Math.max(bytes, this.options.batchBytes), this.options.bufferBytes);
    if (this.#stats.queuedBytes + bytes <= this.options.bufferBytes) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const waiter = {
        bytes,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      };
      const timer = setTimeout(() => {
        const i = this.#roomWaiters.indexOf(waiter);
        if (i >= 0) this.#roomWaiters.splice(i, 1);
        reject(
          new ProducerError(
            ProducerErrorCode.QueueFull,
            `no buffer room for ${bytes} bytes within ${timeoutMs} ms`,
            { retriable: true },
          ),
        );
      }, timeoutMs);
      this.#roomWaiters.push(waiter);
    });
  }

  flush(): Promise<void> {
    // Records produced from now on belong to the next generation; this flush waits only for
    // the earlier ones, so a busy producer cannot keep a flush waiting forever.
    const gen = this.#gen++;
    if (!this.#pendingUpTo(gen)) return Promise.resolve();
    this.#sender.flushing++;
    this.#sender.wake();
    return new Promise<void>((resolve) => {
      this.#flushWaiters.push({
        gen,
        resolve: () => {
          this.#sender.flushing--;
          resolve();
        },
      });
    });
  }

  #pendingUpTo(gen: number): boolean {
    for (const g of this.#incomplete.keys()) if (g <= gen) return true;
    return false;
  }

  close(): Promise<void> {
    this.#closing ??= (async () => {
      this.#unwatchPage();
      await this.flush();
      this.#sender.stop();
      this.#waiting.stop();
      await this.#cluster.close();
    })();
    return this.#closing;
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  #batchDone(batch: ProducerBatch): void {
    for (const r of batch.records) this.#recordDone(r);
    this.#afterCompletion();
  }

  #failRecord(record: QueuedRecord, error: TributaryError): void {
    record.receipt.reject(error);
    this.#stats.failed++;
    this.#recordDone(record);
    this.#afterCompletion();
  }

  #recordDone(r: QueuedRecord): void {
    this.#stats.queuedRecords--;
    this.#stats.queuedBytes -= bufferCharge(r.size);
    const left = (this.#incomplete.get(r.gen) ?? 1) - 1;
    if (left === 0) this.#incomplete.delete(r.gen);
    else this.#incomplete.set(r.gen, left);
  }

  #afterCompletion(): void {
    this.#stats.changed();
    if (this.#flushWaiters.length > 0) {
      for (let i = 0; i < this.#flushWaiters.length; ) {
        const w = this.#flushWaiters[i]!;
        if (this.#pendingUpTo(w.gen)) i++;
        else {
          this.#flushWaiters.splice(i, 1);
          w.resolve();
        }
      }
    }
    while (this.#roomWaiters.length > 0) {
      const w = this.#roomWaiters[0]!;
      if (this.#stats.queuedBytes + w.bytes > this.options.bufferBytes) break;
      this.#roomWaiters.shift();
      w.resolve();
    }
  }
}
