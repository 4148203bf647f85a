/**
 * Metadata (key 3): brokers, topics, partitions and their leaders.
 * Spec: https://github.com/apache/kafka/blob/4.1.1/clients/src/main/resources/common/message/MetadataRequest.json
 *       https://github.com/apache/kafka/blob/4.1.1/clients/src/main/resources/common/message/MetadataResponse.json
 *
 * Kafka 4.1.1 accepts v0-v13. We speak v1-v13: v0 read an empty topic list as "all topics",
 * v1 on use null for that and an empty list for "none".
 *
 * | version | request                                   | response                                     |
 * |---------|-------------------------------------------|----------------------------------------------|
 * | 1       | topics nullable (null = all topics)       | brokers[].rack, controllerId, topics[].isInternal |
 * | 2       | same                                      | clusterId                                    |
 * | 3       | same                                      | throttleTimeMs                               |
 * | 4       | allowAutoTopicCreation                    | same as 3                                    |
 * | 5       | same                                      | partitions[].offlineReplicas                 |
 * | 6       | same                                      | same (answer before throttling)              |
 * | 7       | same                                      | partitions[].leaderEpoch                     |
 * | 8       | include{Cluster,Topic}AuthorizedOperations| topicAuthorizedOperations, clusterAuthorizedOperations |
 * | 9       | flexible (compact + tagged fields)        | flexible                                     |
 * | 10      | topics[].topicId, name nullable (unused by brokers until 12) | topics[].topicId          |
 * | 11      | includeClusterAuthorizedOperations removed (KIP-700) | clusterAuthorizedOperations removed |
 * | 12      | lookup by topic id works (KIP-516)        | topics[].name nullable                       |
 * | 13      | same                                      | top-level errorCode                          |
 */
import type { MessageReader } from "../reader.js";
import type { Uuid } from "../uuid.js";
import { ZERO_UUID } from "../uuid.js";
import type { MessageWriter } from "../writer.js";
import type { ApiCodec, ClientCodec } from "./api.js";
import {
  readArray,
  readInt32Array,
  readNullableArray,
  readNullableString,
  readString,
  readTags,
  requireVersion,
  writeArray,
  writeBoolean,
  writeInt16,
  writeInt32,
  writeInt32Array,
  writeNullableArray,
  writeNullableString,
  writeString,
  writeTags,
  writeUuid,
} from "./fields.js";

export interface MetadataRequestTopic {
  /** v10+; the zero UUID when asking by name. Ignored (not sent) before v10. */
  topicId?: Uuid;
  /** Null (ask by id) only from v10, and brokers honour it only from v12. */
  name: string | null;
}

export interface MetadataRequest {
  /** null asks for every topic; [] for none (brokers and cluster only). */
  topics: MetadataRequestTopic[] | null;
  /** v4+; default true. */
  allowAutoTopicCreation?: boolean;
  /** v8-v10 only; default false. */
  includeClusterAuthorizedOperations?: boolean;
  /** v8+; default false. */
  includeTopicAuthorizedOperations?: boolean;
}

export interface MetadataResponseBroker {
  nodeId: number;
  host: string;
  port: number;
  /** v1+; null when unset. */
  rack: string | null;
}

export interface MetadataResponsePartition {
  errorCode: number;
  partitionIndex: number;
  leaderId: number;
  /** v7+; -1 before. */
  leaderEpoch: number;
  replicaNodes: number[];
  isrNodes: number[];
  /** v5+; empty before. */
  offlineReplicas: number[];
}

export interface MetadataResponseTopic {
  errorCode: number;
  /** Null only from v12, for a topic asked for by an id that does not exist. */
  name: string | null;
  /** v10+; the zero UUID before, and for a topic asked for by a name that does not exist. */
  topicId: Uuid;
  /** v1+; false before. */
  isInternal: boolean;
  partitions: MetadataResponsePartition[];
  /** v8+; -2147483648 (not requested) before. */
  topicAuthorizedOperations: number;
}

