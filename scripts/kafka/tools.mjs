// @ts-check
// Kafka's own command-line tools, wrapped: topic create/delete and the console consumer.
import { ensureFormatter, FORMATTER_CLASS } from "./formatter.mjs";
import { runTool } from "./java.mjs";

/** Where tools connect when no bootstrap is given. */
export function bootstrapServers() {
  return process.env.KAFKA_BOOTSTRAP ?? "127.0.0.1:9092";
}

/**
 * @typedef {object} ConsumedRecord one line of JsonLinesFormatter output
 * @property {string} topic
 * @property {number} partition
 * @property {number} offset
 * @property {number} timestamp
 * @property {string} timestampType "CreateTime" | "LogAppendTime" | "NoTimestampType"
 * @property {string | null} key UTF-8 text; null when the key is null or not valid UTF-8
 * @property {string | null} keyBase64 exact bytes; null only when the key is null
 * @property {string | null} value
 * @property {string | null} valueBase64
 * @property {Array<[string, string | null]>} headers [key, UTF-8 value or null]
 * @property {Array<[string, string | null]>} headersBase64 [key, base64 value or null]
 */

/**
 * @typedef {object} TopicOptions
 * @property {number | undefined} [partitions] default 1
 * @property {number | undefined} [replicationFactor] default 1
 * @property {string | undefined} [bootstrap] default bootstrapServers()
 * @property {Record<string, string> | undefined} [config] topic configs, e.g. { "retention.ms": "60000" }
 */

/**
 * Creates a topic (no error when it exists) with kafka-topics' TopicCommand.
 * @param {string} name
 * @param {TopicOptions} [options]
 * @returns {Promise<void>}
 */
export async function createTopic(
  name,
  { partitions = 1, replicationFactor = 1, bootstrap = bootstrapServers(), config = {} } = {},
) {
  requirePositiveInt("partitions", partitions);
  requirePositiveInt("replicationFactor", replicationFactor);
  const args = ["--bootstrap-server", bootstrap, "--create", "--if-not-exists", "--topic", name];
  args.push("--partitions", String(partitions), "--replication-factor", String(replicationFactor));
  for (const [k, v] of Object.entries(config)) args.push("--config", `${k}=${v}`);
  await topicCommand(`create topic ${name}`, args);
}

/**
 * Deletes a topic (no error when it does not exist).
 * @param {string} name
 * @param {{ bootstrap?: string | undefined }} [options]
 * @returns {Promise<void>}
 */
export async function deleteTopic(name, { bootstrap = bootstrapServers() } = {}) {
  await topicCommand(`delete topic ${name}`, [
    "--bootstrap-server",
    bootstrap,
    "--delete",
    "--if-exists",
    "--topic",
    name,
  ]);
}

/**
 * @param {string} what
 * @param {string[]} args
 */
async function topicCommand(what, args) {
  const r = await runTool("org.apache.kafka.tools.TopicCommand", args, { timeoutMs: 60_000 });
  const out = `${r.stdout}${r.stderr}`.trim();
  // TopicCommand reports some failures on stdout with exit code 0 ("Error while executing topic command").
  if (r.code !== 0 || r.timedOut || /^Error while executing/m.test(out)) {
    throw new Error(
      `kafka-topics could not ${what} (exit ${r.code}${r.timedOut ? ", timed out after 60 s" : ""}):\n${out}`,
    );
  }
}

/**
 * @typedef {object} ConsumeOptions
 * @property {number | undefined} [max] stop after this many records (default: no limit, until timeoutMs)
 * @property {number | undefined} [timeoutMs] stop when no record arrived for this long (default 10000)
 * @property {string | undefined} [bootstrap] default bootstrapServers()
 * @property {Record<string, string> | undefined} [consumerProperties] extra consumer configs, e.g. for SASL:
 *   { "security.protocol": "SASL_PLAINTEXT", "sasl.mechanism": "PLAIN", "sasl.jaas.config": "…" }
 * @property {(line: string) => void} [onLine] called with each JSON line as it arrives
 */

