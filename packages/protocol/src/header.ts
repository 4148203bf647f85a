import { KAFKA_APIS } from "./api-keys.js";
import { writeInt16, writeInt32, writeNullableString } from "./messages/fields.js";
import type { MessageReader } from "./reader.js";
import type { MessageWriter } from "./writer.js";

/**
 * Request and response headers
 * (https://github.com/apache/kafka/blob/4.1.1/clients/src/main/resources/common/message/RequestHeader.json,
 * .../ResponseHeader.json).
 *
 *   RequestHeader v1  => request_api_key:int16 request_api_version:int16 correlation_id:int32
 *                        client_id:NULLABLE_STRING
 *   RequestHeader v2  => v1 + TAG_BUFFER
 *   ResponseHeader v0 => correlation_id:int32
 *   ResponseHeader v1 => correlation_id:int32 TAG_BUFFER
 *
 * Request header v0 (no client id) was used only by ControlledShutdown v0 and is gone in
 * Kafka 4.0. The client id keeps its int16 length even in v2, so a broker of any age can read
 * the header of an ApiVersions request whose body version it does not know yet.
 *
 * A request uses header v2 exactly when its API version is flexible, and its response header
 * v1 likewise, with one exception: ApiVersions responses always use header v0, even in
 * flexible versions, because the client parses them before it knows what the broker speaks
 * (KIP-511; see the comment in ApiVersionsResponse.json).
 */

export interface RequestHeader {
  apiKey: number;
  apiVersion: number;
  correlationId: number;
  clientId: string | null;
}

export type RequestHeaderVersion = 1 | 2;
export type ResponseHeaderVersion = 0 | 1;

const API_VERSIONS_KEY = 18;

/**
 * The request header version for an API version, or null if this Kafka release does not know
 * the API (the body cannot be located then). Flexibility only ever starts at some version and
 * stays, so versions newer than Kafka 4.1.1 knows still get the right answer.
 */
export function requestHeaderVersion(
  apiKey: number,
  apiVersion: number,
): RequestHeaderVersion | null {
  const api = KAFKA_APIS.get(apiKey);
  if (api === undefined || api.versions === null) return null;
  return requestHeaderVersionFor(api.firstFlexibleVersion, apiVersion);
}

/** The response header version for an API version, or null if the API is unknown. */
export function responseHeaderVersion(
  apiKey: number,
  apiVersion: number,
): ResponseHeaderVersion | null {
  const api = KAFKA_APIS.get(apiKey);
  if (api === undefined || api.versions === null) return null;
  return responseHeaderVersionFor(apiKey, api.firstFlexibleVersion, apiVersion);
}

/** The rule itself, for a caller that knows the API's first flexible version. */
export function requestHeaderVersionFor(
  firstFlexibleVersion: number | null,
  apiVersion: number,
): RequestHeaderVersion {
  return firstFlexibleVersion !== null && apiVersion >= firstFlexibleVersion ? 2 : 1;
}

export function responseHeaderVersionFor(
  apiKey: number,
  firstFlexibleVersion: number | null,
  apiVersion: number,
): ResponseHeaderVersion {
  if (apiKey === API_VERSIONS_KEY) return 0;
  return requestHeaderVersionFor(firstFlexibleVersion, apiVersion) === 2 ? 1 : 0;
}

export function writeRequestHeader(
  w: MessageWriter,
  headerVersion: RequestHeaderVersion,
  header: RequestHeader,
): void {
  writeInt16(w, "apiKey", header.apiKey);
  writeInt16(w, "apiVersion", header.apiVersion);
  writeInt32(w, "correlationId", header.correlationId);
  // Never compact, even in v2 (the spec marks ClientId "flexibleVersions": "none").
  writeNullableString(w, false, "clientId", header.clientId);
  if (headerVersion === 2) w.unsignedVarint(0);
}

export function readRequestHeader(
  r: MessageReader,
  headerVersion: RequestHeaderVersion,
): RequestHeader {
  const header = readRequestHeaderFields(r);
  // No tagged fields are defined for the header; unknown ones are skipped.
  if (headerVersion === 2) r.taggedFields();
  return header;
}

/** The fields every request header version from 1 on starts with. */
export function readRequestHeaderFields(r: MessageReader): RequestHeader {
  const apiKey = r.int16();
  const apiVersion = r.int16();
  const correlationId = r.int32();
  const clientId = r.nullableString();
  return { apiKey, apiVersion, correlationId, clientId };
}

export function writeResponseHeader(
  w: MessageWriter,
  headerVersion: ResponseHeaderVersion,
  correlationId: number,
): void {
  writeInt32(w, "correlationId", correlationId);
  if (headerVersion === 1) w.unsignedVarint(0);
}

/** Reads a response header and returns its correlation id. */
export function readResponseHeader(r: MessageReader, headerVersion: ResponseHeaderVersion): number {
  const correlationId = r.int32();
  if (headerVersion === 1) r.taggedFields();
  return correlationId;
}
