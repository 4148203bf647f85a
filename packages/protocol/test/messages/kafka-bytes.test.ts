/**
 * Byte-exact agreement with Kafka 4.1.1's own serializer, for every API and version we speak:
 * test/fixtures/messages/*.json hold messages built and serialized by Kafka's generated classes
 * (java/MessageFixtures.java); here our encoders must write exactly those bytes and our
 * decoders must read them back into exactly the message.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { ApiCodec } from "../../src/messages/api.js";
import {
  decodeRequest,
  decodeResponse,
  encodeRequest,
  encodeResponse,
} from "../../src/messages/api.js";
import { ApiVersionsApi } from "../../src/messages/api-versions.js";
import {
  decodeRequestFrame,
  decodeResponseFrame,
  encodeRequestFrame,
  encodeResponseFrame,
} from "../../src/messages/frame.js";
import { InitProducerIdApi } from "../../src/messages/init-producer-id.js";
import { MetadataApi } from "../../src/messages/metadata.js";
import { ProduceApi } from "../../src/messages/produce.js";
import { SaslAuthenticateApi } from "../../src/messages/sasl-authenticate.js";
import { SaslHandshakeApi } from "../../src/messages/sasl-handshake.js";
import {
  API_FIXTURES,
  expectedMessage,
  fromHex,
  fromKafkaJson,
  loadFixture,
  toHex,
} from "./kafka-fixtures.js";

const CODECS: Record<string, ApiCodec<unknown, unknown>> = {
  ApiVersions: ApiVersionsApi as ApiCodec<unknown, unknown>,
  Metadata: MetadataApi as ApiCodec<unknown, unknown>,
  Produce: ProduceApi as ApiCodec<unknown, unknown>,
  InitProducerId: InitProducerIdApi as ApiCodec<unknown, unknown>,
  SaslHandshake: SaslHandshakeApi as ApiCodec<unknown, unknown>,
  SaslAuthenticate: SaslAuthenticateApi as ApiCodec<unknown, unknown>,
};

function sizePrefixed(hex: string): string {
  return (hex.length / 2).toString(16).padStart(8, "0") + hex;
}

for (const [name, file] of API_FIXTURES) {
  const fixture = loadFixture(file);
  const api = CODECS[name]!;

  describe(`${name} matches Kafka ${fixture.kafkaVersion} byte for byte`, () => {
    it("fixtures cover every version the codec speaks, requests and responses", () => {
      const versions = (cases: { version: number }[]) =>
        [...new Set(cases.map((c) => c.version))].sort((a, b) => a - b);
      const all = Array.from(
        { length: api.maxVersion - api.minVersion + 1 },
        (_, i) => api.minVersion + i,
      );
      assert.deepEqual(versions(fixture.requests), all);
      assert.deepEqual(
        versions(fixture.responses).filter((v) => v >= api.minVersion),
        all,
      );
    });

    for (const c of fixture.requests) {
      const label = `v${c.version} request (${c.name})`;
      const expected = expectedMessage(name, "request", c.json);

      it(`${label}: our encoder writes Kafka's bytes`, () => {
        assert.equal(toHex(encodeRequest(api, c.version, expected)), c.hex);
        // Without the defaults filled in: optional request fields default like Kafka's.
        assert.equal(toHex(encodeRequest(api, c.version, fromKafkaJson(c.json))), c.hex);
      });

      it(`${label}: our decoder reads Kafka's bytes back into the message`, () => {
        assert.deepStrictEqual(decodeRequest(api, c.version, fromHex(c.hex)), expected);
      });

      it(`${label}: the frame has Kafka's header v${c.headerVersion} and size prefix`, () => {
        const frame = encodeRequestFrame(
          api,
          c.version,
          { correlationId: fixture.correlationId, clientId: fixture.clientId },
          expected,
        );
        assert.equal(toHex(frame), sizePrefixed(c.frameHex));
        const decoded = decodeRequestFrame(api, fromHex(c.frameHex));
        assert.deepStrictEqual(decoded.body, expected);
        assert.equal(decoded.header.headerVersion, c.headerVersion);
        assert.equal(decoded.header.apiKey, fixture.apiKey);
        assert.equal(decoded.header.apiVersion, c.version);
        assert.equal(decoded.header.correlationId, fixture.correlationId);
        assert.equal(decoded.header.clientId, fixture.clientId);
      });
    }

    for (const c of fixture.responses) {
      if (c.version < api.minVersion) continue;
      const label = `v${c.version} response (${c.name})`;
      const expected = expectedMessage(name, "response", c.json);

      it(`${label}: our decoder reads Kafka's bytes into the message`, () => {
        assert.deepStrictEqual(decodeResponse(api, c.version, fromHex(c.hex)), expected);
      });

      it(`${label}: our encoder writes Kafka's bytes`, () => {
        assert.equal(toHex(encodeResponse(api, c.version, expected)), c.hex);
      });

      it(`${label}: the frame has Kafka's header v${c.headerVersion}`, () => {
        const frame = fromHex(c.frameHex);
        assert.deepStrictEqual(decodeResponseFrame(api, c.version, frame), {
          correlationId: fixture.correlationId,
          body: expected,
        });
        const encoded = encodeResponseFrame(api, c.version, fixture.correlationId, expected);
        assert.equal(toHex(encoded), sizePrefixed(c.frameHex));
      });
    }
  });
}
