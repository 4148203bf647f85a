import {
  ApiKey,
  ApiVersionsApi,
  decodeRequestFrame,
  decodeRequestHeader,
  encodeResponseFrame,
  FrameSplitter,
  InitProducerIdApi,
  MetadataApi,
  ProduceApi,
  type ProduceResponse,
  ZERO_UUID,
} from "@tributary/protocol";
import type { Transport, TransportConnector } from "../src/transport/transport.js";
import { everyClientVersion } from "./fake-answers.js";

/**
 * An in-memory leader of one partition (topic "t", partition 0, node 1) that keeps Kafka's
 * sequence rules for idempotent producers (ProducerAppendInfo.checkSequence in the broker): a
 * producer id it has no state for may start at any sequence; after that each batch must follow
 * the last one (a repeat is DUPLICATE_SEQUENCE_NUMBER, a gap OUT_OF_ORDER_SEQUENCE_NUMBER), and
 * a new epoch starts at 0. Answers come a few ms after each request, in order, so requests
 * pipeline as they do on a network. Faults on demand: refuse the first N batches with
 * NOT_LEADER_OR_FOLLOWER, or cut the connection a Produce arrives on and refuse every connect
 * after that.
 */

export const NOT_LEADER_OR_FOLLOWER = 6;
export const OUT_OF_ORDER_SEQUENCE_NUMBER = 45;
export const DUPLICATE_SEQUENCE_NUMBER = 46;

export interface SequenceBrokerOptions {
  /** Answer the first this many batches NOT_LEADER_OR_FOLLOWER without appending them. */
  refuseFirst?: number;
  /** Close the connection the first Produce arrives on (unanswered) and refuse later connects. */
  cutAtFirstProduce?: boolean;
}

interface ProducerState {
  epoch: number;
  lastSeq: number;
}

export class SequenceCheckingBroker {
  /** What the partition holds, in offset order: each record's one-byte value, as text. */
  readonly log: string[] = [];
  /** The error code of each batch answered (0 = appended). */
  readonly answers: number[] = [];
  readonly #state = new Map<bigint, ProducerState>();
  #nextProducerId = 7000n;
  #refuseNext: number;
  #cut: boolean;
  #down = false;

  constructor(options: SequenceBrokerOptions = {}) {
    this.#refuseNext = options.refuseFirst ?? 0;
    this.#cut = options.cutAtFirstProduce ?? false;
  }

