import { ProtocolDecodeError, ProtocolEncodeError } from "../errors.js";
import { MessageReader } from "../reader.js";
import { MessageWriter } from "../writer.js";

/**
 * What a client needs of one Kafka API: its key, name and versions, how to write a request body
 * and how to read a response body. A producer bundles only this half of each API (each message
 * file exports it as `<Name>ClientCodec`), so the request readers and response writers, which
 * only gateways, fakes and tests use, stay out of a browser bundle.
 */
export interface ClientCodec<Req, Res> {
  readonly apiKey: number;
  readonly name: string;
  /** Versions this codec reads and writes (both ends inclusive). */
  readonly minVersion: number;
  readonly maxVersion: number;
  /** The first version whose bodies use compact fields and tagged fields (the spec's flexibleVersions). */
  readonly firstFlexibleVersion: number | null;
  writeRequest(w: MessageWriter, version: number, request: Req): void;
  readResponse(r: MessageReader, version: number): Res;
}

/**
 * One Kafka API as a codec: how its request and response bodies look on the wire for each
 * version it supports. The bodies only; headers and size prefixes are added by the frame
 * helpers (frame.ts). Each API file exports one of these, e.g. `ProduceApi`.
 */
export interface ApiCodec<Req, Res> extends ClientCodec<Req, Res> {
  readRequest(r: MessageReader, version: number): Req;
  writeResponse(w: MessageWriter, version: number, response: Res): void;
}

/** What the version checks read of a codec. */
type VersionedApi = Pick<ClientCodec<unknown, unknown>, "name" | "minVersion" | "maxVersion">;

/** The request type of a codec (`RequestOf<typeof ProduceApi>` is `ProduceRequest`). */
export type RequestOf<A> = A extends ClientCodec<infer Req, infer _Res> ? Req : never;
/** The response type of a codec. */
export type ResponseOf<A> = A extends ClientCodec<infer _Req, infer Res> ? Res : never;

/** Whether `version` of this API uses the flexible (compact + tagged fields) encoding. */
export function isFlexible(api: { firstFlexibleVersion: number | null }, version: number): boolean {
  return api.firstFlexibleVersion !== null && version >= api.firstFlexibleVersion;
}

export function checkEncodeVersion(api: VersionedApi, version: number): void {
  if (!Number.isInteger(version) || version < api.minVersion || version > api.maxVersion) {
    throw new ProtocolEncodeError(
      `${api.name} version`,
      `must be an integer in [${api.minVersion}, ${api.maxVersion}]`,
      version,
    );
  }
}

/** A decoder asked for a version it does not know raises the decode error, like bad bytes do. */
export function checkDecodeVersion(api: VersionedApi, version: number, at: number): void {
  if (!Number.isInteger(version) || version < api.minVersion || version > api.maxVersion) {
    throw new ProtocolDecodeError(
      `${api.name} v${version} cannot be decoded: this codec reads v${api.minVersion}-v${api.maxVersion}`,
      at,
    );
  }
}

/** Encodes a request body (no header, no size prefix). */
export function encodeRequest<Req>(
  api: ClientCodec<Req, unknown>,
  version: number,
  request: Req,
): Uint8Array {
  checkEncodeVersion(api, version);
  const w = new MessageWriter();
  api.writeRequest(w, version, request);
  return w.finish();
}

/** Decodes a request body that must fill `bytes` exactly. */
export function decodeRequest<Req>(
  api: ApiCodec<Req, unknown>,
  version: number,
  bytes: Uint8Array,
): Req {
  checkDecodeVersion(api, version, 0);
  const r = new MessageReader(bytes);
  const request = api.readRequest(r, version);
  r.expectEnd(`${api.name} v${version} request`);
  return request;
}

/** Encodes a response body (no header, no size prefix). */
export function encodeResponse<Res>(
  api: ApiCodec<unknown, Res>,
  version: number,
  response: Res,
): Uint8Array {
  checkEncodeVersion(api, version);
  const w = new MessageWriter();
  api.writeResponse(w, version, response);
  return w.finish();
}

/** Decodes a response body that must fill `bytes` exactly. */
export function decodeResponse<Res>(
  api: ClientCodec<unknown, Res>,
  version: number,
  bytes: Uint8Array,
): Res {
  checkDecodeVersion(api, version, 0);
  const r = new MessageReader(bytes);
  const response = api.readResponse(r, version);
  r.expectEnd(`${api.name} v${version} response`);
  return response;
}