/** Time a JVM needs to start and join the group, on top of the consumer's own timeout. */
const JVM_SLACK_MS = 30_000;

/**
 * Reads a topic from the beginning with Kafka's ConsoleConsumer and the JSON-lines formatter.
 * Resolves when the consumer stops because it reached max or waited timeoutMs for a record;
 * rejects with the consumer's stderr on any other failure.
 * @param {string} topic
 * @param {ConsumeOptions} [options]
 * @returns {Promise<ConsumedRecord[]>}
 */
export async function consume(
  topic,
  { max, timeoutMs = 10_000, bootstrap = bootstrapServers(), consumerProperties = {}, onLine } = {},
) {
  if (max !== undefined) requirePositiveInt("max", max);
  requirePositiveInt("timeoutMs", timeoutMs);
  const args = ["--bootstrap-server", bootstrap, "--topic", topic, "--from-beginning"];
  args.push("--timeout-ms", String(timeoutMs), "--formatter", FORMATTER_CLASS);
  if (max !== undefined) args.push("--max-messages", String(max));
  for (const [k, v] of Object.entries(consumerProperties))
    args.push("--consumer-property", `${k}=${v}`);

  let pending = "";
  /** @type {ConsumedRecord[]} */
  const records = [];
  const r = await runTool("org.apache.kafka.tools.consumer.ConsoleConsumer", args, {
    timeoutMs: timeoutMs + JVM_SLACK_MS,
    extraClasspath: [ensureFormatter()],
    onStdout(chunk) {
      pending += chunk;
      const lines = pending.split("\n");
      pending = lines.pop() ?? "";
      for (const line of lines) {
        if (!line) continue;
        records.push(JSON.parse(line));
        onLine?.(line);
      }
    },
  });
  const problem = r.timedOut
    ? `did not exit within ${timeoutMs + JVM_SLACK_MS} ms`
    : r.code !== 0
      ? `exit ${r.code}`
      : failureIn(r.stderr, topic, bootstrap, records.length);
  if (problem) {
    const log = r.stderr.trim().split("\n").slice(-20).join("\n");
    throw new Error(`console consumer on ${topic} failed (${problem}):\n${log}`);
  }
  return records;
}

/**
 * The console consumer exits 0 after most failures, and logs a TimeoutException as an ERROR when
 * --timeout-ms passes without a record, which is how a bounded read normally ends. So stderr is
 * read: any other ERROR is a failure, and so is an empty read of a topic the broker does not know
 * or through a bootstrap list none of whose brokers could be reached.
 * @param {string} stderr
 * @param {string} topic
 * @param {string} bootstrap
 * @param {number} received
 * @returns {string | undefined} what went wrong
 */
function failureIn(stderr, topic, bootstrap, received) {
  const lines = stderr.split("\n");
  const error = lines.find((line, i) => {
    if (!/^(ERROR|FATAL) /.test(line)) return false;
    const isTimeout =
      line.includes("Error processing message, terminating consumer process") &&
      (lines[i + 1] ?? "").startsWith("org.apache.kafka.common.errors.TimeoutException");
    return !isTimeout;
  });
  if (error) return error;
  if (received > 0) return undefined;
  if (stderr.includes(`{${topic}=UNKNOWN_TOPIC_OR_PARTITION}`))
    return `topic ${topic} does not exist`;
  const servers = bootstrap.split(",").map((s) => s.trim());
  if (servers.every((s) => stderr.includes(`Bootstrap broker ${s} `)))
    return `no broker reachable at ${bootstrap}`;
  return undefined;
}

/**
 * @param {string} name
 * @param {number} value
 */
function requirePositiveInt(name, value) {
  if (!Number.isInteger(value) || value < 1) {
    throw new RangeError(`${name} must be a positive integer; received ${JSON.stringify(value)}`);
  }
}
