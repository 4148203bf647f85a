import {
  ApiKey,
  ProduceClientCodec,
  type ProduceRequestTopic,
  type ProduceResponse,
  type TributaryError,
  ZERO_UUID,
} from "@tributary/protocol";
import type { Accumulator, PartitionQueue } from "./accumulator.js";
import { BATCH_OVERHEAD, ProducerBatch, type QueuedRecord } from "./batch.js";
import { assignSequence, encodeAll } from "./batch-encoding.js";
import type { Cluster } from "./cluster.js";
import type { Connection } from "./connection.js";
import {
  type GatewayRefusedError,
  gatewayRefusalOf,
  ProducerError,
  ProducerErrorCode,
} from "./errors.js";
import type { IdempotenceState } from "./idempotence.js";
import type { CompressionCodec } from "./options.js";
import { BatchOutcome, classifyPartitionError } from "./produce-errors.js";
import type { ProducerStats } from "./stats.js";

export interface SenderOptions {
  acks: -1 | 0 | 1;
  maxInFlight: number;
  maxRequestBytes: number;
  requestTimeoutMs: number;
  deliveryTimeoutMs: number;
  retryBackoffMs: number;
  retryBackoffMaxMs: number;
  /** Compresses each batch's records section; a promise while a named codec loads. */
  codec: CompressionCodec | Promise<CompressionCodec> | undefined;
}

export interface SenderHooks {
  /** A batch is finished (every record delivered or failed): release its buffer bytes. */
  batchDone(batch: ProducerBatch): void;
  /** Leaders may have moved or a topic is missing: refresh metadata soon. */
  needMetadata(): void;
  /** A batch left its queue for a request: a keyless partition's sticky choice moves on. */
  batchDrained(batch: ProducerBatch): void;
}

/** How often queued batches are checked against deliveryTimeoutMs while nothing else wakes the sender. */
const EXPIRY_CHECK_MS = 1000;
/** Bytes a partition adds to a request besides its batch: index, sizes, tagged fields. */
const PARTITION_FRAMING = 32;

/** Kafka keeps the last five batches per producer and partition for de-duplication (ProducerStateEntry). */
const MAX_IDEMPOTENT_IN_FLIGHT_PER_PARTITION = 5;

/**
 * Drains ready batches into Produce requests, one request per leader broker holding at most one
 * batch per partition (as Kafka's Sender does), at most maxInFlight unanswered requests per
 * connection, and maps each partition's answer back onto its batch: delivered, retried with
 * backoff, or failed. With idempotence, sequence numbers are assigned at first drain and kept
 * across retries, and a batch being retried goes out alone for its partition so the broker sees
 * sequences in order.
 */
export class Sender {
  readonly #acc: Accumulator;
  readonly #cluster: Cluster;
  readonly #idem: IdempotenceState | undefined;
  readonly #stats: ProducerStats;
  readonly #o: SenderOptions;
  readonly #hooks: SenderHooks;
  readonly #inFlightBatches = new Map<PartitionQueue, Set<ProducerBatch>>();
  /** Per connection: settles once the last request drained for it is queued on the wire. */
  readonly #lastWrite = new WeakMap<Connection, Promise<void>>();
  #totalInFlightBatches = 0;
  /** Batches become sendable at once while a flush is waiting, whatever their linger. */
  flushing = 0;
  #scheduled = false;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #timerAt = Number.POSITIVE_INFINITY;
  #stopped = false;
  #lastExpiryCheck = 0;

  constructor(
    acc: Accumulator,
    cluster: Cluster,
    idem: IdempotenceState | undefined,
    stats: ProducerStats,
    options: SenderOptions,
    hooks: SenderHooks,
  ) {
    this.#acc = acc;
    this.#cluster = cluster;
    this.#idem = idem;
    this.#stats = stats;
    this.#o = options;
    this.#hooks = hooks;
  }

