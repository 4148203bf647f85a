/**
 * Runner: @platformatic/kafka 1.35.0 (client "platformatic"), the newest release for Node 20.
 * W1-W3 in the batch form: producer.send({ messages }) of batch-sized arrays with up to
 * maxInFlight sends outstanding; W4: one record per send(), awaited. W5 is Tributary's alone.
 *
 * Why send() arrays and not its stream producer (producer.asStream({ batchSize, batchTime })):
 * the stream's batchTime is a linger, but its flush keeps a single send() outstanding at a time
 * (dist/clients/producer/producer-stream.js) and it needs highWaterMark >= batchSize to fill a
 * batch at all (with the default 16, W1 ran at ~2,400 records/s by hand). With highWaterMark
 * 5000 it was within run-to-run noise of send() arrays on W1 by hand, so the runner follows the
 * contract's batch form, send() arrays with maxInflights requests per connection.
 * Options: README.md and dist/clients/producer/types.d.ts, dist/network/connection.d.ts.
 */
import { createRequire } from "node:module";
import { compressionsAlgorithms, Producer } from "@platformatic/kafka";
import {
  type ChunkSend,
  describeError,
  installedVersion,
  noLingerNote,
  sendPlan,
  unsupportedResult,
  warmUpAndMeasure,
} from "./batching.js";
import type { Compression, RunResult, RunSpec } from "./contract.js";
import { bounded, payloadValues, progress, readSpec, runMain } from "./runner-io.js";

/** Bound on the first metadata request and connection (the client retries 3 times, 1 s apart). */
const CONNECT_MS = 30_000;
const CLOSE_MS = 10_000;

/** How this client compresses, from dist/protocol/compression.js; say it beside the figures. */
const CODEC_SOURCE: Record<Compression, string> = {
  none: "none",
  lz4: "lz4 frames from @platformatic/wasm-utils (Rust compiled to WASM), synchronous on the main thread",
  zstd: "zstd from node:zlib zstdCompressSync (native, Node >= 22.15 only)",
};

const version = installedVersion("@platformatic/kafka");

/**
 * The client checksums batches with @node-rs/crc32 (native) when that optional dependency is
 * installed, else with WASM (dist/protocol/crc32c.js); which one ran is worth a note.
 */
function crc32cSource(): string {
  try {
    const fromClient = createRequire(createRequire(import.meta.url).resolve("@platformatic/kafka"));
    fromClient.resolve("@node-rs/crc32");
    return "CRC32C by @node-rs/crc32 (native; the client's optional dependency, installed)";
  } catch {
    return "CRC32C by @platformatic/wasm-utils (WASM; the optional native @node-rs/crc32 is not installed)";
  }
}

const spec = readSpec();
runMain(spec, () => runPlatformatic(spec));

async function runPlatformatic(spec: RunSpec): Promise<RunResult> {
  if (spec.workload === "W5" || (spec.form !== "batch" && spec.form !== "await-each")) {
    return unsupportedResult(
      `@platformatic/kafka has no "${spec.form}" form: W5's API forms are Tributary's`,
    );
  }
  if (spec.compression !== "none" && !compressionsAlgorithms[spec.compression].available) {
    // The library marks zstd unavailable when node:zlib lacks it (Node 20); sending would throw
    // UnsupportedCompressionError on the first batch. There is no codec plug-in point.
    return unsupportedResult(
      `@platformatic/kafka ${version} cannot compress ${spec.compression} on Node ${process.versions.node}: it uses node:zlib zstdCompressSync, which Node has from 22.15 (this client registers no other ${spec.compression} codec)`,
      { compression: spec.compression },
    );
  }
  const values = payloadValues(spec);
  const { plan, notes: planNotes } = sendPlan(spec);
  const compression = spec.compression;

  const settings: RunResult["settings"] = {
    platformatic: version,
    form: spec.form,
    acks: spec.acks,
    compression,
    codec: CODEC_SOURCE[compression],
    recordsPerSend: plan.recordsPerSend,
    outstandingSends: plan.maxOutstanding,
    maxInflights: spec.maxInFlight,
    idempotent: false,
    linger: "none (send() has no linger)",
    partitioner: "built-in (keyless: round-robin per record)",
  };
  const notes = [
    ...planNotes,
    noLingerNote("@platformatic/kafka's send()", spec),
    "Its stream producer (asStream: batchSize in records, batchTime as a linger) keeps one send() in flight at a time and was within noise of send() arrays by hand on W1; the runner uses send() arrays.",
    `${crc32cSource()}.`,
    "Keyless records go round-robin per record, so one send() splits over every partition (records per partition batch ≈ records per send / partitions).",
    ...(compression === "lz4"
      ? [
          `lz4 is built in: ${CODEC_SOURCE.lz4}; @platformatic/wasm-utils declares Node >= 22.19 but runs on this Node ${process.versions.node}.`,
        ]
      : []),
  ];

  const producer = new Producer({
    clientId: `platformatic-bench-${spec.workload}`,
    bootstrapBrokers: [spec.bootstrap],
    acks: spec.acks,
    ...(compression === "none" ? {} : { compression }),
    idempotent: false,
    maxInflights: spec.maxInFlight,
    autocreateTopics: false,
  });
  try {
    progress(spec, `connecting to ${spec.bootstrap}`);
    try {
      // The client connects lazily; asking for the topic's metadata opens the connection and
      // fails here, by name, when the topic is missing or the broker unreachable.
      const metadata = await bounded(
        "@platformatic/kafka metadata()",
        CONNECT_MS,
        producer.metadata({ topics: [spec.topic], autocreateTopics: false }),
      );
      await bounded(
        "@platformatic/kafka connectToBrokers()",
        CONNECT_MS,
        producer.connectToBrokers([...metadata.brokers.keys()]),
      );
    } catch (err) {
      return {
        ok: false,
        failure: `could not reach topic ${spec.topic} at ${spec.bootstrap}: ${describeError(err)}`,
        records: 0,
        seconds: 0,
        latencyMs: null,
        settings,
        notes,
      };
    }
    const topic = spec.topic;
    const pool = values.map((v) => ({
      topic,
      value: Buffer.from(v.buffer, v.byteOffset, v.byteLength),
    }));
    const lines = pool.length;
    const acks = spec.acks;
    const send: ChunkSend = (first, count) => {
      const messages = new Array<{ topic: string; value: Buffer }>(count);
      for (let k = 0; k < count; k++) messages[k] = pool[(first + k) % lines]!;
      return producer.send({ messages, acks });
    };
    const phases = await warmUpAndMeasure(spec, plan, send);
    return { ...phases, settings, notes };
  } finally {
    await bounded("@platformatic/kafka close()", CLOSE_MS, producer.close()).catch(
      (err: unknown) => {
        progress(spec, `closing: ${describeError(err)}`);
      },
    );
  }
}
