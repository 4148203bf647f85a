import {
  InitProducerIdClientCodec,
  isRetriableCode,
  kafkaErrorFromCode,
} from "@tributary/protocol";
import type { Connection } from "./connection.js";

/** Sequence numbers are int32 and wrap to 0 after the maximum (DefaultRecordBatch.incrementSequence). */
const MAX_SEQUENCE = 0x7fffffff;

/**
 * The idempotent producer's identity and sequence numbers (KIP-98, KIP-360). The broker keeps,
 * per producer id and partition, the last five batches' sequences: a batch resent after a lost
 * answer is recognised and not written twice, and a gap in the sequence is refused with
 * OUT_OF_ORDER_SEQUENCE_NUMBER. When our state and the broker's can no longer agree (a batch
 * expired after it got a sequence, UNKNOWN_PRODUCER_ID, an unexplained sequence gap), the epoch
 * is bumped with InitProducerId, which restarts every partition's sequence at 0, as Kafka's
 * TransactionManager does for idempotent producers.
 */
export class IdempotenceState {
  producerId = -1n;
  producerEpoch = -1;
  /** Set when the epoch must be bumped before more batches are sent. */
  needsBump = false;
  readonly #next = new Map<string, number>();
  /** Partitions that acknowledged a batch under the current producer id and epoch. */
  readonly #acknowledged = new Set<string>();
  #pending: Promise<void> | undefined;

  get ready(): boolean {
    return this.producerId >= 0n && !this.needsBump;
  }

  /** Base sequence for a batch of `count` records, advancing the partition's counter. */
  assign(topic: string, partition: number, count: number): number {
    const k = `${topic}\u0000${partition}`;
    const base = this.#next.get(k) ?? 0;
    this.#next.set(k, (base + count) & MAX_SEQUENCE);
    return base;
  }

  /**
   * Notes that the broker acknowledged a batch of this partition sent under our current id and
   * epoch: from then on it holds our state there and refuses a sequence gap.
   */
  acknowledge(topic: string, partition: number, producerId: bigint, producerEpoch: number): void {
    if (producerId === this.producerId && producerEpoch === this.producerEpoch) {
      this.#acknowledged.add(`${topic}\u0000${partition}`);
    }
  }

  /**
   * Whether the partition's leader is known to hold our producer state. Until it does, it takes
   * a batch with any sequence as our first (ProducerAppendInfo.checkSequence: a producer id it has
   * no state for may start anywhere), so sequence numbers cannot keep a failed first batch ahead
   * of one sent behind it: the sender sends one batch at a time to such a partition.
   */
  acknowledged(topic: string, partition: number): boolean {
    return this.#acknowledged.has(`${topic}\u0000${partition}`);
  }

  /**
   * Gets a producer id (first call) or bumps the epoch (when needsBump), once at a time. Retriable
   * broker errors (e.g. COORDINATOR_LOAD_IN_PROGRESS right after a broker starts) are retried by
   * the caller's next attempt; anything else rejects with the Kafka error.
   */
  initialize(connect: () => Promise<Connection>): Promise<void> {
    this.#pending ??= this.#initialize(connect).finally(() => {
      this.#pending = undefined;
    });
    return this.#pending;
  }

  async #initialize(connect: () => Promise<Connection>): Promise<void> {
    const conn = await connect();
    const bump = this.producerId >= 0n;
    const res = await conn.request(InitProducerIdClientCodec, {
      transactionalId: null,
      transactionTimeoutMs: 60_000,
      // v3+ (KIP-360): asking with our current id and epoch bumps the epoch, keeping the id.
      ...(bump ? { producerId: this.producerId, producerEpoch: this.producerEpoch } : {}),
    });
    if (res.errorCode !== 0) {
      const err = kafkaErrorFromCode(res.errorCode, { operation: "InitProducerId" });
      if (bump && !isRetriableCode(res.errorCode)) {
        // The broker would not bump this id (e.g. it expired): start over with a new one.
        this.producerId = -1n;
        this.producerEpoch = -1;
      }
      throw err;
    }
    this.producerId = res.producerId;
    this.producerEpoch = res.producerEpoch;
    this.needsBump = false;
    this.#next.clear();
    this.#acknowledged.clear();
  }
}