  /** Asks for a drain pass after the current synchronous work, so records produced together batch together. */
  wake(): void {
    if (this.#scheduled || this.#stopped) return;
    this.#scheduled = true;
    queueMicrotask(() => {
      this.#scheduled = false;
      this.#run();
    });
  }

  /** Asks for a drain pass at a given time (linger end, retry backoff). */
  wakeAt(at: number): void {
    if (this.#stopped || at >= this.#timerAt) return;
    // Already due (lingerMs 0, a backoff that has run out): drain after the current synchronous
    // work, like wake(). A timer would add its minimum delay to every record's latency: 1 ms in
    // Node, 4 ms in browsers once timers nest (HTML's timer clamping).
    if (at <= Date.now()) {
      this.wake();
      return;
    }
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timerAt = at;
    this.#timer = setTimeout(
      () => {
        this.#timer = undefined;
        this.#timerAt = Number.POSITIVE_INFINITY;
        this.#run();
      },
      Math.max(0, at - Date.now()),
    );
  }

  get inFlightBatches(): number {
    return this.#totalInFlightBatches;
  }

  stop(): void {
    this.#stopped = true;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #run(): void {
    if (this.#stopped) return;
    const now = Date.now();
    if (now - this.#lastExpiryCheck >= EXPIRY_CHECK_MS / 4) {
      this.#lastExpiryCheck = now;
      this.#expire(now);
    }
    const idem = this.#idem;
    if (idem !== undefined && !idem.ready) {
      if (idem.needsBump && this.#totalInFlightBatches > 0) return; // bump once answers are in
      this.#initProducerId();
      return;
    }
    // Repeat while a pass sent something: each request carries one batch per partition.
    for (let pass = 0; pass < 64; pass++) {
      if (!this.#drainOnce(now)) break;
    }
    // Wake for the next linger end or backoff; while batches wait blocked, also look again
    // once a second so their delivery timeout is enforced even if nothing else happens.
    const next = this.#acc.nextReadyTime(now);
    const check = this.#acc.hasQueued ? now + EXPIRY_CHECK_MS : undefined;
    const at = next === undefined ? check : check === undefined ? next : Math.min(next, check);
    if (at !== undefined) this.wakeAt(at);
  }

  /** One pass over the queues; returns whether any request was sent. */
  #drainOnce(now: number): boolean {
    const meta = this.#cluster.metadata;
    const byLeader = new Map<
      number,
      { conn: Connection; batches: ProducerBatch[]; bytes: number }
    >();
    let missingLeader = false;
    for (const q of this.#acc.pendingQueues()) {
      const leader = meta.leaderOf(q.topic, q.partition);
      if (leader === undefined) {
        missingLeader = true;
        continue;
      }
      const conn = this.#cluster.connected(leader);
      if (conn === undefined) {
        this.#cluster.connect(leader).then(
          () => this.wake(),
          () => {
            this.#hooks.needMetadata();
            this.wakeAt(Date.now() + this.#o.retryBackoffMs);
          },
        );
        continue;
      }
      if (conn.inFlight >= this.#o.maxInFlight) continue;
      const inFlight = this.#inFlightBatches.get(q)?.size ?? 0;
      const head = this.#acc.headReady(q, now, this.flushing > 0);
      if (head === undefined) continue;
      if (this.#idem !== undefined) {
        // A batch being retried goes alone, so the broker sees its sequence before later ones.
        if (head.attempts > 0 && inFlight > 0) continue;
        if (inFlight >= MAX_IDEMPOTENT_IN_FLIGHT_PER_PARTITION) continue;
        // Nor is anything pipelined behind a partition's first batch under this producer id
        // and epoch: until the leader acknowledges one, it accepts any sequence as our first,
        // and a batch sent behind a first batch that fails would be written ahead of it.
        if (inFlight > 0 && !this.#idem.acknowledged(q.topic, q.partition)) continue;
      }
      let group = byLeader.get(leader);
      if (group === undefined) {
        group = { conn, batches: [], bytes: 0 };
        byLeader.set(leader, group);
      }
      const size = BATCH_OVERHEAD + head.bytes + PARTITION_FRAMING;
      if (group.batches.length > 0 && group.bytes + size > this.#o.maxRequestBytes) continue;
      group.batches.push(this.#take(q));
      group.bytes += size;
    }
    if (missingLeader) this.#hooks.needMetadata();
    for (const { conn, batches } of byLeader.values()) this.#send(conn, batches);
    return byLeader.size > 0;
  }

  #take(q: PartitionQueue): ProducerBatch {
    const batch = this.#acc.take(q);
    let set = this.#inFlightBatches.get(q);
    if (set === undefined) {
      set = new Set();
      this.#inFlightBatches.set(q, set);
    }
    set.add(batch);
    this.#totalInFlightBatches++;
    batch.inFlight = true;
    if (batch.attempts === 0) this.#hooks.batchDrained(batch);
    return batch;
  }

  #release(batch: ProducerBatch): void {
    const q = this.#acc.queue(batch.topic, batch.partition);
    if (this.#inFlightBatches.get(q)?.delete(batch)) {
      this.#totalInFlightBatches--;
      q.inFlight--;
    }
    batch.inFlight = false;
  }

  /** Encodes (or reuses) each batch's bytes, sends one Produce request, and handles its answer. */
  async #send(conn: Connection, drained: ProducerBatch[]): Promise<void> {
    // Sequence numbers are taken now, in drain order, before anything asynchronous happens.
    for (const b of drained) assignSequence(b, this.#idem);
    const encoding = encodeAll(drained, this.#o.codec, (b, err) => this.#fail(b, err));
    // Compression is asynchronous, but requests must reach each connection in drain order (a
    // partition's batches in sequence), so each request waits for the one drained before it.
    const previous = this.#lastWrite.get(conn);
    let written!: () => void;
    this.#lastWrite.set(conn, new Promise<void>((resolve) => (written = resolve)));
    let batches: ProducerBatch[];
    try {
      if (previous !== undefined) await previous;
      batches = await encoding;
    } catch (err) {
      written();
      throw err;
    }
    if (batches.length === 0) {
      written();
      this.wake();
      return;
    }
    const meta = this.#cluster.metadata;
    let version = conn.versions.version(ApiKey.Produce);
    // Produce v13 names topics by id only (KIP-516); without an id, stay at v12.
    if (
      version >= 13 &&
      batches.some((b) => (meta.topics.get(b.topic)?.topicId ?? ZERO_UUID) === ZERO_UUID)
    ) {
      version = 12;
    }
    const topics = new Map<string, ProduceRequestTopic>();
    for (const b of batches) {
      let t = topics.get(b.topic);
      if (t === undefined) {
        t =
          version >= 13
            ? { topicId: meta.topics.get(b.topic)!.topicId, partitionData: [] }
            : { name: b.topic, partitionData: [] };
        topics.set(b.topic, t);
      }
      t.partitionData.push({ index: b.partition, records: b.encoded! });
      if (b.attempts === 0) {
        this.#stats.batchSent(b.records.length, b.encoded!.length, b.uncompressedBytes);
      }
      b.attempts++;
      b.sentAt = Date.now();
    }
    const body = {
      transactionalId: null,
      acks: this.#o.acks,
      timeoutMs: this.#o.requestTimeoutMs,
      topicData: [...topics.values()],
    };
    this.#stats.inFlightRequests++;
    this.#stats.changed();
    const sentAt = Date.now();
    let response: ProduceResponse | undefined;
    try {
      const answer =
        this.#o.acks === 0
          ? conn.send(ProduceClientCodec, body, { version })
          : conn.request(ProduceClientCodec, body, { version });
      written(); // the frame is queued on the connection: the next request may follow it
      response = (await answer) ?? undefined;
    } catch (err) {
      written();
      this.#stats.inFlightRequests--;
      this.#hooks.needMetadata();
      const refusal = gatewayRefusalOf(err);
      if (refusal === undefined) {
        // No answer: the broker may have written these batches before the connection broke.
        // A gateway refusal is different: it drops the request before it reaches the broker.
        for (const b of batches) {
          b.maybeWritten = true;
          this.#retryOrFail(b, err as TributaryError);
        }
      } else {
        this.#refused(batches, refusal, err as TributaryError);
      }
      this.wake();
      return;
    }
    this.#stats.inFlightRequests--;
    this.#stats.lastAckLatencyMs = Date.now() - sentAt;
    if (response === undefined) {
      // acks 0: nothing comes back, so the records count as delivered once written, offset unknown.
      for (const b of batches) this.#complete(b, undefined, -1n);
    } else {
      this.#handleResponse(response, batches, version);
    }
    this.#stats.changed();
    this.wake();
  }

  #handleResponse(response: ProduceResponse, batches: ProducerBatch[], version: number): void {
    const meta = this.#cluster.metadata;
    const answers = new Map<
      string,
      ProduceResponse["responses"][number]["partitionResponses"][number]
    >();
    for (const t of response.responses) {
      const name = version >= 13 ? nameOfTopicId(meta.topics, t.topicId) : t.name;
      for (const p of t.partitionResponses) answers.set(`${name}\u0000${p.index}`, p);
    }
    for (const b of batches) {
      const p = answers.get(`${b.topic}\u0000${b.partition}`);
      if (p === undefined) {
        b.maybeWritten = true; // the broker said nothing about it: no telling what it did
        this.#retryOrFail(
          b,
          new ProducerError(
            ProducerErrorCode.ConnectionClosed,
            `the broker's Produce answer left out ${b.topic}-${b.partition}`,
            { retriable: true },
          ),
        );
        continue;
      }
      const outcome = classifyPartitionError(p, b, this.#sequenceContext(b));
      switch (outcome.kind) {
        case BatchOutcome.Delivered:
          this.#complete(b, outcome.baseOffset, p.logAppendTimeMs);
          break;
        case BatchOutcome.Retry:
          if (outcome.refreshMetadata) this.#hooks.needMetadata();
          if (outcome.bumpEpoch && this.#idem !== undefined) this.#idem.needsBump = true;
          this.#retryOrFail(b, outcome.error, true);
          break;
        case BatchOutcome.PartialRetry:
          this.#failSome(b, outcome.failed, outcome.error);
          break;
        case BatchOutcome.Failed:
          this.#fail(b, outcome.error);
          break;
      }
    }
  }

  /**
   * A gateway refused a request and closed the connection this request was on. One bad topic
   * must not take the good ones down with it: when the gateway named a topic, only that topic's
   * batches fail (here and in the queues: sending them again would be refused again), and the
   * others go again like after any lost connection. A refusal that names no topic (an API the
   * gateway does not allow, a frame too big) cannot be pinned on one batch: the request's
   * batches fail with it.
   */
  #refused(batches: ProducerBatch[], refusal: GatewayRefusedError, error: TributaryError): void {
    const topic = refusal.topic;
    if (topic === undefined) {
      for (const b of batches) this.#fail(b, refusal);
      return;
    }
    for (const b of batches) {
      if (b.topic === topic) this.#fail(b, refusal);
      else this.#retryOrFail(b, error, true);
    }
    this.failQueued(topic, refusal);
  }

  /** Fails the queued batches of a topic the gateway refused (those in flight meet their own answer). */
  failQueued(topic: string, error: TributaryError): void {
    for (const b of this.#acc.removeWhere((q) => q.topic === topic)) this.#fail(b, error);
  }

  /** Whether a lower sequence of the same partition is unresolved: then a gap is ours, not the broker's. */
  #sequenceContext(b: ProducerBatch): { earlierUnresolved: boolean } {
    if (b.baseSequence < 0) return { earlierUnresolved: false };
    const q = this.#acc.queue(b.topic, b.partition);
    // By opening order, not sequence: sequences wrap at 2^31.
    const lower = (o: ProducerBatch) => o !== b && o.baseSequence >= 0 && o.order < b.order;
    for (const o of this.#inFlightBatches.get(q) ?? [])
      if (lower(o)) return { earlierUnresolved: true };
    for (const o of q.batches) if (lower(o)) return { earlierUnresolved: true };
    return { earlierUnresolved: false };
  }

  #complete(b: ProducerBatch, baseOffset: bigint | undefined, logAppendTimeMs: bigint): void {
    this.#release(b);
    this.#idem?.acknowledge(b.topic, b.partition, b.producerId, b.producerEpoch);
    const appendTime = logAppendTimeMs >= 0n ? Number(logAppendTimeMs) : undefined;
    const records = b.records;
    for (let i = 0; i < records.length; i++) {
      const r = records[i]!;
      r.receipt.resolve(
        b.partition,
        baseOffset === undefined ? undefined : baseOffset + BigInt(i),
        appendTime ?? r.timestamp,
      );
    }
    this.#stats.delivered += records.length;
    this.#hooks.batchDone(b);
  }

  #fail(b: ProducerBatch, error: TributaryError): void {
    this.#release(b);
    // The broker never took this sequence: the partition's next batch would meet a gap, so
    // restart sequences under a bumped epoch first (as Kafka's TransactionManager does).
    if (b.baseSequence >= 0 && this.#idem !== undefined) this.#idem.needsBump = true;
    for (const r of b.records) {
      r.receipt.partition = b.partition;
      r.receipt.reject(error);
    }
    this.#stats.failed += b.records.length;
    this.#hooks.batchDone(b);
  }

  /** Fails the records the broker named (INVALID_RECORD) and sends the others again. */
  #failSome(b: ProducerBatch, failed: Map<number, TributaryError>, fallback: TributaryError): void {
    const keep: QueuedRecord[] = [];
    const lost: QueuedRecord[] = [];
    for (let i = 0; i < b.records.length; i++) (failed.has(i) ? lost : keep).push(b.records[i]!);
    this.#release(b);
    for (let i = 0, j = 0; i < b.records.length; i++) {
      const error = failed.get(i);
      if (error === undefined) continue;
      const r = lost[j++]!;
      r.receipt.partition = b.partition;
      r.receipt.reject(error ?? fallback);
    }
    this.#stats.failed += lost.length;
    b.records.length = 0;
    b.records.push(...lost);
    this.#hooks.batchDone(b);
    if (keep.length === 0) return;
    // The others go again as a new batch, first in line for the partition. Under idempotence
    // the broker refused the whole batch, so its sequence is unused: bump the epoch and start over.
    const again = new ProducerBatch(b.topic, b.partition, b.createdAt);
    for (const r of keep) {
      again.records.push(r);
      again.bytes += r.size;
    }
    again.closed = true;
    again.attempts = b.attempts;
    again.maybeWritten = b.maybeWritten;
    again.order = b.order;
    this.#acc.requeue(again);
    if (this.#idem !== undefined) this.#idem.needsBump = true;
  }

  /** Sends the batch again after backoff, unless the error is final or its delivery time is up. */
  #retryOrFail(b: ProducerBatch, error: TributaryError, retriable = error.retriable): void {
    const now = Date.now();
    if (!retriable || now >= b.createdAt + this.#o.deliveryTimeoutMs) {
      this.#fail(b, retriable ? deliveryTimeout(b, this.#o.deliveryTimeoutMs, error) : error);
      return;
    }
    this.#release(b);
    b.lastError = error;
    const backoff = Math.min(
      this.#o.retryBackoffMs * 2 ** (b.attempts - 1),
      this.#o.retryBackoffMaxMs,
    );
    b.retryAt = now + backoff * (0.8 + Math.random() * 0.4);
    this.#stats.retries++;
    this.#acc.requeue(b);
    this.wakeAt(b.retryAt);
  }

  /** Fails queued batches older than deliveryTimeoutMs (in-flight ones wait for their answer). */
  #expire(now: number): void {
    const limit = this.#o.deliveryTimeoutMs;
    const expired = this.#acc.removeWhere((b) => now >= b.createdAt + limit);
    for (const b of expired) this.#fail(b, deliveryTimeout(b, limit, b.lastError));
  }

  #initProducerId(): void {
    const idem = this.#idem!;
    idem
      .initialize(() => this.#cluster.anyConnection())
      .then(
        () => this.wake(),
        (err: TributaryError) => {
          // A gateway refusal that names no topic, on a request that names none, is the
          // gateway refusing InitProducerId itself: no batch can go while idempotence is on.
          const refusal = gatewayRefusalOf(err);
          if (refusal !== undefined && refusal.topic === undefined) this.#failAll(refusal);
          else if (!err.retriable && err.code !== "CONNECTION_FAILED") this.#failAll(err);
          this.wakeAt(Date.now() + this.#o.retryBackoffMs);
        },
      );
  }

  /** Fails every queued batch: the producer cannot go on (e.g. not authorized to be idempotent). */
  #failAll(error: TributaryError): void {
    for (const b of this.#acc.drainAll()) this.#fail(b, error);
  }
}

/**
 * The error of a batch whose delivery time ran out: DELIVERY_TIMEOUT when it is known not to be
 * on the topic, OUTCOME_UNKNOWN when a request carrying it went unanswered (see maybeWritten).
 */
function deliveryTimeout(
  b: ProducerBatch,
  limit: number,
  cause: TributaryError | undefined,
): ProducerError {
  const records = `${b.records.length} record(s) for ${b.topic}-${b.partition}`;
  const last = cause ? `; last error: ${cause.code}: ${cause.message}` : "";
  if (b.maybeWritten) {
    return new ProducerError(
      ProducerErrorCode.OutcomeUnknown,
      `${records} were not acknowledged within deliveryTimeoutMs (${limit} ms) after a request ` +
        `carrying them got no answer, so the broker may have written them (at most once)${last}`,
      { ...(cause ? { cause } : {}) },
    );
  }
  return new ProducerError(
    ProducerErrorCode.DeliveryTimeout,
    `${records} were not acknowledged within deliveryTimeoutMs (${limit} ms) and were not written${last}`,
    { ...(cause ? { cause } : {}) },
  );
}

function nameOfTopicId(topics: Map<string, { topicId: string }>, id: string): string {
  for (const [name, t] of topics) if (t.topicId === id) return name;
  return "";
}
