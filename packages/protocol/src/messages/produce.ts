/**
 * Produce (key 0): append record batches to partitions.
 * Spec: https://github.com/apache/kafka/blob/4.1.1/clients/src/main/resources/common/message/ProduceRequest.json
 *       https://github.com/apache/kafka/blob/4.1.1/clients/src/main/resources/common/message/ProduceResponse.json
 *
 * Kafka 4.0 removed v0-v2 (KIP-896); 4.1.1 accepts v3-v13. (Its ApiVersions answer still says
 * 0-13 because of a librdkafka bug, KAFKA-18659, but v0-v2 requests are refused.)
 *
 * | version | request                                       | response                               |
 * |---------|-----------------------------------------------|----------------------------------------|
 * | 3       | transactionalId; RecordBatch v2 (magic 2) only| errorCode, baseOffset, logAppendTimeMs, throttleTimeMs |
 * | 4       | same (client must handle KAFKA_STORAGE_ERROR) | same                                   |
 * | 5       | same                                          | logStartOffset                         |
 * | 6       | same                                          | same (answer before throttling)        |
 * | 7       | zstd allowed (KIP-110)                        | same                                   |
 * | 8       | same                                          | recordErrors[batchIndex, batchIndexErrorMessage], errorMessage (KIP-467) |
 * | 9       | flexible (compact + tagged fields)            | flexible                               |
 * | 10      | same (KIP-951)                                | tagged currentLeader (partition, tag 0), nodeEndpoints (top, tag 0) |
 * | 11      | same (may get TRANSACTION_ABORTABLE, KIP-890) | same                                   |
 * | 12      | same (transactions v2, KIP-890)               | same                                   |
 * | 13      | topics named by topicId, not name (KIP-516)   | topics named by topicId; may return UNKNOWN_TOPIC_ID |
 *
 * `records` is the raw RecordBatch bytes (this layer does not look inside; null is allowed).
 * From v13 a topic is identified only by its id: give both `name` and `topicId` and the
 * encoder sends the one the version needs. A v13 response carries ids only; name them again
 * with resolveProduceTopicNames.
 */
import { describe, ProtocolEncodeError } from "../errors.js";
import type { MessageReader } from "../reader.js";
import type { Uuid } from "../uuid.js";
import { ZERO_UUID } from "../uuid.js";
import type { MessageWriter } from "../writer.js";
import type { ApiCodec, ClientCodec } from "./api.js";
import {
  readArray,
  readNullableBytes,
  readNullableString,
  readString,
  readTags,
  type TagWrite,
  writeArray,
  writeInt16,
  writeInt32,
  writeInt64,
  writeNullableBytes,
  writeNullableString,
  writeString,
  writeTags,
  writeUuid,
} from "./fields.js";

export interface ProduceRequestPartition {
  index: number;
  /** One or more RecordBatch v2 frames, or null. */
  records: Uint8Array | null;
}

export interface ProduceRequestTopic {
  /** Sent up to v12. */
  name?: string;
  /** Sent from v13. */
  topicId?: Uuid;
  partitionData: ProduceRequestPartition[];
}

export interface ProduceRequest {
  transactionalId: string | null;
  /** 0 (no ack), 1 (leader) or -1 (all in-sync replicas). */
  acks: number;
  timeoutMs: number;
  topicData: ProduceRequestTopic[];
}

export interface ProduceRecordError {
  batchIndex: number;
  batchIndexErrorMessage: string | null;
}

export interface LeaderIdAndEpoch {
  leaderId: number;
  leaderEpoch: number;
}

export interface ProduceResponsePartition {
  index: number;
  errorCode: number;
  baseOffset: bigint;
  /** -1n unless the topic uses LogAppendTime. */
  logAppendTimeMs: bigint;
  /** v5+; -1n before. */
  logStartOffset: bigint;
  /** v8+; empty before. */
  recordErrors: ProduceRecordError[];
  /** v8+; null before. */
  errorMessage: string | null;
  /** v10+, tagged (KIP-951): where to send next after NOT_LEADER_OR_FOLLOWER; -1/-1 if absent. */
  currentLeader: LeaderIdAndEpoch;
}

export interface ProduceResponseTopic {
  /** Up to v12; "" from v13 (until resolveProduceTopicNames fills it in). */
  name: string;
  /** v13+; the zero UUID before. */
  topicId: Uuid;
  partitionResponses: ProduceResponsePartition[];
}

