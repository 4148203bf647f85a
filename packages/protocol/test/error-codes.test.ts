import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import {
  errorByCode,
  errorByName,
  KAFKA_ERRORS_VERSION,
  type KafkaErrorInfo,
  kafkaErrors,
} from "../src/error-codes.js";
import { useErrorDescriptions } from "../src/error-descriptions.js";
import { errorMessages } from "../src/error-messages.js";

const root = fileURLToPath(new URL("../../..", import.meta.url));
const rows: KafkaErrorInfo[] = Object.values(kafkaErrors);

describe("generated Kafka error table", () => {
  it("is what scripts/gen-error-codes.mjs --check makes from Kafka's sources today", () => {
    const r = spawnSync(process.execPath, ["scripts/gen-error-codes.mjs", "--check"], {
      cwd: root,
      encoding: "utf8",
    });
    assert.equal(r.status, 0, `generator --check failed:\n${r.stdout}\n${r.stderr}`);
    assert.match(r.stdout, /up to date \(135 Kafka 4\.1\.1 error codes\)/);
  });

  it("targets Kafka 4.1.1 and holds its 135 codes, -1 through 133 without gaps", () => {
    assert.equal(KAFKA_ERRORS_VERSION, "4.1.1");
    const codes = rows.map((r) => r.code).sort((a, b) => a - b);
    assert.equal(codes.length, 135);
    assert.deepEqual(
      codes,
      Array.from({ length: 135 }, (_, i) => i - 1),
    );
  });

  it("keys every row by its own code, and no code or name appears twice", () => {
    for (const [key, row] of Object.entries(kafkaErrors)) assert.equal(Number(key), row.code);
    assert.equal(new Set(rows.map((r) => r.code)).size, rows.length);
    assert.equal(new Set(rows.map((r) => r.name)).size, rows.length);
  });

  // Each fact below was read in Errors.java (name, code) and the exception's `extends` chain in
  // the kafka-clients 4.1.1 sources (retriable = subclass of RetriableException).
  const facts: [name: string, code: number, retriable: boolean, why: string][] = [
    ["UNKNOWN_SERVER_ERROR", -1, false, "UnknownServerException < ApiException"],
    ["NONE", 0, false, "no exception at all"],
    ["CORRUPT_MESSAGE", 2, true, "CorruptRecordException < RetriableException"],
    ["UNKNOWN_TOPIC_OR_PARTITION", 3, true, "< InvalidMetadataException < ... < Retriable"],
    [
      "NOT_LEADER_OR_FOLLOWER",
      6,
      true,
      "< InvalidMetadataException < RefreshRetriable < Retriable",
    ],
    ["REQUEST_TIMED_OUT", 7, true, "TimeoutException < RetriableException"],
    ["MESSAGE_TOO_LARGE", 10, false, "RecordTooLargeException < ApiException"],
    ["NETWORK_EXCEPTION", 13, true, "NetworkException < InvalidMetadataException < ..."],
    ["NOT_ENOUGH_REPLICAS", 19, true, "NotEnoughReplicasException < RetriableException"],
    ["UNSUPPORTED_VERSION", 35, false, "< InvalidConfigurationException < ApiException"],
    ["OUT_OF_ORDER_SEQUENCE_NUMBER", 45, false, "OutOfOrderSequenceException < ApiException"],
    ["DUPLICATE_SEQUENCE_NUMBER", 46, false, "DuplicateSequenceException < ApiException"],
    ["INVALID_PRODUCER_EPOCH", 47, false, "< ApplicationRecoverableException < ApiException"],
    ["UNKNOWN_PRODUCER_ID", 59, false, "< OutOfOrderSequenceException < ApiException"],
    ["PRODUCER_FENCED", 90, false, "< ApplicationRecoverableException < ApiException"],
    ["SHARE_SESSION_LIMIT_REACHED", 133, true, "< RetriableException"],
  ];
  for (const [name, code, retriable, why] of facts) {
    it(`${name} is code ${code} and ${retriable ? "retriable" : "not retriable"} (${why})`, () => {
      const row = errorByCode(code);
      assert.ok(row, `no row for code ${code}`);
      assert.equal(row.name, name);
      assert.equal(row.retriable, retriable);
      assert.equal(errorByName(name), row);
    });
  }

  it("keeps message an own property of each row, so JSON and spreads show it", () => {
    const row = errorByCode(6);
    assert.ok(row);
    assert.deepEqual(Object.keys(row), ["code", "name", "retriable", "message"]);
    assert.equal(JSON.parse(JSON.stringify(row)).message, row.message);
    useErrorDescriptions(errorMessages);
    try {
      assert.equal({ ...row }.message, errorMessages.NOT_LEADER_OR_FOLLOWER);
    } finally {
      useErrorDescriptions(undefined);
    }
  });

  it("looks up unknown codes and names as undefined", () => {
    assert.equal(errorByCode(134), undefined);
    assert.equal(errorByCode(-2), undefined);
    assert.equal(errorByCode(1.5), undefined);
    assert.equal(errorByName("NOT_A_KAFKA_ERROR"), undefined);
    assert.equal(errorByName("corrupt_message"), undefined);
    assert.equal(errorByCode("6" as unknown as number), undefined);
    assert.equal(errorByCode(Number.NaN), undefined);
  });

  it("gives every code a non-empty message of ours, the one in error-messages.ts once installed", () => {
    for (const row of rows) {
      const ours = errorMessages[row.name];
      assert.ok(ours.trim().length > 10, `${row.name} has no real message`);
      assert.match(row.message, new RegExp(`^Kafka error ${row.name} \\(code ${row.code}\\)`));
    }
    assert.equal(Object.keys(errorMessages).length, rows.length);
    useErrorDescriptions(errorMessages);
    try {
      for (const row of rows) assert.equal(row.message, errorMessages[row.name]);
    } finally {
      useErrorDescriptions(undefined);
    }
  });
});