  connector(): TransportConnector {
    return {
      name: "memory",
      connect: async (_address, handlers): Promise<Transport> => {
        if (this.#down) throw new Error("connection refused (the test broker is down)");
        const splitter = new FrameSplitter();
        let open = true;
        const close = (error: Error | undefined) => {
          if (!open) return;
          open = false;
          queueMicrotask(() => handlers.onClose(error));
        };
        return {
          write: (bytes) => {
            for (const frame of splitter.push(bytes.slice())) {
              if (this.#cut && decodeRequestHeader(frame).apiKey === ApiKey.Produce) {
                this.#cut = false;
                this.#down = true;
                close(new Error("connection reset (cut by the test)"));
                return undefined;
              }
              const answer = this.#answer(frame);
              setTimeout(() => {
                if (open) handlers.onData(answer);
              }, 5);
            }
            return undefined;
          },
          close: () => close(undefined),
        };
      },
    };
  }

  #answer(frame: Uint8Array): Uint8Array {
    const h = decodeRequestHeader(frame);
    const reply = <Res>(api: { apiKey: number }, body: Res) =>
      encodeResponseFrame(api as never, h.apiVersion, h.correlationId, body as never);
    switch (h.apiKey) {
      case ApiKey.ApiVersions:
        return reply(ApiVersionsApi, everyClientVersion());
      case ApiKey.Metadata:
        return reply(MetadataApi, {
          throttleTimeMs: 0,
          brokers: [{ nodeId: 1, host: "127.0.0.1", port: 9092, rack: null }],
          clusterId: "fake",
          controllerId: 1,
          topics: [
            {
              errorCode: 0,
              name: "t",
              topicId: ZERO_UUID, // so Produce names the topic (v12)
              isInternal: false,
              partitions: [
                {
                  errorCode: 0,
                  partitionIndex: 0,
                  leaderId: 1,
                  leaderEpoch: 0,
                  replicaNodes: [1],
                  isrNodes: [1],
                  offlineReplicas: [],
                },
              ],
              topicAuthorizedOperations: -2147483648,
            },
          ],
          clusterAuthorizedOperations: -2147483648,
          errorCode: 0,
        });
      case ApiKey.InitProducerId:
        // Without a transactional id a broker hands out a fresh producer id every time.
        return reply(InitProducerIdApi, {
          throttleTimeMs: 0,
          errorCode: 0,
          producerId: this.#nextProducerId++,
          producerEpoch: 0,
          ongoingTxnProducerId: -1n,
          ongoingTxnProducerEpoch: -1,
        });
      case ApiKey.Produce: {
        const { body } = decodeRequestFrame(ProduceApi, frame);
        const response: ProduceResponse = {
          throttleTimeMs: 0,
          nodeEndpoints: [],
          responses: body.topicData.map((t) => ({
            name: t.name ?? "",
            topicId: ZERO_UUID,
            partitionResponses: t.partitionData.map((p) => {
              const [errorCode, baseOffset] = this.#append(p.records!);
              this.answers.push(errorCode);
              return {
                index: p.index,
                errorCode,
                baseOffset,
                logAppendTimeMs: -1n,
                logStartOffset: 0n,
                recordErrors: [],
                errorMessage: null,
                currentLeader: { leaderId: -1, leaderEpoch: -1 },
              };
            }),
          })),
        };
        return reply(ProduceApi, response);
      }
      default:
        throw new Error(`this broker does not answer api key ${h.apiKey}`);
    }
  }

  /** Kafka's rule for one batch (RecordBatch v2 header fields at their fixed offsets). */
  #append(batch: Uint8Array): [number, bigint] {
    if (this.#refuseNext > 0) {
      this.#refuseNext--;
      return [NOT_LEADER_OR_FOLLOWER, -1n];
    }
    const view = new DataView(batch.buffer, batch.byteOffset, batch.byteLength);
    const producerId = view.getBigInt64(43);
    const epoch = view.getInt16(51);
    const seq = view.getInt32(53);
    const count = view.getInt32(57);
    const state = this.#state.get(producerId);
    if (state !== undefined && state.epoch === epoch) {
      if (seq <= state.lastSeq) return [DUPLICATE_SEQUENCE_NUMBER, -1n];
      if (seq !== state.lastSeq + 1) return [OUT_OF_ORDER_SEQUENCE_NUMBER, -1n];
    } else if (state !== undefined && seq !== 0) {
      return [OUT_OF_ORDER_SEQUENCE_NUMBER, -1n];
    }
    // No state for this producer (or a new epoch starting at 0): taken as it comes.
    this.#state.set(producerId, { epoch, lastSeq: seq + count - 1 });
    const base = BigInt(this.log.length);
    for (const value of valuesOf(batch, count)) this.log.push(value);
    return [0, base];
  }
}

/** The values of an uncompressed batch's records, which these tests keep to one ASCII byte each. */
function valuesOf(batch: Uint8Array, count: number): string[] {
  // Each record: length, attributes, timestamp delta, offset delta, key length (-1), value
  // length 1, the value byte, header count 0: all one-byte varints here.
  const out: string[] = [];
  let at = 61;
  for (let i = 0; i < count; i++) {
    const length = batch[at]! >> 1; // zigzag varint, small and positive
    out.push(String.fromCharCode(batch[at + 6]!));
    at += 1 + length;
  }
  return out;
}