export interface NodeEndpoint {
  nodeId: number;
  host: string;
  port: number;
  rack: string | null;
}

export interface ProduceResponse {
  responses: ProduceResponseTopic[];
  throttleTimeMs: number;
  /** v10+, tagged (KIP-951): endpoints of the leaders named in currentLeader; empty if absent. */
  nodeEndpoints: NodeEndpoint[];
}

const API = "Produce";

function writeRequest(w: MessageWriter, version: number, request: ProduceRequest): void {
  const flexible = version >= 9;
  writeNullableString(w, flexible, "transactionalId", request.transactionalId);
  writeInt16(w, "acks", request.acks);
  writeInt32(w, "timeoutMs", request.timeoutMs);
  writeArray(w, flexible, "topicData", request.topicData, (w2, topic) => {
    if (version >= 13) {
      if (topic.topicId === undefined) {
        throw new ProtocolEncodeError(
          "topicData[].topicId",
          `is required from Produce v13, which names topics by id (KIP-516); got name ${describe(topic.name)}`,
          topic.topicId,
        );
      }
      writeUuid(w2, "topicData[].topicId", topic.topicId);
    } else {
      if (topic.name === undefined) {
        throw new ProtocolEncodeError(
          "topicData[].name",
          `is required up to Produce v12 (v${version} cannot name a topic by id)`,
          topic.name,
        );
      }
      writeString(w2, flexible, "topicData[].name", topic.name);
    }
    writeArray(w2, flexible, "topicData[].partitionData", topic.partitionData, (w3, p) => {
      writeInt32(w3, "topicData[].partitionData[].index", p.index);
      writeNullableBytes(w3, flexible, "topicData[].partitionData[].records", p.records);
      if (flexible) writeTags(w3);
    });
    if (flexible) writeTags(w2);
  });
  if (flexible) writeTags(w);
}

function readRequest(r: MessageReader, version: number): ProduceRequest {
  const flexible = version >= 9;
  const transactionalId = readNullableString(r, flexible);
  const acks = r.int16();
  const timeoutMs = r.int32();
  const topicData = readArray(r, flexible, (r2): Required<ProduceRequestTopic> => {
    const name = version <= 12 ? readString(r2, flexible) : "";
    const topicId = version >= 13 ? r2.uuid() : ZERO_UUID;
    const partitionData = readArray(r2, flexible, (r3): ProduceRequestPartition => {
      const p = { index: r3.int32(), records: readNullableBytes(r3, flexible) };
      if (flexible) readTags(r3);
      return p;
    });
    if (flexible) readTags(r2);
    return { name, topicId, partitionData };
  });
  if (flexible) readTags(r);
  return { transactionalId, acks, timeoutMs, topicData };
}

function writeResponse(w: MessageWriter, version: number, response: ProduceResponse): void {
  const flexible = version >= 9;
  writeArray(w, flexible, "responses", response.responses, (w2, topic) => {
    if (version >= 13) writeUuid(w2, "responses[].topicId", topic.topicId);
    else writeString(w2, flexible, "responses[].name", topic.name);
    writeArray(w2, flexible, "partitionResponses", topic.partitionResponses, (w3, p) => {
      writeInt32(w3, "partitionResponses[].index", p.index);
      writeInt16(w3, "partitionResponses[].errorCode", p.errorCode);
      writeInt64(w3, "partitionResponses[].baseOffset", p.baseOffset);
      writeInt64(w3, "partitionResponses[].logAppendTimeMs", p.logAppendTimeMs);
      if (version >= 5) writeInt64(w3, "partitionResponses[].logStartOffset", p.logStartOffset);
      if (version >= 8) {
        writeArray(w3, flexible, "recordErrors", p.recordErrors, (w4, e) => {
          writeInt32(w4, "recordErrors[].batchIndex", e.batchIndex);
          writeNullableString(
            w4,
            flexible,
            "recordErrors[].batchIndexErrorMessage",
            e.batchIndexErrorMessage,
          );
          if (flexible) writeTags(w4);
        });
        writeNullableString(w3, flexible, "partitionResponses[].errorMessage", p.errorMessage);
      }
      if (flexible) {
        const tags: TagWrite[] = [];
        const leader = p.currentLeader;
        if (version >= 10 && (leader.leaderId !== -1 || leader.leaderEpoch !== -1)) {
          tags.push({
            tag: 0,
            write: (t) => {
              writeInt32(t, "currentLeader.leaderId", leader.leaderId);
              writeInt32(t, "currentLeader.leaderEpoch", leader.leaderEpoch);
              writeTags(t);
            },
          });
        }
        writeTags(w3, tags);
      }
    });
    if (flexible) writeTags(w2);
  });
  writeInt32(w, "throttleTimeMs", response.throttleTimeMs);
  if (flexible) {
    const tags: TagWrite[] = [];
    if (version >= 10 && response.nodeEndpoints.length > 0) {
      tags.push({
        tag: 0,
        write: (t) =>
          writeArray(t, true, "nodeEndpoints", response.nodeEndpoints, (w2, n) => {
            writeInt32(w2, "nodeEndpoints[].nodeId", n.nodeId);
            writeString(w2, true, "nodeEndpoints[].host", n.host);
            writeInt32(w2, "nodeEndpoints[].port", n.port);
            writeNullableString(w2, true, "nodeEndpoints[].rack", n.rack);
            writeTags(w2);
          }),
      });
    }
    writeTags(w, tags);
  }
}

