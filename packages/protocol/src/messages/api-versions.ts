/**
 * ApiVersions (key 18): which APIs and versions the broker speaks.
 * Spec: https://github.com/apache/kafka/blob/4.1.1/clients/src/main/resources/common/message/ApiVersionsRequest.json
 *       https://github.com/apache/kafka/blob/4.1.1/clients/src/main/resources/common/message/ApiVersionsResponse.json
 *
 * | version | change                                                                          |
 * |---------|---------------------------------------------------------------------------------|
 * | 0       | request empty; response errorCode, apiKeys[apiKey, minVersion, maxVersion]      |
 * | 1       | response adds throttleTimeMs                                                    |
 * | 2       | same as 1 (the broker answers before throttling)                                |
 * | 3       | flexible; request adds clientSoftwareName/Version (KIP-511); response adds      |
 * |         | tagged supportedFeatures (0), finalizedFeaturesEpoch (1), finalizedFeatures (2),|
 * |         | zkMigrationReady (3)                                                            |
 * | 4       | same as 3; a supported feature may now have minVersion 0 (KAFKA-17011)          |
 *
 * Two rules a client must know:
 * - The response header is always v0, even for flexible versions (header.ts).
 * - A broker asked for a version it does not know answers at v0 with errorCode 35
 *   (UNSUPPORTED_VERSION) and, since Kafka 2.4, its own ApiVersions range in apiKeys, so the
 *   client can retry at a version both know. readResponse recognises that v0 body whatever
 *   version was asked for (as Kafka's ApiVersionsResponse.parse does).
 */
import { ProtocolDecodeError, ProtocolEncodeError } from "../errors.js";
import { MessageReader } from "../reader.js";
import type { MessageWriter } from "../writer.js";
import type { ApiCodec, ClientCodec } from "./api.js";
import { isFlexible } from "./api.js";
import {
  readArray,
  readString,
  readTags,
  type TagWrite,
  writeArray,
  writeBoolean,
  writeInt16,
  writeInt32,
  writeInt64,
  writeString,
  writeTags,
} from "./fields.js";

export interface ApiVersionsRequest {
  /** v3+. The broker rejects (INVALID_REQUEST) a name or version that does not match
   * `[a-zA-Z0-9](?:[a-zA-Z0-9\-.]*[a-zA-Z0-9])?`, so the encoder refuses those at v3+. */
  clientSoftwareName?: string;
  clientSoftwareVersion?: string;
}

export interface ApiVersionsResponseKey {
  apiKey: number;
  minVersion: number;
  maxVersion: number;
}

export interface SupportedFeature {
  name: string;
  minVersion: number;
  maxVersion: number;
}

export interface FinalizedFeature {
  name: string;
  maxVersionLevel: number;
  minVersionLevel: number;
}

export interface ApiVersionsResponse {
  errorCode: number;
  apiKeys: ApiVersionsResponseKey[];
  /** v1+; 0 before. */
  throttleTimeMs: number;
  /** v3+, tagged; empty before. */
  supportedFeatures: SupportedFeature[];
  /** v3+, tagged; -1n (unknown) before or when absent. */
  finalizedFeaturesEpoch: bigint;
  /** v3+, tagged; empty before. */
  finalizedFeatures: FinalizedFeature[];
  /** v3+, tagged; false before. */
  zkMigrationReady: boolean;
}

const UNSUPPORTED_VERSION = 35;
const SOFTWARE_NAME = /^[a-zA-Z0-9](?:[a-zA-Z0-9\-.]*[a-zA-Z0-9])?$/;

function writeSoftwareField(w: MessageWriter, field: string, value: string | undefined): void {
  if (typeof value !== "string" || !SOFTWARE_NAME.test(value)) {
    throw new ProtocolEncodeError(
      field,
      "is required from ApiVersions v3 and must match [a-zA-Z0-9](?:[a-zA-Z0-9\\-.]*[a-zA-Z0-9])?",
      value,
    );
  }
  writeString(w, true, field, value);
}

function writeRequest(w: MessageWriter, version: number, request: ApiVersionsRequest): void {
  if (version < 3) return;
  writeSoftwareField(w, "clientSoftwareName", request.clientSoftwareName);
  writeSoftwareField(w, "clientSoftwareVersion", request.clientSoftwareVersion);
  writeTags(w);
}

function readRequest(r: MessageReader, version: number): Required<ApiVersionsRequest> {
  if (version < 3) return { clientSoftwareName: "", clientSoftwareVersion: "" };
  const clientSoftwareName = r.compactString();
  const clientSoftwareVersion = r.compactString();
  readTags(r);
  return { clientSoftwareName, clientSoftwareVersion };
}

