/**
 * SaslAuthenticate (key 36): carry SASL tokens inside Kafka frames (KIP-152).
 * Spec: https://github.com/apache/kafka/blob/4.1.1/clients/src/main/resources/common/message/SaslAuthenticateRequest.json
 *       https://github.com/apache/kafka/blob/4.1.1/clients/src/main/resources/common/message/SaslAuthenticateResponse.json
 *
 * | version | change                                                                          |
 * |---------|---------------------------------------------------------------------------------|
 * | 0       | request authBytes; response errorCode, errorMessage, authBytes                  |
 * | 1       | response adds sessionLifetimeMs (KIP-368 re-authentication)                     |
 * | 2       | flexible (compact + tagged fields)                                              |
 */
import type { MessageReader } from "../reader.js";
import type { MessageWriter } from "../writer.js";
import type { ApiCodec } from "./api.js";
import {
  readBytes,
  readNullableString,
  readTags,
  writeBytes,
  writeInt16,
  writeInt64,
  writeNullableString,
  writeTags,
} from "./fields.js";

export interface SaslAuthenticateRequest {
  /** The mechanism's next client message. */
  authBytes: Uint8Array;
}

export interface SaslAuthenticateResponse {
  errorCode: number;
  errorMessage: string | null;
  /** The mechanism's next server message. */
  authBytes: Uint8Array;
  /** v1+; 0n before, and 0n when the broker does not ask for re-authentication. */
  sessionLifetimeMs: bigint;
}

export const SaslAuthenticateApi: ApiCodec<SaslAuthenticateRequest, SaslAuthenticateResponse> = {
  apiKey: 36,
  name: "SaslAuthenticate",
  minVersion: 0,
  maxVersion: 2,
  firstFlexibleVersion: 2,
  writeRequest(w: MessageWriter, version: number, request: SaslAuthenticateRequest): void {
    const flexible = version >= 2;
    writeBytes(w, flexible, "authBytes", request.authBytes);
    if (flexible) writeTags(w);
  },
  readRequest(r: MessageReader, version: number): SaslAuthenticateRequest {
    const flexible = version >= 2;
    const request = { authBytes: readBytes(r, flexible) };
    if (flexible) readTags(r);
    return request;
  },
  writeResponse(w: MessageWriter, version: number, response: SaslAuthenticateResponse): void {
    const flexible = version >= 2;
    writeInt16(w, "errorCode", response.errorCode);
    writeNullableString(w, flexible, "errorMessage", response.errorMessage);
    writeBytes(w, flexible, "authBytes", response.authBytes);
    if (version >= 1) writeInt64(w, "sessionLifetimeMs", response.sessionLifetimeMs);
    if (flexible) writeTags(w);
  },
  readResponse(r: MessageReader, version: number): SaslAuthenticateResponse {
    const flexible = version >= 2;
    const response = {
      errorCode: r.int16(),
      errorMessage: readNullableString(r, flexible),
      authBytes: readBytes(r, flexible),
      sessionLifetimeMs: version >= 1 ? r.int64() : 0n,
    };
    if (flexible) readTags(r);
    return response;
  },
};
