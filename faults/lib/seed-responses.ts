/**
 * Valid Kafka response frames for the fuzz part (faults/fuzz.ts), built with
 * @tributary/protocol's own encoders: the mutation seeds for the producer's response decoders.
 * A pure function of the Rng it is given.
 */
import {
  type ApiCodec,
  ApiVersionsApi,
  type ApiVersionsResponse,
  encodeResponseFrame,
  InitProducerIdApi,
  type InitProducerIdResponse,
  MetadataApi,
  type MetadataResponse,
  ProduceApi,
  type ProduceResponse,
  SaslAuthenticateApi,
  type SaslAuthenticateResponse,
  SaslHandshakeApi,
  type SaslHandshakeResponse,
} from "@tributary/protocol";
import { list, type Rng } from "./rng.js";

/** The response codecs the producer reads. */
export const RESPONSE_APIS = [
  ApiVersionsApi,
  MetadataApi,
  ProduceApi,
  InitProducerIdApi,
  SaslHandshakeApi,
  SaslAuthenticateApi,
] as unknown as readonly ApiCodec<unknown, unknown>[];

function apiVersionsResponse(rng: Rng, version: number): ApiVersionsResponse {
  let errorCode = rng.int16();
  // 35 (UNSUPPORTED_VERSION) triggers the decoder's v0 fallback, which would make a valid seed
  // decode to a different value; mutations still reach it.
  if (errorCode === 35) errorCode = 0;
  const flexible = version >= 3;
  return {
    errorCode,
    apiKeys: list(rng, 80, () => ({
      apiKey: rng.int16(),
      minVersion: rng.int16(),
      maxVersion: rng.int16(),
    })),
    throttleTimeMs: rng.int32(),
    supportedFeatures: flexible
      ? list(rng, 6, () => ({
          name: rng.string(),
          minVersion: rng.int16(),
          maxVersion: rng.int16(),
        }))
      : [],
    finalizedFeaturesEpoch: flexible && rng.chance(0.5) ? rng.int64() : -1n,
    finalizedFeatures: flexible
      ? list(rng, 6, () => ({
          name: rng.string(),
          maxVersionLevel: rng.int16(),
          minVersionLevel: rng.int16(),
        }))
      : [],
    zkMigrationReady: flexible && rng.chance(0.3),
  };
}

function metadataResponse(rng: Rng, version: number): MetadataResponse {
  const brokerIds = () => list(rng, 6, () => rng.int32());
  return {
    throttleTimeMs: rng.int32(),
    brokers: list(rng, 8, () => ({
      nodeId: rng.int32(),
      host: rng.string(),
      port: rng.int32(),
      rack: rng.chance(0.5) ? null : rng.string(),
    })),
    clusterId: rng.chance(0.2) ? null : rng.string(22),
    controllerId: rng.int32(),
    topics: list(rng, 12, () => ({
      errorCode: rng.int16(),
      name: version >= 12 && rng.chance(0.2) ? null : rng.string(),
      topicId: rng.uuid(),
      isInternal: rng.chance(0.1),
      partitions: list(rng, 12, () => ({
        errorCode: rng.int16(),
        partitionIndex: rng.int32(),
        leaderId: rng.int32(),
        leaderEpoch: rng.int32(),
        replicaNodes: brokerIds(),
        isrNodes: brokerIds(),
        offlineReplicas: brokerIds(),
      })),
      topicAuthorizedOperations: rng.int32(),
    })),
    clusterAuthorizedOperations: rng.int32(),
    errorCode: rng.int16(),
  };
}

function produceResponse(rng: Rng): ProduceResponse {
  return {
    responses: list(rng, 8, () => ({
      name: rng.string(),
      topicId: rng.uuid(),
      partitionResponses: list(rng, 8, () => ({
        index: rng.int32(),
        errorCode: rng.int16(),
        baseOffset: rng.int64(),
        logAppendTimeMs: rng.int64(),
        logStartOffset: rng.int64(),
        recordErrors: list(rng, 4, () => ({
          batchIndex: rng.int32(),
          batchIndexErrorMessage: rng.chance(0.5) ? null : rng.string(),
        })),
        errorMessage: rng.chance(0.6) ? null : rng.string(),
        currentLeader: rng.chance(0.5)
          ? { leaderId: -1, leaderEpoch: -1 }
          : { leaderId: rng.int32(), leaderEpoch: rng.int32() },
      })),
    })),
    throttleTimeMs: rng.int32(),
    nodeEndpoints: list(rng, 4, () => ({
      nodeId: rng.int32(),
      host: rng.string(),
      port: rng.int32(),
      rack: rng.chance(0.5) ? null : rng.string(),
    })),
  };
}

function initProducerIdResponse(rng: Rng): InitProducerIdResponse {
  return {
    throttleTimeMs: rng.int32(),
    errorCode: rng.int16(),
    producerId: rng.int64(),
    producerEpoch: rng.int16(),
    ongoingTxnProducerId: rng.int64(),
    ongoingTxnProducerEpoch: rng.int16(),
  };
}

function saslHandshakeResponse(rng: Rng): SaslHandshakeResponse {
  return { errorCode: rng.int16(), mechanisms: list(rng, 6, () => rng.string(20)) };
}

function saslAuthenticateResponse(rng: Rng): SaslAuthenticateResponse {
  return {
    errorCode: rng.int16(),
    errorMessage: rng.chance(0.5) ? null : rng.string(),
    authBytes: rng.bytes(rng.size(200)),
    sessionLifetimeMs: rng.int64(),
  };
}

/** A random, valid response body of `api` at `version`, as a broker could send it. */
export function randomResponse(
  rng: Rng,
  api: ApiCodec<unknown, unknown>,
  version: number,
): unknown {
  switch (api.apiKey) {
    case ApiVersionsApi.apiKey:
      return apiVersionsResponse(rng, version);
    case MetadataApi.apiKey:
      return metadataResponse(rng, version);
    case ProduceApi.apiKey:
      return produceResponse(rng);
    case InitProducerIdApi.apiKey:
      return initProducerIdResponse(rng);
    case SaslHandshakeApi.apiKey:
      return saslHandshakeResponse(rng);
    case SaslAuthenticateApi.apiKey:
      return saslAuthenticateResponse(rng);
    default:
      throw new Error(`no response generator for API key ${api.apiKey}`);
  }
}

/**
 * What a broker that does not know our ApiVersions version answers (KIP-511): a v0 body with
 * errorCode 35 (UNSUPPORTED_VERSION) listing its own ranges, whatever version was asked for.
 * Size prefix included.
 */
export function apiVersionsFallbackFrame(rng: Rng): {
  frame: Uint8Array;
  body: ApiVersionsResponse;
} {
  const body = { ...apiVersionsResponse(rng, 0), errorCode: 35, throttleTimeMs: 0 };
  return { frame: encodeResponseFrame(ApiVersionsApi, 0, rng.int32(), body), body };
}

/** A valid response frame, size prefix included, encoded by the protocol package. */
export function responseFrame(
  rng: Rng,
  api: ApiCodec<unknown, unknown>,
  version: number,
): Uint8Array {
  return encodeResponseFrame(api, version, rng.int32(), randomResponse(rng, api, version));
}
