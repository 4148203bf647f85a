/**
 * SaslHandshake (key 17): pick a SASL mechanism (KIP-43; KIP-152 for v1).
 * Spec: https://github.com/apache/kafka/blob/4.1.1/clients/src/main/resources/common/message/SaslHandshakeRequest.json
 *       https://github.com/apache/kafka/blob/4.1.1/clients/src/main/resources/common/message/SaslHandshakeResponse.json
 *
 * | version | change                                                                          |
 * |---------|---------------------------------------------------------------------------------|
 * | 0       | request mechanism; response errorCode, mechanisms[]. Tokens then follow as raw  |
 * |         | size-prefixed bytes outside the Kafka protocol                                  |
 * | 1       | same bodies; tokens follow as SaslAuthenticate requests instead (KIP-152)       |
 *
 * Never flexible: the version "cannot be easily bumped" because clients up to 2.4 negotiate it
 * wrongly (KAFKA-9577), so v1 is the last.
 */
import type { MessageReader } from "../reader.js";
import type { MessageWriter } from "../writer.js";
import type { ApiCodec } from "./api.js";
import {
  readString,
  readStringArray,
  writeInt16,
  writeString,
  writeStringArray,
} from "./fields.js";

export interface SaslHandshakeRequest {
  /** "PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512", "OAUTHBEARER", ... */
  mechanism: string;
}

export interface SaslHandshakeResponse {
  errorCode: number;
  /** The mechanisms the broker has enabled on this listener. */
  mechanisms: string[];
}

export const SaslHandshakeApi: ApiCodec<SaslHandshakeRequest, SaslHandshakeResponse> = {
  apiKey: 17,
  name: "SaslHandshake",
  minVersion: 0,
  maxVersion: 1,
  firstFlexibleVersion: null,
  writeRequest(w: MessageWriter, _version: number, request: SaslHandshakeRequest): void {
    writeString(w, false, "mechanism", request.mechanism);
  },
  readRequest(r: MessageReader): SaslHandshakeRequest {
    return { mechanism: readString(r, false) };
  },
  writeResponse(w: MessageWriter, _version: number, response: SaslHandshakeResponse): void {
    writeInt16(w, "errorCode", response.errorCode);
    writeStringArray(w, false, "mechanisms", response.mechanisms);
  },
  readResponse(r: MessageReader): SaslHandshakeResponse {
    return { errorCode: r.int16(), mechanisms: readStringArray(r, false) };
  },
};
