/**
 * Valid Kafka request frames for the fuzz part (faults/fuzz.ts), built with
 * @tributary/protocol's own encoders: the mutation seeds for the gateway's request inspector,
 * naming topics its test policy allows and refuses. A pure function of the Rng it is given.
 */
import {
  ApiVersionsApi,
  encodeRequestFrame,
  InitProducerIdApi,
  MetadataApi,
  ProduceApi,
  SaslAuthenticateApi,
  SaslHandshakeApi,
  type Uuid,
  Writer,
  writeRequestHeader,
} from "@tributary/protocol";
import { list, type Rng } from "./rng.js";
import { recordBatchSeed } from "./seed-batches.js";

/** Topics the gateway under test knows: allowed ones start with "ok-". */
export const KNOWN_TOPIC_IDS: ReadonlyMap<string, Uuid> = new Map([
  ["ok-orders", "b3JkZXJzLW9yZGVycy1pZA"],
  ["ok-clicks", "Y2xpY2tzLWNsaWNrcy1pZA"],
  ["secret", "c2VjcmV0LXNlY3JldC1pZA"],
]);
/** A topic id whose lookup fails (the gateway's metadata client raising). */
export const FAILING_TOPIC_ID: Uuid = "ZmFpbGluZy1sb29rdXAtaQ";

function topicName(rng: Rng): string {
  return rng.weighted([
    [4, () => rng.pick(["ok-orders", "ok-clicks"])],
    [1, () => "secret"],
    [2, () => `ok-${rng.string(20)}`],
    [1, () => rng.string(30)],
    // Long refused names: the refusal's close reason must be cut to 123 bytes and still parse.
    [0.5, () => rng.string(400)],
  ])();
}

function topicId(rng: Rng, name: string | null): Uuid {
  return rng.weighted([
    [6, () => (name !== null ? KNOWN_TOPIC_IDS.get(name) : undefined) ?? rng.uuid()],
    [1, () => rng.pick([...KNOWN_TOPIC_IDS.values()])],
    [1, () => FAILING_TOPIC_ID],
    [1, () => "AAAAAAAAAAAAAAAAAAAAAA"],
    [1, () => rng.uuid()],
  ])();
}

export type RequestKind =
  | "Produce"
  | "Metadata"
  | "ApiVersions"
  | "InitProducerId"
  | "SaslHandshake"
  | "SaslAuthenticate"
  | "other";

function header(rng: Rng): { correlationId: number; clientId: string | null } {
  return { correlationId: rng.int32(), clientId: rng.chance(0.2) ? null : rng.string(30) };
}

function produceRequest(rng: Rng, version: number): Uint8Array {
  const topics = list(rng, 5, () => {
    const name = topicName(rng);
    return {
      name,
      topicId: topicId(rng, name),
      partitionData: list(rng, 4, () => ({
        index: rng.int32(),
        records: rng.weighted<() => Uint8Array | null>([
          [6, () => recordBatchSeed(rng).bytes],
          [1, () => null],
          [1, () => rng.bytes(rng.size(100))],
        ])(),
      })),
    };
  });
  return encodeRequestFrame(ProduceApi, version, header(rng), {
    transactionalId: rng.chance(0.8) ? null : rng.string(20),
    acks: rng.chance(0.8) ? rng.pick([-1, 0, 1]) : rng.int16(),
    timeoutMs: rng.int32(),
    topicData: topics,
  });
}

function metadataRequest(rng: Rng, version: number): Uint8Array {
  const topics = rng.chance(0.1)
    ? null
    : list(rng, 5, () => {
        const byId = version >= 10 && rng.chance(0.4);
        const name = byId && rng.chance(0.7) ? null : topicName(rng);
        return version >= 10
          ? { name, topicId: byId ? topicId(rng, name) : "AAAAAAAAAAAAAAAAAAAAAA" }
          : { name };
      });
  return encodeRequestFrame(MetadataApi, version, header(rng), {
    topics,
    allowAutoTopicCreation: version >= 4 ? rng.chance(0.5) : true,
    includeClusterAuthorizedOperations: version >= 8 && version <= 10 && rng.chance(0.5),
    includeTopicAuthorizedOperations: version >= 8 && rng.chance(0.5),
  });
}

/**
 * A valid request frame (size prefix included) of `kind`; "other" is a request of an API the
 * gateway refuses (random key, version and body after a well-formed v1 header).
 */
export function requestFrame(rng: Rng, kind: RequestKind): Uint8Array {
  switch (kind) {
    case "Produce":
      return produceRequest(rng, rng.range(ProduceApi.minVersion, ProduceApi.maxVersion));
    case "Metadata":
      return metadataRequest(rng, rng.range(MetadataApi.minVersion, MetadataApi.maxVersion));
    case "ApiVersions":
      return encodeRequestFrame(ApiVersionsApi, rng.range(0, 4), header(rng), {
        clientSoftwareName: rng.pick(["tributary", "a", "x-1.y"]),
        clientSoftwareVersion: rng.pick(["0.1.0", "1", "2.0-beta"]),
      });
    case "InitProducerId": {
      const version = rng.range(InitProducerIdApi.minVersion, InitProducerIdApi.maxVersion);
      return encodeRequestFrame(InitProducerIdApi, version, header(rng), {
        transactionalId: rng.chance(0.8) ? null : rng.string(20),
        transactionTimeoutMs: rng.int32(),
        ...(version >= 3 ? { producerId: rng.int64(), producerEpoch: rng.int16() } : {}),
        ...(version >= 6 ? { enable2Pc: rng.chance(0.5), keepPreparedTxn: rng.chance(0.5) } : {}),
      });
    }
    case "SaslHandshake":
      return encodeRequestFrame(SaslHandshakeApi, rng.range(0, 1), header(rng), {
        mechanism: rng.pick(["PLAIN", "SCRAM-SHA-256", "OAUTHBEARER", rng.string(20)]),
      });
    case "SaslAuthenticate":
      return encodeRequestFrame(SaslAuthenticateApi, rng.range(0, 2), header(rng), {
        authBytes: rng.bytes(rng.size(120)),
      });
    case "other": {
      const w = new Writer(64);
      const at = w.skip(4);
      writeRequestHeader(w, 1, {
        apiKey: rng.chance(0.8) ? rng.range(0, 92) : rng.int16(),
        apiVersion: rng.int16(),
        ...header(rng),
      });
      w.raw(rng.bytes(rng.size(64)));
      w.setInt32At(at, w.length - 4);
      return w.finish();
    }
  }
}
