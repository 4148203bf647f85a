/**
 * Which partition a record goes to, in the order Kafka's Java producer decides it
 * (`KafkaProducer.partition` in
 * https://github.com/apache/kafka/blob/4.1.1/clients/src/main/java/org/apache/kafka/clients/producer/KafkaProducer.java):
 * an explicit partition wins; else a key (any byte array, the empty one included: Java tests
 * `serializedKey != null`) is hashed; else the record is keyless and goes to the topic's
 * current sticky partition.
 */

import { invalidArgument } from "./errors.js";
import { murmur2, toPositive } from "./murmur2.js";

/**
 * The partition Kafka's Java client picks for a keyed record: `BuiltInPartitioner.partitionForKey`
 * (https://github.com/apache/kafka/blob/4.1.1/clients/src/main/java/org/apache/kafka/clients/producer/internals/BuiltInPartitioner.java),
 * toPositive(murmur2(key)) % partitionCount. `partitionCount` must be a positive integer.
 */
export function keyedPartition(key: Uint8Array, partitionCount: number): number {
  return toPositive(murmur2(key)) % partitionCount;
}

/** A source of uniform random numbers in [0, 1), like Math.random (the default). */
export type RandomSource = () => number;

export interface StickyPartitionerOptions {
  /** Injected for deterministic tests; defaults to Math.random. */
  readonly random?: RandomSource;
}

/** Per-topic state, allocated once per topic, never per record. */
class TopicSticky {
  /** The sticky partition, or -1 when the next keyless record must choose one. */
  current = -1;
  /** The partition whose batch closed last, which the next choice avoids. */
  previous = -1;
}

/**
 * Sticky partitioning for keyless records (KIP-480,
 * https://cwiki.apache.org/confluence/display/KAFKA/KIP-480%3A+Sticky+Partitioner): all keyless
 * records of a topic go to one partition until the batch being filled for it closes, so they
 * form full batches instead of many one-record batches spread over every partition.
 *
 * What we do and what Java 4.1.1 does (BuiltInPartitioner, KIP-794,
 * https://cwiki.apache.org/confluence/display/KAFKA/KIP-794%3A+Strictly+Uniform+Sticky+Partitioner):
 * - Switching. Java counts the bytes appended to the sticky partition and switches once they
 *   reach batch.size (if the partition's batches are all full at that moment, and at 2 x
 *   batch.size regardless). We switch when the accumulator reports that the batch it was
 *   filling for the sticky partition closed: full by bytes or count (about batch.size bytes,
 *   as in Java) or sent by linger/flush (Java would keep sticking there after a linger-sent
 *   batch until batch.size bytes were produced to it).
 * - The next partition. Java picks uniformly at random among the partitions with a leader (or
 *   among all when none has one) and may pick the same partition again. We pick uniformly among
 *   the same set but never the partition just left when there is another, as KIP-480's
 *   original StickyPartitionCache did, so a closed batch is always followed by a new partition.
 * - Adaptive partitioning. Java (partitioner.adaptive.partitioning.enable, on by default)
 *   weighs the random choice by each partition's queue size so that slower brokers get less,
 *   and can exclude partitions whose brokers are slow (partitioner.availability.timeout.ms).
 *   We do not: every candidate partition is equally likely.
 *
 * Every call is O(1) and allocates nothing; a topic's state object is made on its first record.
 */
export class StickyPartitioner {
  readonly #random: RandomSource;
  readonly #topics = new Map<string, TopicSticky>();
  // Producers usually send runs of records to one topic: skip the Map lookup for those.
  #lastTopic: string | undefined;
  #lastState: TopicSticky | undefined;

  constructor(options: StickyPartitionerOptions = {}) {
    const random = options.random ?? Math.random;
    if (typeof random !== "function") {
      throw invalidArgument("random", "must be a function returning a number in [0, 1)", random);
    }
    this.#random = random;
  }

