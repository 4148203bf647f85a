import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { decodeResponse, encodeRequest, encodeResponse } from "../../src/messages/api.js";
import {
  ProduceApi,
  type ProduceRequest,
  type ProduceResponse,
  resolveProduceTopicNames,
} from "../../src/messages/produce.js";
import { ZERO_UUID } from "../../src/uuid.js";
import { throwsEncodeError } from "../expect-errors.js";
import { fromHex, loadFixture } from "./kafka-fixtures.js";

const TOPIC_ID = "ASNFZ4mrze9-3LqYdlQyEA";

function request(topic: { name?: string; topicId?: string }): ProduceRequest {
  return {
    transactionalId: null,
    acks: -1,
    timeoutMs: 30000,
    topicData: [{ ...topic, partitionData: [{ index: 0, records: Uint8Array.of(1, 2, 3) }] }],
  };
}

describe("Produce", () => {
  it("sends the topic name up to v12 and the topic id from v13 when given both", () => {
    const both = request({ name: "events", topicId: TOPIC_ID });
    assert.deepEqual(
      encodeRequest(ProduceApi, 12, both),
      encodeRequest(ProduceApi, 12, request({ name: "events" })),
    );
    assert.deepEqual(
      encodeRequest(ProduceApi, 13, both),
      encodeRequest(ProduceApi, 13, request({ topicId: TOPIC_ID })),
    );
  });

  it("refuses v13 without a topic id and v12 without a name, naming the field", () => {
    throwsEncodeError(
      () => encodeRequest(ProduceApi, 13, request({ name: "events" })),
      "topicData[].topicId",
      /v13.*KIP-516.*"events"/,
    );
    throwsEncodeError(
      () => encodeRequest(ProduceApi, 12, request({ topicId: TOPIC_ID })),
      "topicData[].name",
      /up to Produce v12/,
    );
  });

  it("names the field and rule for out-of-range values", () => {
    throwsEncodeError(
      () => encodeRequest(ProduceApi, 9, { ...request({ name: "t" }), acks: 70000 }),
      "acks",
      /\[-32768, 32767\]/,
    );
    throwsEncodeError(
      () => encodeRequest(ProduceApi, 9, { ...request({ name: "t" }), timeoutMs: 1.5 }),
      "timeoutMs",
      /integer/,
    );
    const badRecords = request({ name: "t" });
    (badRecords.topicData[0]!.partitionData[0] as { records: unknown }).records = "not bytes";
    throwsEncodeError(
      () => encodeRequest(ProduceApi, 9, badRecords),
      "topicData[].partitionData[].records",
      /Uint8Array/,
    );
    throwsEncodeError(
      () => encodeRequest(ProduceApi, 2, request({ name: "t" })),
      "Produce version",
      /\[3, 13\]/,
    );
  });

  it("gives v13 response topics their names back from the ids used in the request", () => {
    const fixture = loadFixture("produce.json");
    const v13 = fixture.responses.find((c) => c.version === 13);
    assert.ok(v13);
    const response = decodeResponse(ProduceApi, 13, fromHex(v13.hex));
    assert.deepEqual(
      response.responses.map((t) => t.name),
      ["", ""],
    );
    const named = resolveProduceTopicNames(response, new Map([[TOPIC_ID, "events"]]));
    assert.deepEqual(
      named.responses.map((t) => [t.name, t.topicId]),
      [
        ["events", TOPIC_ID],
        ["", "7t3Mu6qZiHgAAAAAAAAAAQ"], // not in the map: left alone
      ],
    );
    assert.deepEqual(
      response.responses.map((t) => t.name),
      ["", ""],
      "input unchanged",
    );
  });

  it("skips tagged fields it does not know, in the partition and at the top level", () => {
    const response: ProduceResponse = {
      responses: [
        {
          name: "events",
          topicId: ZERO_UUID,
          partitionResponses: [
            {
              index: 0,
              errorCode: 0,
              baseOffset: 5n,
              logAppendTimeMs: -1n,
              logStartOffset: 0n,
              recordErrors: [],
              errorMessage: null,
              currentLeader: { leaderId: -1, leaderEpoch: -1 },
            },
          ],
        },
      ],
      throttleTimeMs: 0,
      nodeEndpoints: [],
    };
    const plain = encodeResponse(ProduceApi, 11, response);
    // The partition's tag section is the byte before the topic's; the top-level one is last.
    // Replace each empty section (0x00) with one holding tag 9 = [0xaa, 0xbb].
    const unknownTag = [0x01, 0x09, 0x02, 0xaa, 0xbb];
    const partitionTagsAt = plain.length - 1 - 4 - 1 - 1; // top tags, throttle, topic tags, partition tags
    assert.equal(plain[partitionTagsAt], 0);
    const withTags = Uint8Array.from([
      ...plain.subarray(0, partitionTagsAt),
      ...unknownTag,
      ...plain.subarray(partitionTagsAt + 1, plain.length - 1),
      ...unknownTag,
    ]);
    assert.deepStrictEqual(decodeResponse(ProduceApi, 11, withTags), response);
  });

  it("leaves currentLeader and nodeEndpoints out of v9 but carries them from v10 (KIP-951)", () => {
    const fixture = loadFixture("produce.json");
    const v9 = fixture.responses.find((c) => c.version === 9)!;
    const v10 = fixture.responses.find((c) => c.version === 10)!;
    const r9 = decodeResponse(ProduceApi, 9, fromHex(v9.hex));
    const r10 = decodeResponse(ProduceApi, 10, fromHex(v10.hex));
    assert.deepEqual(r9.nodeEndpoints, []);
    assert.deepEqual(
      r10.nodeEndpoints.map((n) => n.nodeId),
      [2, 3],
    );
    assert.deepEqual(r10.responses[1]!.partitionResponses[0]!.currentLeader, {
      leaderId: 2,
      leaderEpoch: 9,
    });
  });
});
