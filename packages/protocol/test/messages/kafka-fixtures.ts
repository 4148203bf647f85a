/**
 * Reads the fixtures MessageFixtures.java wrote with Kafka's own classes
 * (test/fixtures/messages/*.json) and turns Kafka's JSON form of a message into ours.
 *
 * Kafka's JsonConverter writes only the fields a version has. Our decoders, like Kafka's
 * generated classes, always return every field, with the spec's default for fields the version
 * lacks; DEFAULTS lists those defaults (from the JSON specs' "default" attributes) so the test
 * can state exactly what the decoder must return.
 */
import { readFileSync } from "node:fs";
import { ZERO_UUID } from "../../src/uuid.js";

export interface KafkaCase {
  name: string;
  version: number;
  headerVersion: number;
  json: unknown;
  hex: string;
  frameHex: string;
}

export interface KafkaApiFixture {
  kafkaVersion: string;
  messages: string;
  apiKey: number;
  oldestVersion: number;
  latestVersion: number;
  correlationId: number;
  clientId: string;
  requests: KafkaCase[];
  responses: KafkaCase[];
}

const dir = new URL("../fixtures/messages/", import.meta.url);

export function loadFixture<T = KafkaApiFixture>(file: string): T {
  return JSON.parse(readFileSync(new URL(file, dir), "utf8")) as T;
}

export function fromHex(hex: string): Uint8Array {
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}

export function toHex(bytes: Uint8Array): string {
  let s = "";
  for (const b of bytes) s += b.toString(16).padStart(2, "0");
  return s;
}

/** Kafka JSON -> our shapes: {"$int64": "..."} becomes a bigint, {"$bytes": "hex"} a Uint8Array. */
export function fromKafkaJson(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(fromKafkaJson);
  if (value !== null && typeof value === "object") {
    const o = value as Record<string, unknown>;
    if (typeof o.$int64 === "string") return BigInt(o.$int64);
    if (typeof o.$bytes === "string") return fromHex(o.$bytes);
    return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, fromKafkaJson(v)]));
  }
  return value;
}

type Defaults = Record<string, unknown>;

/** Per message, the default of every field some version lacks, by path (`a[].b` = b in each a). */
const DEFAULTS: Record<string, { request: Defaults; response: Defaults }> = {
  ApiVersions: {
    request: { clientSoftwareName: "", clientSoftwareVersion: "" },
    response: {
      throttleTimeMs: 0,
      supportedFeatures: [],
      finalizedFeaturesEpoch: -1n,
      finalizedFeatures: [],
      zkMigrationReady: false,
    },
  },
  Metadata: {
    request: {
      "topics[].topicId": ZERO_UUID,
      allowAutoTopicCreation: true,
      includeClusterAuthorizedOperations: false,
      includeTopicAuthorizedOperations: false,
    },
    response: {
      throttleTimeMs: 0,
      "brokers[].rack": null,
      clusterId: null,
      controllerId: -1,
      "topics[].topicId": ZERO_UUID,
      "topics[].isInternal": false,
      "topics[].partitions[].leaderEpoch": -1,
      "topics[].partitions[].offlineReplicas": [],
      "topics[].topicAuthorizedOperations": -2147483648,
      clusterAuthorizedOperations: -2147483648,
      errorCode: 0,
    },
  },
  Produce: {
    request: { "topicData[].name": "", "topicData[].topicId": ZERO_UUID },
    response: {
      "responses[].name": "",
      "responses[].topicId": ZERO_UUID,
      "responses[].partitionResponses[].logStartOffset": -1n,
      "responses[].partitionResponses[].recordErrors": [],
      "responses[].partitionResponses[].errorMessage": null,
      "responses[].partitionResponses[].currentLeader": { leaderId: -1, leaderEpoch: -1 },
      nodeEndpoints: [],
    },
  },
  InitProducerId: {
    request: { producerId: -1n, producerEpoch: -1, enable2Pc: false, keepPreparedTxn: false },
    response: { ongoingTxnProducerId: -1n, ongoingTxnProducerEpoch: -1 },
  },
  SaslHandshake: { request: {}, response: {} },
  SaslAuthenticate: { request: {}, response: { sessionLifetimeMs: 0n } },
};

function fill(target: unknown, path: string[], value: unknown): void {
  if (target === null || typeof target !== "object") return;
  const [head, ...rest] = path;
  if (head === undefined) return;
  const o = target as Record<string, unknown>;
  if (head.endsWith("[]")) {
    const items = o[head.slice(0, -2)];
    if (Array.isArray(items)) for (const item of items) fill(item, rest, value);
    return;
  }
  if (rest.length > 0) fill(o[head], rest, value);
  else if (!(head in o)) o[head] = structuredClone(value);
}

/** Kafka's JSON for one version, mapped to our shape with the defaults a decoder fills in. */
export function expectedMessage(api: string, kind: "request" | "response", json: unknown): unknown {
  const table = DEFAULTS[api];
  if (table === undefined) throw new Error(`no defaults table for ${api}`);
  const value = fromKafkaJson(json);
  for (const [path, dflt] of Object.entries(table[kind])) fill(value, path.split("."), dflt);
  return value;
}

/** Every API fixture file with the name its codec uses. */
export const API_FIXTURES = [
  ["ApiVersions", "api-versions.json"],
  ["Metadata", "metadata.json"],
  ["Produce", "produce.json"],
  ["InitProducerId", "init-producer-id.json"],
  ["SaslHandshake", "sasl-handshake.json"],
  ["SaslAuthenticate", "sasl-authenticate.json"],
] as const;
