import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ApiKey, apiName, CLIENT_VERSIONS, KAFKA_APIS } from "../src/api-keys.js";
import { ApiVersionsApi } from "../src/messages/api-versions.js";
import { InitProducerIdApi } from "../src/messages/init-producer-id.js";
import { MetadataApi } from "../src/messages/metadata.js";
import { ProduceApi } from "../src/messages/produce.js";
import { SaslAuthenticateApi } from "../src/messages/sasl-authenticate.js";
import { SaslHandshakeApi } from "../src/messages/sasl-handshake.js";
import { loadFixture } from "./messages/kafka-fixtures.js";

interface ApiKeysFixture {
  kafkaVersion: string;
  apiKeys: {
    apiKey: number;
    name: string;
    oldestVersion: number;
    latestStableVersion: number;
    latestVersion: number;
    firstFlexibleVersion: number | null;
  }[];
}

const fixture = loadFixture<ApiKeysFixture>("api-keys.json");
const codecs = [
  ProduceApi,
  MetadataApi,
  SaslHandshakeApi,
  ApiVersionsApi,
  InitProducerIdApi,
  SaslAuthenticateApi,
];

describe("API key table", () => {
  it(`lists every API key of Kafka ${fixture.kafkaVersion}'s ApiKeys enum, with its versions`, () => {
    assert.equal(KAFKA_APIS.size, fixture.apiKeys.length);
    for (const k of fixture.apiKeys) {
      const ours = KAFKA_APIS.get(k.apiKey);
      const hasVersions = k.latestVersion >= 0;
      assert.deepStrictEqual(
        ours,
        {
          apiKey: k.apiKey,
          name: k.name,
          versions: hasVersions ? { min: k.oldestVersion, max: k.latestVersion } : null,
          latestStableVersion: k.latestStableVersion >= 0 ? k.latestStableVersion : null,
          firstFlexibleVersion: k.firstFlexibleVersion,
        },
        k.name,
      );
    }
  });

  it("names keys, and says so for a key it does not know", () => {
    assert.equal(apiName(0), "Produce");
    assert.equal(apiName(92), "DeleteShareGroupOffsets");
    assert.equal(apiName(4), "LeaderAndIsr");
    assert.equal(apiName(1000), "ApiKey(1000)");
  });

  it("names every key as KAFKA_APIS does, and only integer keys", () => {
    for (const [key, api] of KAFKA_APIS) assert.equal(apiName(key), api.name);
    assert.equal(apiName(-1), "ApiKey(-1)");
    assert.equal(apiName(0.5), "ApiKey(0.5)");
    assert.equal(apiName("3" as unknown as number), "ApiKey(3)");
  });

  it("each codec's key, name and first flexible version match Kafka's table", () => {
    for (const codec of codecs) {
      const api = KAFKA_APIS.get(codec.apiKey);
      assert.equal(api?.name, codec.name);
      assert.equal(codec.firstFlexibleVersion, api?.firstFlexibleVersion, codec.name);
    }
  });

  it("the ApiKey object covers exactly the APIs we hold codecs for", () => {
    assert.deepEqual(
      Object.entries(ApiKey).sort(([, a], [, b]) => a - b),
      codecs.map((c) => [c.name, c.apiKey]).sort(([, a], [, b]) => Number(a) - Number(b)),
    );
  });

  it("client versions lie inside both what the codec speaks and what Kafka 4.1.1 defines", () => {
    for (const codec of codecs) {
      const ours = CLIENT_VERSIONS[codec.apiKey as ApiKey];
      const kafka = KAFKA_APIS.get(codec.apiKey)?.versions;
      assert.ok(kafka, codec.name);
      assert.ok(ours.min >= codec.minVersion && ours.max <= codec.maxVersion, codec.name);
      assert.ok(ours.min >= kafka.min && ours.max <= kafka.max, codec.name);
      // Never ask for an unstable version: brokers do not offer them by default.
      const stable = KAFKA_APIS.get(codec.apiKey)?.latestStableVersion;
      assert.ok(stable !== null && stable !== undefined && ours.max <= stable, codec.name);
    }
  });
});
