/**
 * Runner: KafkaJS 2.2.4 (client "kafkajs"). W1-W3 in the batch form: send() of batch-sized
 * arrays with up to maxInFlight sends outstanding, KafkaJS's own fast path (its producer has no
 * linger or batch.size: each send() becomes Produce requests at once, so the application's
 * arrays are the batches). W4: one record per send(), awaited. W5 is Tributary's alone.
 *
 * KafkaJS options: https://kafka.js.org/docs/configuration and /docs/producing.
 */
import kafkajs from "kafkajs";
import {
  type ChunkSend,
  describeError,
  installedVersion,
  noLingerNote,
  sendPlan,
  unsupportedResult,
  warmUpAndMeasure,
} from "./batching.js";
import type { RunResult, RunSpec } from "./contract.js";
import { useKafkaJsCompression } from "./kafkajs-codecs.js";
import { bounded, payloadValues, progress, readSpec, runMain } from "./runner-io.js";

const { Kafka, Partitioners, logLevel } = kafkajs;

/** Bound on connecting (KafkaJS retries refused connections with backoff before giving up). */
const CONNECT_MS = 30_000;
const CLOSE_MS = 10_000;

const spec = readSpec();
runMain(spec, () => runKafkaJs(spec));

async function runKafkaJs(spec: RunSpec): Promise<RunResult> {
  if (spec.workload === "W5" || (spec.form !== "batch" && spec.form !== "await-each")) {
    return unsupportedResult(`KafkaJS has no "${spec.form}" form: W5's API forms are Tributary's`);
  }
  const values = payloadValues(spec);
  const codec = useKafkaJsCompression(spec.compression);
  const { plan, notes: planNotes } = sendPlan(spec);

  const settings: RunResult["settings"] = {
    kafkajs: installedVersion("kafkajs"),
    form: spec.form,
    acks: spec.acks,
    compression: codec.name,
    codec: codec.implementation,
    recordsPerSend: plan.recordsPerSend,
    outstandingSends: plan.maxOutstanding,
    maxInFlightRequests: spec.maxInFlight,
    idempotent: false,
    linger: "none (KafkaJS has no linger)",
    partitioner: "DefaultPartitioner (keyless: round-robin per record)",
  };
  const notes = [
    ...planNotes,
    noLingerNote("KafkaJS", spec),
    "KafkaJS's default partitioner sends keyless records round-robin, so one send() splits over every partition (records per partition batch ≈ records per send / partitions).",
    "KafkaJS computes each batch's CRC32C in JS (src/protocol/recordBatch/crc32C).",
    ...codec.notes,
  ];

  // KafkaJS logs to the console by default; keep its first error lines for the failure instead.
  const logged: { line: string; gist: string }[] = [];
  const kafka = new Kafka({
    clientId: `kafkajs-bench-${spec.workload}`,
    brokers: [spec.bootstrap],
    logLevel: logLevel.ERROR,
    logCreator: () => (entry) => {
      const { message, error } = entry.log as { message: string; error?: unknown };
      const gist = error === undefined ? message : String(error);
      if (logged.length < 3 && !logged.some((l) => l.gist === gist)) {
        logged.push({
          line: `${entry.namespace}: ${message}${gist === message ? "" : ` (${gist})`}`,
          gist,
        });
      }
    },
  });
  const producer = kafka.producer({
    createPartitioner: Partitioners.DefaultPartitioner,
    allowAutoTopicCreation: false,
    idempotent: false,
    maxInFlightRequests: spec.maxInFlight,
  });

  // Only log lines that add something the error chain did not already say.
  const withLog = (failure: string) => {
    const extra = logged.filter((l) => !failure.includes(l.gist)).map((l) => l.line);
    return extra.length === 0 ? failure : `${failure} (KafkaJS log: ${extra.join("; ")})`;
  };
  try {
    progress(spec, `connecting to ${spec.bootstrap}`);
    try {
      await bounded("KafkaJS connect()", CONNECT_MS, producer.connect());
    } catch (err) {
      return {
        ok: false,
        failure: withLog(`could not connect to ${spec.bootstrap}: ${describeError(err)}`),
        records: 0,
        seconds: 0,
        latencyMs: null,
        settings,
        notes,
      };
    }
    const pool = values.map((v) => ({ value: Buffer.from(v.buffer, v.byteOffset, v.byteLength) }));
    const lines = pool.length;
    const { topic, acks } = spec;
    const compression = codec.type;
    const send: ChunkSend = (first, count) => {
      const messages = new Array<{ value: Buffer }>(count);
      for (let k = 0; k < count; k++) messages[k] = pool[(first + k) % lines]!;
      return producer.send({ topic, messages, acks, compression });
    };
    const phases = await warmUpAndMeasure(spec, plan, send);
    return {
      ...phases,
      ...(phases.failure === undefined ? {} : { failure: withLog(phases.failure) }),
      settings,
      notes,
    };
  } finally {
    await bounded("KafkaJS disconnect()", CLOSE_MS, producer.disconnect()).catch((err: unknown) => {
      progress(spec, `closing: ${describeError(err)}`);
    });
  }
}
