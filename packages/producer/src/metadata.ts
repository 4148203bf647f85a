import type { MetadataResponse, Uuid } from "@tributary/protocol";
import { ZERO_UUID } from "@tributary/protocol";
import type { BrokerAddress } from "./transport/transport.js";

export interface PartitionLeader {
  /** -1 while the partition has no leader. */
  leaderId: number;
  leaderEpoch: number;
}

export interface TopicMetadata {
  name: string;
  /** ZERO_UUID when the broker did not say (Metadata before v10). */
  topicId: Uuid;
  partitions: PartitionLeader[];
  /** Partitions that have a leader now: keyless records go only to these. */
  available: number[];
}

/**
 * What the producer knows of the cluster: brokers by node id and, for each topic it produces to,
 * the partitions' leaders. Replaced piecewise by each Metadata answer.
 */
export class MetadataCache {
  readonly brokers = new Map<number, BrokerAddress>();
  readonly topics = new Map<string, TopicMetadata>();
  /** Topic errors from the last answer (e.g. UNKNOWN_TOPIC_OR_PARTITION), by topic name. */
  readonly topicErrors = new Map<string, number>();
  updatedAt = 0;

  update(response: MetadataResponse, now: number): void {
    this.brokers.clear();
    for (const b of response.brokers) this.brokers.set(b.nodeId, { host: b.host, port: b.port });
    for (const t of response.topics) {
      if (t.name === null) continue;
      if (t.errorCode !== 0 && t.partitions.length === 0) {
        this.topicErrors.set(t.name, t.errorCode);
        continue;
      }
      this.topicErrors.delete(t.name);
      const partitions: PartitionLeader[] = [];
      const available: number[] = [];
      for (const p of t.partitions) {
        partitions[p.partitionIndex] = { leaderId: p.leaderId, leaderEpoch: p.leaderEpoch };
        if (p.leaderId >= 0 && p.errorCode !== 5) available.push(p.partitionIndex);
      }
      for (let i = 0; i < partitions.length; i++)
        partitions[i] ??= { leaderId: -1, leaderEpoch: -1 };
      this.topics.set(t.name, {
        name: t.name,
        topicId: t.topicId ?? ZERO_UUID,
        partitions,
        available: available.sort((a, b) => a - b),
      });
    }
    this.updatedAt = now;
  }

  /** The leader's node id, or undefined when unknown or leaderless. */
  leaderOf(topic: string, partition: number): number | undefined {
    const leader = this.topics.get(topic)?.partitions[partition]?.leaderId;
    return leader === undefined || leader < 0 ? undefined : leader;
  }
}
