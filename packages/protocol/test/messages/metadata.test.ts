import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { decodeRequest, encodeRequest } from "../../src/messages/api.js";
import { MetadataApi } from "../../src/messages/metadata.js";
import { throwsEncodeError } from "../expect-errors.js";
import { toHex } from "./kafka-fixtures.js";

describe("Metadata", () => {
  it("writes null topics (all topics) and an empty list (no topics) differently", () => {
    // v1: int32 count, -1 for null
    assert.equal(toHex(encodeRequest(MetadataApi, 1, { topics: null })), "ffffffff");
    assert.equal(toHex(encodeRequest(MetadataApi, 1, { topics: [] })), "00000000");
    // v9 (flexible): varint count + 1, 0 for null; then allowAutoTopicCreation,
    // includeClusterAuthorizedOperations, includeTopicAuthorizedOperations, tags
    assert.equal(
      toHex(encodeRequest(MetadataApi, 9, { topics: null })),
      "00" + "01" + "00" + "00" + "00",
    );
    assert.equal(
      toHex(encodeRequest(MetadataApi, 9, { topics: [] })),
      "01" + "01" + "00" + "00" + "00",
    );
    assert.equal(decodeRequest(MetadataApi, 9, Uint8Array.of(0, 1, 0, 0, 0)).topics, null);
    assert.deepEqual(decodeRequest(MetadataApi, 9, Uint8Array.of(1, 1, 0, 0, 0)).topics, []);
  });

  it("refuses fields the version cannot carry instead of dropping them", () => {
    throwsEncodeError(
      () => encodeRequest(MetadataApi, 3, { topics: null, allowAutoTopicCreation: false }),
      "allowAutoTopicCreation",
    );
    throwsEncodeError(
      () => encodeRequest(MetadataApi, 7, { topics: null, includeTopicAuthorizedOperations: true }),
      "includeTopicAuthorizedOperations",
    );
    throwsEncodeError(
      () =>
        encodeRequest(MetadataApi, 11, { topics: null, includeClusterAuthorizedOperations: true }),
      "includeClusterAuthorizedOperations",
    );
    throwsEncodeError(
      () => encodeRequest(MetadataApi, 9, { topics: [{ name: null }] }),
      "topics[].name",
    );
  });

  it("asks by topic id with a null name from v12", () => {
    const id = "ASNFZ4mrze9-3LqYdlQyEA";
    const bytes = encodeRequest(MetadataApi, 12, { topics: [{ topicId: id, name: null }] });
    assert.deepEqual(decodeRequest(MetadataApi, 12, bytes).topics, [{ topicId: id, name: null }]);
  });

  it("names a bad topic id field", () => {
    throwsEncodeError(
      () => encodeRequest(MetadataApi, 12, { topics: [{ topicId: "short", name: null }] }),
      "topics[].topicId",
    );
  });
});
