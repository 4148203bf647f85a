import { ProtocolDecodeError } from "../errors.js";
import type { RequestHeader, RequestHeaderVersion } from "../header.js";
import {
  readRequestHeaderFields,
  readResponseHeader,
  requestHeaderVersion,
  requestHeaderVersionFor,
  responseHeaderVersionFor,
  writeRequestHeader,
  writeResponseHeader,
} from "../header.js";
import { MessageReader } from "../reader.js";
import { MessageWriter } from "../writer.js";
import type { ApiCodec, ClientCodec } from "./api.js";
import { checkDecodeVersion, checkEncodeVersion } from "./api.js";

/**
 * Whole Kafka frames: `size:int32` then header then body
 * (https://kafka.apache.org/protocol#protocol_common). Encoders add the size prefix; decoders
 * take a frame without it, as a frame splitter hands it over after reading the size.
 */

export interface RequestFrameHeader {
  correlationId: number;
  clientId: string | null;
}

const SIZE_PREFIX = 4;

/**
 * The size of the last request frame built per API key, where the next one's writer starts. A
 * Produce request is its batches plus a few bytes, so a fixed 512-byte start regrew (allocate and
 * copy) about eight times per 100 KB request: 3-5% of the producer's CPU in a profile. Requests
 * of one API are alike in size, so the last one is a good first guess; a larger one grows once.
 */
const lastRequestBytes: number[] = [];
const MAX_START_BYTES = 1 << 20;

/** A request as sent: size prefix, request header (v1 or v2 as the version needs), body. */
export function encodeRequestFrame<Req>(
  api: ClientCodec<Req, unknown>,
  version: number,
  header: RequestFrameHeader,
  body: Req,
): Uint8Array {
  checkEncodeVersion(api, version);
  const w = new MessageWriter(lastRequestBytes[api.apiKey] ?? 512);
  const at = w.skip(SIZE_PREFIX);
  writeRequestHeader(w, requestHeaderVersionFor(api.firstFlexibleVersion, version), {
    apiKey: api.apiKey,
    apiVersion: version,
    correlationId: header.correlationId,
    clientId: header.clientId,
  });
  api.writeRequest(w, version, body);
  w.setInt32At(at, w.length - SIZE_PREFIX);
  lastRequestBytes[api.apiKey] = Math.min(Math.max(w.length, 512), MAX_START_BYTES);
  return w.finish();
}

/** A response as a broker sends it (size prefix included); for tests and fakes. */
export function encodeResponseFrame<Res>(
  api: ApiCodec<unknown, Res>,
  version: number,
  correlationId: number,
  body: Res,
): Uint8Array {
  checkEncodeVersion(api, version);
  const w = new MessageWriter(512);
  const at = w.skip(SIZE_PREFIX);
  writeResponseHeader(
    w,
    responseHeaderVersionFor(api.apiKey, api.firstFlexibleVersion, version),
    correlationId,
  );
  api.writeResponse(w, version, body);
  w.setInt32At(at, w.length - SIZE_PREFIX);
  return w.finish();
}

/**
 * Decodes a response frame (without its size prefix) to the request's API and version, which
 * the caller knows from the correlation id. The body must fill the frame exactly.
 */
export function decodeResponseFrame<Res>(
  api: ClientCodec<unknown, Res>,
  version: number,
  frame: Uint8Array,
): { correlationId: number; body: Res } {
  checkDecodeVersion(api, version, 0);
  const r = new MessageReader(frame);
  const correlationId = readResponseHeader(
    r,
    responseHeaderVersionFor(api.apiKey, api.firstFlexibleVersion, version),
  );
  const body = api.readResponse(r, version);
  r.expectEnd(`${api.name} v${version} response`);
  return { correlationId, body };
}

/**
 * The correlation id of a response frame (without its size prefix): the first four bytes in
 * every response header version, so it can be read before knowing which request it answers.
 */
export function peekResponseCorrelationId(frame: Uint8Array): number {
  if (frame.length < 4) {
    throw new ProtocolDecodeError(
      `response frame of ${frame.length} bytes is too short for a correlation id`,
      0,
    );
  }
  return new MessageReader(frame).int32();
}

export interface DecodedRequestHeader extends RequestHeader {
  /** 1 or 2; null when the API key is one Kafka 4.1.1 does not define. */
  headerVersion: RequestHeaderVersion | null;
  /** Where the body starts in the frame; null when the header version is unknown. */
  bodyOffset: number | null;
}

/**
 * Reads the header of a request frame (without its size prefix), for any API: key, version,
 * correlation id and client id have the same layout in header v1 and v2. Where the body starts
 * depends on whether the header carries tagged fields (v2), which follows from the API's
 * flexible versions; for an API key Kafka 4.1.1 does not know, bodyOffset is null.
 */
export function decodeRequestHeader(frame: Uint8Array): DecodedRequestHeader {
  const r = new MessageReader(frame);
  const header = readRequestHeaderFields(r);
  const headerVersion = requestHeaderVersion(header.apiKey, header.apiVersion);
  if (headerVersion === 2) r.taggedFields();
  return { ...header, headerVersion, bodyOffset: headerVersion === null ? null : r.position };
}

/**
 * Decodes a whole request frame (without its size prefix) of the given API, at the version its
 * header names; for the gateway and for tests.
 */
export function decodeRequestFrame<Req>(
  api: ApiCodec<Req, unknown>,
  frame: Uint8Array,
): { header: DecodedRequestHeader; body: Req } {
  const header = decodeRequestHeader(frame);
  if (header.apiKey !== api.apiKey) {
    throw new ProtocolDecodeError(
      `request has API key ${header.apiKey}, expected ${api.apiKey} (${api.name})`,
      0,
    );
  }
  checkDecodeVersion(api, header.apiVersion, 2);
  // A known API always has a header version, so bodyOffset is set.
  const r = new MessageReader(frame, header.bodyOffset ?? 0);
  const body = api.readRequest(r, header.apiVersion);
  r.expectEnd(`${api.name} v${header.apiVersion} request`);
  return { header, body };
}
