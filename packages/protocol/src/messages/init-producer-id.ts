/**
 * InitProducerId (key 22): get a producer id and epoch for idempotent or transactional
 * producing.
 * Spec: https://github.com/apache/kafka/blob/4.1.1/clients/src/main/resources/common/message/InitProducerIdRequest.json
 *       https://github.com/apache/kafka/blob/4.1.1/clients/src/main/resources/common/message/InitProducerIdResponse.json
 *
 * | version | request                                            | response                       |
 * |---------|----------------------------------------------------|--------------------------------|
 * | 0       | transactionalId, transactionTimeoutMs              | throttleTimeMs, errorCode, producerId, producerEpoch |
 * | 1       | same                                               | same (answer before throttling)|
 * | 2       | flexible (compact + tagged fields)                 | flexible                       |
 * | 3       | producerId, producerEpoch (resume after INVALID_PRODUCER_EPOCH) | same              |
 * | 4       | same (may get PRODUCER_FENCED)                     | same                           |
 * | 5       | same (may get TRANSACTION_ABORTABLE, KIP-890)      | same                           |
 * | 6       | enable2Pc, keepPreparedTxn (KIP-939)               | ongoingTxnProducerId, ongoingTxnProducerEpoch |
 *
 * v6 is marked unstable in 4.1.1 ("latestVersionUnstable"): brokers offer it only with
 * unstable API versions enabled, so CLIENT_VERSIONS stops at v5; the codec reads and writes v6.
 */
import type { MessageReader } from "../reader.js";
import type { MessageWriter } from "../writer.js";
import type { ApiCodec, ClientCodec } from "./api.js";
import {
  readNullableString,
  readTags,
  requireVersion,
  writeBoolean,
  writeInt16,
  writeInt32,
  writeInt64,
  writeNullableString,
  writeTags,
} from "./fields.js";

export interface InitProducerIdRequest {
  /** null for an idempotent (non-transactional) producer. */
  transactionalId: string | null;
  transactionTimeoutMs: number;
  /** v3+; -1n (no id yet) by default. */
  producerId?: bigint;
  /** v3+; -1 by default. */
  producerEpoch?: number;
  /** v6+; false by default. */
  enable2Pc?: boolean;
  /** v6+; false by default. */
  keepPreparedTxn?: boolean;
}

export interface InitProducerIdResponse {
  throttleTimeMs: number;
  errorCode: number;
  producerId: bigint;
  producerEpoch: number;
  /** v6+; -1n before. */
  ongoingTxnProducerId: bigint;
  /** v6+; -1 before. */
  ongoingTxnProducerEpoch: number;
}

const API = "InitProducerId";

function writeRequest(w: MessageWriter, version: number, request: InitProducerIdRequest): void {
  const flexible = version >= 2;
  writeNullableString(w, flexible, "transactionalId", request.transactionalId);
  writeInt32(w, "transactionTimeoutMs", request.transactionTimeoutMs);
  const producerId = request.producerId ?? -1n;
  const producerEpoch = request.producerEpoch ?? -1;
  if (version >= 3) {
    writeInt64(w, "producerId", producerId);
    writeInt16(w, "producerEpoch", producerEpoch);
  } else if (producerId !== -1n || producerEpoch !== -1) {
    const field = producerId !== -1n ? "producerId" : "producerEpoch";
    requireVersion(field, API, version, "v3+", producerId !== -1n ? producerId : producerEpoch);
  }
  const enable2Pc = request.enable2Pc ?? false;
  const keepPreparedTxn = request.keepPreparedTxn ?? false;
  if (version >= 6) {
    writeBoolean(w, "enable2Pc", enable2Pc);
    writeBoolean(w, "keepPreparedTxn", keepPreparedTxn);
  } else if (enable2Pc || keepPreparedTxn) {
    requireVersion(enable2Pc ? "enable2Pc" : "keepPreparedTxn", API, version, "v6+", true);
  }
  if (flexible) writeTags(w);
}

function readRequest(r: MessageReader, version: number): Required<InitProducerIdRequest> {
  const flexible = version >= 2;
  const request = {
    transactionalId: readNullableString(r, flexible),
    transactionTimeoutMs: r.int32(),
    producerId: version >= 3 ? r.int64() : -1n,
    producerEpoch: version >= 3 ? r.int16() : -1,
    enable2Pc: version >= 6 ? r.boolean() : false,
    keepPreparedTxn: version >= 6 ? r.boolean() : false,
  };
  if (flexible) readTags(r);
  return request;
}

function writeResponse(w: MessageWriter, version: number, response: InitProducerIdResponse): void {
  writeInt32(w, "throttleTimeMs", response.throttleTimeMs);
  writeInt16(w, "errorCode", response.errorCode);
  writeInt64(w, "producerId", response.producerId);
  writeInt16(w, "producerEpoch", response.producerEpoch);
  if (version >= 6) {
    writeInt64(w, "ongoingTxnProducerId", response.ongoingTxnProducerId);
    writeInt16(w, "ongoingTxnProducerEpoch", response.ongoingTxnProducerEpoch);
  }
  if (version >= 2) writeTags(w);
}

function readResponse(r: MessageReader, version: number): InitProducerIdResponse {
  const response = {
    throttleTimeMs: r.int32(),
    errorCode: r.int16(),
    producerId: r.int64(),
    producerEpoch: r.int16(),
    ongoingTxnProducerId: version >= 6 ? r.int64() : -1n,
    ongoingTxnProducerEpoch: version >= 6 ? r.int16() : -1,
  };
  if (version >= 2) readTags(r);
  return response;
}

/** The client's half of InitProducerId: requests out, responses in (see ClientCodec). */
export const InitProducerIdClientCodec: ClientCodec<InitProducerIdRequest, InitProducerIdResponse> =
  {
    apiKey: 22,
    name: API,
    minVersion: 0,
    maxVersion: 6,
    firstFlexibleVersion: 2,
    writeRequest,
    readResponse,
  };

export const InitProducerIdApi: ApiCodec<InitProducerIdRequest, InitProducerIdResponse> = {
  apiKey: 22,
  name: API,
  minVersion: 0,
  maxVersion: 6,
  firstFlexibleVersion: 2,
  writeRequest,
  readRequest,
  writeResponse,
  readResponse,
};
