import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { ApiCodec, ClientCodec } from "../../src/messages/api.js";
import { ApiVersionsApi, ApiVersionsClientCodec } from "../../src/messages/api-versions.js";
import {
  InitProducerIdApi,
  InitProducerIdClientCodec,
} from "../../src/messages/init-producer-id.js";
import { MetadataApi, MetadataClientCodec } from "../../src/messages/metadata.js";
import { ProduceApi, ProduceClientCodec } from "../../src/messages/produce.js";

/**
 * The client halves the producer bundles must be the very same codec as the whole ones the
 * fixtures and gateways test: same key, name and versions, and the same two functions.
 */
const pairs: [ClientCodec<unknown, unknown>, ApiCodec<unknown, unknown>][] = [
  [ProduceClientCodec, ProduceApi],
  [MetadataClientCodec, MetadataApi],
  [ApiVersionsClientCodec, ApiVersionsApi],
  [InitProducerIdClientCodec, InitProducerIdApi],
];

describe("client codecs", () => {
  for (const [client, whole] of pairs) {
    it(`${whole.name}ClientCodec is ${whole.name}Api without readRequest and writeResponse`, () => {
      const { readRequest, writeResponse, ...rest } = whole;
      assert.equal(typeof readRequest, "function");
      assert.equal(typeof writeResponse, "function");
      assert.deepStrictEqual({ ...client }, rest);
      assert.equal(client.writeRequest, whole.writeRequest);
      assert.equal(client.readResponse, whole.readResponse);
    });
  }
});