export interface MetadataResponse {
  /** v3+; 0 before. */
  throttleTimeMs: number;
  brokers: MetadataResponseBroker[];
  /** v2+; null before. */
  clusterId: string | null;
  /** v1+; -1 before. */
  controllerId: number;
  topics: MetadataResponseTopic[];
  /** v8-v10; -2147483648 outside them. */
  clusterAuthorizedOperations: number;
  /** v13+; 0 before. */
  errorCode: number;
}

const API = "Metadata";
const NO_OPERATIONS = -0x80000000;

function writeRequest(w: MessageWriter, version: number, request: MetadataRequest): void {
  const flexible = version >= 9;
  writeNullableArray(w, flexible, "topics", request.topics, (w2, topic) => {
    if (version >= 10) writeUuid(w2, "topics[].topicId", topic.topicId ?? ZERO_UUID);
    if (version >= 10) writeNullableString(w2, flexible, "topics[].name", topic.name);
    else if (topic.name === null)
      requireVersion("topics[].name", API, version, "v10+ as null", null);
    else writeString(w2, flexible, "topics[].name", topic.name);
    if (flexible) writeTags(w2);
  });
  const autoCreate = request.allowAutoTopicCreation ?? true;
  if (version >= 4) writeBoolean(w, "allowAutoTopicCreation", autoCreate);
  else if (!autoCreate) requireVersion("allowAutoTopicCreation", API, version, "v4+", false);
  const clusterOps = request.includeClusterAuthorizedOperations ?? false;
  if (version >= 8 && version <= 10) {
    writeBoolean(w, "includeClusterAuthorizedOperations", clusterOps);
  } else if (clusterOps) {
    requireVersion("includeClusterAuthorizedOperations", API, version, "v8-v10", true);
  }
  const topicOps = request.includeTopicAuthorizedOperations ?? false;
  if (version >= 8) writeBoolean(w, "includeTopicAuthorizedOperations", topicOps);
  else if (topicOps) requireVersion("includeTopicAuthorizedOperations", API, version, "v8+", true);
  if (flexible) writeTags(w);
}

function readRequest(r: MessageReader, version: number): Required<MetadataRequest> {
  const flexible = version >= 9;
  const topics = readNullableArray(r, flexible, (r2) => {
    const topicId = version >= 10 ? r2.uuid() : ZERO_UUID;
    const name = version >= 10 ? readNullableString(r2, flexible) : readString(r2, flexible);
    if (flexible) readTags(r2);
    return { topicId, name };
  });
  const allowAutoTopicCreation = version >= 4 ? r.boolean() : true;
  const includeClusterAuthorizedOperations = version >= 8 && version <= 10 ? r.boolean() : false;
  const includeTopicAuthorizedOperations = version >= 8 ? r.boolean() : false;
  if (flexible) readTags(r);
  return {
    topics,
    allowAutoTopicCreation,
    includeClusterAuthorizedOperations,
    includeTopicAuthorizedOperations,
  };
}

