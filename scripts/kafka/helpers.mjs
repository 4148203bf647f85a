// @ts-check
// What integration tests import: topics, a reader that shows what landed, random names.
// Start/stop of the broker itself is in cluster.mjs (the test orchestrator's job).
import { randomBytes } from "node:crypto";

export { bootstrapServers, consume, createTopic, deleteTopic } from "./tools.mjs";

/** @typedef {import("./tools.mjs").ConsumedRecord} ConsumedRecord */
/** @typedef {import("./tools.mjs").ConsumeOptions} ConsumeOptions */
/** @typedef {import("./tools.mjs").TopicOptions} TopicOptions */

/**
 * A fresh topic name such as "t-receipts-9f2c4e1a7b3d", so every test gets its own topic.
 * @param {string} [prefix] letters, digits, ".", "_" and "-" (the characters Kafka allows)
 * @returns {string}
 */
export function randomTopicName(prefix = "test") {
  if (!/^[A-Za-z0-9._-]{1,200}$/.test(prefix)) {
    throw new RangeError(
      `prefix must be 1-200 of the characters A-Z a-z 0-9 . _ - (Kafka's topic name rule); received ${JSON.stringify(prefix)}`,
    );
  }
  return `t-${prefix}-${randomBytes(6).toString("hex")}`;
}
