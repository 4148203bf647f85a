import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import {
  bootstrapServers,
  type ConsumedRecord,
  consume,
  createTopic,
  deleteTopic,
  randomTopicName,
} from "../../../../scripts/kafka/helpers.mjs";
import type { DeliveryReceipt } from "../../src/node.js";

export type { ConsumedRecord };
export { bootstrapServers, consume, createTopic, deleteTopic, randomTopicName };

/** Runs `fn` with a fresh topic of `partitions` partitions, deleted afterwards. */
export async function withTopic<T>(
  prefix: string,
  partitions: number,
  fn: (topic: string) => Promise<T>,
): Promise<T> {
  const topic = randomTopicName(prefix);
  await createTopic(topic, { partitions });
  try {
    return await fn(topic);
  } finally {
    await deleteTopic(topic);
  }
}

const vectors = JSON.parse(
  readFileSync(new URL("../fixtures/murmur2-vectors.json", import.meta.url), "utf8"),
) as { partitionCounts: number[]; vectors: { key: string; partitions: number[] }[] };

/** The partition Kafka's Java client picks for a key, from vectors Kafka's own code produced. */
export function javaPartition(key: string, partitionCount: number): number {
  const column = vectors.partitionCounts.indexOf(partitionCount);
  assert.ok(column >= 0, `no Java vectors for ${partitionCount} partitions`);
  const hex = Buffer.from(key, "utf8").toString("hex");
  const row = vectors.vectors.find((v) => v.key === hex);
  assert.ok(row, `no Java vector for key ${JSON.stringify(key)}`);
  return row.partitions[column]!;
}

/** Waits until every receipt completed, polling, within a bound. */
export async function allCompleted(receipts: DeliveryReceipt[], timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (receipts.some((r) => !r.completed)) {
    assert.ok(Date.now() < deadline, "receipts still pending after the deadline");
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Groups consumed records by partition, in offset order. */
export function byPartition(records: ConsumedRecord[]): Map<number, ConsumedRecord[]> {
  const out = new Map<number, ConsumedRecord[]>();
  for (const r of records) {
    const list = out.get(r.partition) ?? [];
    list.push(r);
    out.set(r.partition, list);
  }
  for (const list of out.values()) list.sort((a, b) => a.offset - b.offset);
  return out;
}