function writeResponse(w: MessageWriter, version: number, response: MetadataResponse): void {
  const flexible = version >= 9;
  if (version >= 3) writeInt32(w, "throttleTimeMs", response.throttleTimeMs);
  writeArray(w, flexible, "brokers", response.brokers, (w2, b) => {
    writeInt32(w2, "brokers[].nodeId", b.nodeId);
    writeString(w2, flexible, "brokers[].host", b.host);
    writeInt32(w2, "brokers[].port", b.port);
    writeNullableString(w2, flexible, "brokers[].rack", b.rack);
    if (flexible) writeTags(w2);
  });
  if (version >= 2) writeNullableString(w, flexible, "clusterId", response.clusterId);
  writeInt32(w, "controllerId", response.controllerId);
  writeArray(w, flexible, "topics", response.topics, (w2, t) => {
    writeInt16(w2, "topics[].errorCode", t.errorCode);
    if (version >= 12) writeNullableString(w2, flexible, "topics[].name", t.name);
    else if (t.name === null) requireVersion("topics[].name", API, version, "v12+ as null", null);
    else writeString(w2, flexible, "topics[].name", t.name);
    if (version >= 10) writeUuid(w2, "topics[].topicId", t.topicId);
    writeBoolean(w2, "topics[].isInternal", t.isInternal);
    writeArray(w2, flexible, "topics[].partitions", t.partitions, (w3, p) => {
      writeInt16(w3, "partitions[].errorCode", p.errorCode);
      writeInt32(w3, "partitions[].partitionIndex", p.partitionIndex);
      writeInt32(w3, "partitions[].leaderId", p.leaderId);
      if (version >= 7) writeInt32(w3, "partitions[].leaderEpoch", p.leaderEpoch);
      writeInt32Array(w3, flexible, "partitions[].replicaNodes", p.replicaNodes);
      writeInt32Array(w3, flexible, "partitions[].isrNodes", p.isrNodes);
      if (version >= 5) {
        writeInt32Array(w3, flexible, "partitions[].offlineReplicas", p.offlineReplicas);
      }
      if (flexible) writeTags(w3);
    });
    if (version >= 8) {
      writeInt32(w2, "topics[].topicAuthorizedOperations", t.topicAuthorizedOperations);
    }
    if (flexible) writeTags(w2);
  });
  if (version >= 8 && version <= 10) {
    writeInt32(w, "clusterAuthorizedOperations", response.clusterAuthorizedOperations);
  }
  if (version >= 13) writeInt16(w, "errorCode", response.errorCode);
  if (flexible) writeTags(w);
}

function readResponse(r: MessageReader, version: number): MetadataResponse {
  const flexible = version >= 9;
  const throttleTimeMs = version >= 3 ? r.int32() : 0;
  const brokers = readArray(r, flexible, (r2): MetadataResponseBroker => {
    const broker = {
      nodeId: r2.int32(),
      host: readString(r2, flexible),
      port: r2.int32(),
      rack: readNullableString(r2, flexible),
    };
    if (flexible) readTags(r2);
    return broker;
  });
  const clusterId = version >= 2 ? readNullableString(r, flexible) : null;
  const controllerId = r.int32();
  const topics = readArray(r, flexible, (r2): MetadataResponseTopic => {
    const errorCode = r2.int16();
    const name = version >= 12 ? readNullableString(r2, flexible) : readString(r2, flexible);
    const topicId = version >= 10 ? r2.uuid() : ZERO_UUID;
    const isInternal = r2.boolean();
    const partitions = readArray(r2, flexible, (r3): MetadataResponsePartition => {
      const partition = {
        errorCode: r3.int16(),
        partitionIndex: r3.int32(),
        leaderId: r3.int32(),
        leaderEpoch: version >= 7 ? r3.int32() : -1,
        replicaNodes: readInt32Array(r3, flexible),
        isrNodes: readInt32Array(r3, flexible),
        offlineReplicas: version >= 5 ? readInt32Array(r3, flexible) : [],
      };
      if (flexible) readTags(r3);
      return partition;
    });
    const topicAuthorizedOperations = version >= 8 ? r2.int32() : NO_OPERATIONS;
    if (flexible) readTags(r2);
    return { errorCode, name, topicId, isInternal, partitions, topicAuthorizedOperations };
  });
  const clusterAuthorizedOperations = version >= 8 && version <= 10 ? r.int32() : NO_OPERATIONS;
  const errorCode = version >= 13 ? r.int16() : 0;
  if (flexible) readTags(r);
  return {
    throttleTimeMs,
    brokers,
    clusterId,
    controllerId,
    topics,
    clusterAuthorizedOperations,
    errorCode,
  };
}

/** The client's half of Metadata: requests out, responses in (see ClientCodec). */
export const MetadataClientCodec: ClientCodec<MetadataRequest, MetadataResponse> = {
  apiKey: 3,
  name: API,
  minVersion: 1,
  maxVersion: 13,
  firstFlexibleVersion: 9,
  writeRequest,
  readResponse,
};

export const MetadataApi: ApiCodec<MetadataRequest, MetadataResponse> = {
  apiKey: 3,
  name: API,
  minVersion: 1,
  maxVersion: 13,
  firstFlexibleVersion: 9,
  writeRequest,
  readRequest,
  writeResponse,
  readResponse,
};