function writeResponse(w: MessageWriter, version: number, response: ApiVersionsResponse): void {
  const flexible = isFlexible(ApiVersionsApi, version);
  writeInt16(w, "errorCode", response.errorCode);
  writeArray(w, flexible, "apiKeys", response.apiKeys, (w2, k) => {
    writeInt16(w2, "apiKeys[].apiKey", k.apiKey);
    writeInt16(w2, "apiKeys[].minVersion", k.minVersion);
    writeInt16(w2, "apiKeys[].maxVersion", k.maxVersion);
    if (flexible) writeTags(w2);
  });
  if (version >= 1) writeInt32(w, "throttleTimeMs", response.throttleTimeMs);
  if (!flexible) return;
  const tags: TagWrite[] = [];
  if (response.supportedFeatures.length > 0) {
    tags.push({
      tag: 0,
      write: (t) =>
        writeArray(t, true, "supportedFeatures", response.supportedFeatures, (w2, f) => {
          writeString(w2, true, "supportedFeatures[].name", f.name);
          writeInt16(w2, "supportedFeatures[].minVersion", f.minVersion);
          writeInt16(w2, "supportedFeatures[].maxVersion", f.maxVersion);
          writeTags(w2);
        }),
    });
  }
  if (response.finalizedFeaturesEpoch !== -1n) {
    tags.push({
      tag: 1,
      write: (t) => writeInt64(t, "finalizedFeaturesEpoch", response.finalizedFeaturesEpoch),
    });
  }
  if (response.finalizedFeatures.length > 0) {
    tags.push({
      tag: 2,
      write: (t) =>
        writeArray(t, true, "finalizedFeatures", response.finalizedFeatures, (w2, f) => {
          writeString(w2, true, "finalizedFeatures[].name", f.name);
          writeInt16(w2, "finalizedFeatures[].maxVersionLevel", f.maxVersionLevel);
          writeInt16(w2, "finalizedFeatures[].minVersionLevel", f.minVersionLevel);
          writeTags(w2);
        }),
    });
  }
  if (response.zkMigrationReady) {
    tags.push({ tag: 3, write: (t) => writeBoolean(t, "zkMigrationReady", true) });
  }
  writeTags(w, tags);
}

function readResponseAt(r: MessageReader, version: number): ApiVersionsResponse {
  const flexible = version >= 3;
  const errorCode = r.int16();
  const apiKeys = readArray(r, flexible, (r2) => {
    const key = { apiKey: r2.int16(), minVersion: r2.int16(), maxVersion: r2.int16() };
    if (flexible) readTags(r2);
    return key;
  });
  const response: ApiVersionsResponse = {
    errorCode,
    apiKeys,
    throttleTimeMs: version >= 1 ? r.int32() : 0,
    supportedFeatures: [],
    finalizedFeaturesEpoch: -1n,
    finalizedFeatures: [],
    zkMigrationReady: false,
  };
  if (!flexible) return response;
  readTags(r, (tag, t) => {
    switch (tag) {
      case 0:
        response.supportedFeatures = readArray(t, true, (r2) => {
          const f = { name: readString(r2, true), minVersion: r2.int16(), maxVersion: r2.int16() };
          readTags(r2);
          return f;
        });
        return true;
      case 1:
        response.finalizedFeaturesEpoch = t.int64();
        return true;
      case 2:
        response.finalizedFeatures = readArray(t, true, (r2) => {
          const f = {
            name: readString(r2, true),
            maxVersionLevel: r2.int16(),
            minVersionLevel: r2.int16(),
          };
          readTags(r2);
          return f;
        });
        return true;
      case 3:
        response.zkMigrationReady = t.boolean();
        return true;
      default:
        return false;
    }
  });
  return response;
}

function readResponse(r: MessageReader, version: number): ApiVersionsResponse {
  if (version > 0 && r.remaining >= 2) {
    // The KIP-511 fallback: an older broker answered our newer request at v0.
    const probe = new MessageReader(r.bytes, r.position, r.position + r.remaining);
    if (probe.int16() === UNSUPPORTED_VERSION) {
      const v0 = new MessageReader(r.bytes, r.position, r.position + r.remaining);
      const fallback = tryRead(() => {
        const response = readResponseAt(v0, 0);
        v0.expectEnd("ApiVersions v0 fallback response");
        return response;
      });
      if (fallback !== undefined) {
        r.raw(r.remaining);
        return fallback;
      }
    }
  }
  return readResponseAt(r, version);
}

function tryRead<T>(read: () => T): T | undefined {
  try {
    return read();
  } catch (error) {
    if (error instanceof ProtocolDecodeError) return undefined;
    throw error;
  }
}

/** The client's half of ApiVersions: requests out, responses in (see ClientCodec). */
export const ApiVersionsClientCodec: ClientCodec<ApiVersionsRequest, ApiVersionsResponse> = {
  apiKey: 18,
  name: "ApiVersions",
  minVersion: 0,
  maxVersion: 4,
  firstFlexibleVersion: 3,
  writeRequest,
  readResponse,
};

export const ApiVersionsApi: ApiCodec<ApiVersionsRequest, ApiVersionsResponse> = {
  apiKey: 18,
  name: "ApiVersions",
  minVersion: 0,
  maxVersion: 4,
  firstFlexibleVersion: 3,
  writeRequest,
  readRequest,
  writeResponse,
  readResponse,
};
