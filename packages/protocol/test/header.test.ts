import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  type RequestHeaderVersion,
  type ResponseHeaderVersion,
  readRequestHeader,
  readResponseHeader,
  requestHeaderVersion,
  responseHeaderVersion,
  writeRequestHeader,
  writeResponseHeader,
} from "../src/header.js";
import { Reader } from "../src/reader.js";
import { Writer } from "../src/writer.js";
import { fromHex, loadFixture, toHex } from "./messages/kafka-fixtures.js";

interface HeaderFixture {
  requestHeaders: {
    name: string;
    version: RequestHeaderVersion;
    json: {
      requestApiKey: number;
      requestApiVersion: number;
      correlationId: number;
      clientId: string | null;
    };
    hex: string;
  }[];
  responseHeaders: {
    name: string;
    version: ResponseHeaderVersion;
    json: { correlationId: number };
    hex: string;
  }[];
}

interface ApiKeysFixture {
  apiKeys: {
    apiKey: number;
    name: string;
    oldestVersion: number;
    latestVersion: number;
    requestHeaderVersions: number[];
    responseHeaderVersions: number[];
  }[];
}

function requestHeaderBytes(
  version: RequestHeaderVersion,
  header: Parameters<typeof writeRequestHeader>[2],
) {
  const w = new Writer();
  writeRequestHeader(w, version, header);
  return toHex(w.finish());
}

describe("request header layout, spelled out", () => {
  it("v1 is apiKey, apiVersion, correlationId, then clientId with an int16 length", () => {
    const hex = requestHeaderBytes(1, {
      apiKey: 0,
      apiVersion: 8,
      correlationId: 1,
      clientId: "ab",
    });
    //                 apiKey  version correlationId len   "a" "b"
    assert.equal(hex, "0000" + "0008" + "00000001" + "0002" + "6162");
  });

  it("v2 adds an empty tagged-field section but keeps the int16 clientId length", () => {
    const hex = requestHeaderBytes(2, {
      apiKey: 0,
      apiVersion: 9,
      correlationId: 2,
      clientId: "ab",
    });
    assert.equal(hex, "0000" + "0009" + "00000002" + "0002" + "6162" + "00");
  });

  it("a null clientId is length -1", () => {
    const hex = requestHeaderBytes(1, {
      apiKey: 18,
      apiVersion: 0,
      correlationId: 3,
      clientId: null,
    });
    assert.equal(hex, "0012" + "0000" + "00000003" + "ffff");
  });

  it("response header v0 is the correlation id alone; v1 adds the tagged-field section", () => {
    const v0 = new Writer();
    writeResponseHeader(v0, 0, 7);
    assert.equal(toHex(v0.finish()), "00000007");
    const v1 = new Writer();
    writeResponseHeader(v1, 1, 7);
    assert.equal(toHex(v1.finish()), "00000007" + "00");
  });
});

describe("headers match Kafka's RequestHeaderData/ResponseHeaderData bytes", () => {
  const fixture = loadFixture<HeaderFixture>("header.json");

  for (const c of fixture.requestHeaders) {
    const header = {
      apiKey: c.json.requestApiKey,
      apiVersion: c.json.requestApiVersion,
      correlationId: c.json.correlationId,
      clientId: c.json.clientId,
    };
    it(`request header v${c.version} (${c.name}) reads back to the same fields`, () => {
      const r = new Reader(fromHex(c.hex));
      assert.deepStrictEqual(readRequestHeader(r, c.version), header);
      r.expectEnd("header");
    });
    if (c.name !== "unknown tagged field") {
      it(`request header v${c.version} (${c.name}) encodes to Kafka's bytes`, () => {
        assert.equal(requestHeaderBytes(c.version, header), c.hex);
      });
    }
  }

  for (const c of fixture.responseHeaders) {
    it(`response header v${c.version} (${c.name}) encodes and decodes like Kafka`, () => {
      const w = new Writer();
      writeResponseHeader(w, c.version, c.json.correlationId);
      assert.equal(toHex(w.finish()), c.hex);
      const r = new Reader(fromHex(c.hex));
      assert.equal(readResponseHeader(r, c.version), c.json.correlationId);
      r.expectEnd("header");
    });
  }
});

describe("header version per API version agrees with Kafka's ApiKeys for every key", () => {
  const fixture = loadFixture<ApiKeysFixture>("api-keys.json");

  it("request and response header versions match for all 4.1.1 APIs and versions", () => {
    let checked = 0;
    for (const api of fixture.apiKeys) {
      api.requestHeaderVersions.forEach((expected, i) => {
        const version = api.oldestVersion + i;
        assert.equal(
          requestHeaderVersion(api.apiKey, version),
          expected,
          `${api.name} v${version}`,
        );
        assert.equal(
          responseHeaderVersion(api.apiKey, version),
          api.responseHeaderVersions[i],
          `${api.name} v${version} response`,
        );
        checked++;
      });
    }
    assert.ok(checked > 250, `only ${checked} versions checked`);
  });

  it("ApiVersions responses use header v0 even in flexible versions (KIP-511)", () => {
    assert.equal(requestHeaderVersion(18, 3), 2);
    assert.equal(responseHeaderVersion(18, 3), 0);
    assert.equal(responseHeaderVersion(18, 4), 0);
  });

  it("versions newer than 4.1.1 knows stay flexible", () => {
    assert.equal(requestHeaderVersion(0, 14), 2);
    assert.equal(responseHeaderVersion(0, 14), 1);
  });

  it("an API key Kafka does not define, or one with no versions left, has no header version", () => {
    assert.equal(requestHeaderVersion(999, 0), null);
    assert.equal(responseHeaderVersion(999, 0), null);
    assert.equal(requestHeaderVersion(4, 0), null); // LeaderAndIsr, removed in 4.0
  });
});
