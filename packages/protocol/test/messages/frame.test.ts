import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ProtocolDecodeError } from "../../src/errors.js";
import { ApiVersionsApi } from "../../src/messages/api-versions.js";
import {
  decodeRequestFrame,
  decodeRequestHeader,
  decodeResponseFrame,
  encodeRequestFrame,
  peekResponseCorrelationId,
} from "../../src/messages/frame.js";
import { MetadataApi } from "../../src/messages/metadata.js";
import { SaslHandshakeApi } from "../../src/messages/sasl-handshake.js";
import { fromHex, loadFixture, toHex } from "./kafka-fixtures.js";

const isDecodeError = (e: unknown) => e instanceof ProtocolDecodeError;

describe("frames", () => {
  it("a request frame is size, header v1, body for a non-flexible version", () => {
    const frame = encodeRequestFrame(
      SaslHandshakeApi,
      1,
      { correlationId: 5, clientId: "c" },
      { mechanism: "PLAIN" },
    );
    //                 size        key  ver  corrId      clientId   mechanism
    assert.equal(
      toHex(frame),
      "00000012" + "0011" + "0001" + "00000005" + "000163" + "0005504c41494e",
    );
  });

  it("an ApiVersions v3 request has header v2 (tags) while its response has header v0", () => {
    const frame = encodeRequestFrame(
      ApiVersionsApi,
      3,
      { correlationId: 1, clientId: null },
      { clientSoftwareName: "t", clientSoftwareVersion: "1" },
    );
    assert.equal(
      toHex(frame),
      "00000010" + "0012" + "0003" + "00000001" + "ffff" + "00" + "0274" + "0231" + "00",
    );
    // correlation id, then the body straight away: no tagged-field byte in the header
    const response = fromHex("00000001" + "0000" + "01" + "00000000" + "00");
    const decoded = decodeResponseFrame(ApiVersionsApi, 3, response);
    assert.equal(decoded.correlationId, 1);
    assert.deepEqual(decoded.body.apiKeys, []);
  });

  it("peeks the correlation id of any response frame", () => {
    assert.equal(peekResponseCorrelationId(fromHex("7fffffff00")), 0x7fffffff);
    assert.equal(peekResponseCorrelationId(fromHex("fffffffe")), -2);
    assert.throws(() => peekResponseCorrelationId(fromHex("000000")), isDecodeError);
  });

  it("reads any request header, and finds the body after header v2's tagged fields", () => {
    const fixture = loadFixture<{ requestHeaders: { name: string; hex: string }[] }>("header.json");
    const tagged = fixture.requestHeaders.find((c) => c.name === "unknown tagged field");
    assert.ok(tagged);
    const header = decodeRequestHeader(fromHex(`${tagged.hex}abcd`));
    assert.equal(header.apiKey, 18);
    assert.equal(header.headerVersion, 2);
    assert.equal(header.bodyOffset, tagged.hex.length / 2);
  });

  it("reads the header of an API key it does not know, without guessing where the body starts", () => {
    const header = decodeRequestHeader(
      fromHex("03e8" + "0000" + "00000009" + "0001" + "78" + "00"),
    );
    assert.deepEqual(header, {
      apiKey: 1000,
      apiVersion: 0,
      correlationId: 9,
      clientId: "x",
      headerVersion: null,
      bodyOffset: null,
    });
  });

  it("refuses a request frame for another API, a truncated one, and one with trailing bytes", () => {
    const frame = encodeRequestFrame(
      MetadataApi,
      12,
      { correlationId: 1, clientId: "c" },
      { topics: null },
    ).subarray(4);
    assert.throws(() => decodeRequestFrame(ApiVersionsApi, frame), /API key 3, expected 18/);
    assert.throws(
      () => decodeRequestFrame(MetadataApi, frame.subarray(0, frame.length - 1)),
      isDecodeError,
    );
    assert.throws(
      () => decodeRequestFrame(MetadataApi, Uint8Array.from([...frame, 0])),
      /trailing/,
    );
    assert.equal(decodeRequestFrame(MetadataApi, frame).body.topics, null);
  });

  it("refuses to decode a version the codec does not speak, with a decode error", () => {
    assert.throws(
      () => decodeResponseFrame(MetadataApi, 14, fromHex("00000000")),
      (e: unknown) => isDecodeError(e) && /Metadata v14 cannot be decoded/.test(String(e)),
    );
  });
});