/**
 * An independent judge: Kafka's own compiled Errors class, whose `main` prints the protocol
 * docs table (name, code, retriable by `instanceof RetriableException` at run time, and Kafka's
 * description). Our table came from parsing sources; this checks it against the JVM's answer.
 */
describe("generated Kafka error table against Kafka's compiled Errors class", () => {
  let work = "";
  let kafka = new Map<string, { code: number; retriable: boolean; description: string }>();

  before(() => {
    work = mkdtempSync(join(tmpdir(), "tributary-errors-oracle-"));
    for (const artifact of [
      `org.apache.kafka:kafka-clients:${KAFKA_ERRORS_VERSION}`,
      "org.slf4j:slf4j-api:1.7.36",
    ]) {
      const r = spawnSync(
        "mvn",
        ["-B", "-q", "dependency:copy", `-Dartifact=${artifact}`, `-DoutputDirectory=${work}`],
        { encoding: "utf8" },
      );
      assert.equal(r.status, 0, `mvn could not fetch ${artifact}:\n${r.stdout}\n${r.stderr}`);
    }
    const classpath = readdirSync(work)
      .filter((f) => f.endsWith(".jar"))
      .map((f) => join(work, f))
      .join(":");
    const r = spawnSync("java", ["-cp", classpath, "org.apache.kafka.common.protocol.Errors"], {
      encoding: "utf8",
    });
    assert.equal(r.status, 0, `java failed:\n${r.stderr}`);
    // Errors.toHtml writes the descriptions unescaped; none of them contains markup.
    const rowPattern =
      /<tr><td>(\w+)<\/td><td>(-?\d+)<\/td><td>(True|False)<\/td><td>(.*?)<\/td><\/tr>/g;
    kafka = new Map(
      [...r.stdout.matchAll(rowPattern)].map((m) => [
        m[1] ?? "",
        { code: Number(m[2]), retriable: m[3] === "True", description: m[4] ?? "" },
      ]),
    );
  });

  after(() => rmSync(work, { recursive: true, force: true }));

  it("has exactly Kafka's names, codes and retriable flags", () => {
    assert.equal(kafka.size, 135, "Errors.main printed an unexpected number of rows");
    const ours = new Map(rows.map((r) => [r.name, { code: r.code, retriable: r.retriable }]));
    const theirs = new Map(
      [...kafka].map(([n, k]) => [n, { code: k.code, retriable: k.retriable }]),
    );
    assert.deepEqual(ours, theirs);
  });

  it("words no message like Kafka's own description", () => {
    for (const row of rows) {
      const description = kafka.get(row.name)?.description ?? "";
      if (description === "") continue;
      const ours = errorMessages[row.name];
      assert.ok(!ours.includes(description), `${row.name} contains Kafka's sentence`);
      const overlap = sharedTrigrams(description, ours);
      assert.ok(
        overlap < 0.5,
        `${row.name} reuses ${Math.round(overlap * 100)}% of Kafka's word trigrams:\n` +
          `  Kafka: ${description}\n  ours:  ${ours}`,
      );
    }
  });
});

/** Share of `reference`'s three-word sequences that also occur in `text` (case-insensitive). */
function sharedTrigrams(reference: string, text: string): number {
  const trigrams = (s: string) => {
    const w = s.toLowerCase().match(/[a-z0-9]+/g) ?? [];
    return new Set(w.slice(2).map((_, i) => `${w[i]} ${w[i + 1]} ${w[i + 2]}`));
  };
  const ref = trigrams(reference);
  if (ref.size === 0) return 0;
  const mine = trigrams(text);
  return [...ref].filter((t) => mine.has(t)).length / ref.size;
}