  /**
   * The topic's current sticky partition. Chooses one at random the first time, and after the
   * sticky partition's batch closed: among `availablePartitions` (partitions with a leader)
   * when given and non-empty, else among 0 … partitionCount-1. Also chooses anew when the
   * sticky partition is no longer below `partitionCount`.
   */
  partitionFor(
    topic: string,
    partitionCount: number,
    availablePartitions?: readonly number[],
  ): number {
    const state = this.#state(topic);
    const current = state.current;
    if (current >= 0 && current < partitionCount) return current;
    const next = this.#choose(state.previous, partitionCount, availablePartitions);
    state.current = next;
    return next;
  }

  /**
   * The accumulator closed the batch it was filling for `partition` of `topic` (full by bytes
   * or count, or sent by linger/flush). If that is the sticky partition, the topic's next
   * keyless record moves to another one. Batches of other partitions (keyed or explicit
   * records) do not move the sticky partition.
   */
  onBatchClosed(topic: string, partition: number): void {
    const state = topic === this.#lastTopic ? this.#lastState : this.#topics.get(topic);
    if (state === undefined || state.current !== partition) return;
    state.previous = partition;
    state.current = -1;
  }

  #state(topic: string): TopicSticky {
    if (topic === this.#lastTopic && this.#lastState !== undefined) return this.#lastState;
    let state = this.#topics.get(topic);
    if (state === undefined) {
      state = new TopicSticky();
      this.#topics.set(topic, state);
    }
    this.#lastTopic = topic;
    this.#lastState = state;
    return state;
  }

  /** Uniform among the candidates, excluding `previous` when there is any other candidate. */
  #choose(
    previous: number,
    partitionCount: number,
    availablePartitions: readonly number[] | undefined,
  ): number {
    const candidates =
      availablePartitions !== undefined && availablePartitions.length > 0
        ? availablePartitions
        : undefined;
    const n = candidates === undefined ? partitionCount : candidates.length;
    const index = this.#index(n);
    const partition = candidates === undefined ? index : candidates[index]!;
    if (partition !== previous || n < 2) return partition;
    // Drew the partition just left: draw again among the other n-1 slots. Each other slot is
    // then chosen with probability 1/n + 1/n * 1/(n-1) = 1/(n-1), uniform without a scan.
    let other = this.#index(n - 1);
    if (other >= index) other += 1;
    return candidates === undefined ? other : candidates[other]!;
  }

  /** A uniform integer in [0, n), clamped so a faulty random source cannot index out of range. */
  #index(n: number): number {
    const i = (this.#random() * n) >>> 0;
    return i < n ? i : n - 1;
  }
}

/** What the partitioner reads from a record. */
export interface PartitionedRecord {
  /** null or undefined: keyless. Any Uint8Array, the empty one included, is a key. */
  readonly key?: Uint8Array | null | undefined;
  /** An explicit partition, honoured as given. */
  readonly partition?: number | undefined;
}

/**
 * The partition for `record` on `topic` (which has `partitionCount` partitions): the explicit
 * partition when set (validated), else the Java client's keyed partition, else the sticky
 * partition. `availablePartitions` (partitions with a leader) is passed to the sticky choice.
 */
export function choosePartition(
  record: PartitionedRecord,
  topic: string,
  partitionCount: number,
  sticky: StickyPartitioner,
  availablePartitions?: readonly number[],
): number {
  if (!(Number.isInteger(partitionCount) && partitionCount >= 1)) {
    throw invalidArgument("partitionCount", "must be a positive integer", partitionCount);
  }
  const explicit = record.partition;
  if (explicit !== undefined) {
    if (!(Number.isInteger(explicit) && explicit >= 0)) {
      throw invalidArgument("message.partition", "must be an integer, 0 or more", explicit);
    }
    if (explicit >= partitionCount) {
      const partitions = partitionCount === 1 ? "1 partition" : `${partitionCount} partitions`;
      throw invalidArgument(
        "message.partition",
        `must be below the ${partitions} of topic ${JSON.stringify(topic)}`,
        explicit,
      );
    }
    return explicit;
  }
  const key = record.key;
  if (key !== null && key !== undefined) return keyedPartition(key, partitionCount);
  return sticky.partitionFor(topic, partitionCount, availablePartitions);
}
