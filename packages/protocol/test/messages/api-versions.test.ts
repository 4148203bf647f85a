import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ProtocolEncodeError } from "../../src/errors.js";
import { decodeResponse, encodeRequest } from "../../src/messages/api.js";
import { ApiVersionsApi } from "../../src/messages/api-versions.js";
import { decodeResponseFrame } from "../../src/messages/frame.js";
import { fromHex, loadFixture, toHex } from "./kafka-fixtures.js";

const fixture = loadFixture("api-versions.json");
const fallback = fixture.responses.find((c) => c.name === "unsupported version fallback");

describe("ApiVersions", () => {
  it("reads a broker's v0 UNSUPPORTED_VERSION answer to a newer request (KIP-511)", () => {
    assert.ok(fallback);
    const body = fromHex(fallback.hex);
    const frame = fromHex(fallback.frameHex);
    const expected = {
      errorCode: 35,
      apiKeys: [{ apiKey: 18, minVersion: 0, maxVersion: 4 }],
      throttleTimeMs: 0,
      supportedFeatures: [],
      finalizedFeaturesEpoch: -1n,
      finalizedFeatures: [],
      zkMigrationReady: false,
    };
    for (const asked of [0, 1, 2, 3, 4]) {
      assert.deepStrictEqual(decodeResponse(ApiVersionsApi, asked, body), expected);
      // The header stays v0 too, so whole frames decode the same way.
      assert.deepStrictEqual(decodeResponseFrame(ApiVersionsApi, asked, frame).body, expected);
    }
  });

  it("still reads a flexible answer whose error code happens to be 35 at its own version", () => {
    const v3 = fixture.responses.find((c) => c.version === 3);
    assert.ok(v3);
    const bytes = fromHex(v3.hex);
    bytes[1] = 35; // errorCode 0 -> 35; the rest is a v3 body, not a v0 one
    assert.equal(decodeResponse(ApiVersionsApi, 3, bytes).errorCode, 35);
  });

  it("sends nothing in v0-v2 and the client software name and version from v3", () => {
    assert.equal(toHex(encodeRequest(ApiVersionsApi, 2, {})), "");
    const body = encodeRequest(ApiVersionsApi, 3, {
      clientSoftwareName: "tributary",
      clientSoftwareVersion: "1.0.0",
    });
    // compact strings (length + 1), then an empty tagged-field section
    assert.equal(toHex(body), `0a${toHex(new TextEncoder().encode("tributary"))}06312e302e3000`);
  });

  it("refuses from v3 a software name the broker would reject as INVALID_REQUEST", () => {
    for (const bad of ["", "-dash-first", "has space", "ünicode"]) {
      assert.throws(
        () =>
          encodeRequest(ApiVersionsApi, 3, { clientSoftwareName: bad, clientSoftwareVersion: "1" }),
        (e: unknown) => e instanceof ProtocolEncodeError && e.field === "clientSoftwareName",
      );
    }
    assert.throws(
      () => encodeRequest(ApiVersionsApi, 4, { clientSoftwareName: "tributary" }),
      (e: unknown) => e instanceof ProtocolEncodeError && e.field === "clientSoftwareVersion",
    );
  });
});
