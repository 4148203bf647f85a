import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ApiKey } from "../src/api-keys.js";
import { TributaryError } from "../src/errors.js";
import { decodeResponse } from "../src/messages/api.js";
import { ApiVersionsApi } from "../src/messages/api-versions.js";
import {
  highestCommonVersion,
  negotiateVersion,
  negotiateVersions,
  UnsupportedVersionError,
} from "../src/versions.js";
import { fromHex, loadFixture } from "./messages/kafka-fixtures.js";

const key = (apiKey: number, minVersion: number, maxVersion: number) => ({
  apiKey,
  minVersion,
  maxVersion,
});

describe("version negotiation", () => {
  it("picks the highest version both sides speak", () => {
    assert.equal(highestCommonVersion({ min: 3, max: 13 }, { min: 0, max: 11 }), 11);
    assert.equal(highestCommonVersion({ min: 3, max: 13 }, { min: 0, max: 20 }), 13);
    assert.equal(highestCommonVersion({ min: 3, max: 13 }, { min: 13, max: 20 }), 13);
    assert.equal(highestCommonVersion({ min: 3, max: 13 }, { min: 0, max: 2 }), null);
  });

  it("negotiates Produce v13 with a 4.1.1 broker even though it advertises v0-v2 (KAFKA-18659)", () => {
    assert.equal(negotiateVersion(ApiKey.Produce, [key(0, 0, 13)]), 13);
  });

  it("fails with UNSUPPORTED_VERSION naming the API and both ranges when they do not overlap", () => {
    assert.throws(
      () => negotiateVersion(ApiKey.Produce, [key(0, 0, 2)]),
      (error: unknown) => {
        assert.ok(error instanceof UnsupportedVersionError);
        assert.ok(error instanceof TributaryError);
        assert.equal(error.code, "UNSUPPORTED_VERSION");
        assert.equal(error.apiName, "Produce");
        assert.deepEqual(error.clientVersions, { min: 3, max: 13 });
        assert.deepEqual(error.brokerVersions, { min: 0, max: 2 });
        assert.match(error.message, /Produce.*v3-v13.*v0-v2/);
        return true;
      },
    );
  });

  it("fails when the broker does not offer the API at all", () => {
    assert.throws(
      () => negotiateVersion(ApiKey.InitProducerId, [key(0, 3, 13)]),
      (error: unknown) =>
        error instanceof UnsupportedVersionError &&
        error.brokerVersions === null &&
        /InitProducerId.*does not offer it/.test(error.message),
    );
  });

  it("negotiates every API from a real Kafka ApiVersions answer and refuses lookups without overlap", () => {
    const fixture = loadFixture("api-versions.json");
    const v4 = fixture.responses.find((c) => c.version === 4 && c.name === "broker api list");
    assert.ok(v4);
    const response = decodeResponse(ApiVersionsApi, 4, fromHex(v4.hex));
    const versions = negotiateVersions(response);
    // The fixture's broker lists Produce 0-13, Metadata 0-13 and ApiVersions 0-4 only.
    assert.equal(versions.version(ApiKey.Produce), 13);
    assert.equal(versions.version(ApiKey.Metadata), 13);
    assert.equal(versions.version(ApiKey.ApiVersions), 4);
    assert.equal(versions.supports(ApiKey.SaslHandshake), false);
    assert.throws(() => versions.version(ApiKey.SaslHandshake), UnsupportedVersionError);
    assert.deepEqual(
      new Map(versions.entries()),
      new Map([
        [ApiKey.Produce, 13],
        [ApiKey.Metadata, 13],
        [ApiKey.ApiVersions, 4],
      ]),
    );
  });

  it("after an UNSUPPORTED_VERSION answer, gives the ApiVersions version to retry with", () => {
    const response = { apiKeys: [key(ApiKey.ApiVersions, 0, 2)] };
    assert.equal(negotiateVersions(response).version(ApiKey.ApiVersions), 2);
  });

  it("accepts the caller's own ranges", () => {
    const versions = negotiateVersions(
      { apiKeys: [key(0, 3, 13)] },
      { [ApiKey.Produce]: { min: 3, max: 9 } },
    );
    assert.equal(versions.version(ApiKey.Produce), 9);
    assert.throws(() => versions.version(ApiKey.Metadata), /was not negotiated/);
  });
});