function readPartition(
  r: MessageReader,
  version: number,
  flexible: boolean,
): ProduceResponsePartition {
  const p: ProduceResponsePartition = {
    index: r.int32(),
    errorCode: r.int16(),
    baseOffset: r.int64(),
    logAppendTimeMs: r.int64(),
    logStartOffset: version >= 5 ? r.int64() : -1n,
    recordErrors: [],
    errorMessage: null,
    currentLeader: { leaderId: -1, leaderEpoch: -1 },
  };
  if (version >= 8) {
    p.recordErrors = readArray(r, flexible, (r2): ProduceRecordError => {
      const e = {
        batchIndex: r2.int32(),
        batchIndexErrorMessage: readNullableString(r2, flexible),
      };
      if (flexible) readTags(r2);
      return e;
    });
    p.errorMessage = readNullableString(r, flexible);
  }
  if (flexible) {
    readTags(r, (tag, t) => {
      if (tag !== 0 || version < 10) return false;
      p.currentLeader = { leaderId: t.int32(), leaderEpoch: t.int32() };
      readTags(t);
      return true;
    });
  }
  return p;
}

function readResponse(r: MessageReader, version: number): ProduceResponse {
  const flexible = version >= 9;
  const responses = readArray(r, flexible, (r2): ProduceResponseTopic => {
    const name = version <= 12 ? readString(r2, flexible) : "";
    const topicId = version >= 13 ? r2.uuid() : ZERO_UUID;
    const partitionResponses = readArray(r2, flexible, (r3) =>
      readPartition(r3, version, flexible),
    );
    if (flexible) readTags(r2);
    return { name, topicId, partitionResponses };
  });
  const throttleTimeMs = r.int32();
  const response: ProduceResponse = { responses, throttleTimeMs, nodeEndpoints: [] };
  if (flexible) {
    readTags(r, (tag, t) => {
      if (tag !== 0 || version < 10) return false;
      response.nodeEndpoints = readArray(t, true, (r2): NodeEndpoint => {
        const n = {
          nodeId: r2.int32(),
          host: readString(r2, true),
          port: r2.int32(),
          rack: readNullableString(r2, true),
        };
        readTags(r2);
        return n;
      });
      return true;
    });
  }
  return response;
}

/**
 * Names the topics of a v13+ response, which carries topic ids only, from the id -> name map
 * the caller used to build the request. Topics that already have a name, or whose id is not in
 * the map, are left as they are. Returns a new response; the input is not changed.
 */
export function resolveProduceTopicNames(
  response: ProduceResponse,
  namesById: ReadonlyMap<Uuid, string>,
): ProduceResponse {
  return {
    ...response,
    responses: response.responses.map((topic) => {
      if (topic.name !== "") return topic;
      const name = namesById.get(topic.topicId);
      return name === undefined ? topic : { ...topic, name };
    }),
  };
}

/** The client's half of Produce: requests out, responses in (see ClientCodec). */
export const ProduceClientCodec: ClientCodec<ProduceRequest, ProduceResponse> = {
  apiKey: 0,
  name: API,
  minVersion: 3,
  maxVersion: 13,
  firstFlexibleVersion: 9,
  writeRequest,
  readResponse,
};

export const ProduceApi: ApiCodec<ProduceRequest, ProduceResponse> = {
  apiKey: 0,
  name: API,
  minVersion: 3,
  maxVersion: 13,
  firstFlexibleVersion: 9,
  writeRequest,
  readRequest,
  writeResponse,
  readResponse,
};
