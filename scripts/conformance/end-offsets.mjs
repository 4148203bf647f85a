// @ts-check
/**
 * The end offset of each partition of a topic, from Kafka's GetOffsetShell. For a fresh topic
 * written only by idempotent, non-transactional producers, every record takes exactly one
 * offset (no control records), so the sum is the number of records on the topic: the judge
 * learns of any record too many without waiting out a consumer timeout for it.
 */
import { runTool } from "../kafka/java.mjs";

/**
 * @param {string} topic letters, digits, ".", "_" and "-" only (it is passed as a regex)
 * @param {string} bootstrap
 * @returns {Promise<Map<number, number>>} partition -> end offset
 */
export async function endOffsets(topic, bootstrap) {
  const r = await runTool(
    "org.apache.kafka.tools.GetOffsetShell",
    ["--bootstrap-server", bootstrap, "--topic", `^${topic.replaceAll(".", "\\.")}$`],
    { timeoutMs: 60_000 },
  );
  /** @type {Map<number, number>} */
  const ends = new Map();
  for (const line of r.stdout.split("\n")) {
    const m = /^(.+):(\d+):(\d+)$/.exec(line.trim());
    if (m && m[1] === topic) ends.set(Number(m[2]), Number(m[3]));
  }
  if (r.code !== 0 || r.timedOut || ends.size === 0) {
    const why = r.timedOut ? "timed out after 60 s" : `exit ${r.code}`;
    throw new Error(`GetOffsetShell on ${topic} failed (${why}):\n${r.stderr.trim().slice(-1500)}`);
  }
  return ends;
}
