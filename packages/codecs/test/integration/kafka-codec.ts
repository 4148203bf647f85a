/**
 * What the codecs' broker tests share: telemetry-like records, a Produce of batches compressed
 * by a codec (encodeRecords -> codec.compress -> encodeRecordBatch) over the protocol test's
 * BrokerConnection, checks of the batches as sent and of what Kafka's console consumer reads,
 * and Kafka 4.1.1's own Compression classes run in a JVM to compress and decompress bytes.
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  ApiKey,
  ApiVersionsApi,
  CLIENT_VERSIONS,
  decodeRecordBatch,
  decodeRecords,
  encodeRecordBatch,
  encodeRecords,
  errorName,
  MetadataApi,
  negotiateVersions,
  ProduceApi,
  type RecordInput,
} from "@tributary/protocol";
import { classpath } from "../../../../scripts/kafka/fetch.mjs";
import type { ConsumedRecord } from "../../../../scripts/kafka/helpers.mjs";
import { jdkTool } from "../../../../scripts/kafka/java.mjs";
import { BrokerConnection } from "../../../protocol/test/integration/broker-connection.js";
import type { Codec } from "../../src/codec.js";

const text = new TextEncoder();

/** Record i: a session key, a telemetry JSON value and two headers (one null every 7th). */
export function telemetryRecord(i: number, baseTimestamp: number): RecordInput {
  const value = {
    ts: baseTimestamp + i,
    event: ["page_view", "click", "scroll", "web_vitals", "add_to_cart"][i % 5],
    session: ((i * 2654435761) >>> 0).toString(16).padStart(8, "0"),
    page: {
      path: `/products/${(i * 7919) % 500}`,
      referrer: i % 3 ? "https://www.google.com/" : "",
    },
    device: { ua: "Mozilla/5.0 (X11; Linux x86_64) Chrome/131.0", viewport: [1920, 1080] },
    metrics: { lcp: ((i * 37) % 4000) / 10, cls: ((i * 13) % 250) / 1000, inp: (i * 7) % 400 },
    note: "héllo ✓",
    seq: i,
  };
  return {
    key: text.encode(`session-${i % 97}`),
    value: text.encode(JSON.stringify(value)),
    headers: [
      { key: "content-type", value: text.encode("application/json") },
      { key: "trace-ü", value: i % 7 === 0 ? null : text.encode(`t-${i}`) },
    ],
    timestamp: baseTimestamp + i,
  };
}

export interface SentBatch {
  partition: number;
  records: RecordInput[];
  /** The batch exactly as sent. */
  batch: Uint8Array;
  /** Bytes of the records section before compression. */
  sectionBytes: number;
  /** The Produce version it went with. */
  version: number;
}

export interface ProduceCompressedOptions {
  bootstrap: string;
  topic: string;
  partitions: number;
  records: readonly RecordInput[];
  /** Records per batch; a list is cycled through, batch by batch. */
  batchSizes: number | readonly number[];
  codec: Codec;
  /**
   * Produce versions to cycle through, batch by batch. By default the negotiated one, capped at
   * v12 (v13 names topics by id, fetched from Metadata when a version here asks for it).
   */
  versions?: readonly number[];
}

/**
 * What a producer does with a codec, by hand: each batch's records section goes through
 * encodeRecords -> codec.compress -> encodeRecordBatch, one Produce (acks all) per batch,
 * partitions taken round-robin. Throws on any partition error or an offset that is not the
 * next one in its partition. Returns the batches as sent.
 */
export async function produceCompressed(o: ProduceCompressedOptions): Promise<SentBatch[]> {
  const conn = await BrokerConnection.open(o.bootstrap);
  try {
    const offered = await conn.request(ApiVersionsApi, CLIENT_VERSIONS[ApiKey.ApiVersions].max, {
      clientSoftwareName: "tributary-it",
      clientSoftwareVersion: "0.1.0",
    });
    const negotiated = negotiateVersions(offered);
    const versions = o.versions ?? [Math.min(negotiated.version(ApiKey.Produce), 12)];
    const topicId = await leadersReady(conn, negotiated.version(ApiKey.Metadata), o.topic);
    const sizes = typeof o.batchSizes === "number" ? [o.batchSizes] : o.batchSizes;
    const nextOffset = new Array<bigint>(o.partitions).fill(0n);
    const sent: SentBatch[] = [];
    for (let start = 0, n = 0; start < o.records.length; n++) {
      const chunk = o.records.slice(start, start + sizes[n % sizes.length]!);
      start += chunk.length;
      const baseTimestamp = chunk[0]!.timestamp!;
      const section = encodeRecords(chunk, baseTimestamp);
      const batch = encodeRecordBatch(
        {
          compression: o.codec.id,
          baseTimestamp,
          maxTimestamp: Math.max(...chunk.map((r) => r.timestamp!)),
        },
        await o.codec.compress(section),
        chunk.length,
      );
      const partition = n % o.partitions;
      const version = versions[n % versions.length]!;
      const res = await conn.request(ProduceApi, version, {
        transactionalId: null,
        acks: -1,
        timeoutMs: 30_000,
        topicData: [
          {
            ...(version >= 13 ? { topicId } : { name: o.topic }),
            partitionData: [{ index: partition, records: batch }],
          },
        ],
      });
      const p = res.responses[0]?.partitionResponses[0];
      const where = `batch ${n} (Produce v${version}) to partition ${partition}`;
      if (p === undefined) throw new Error(`${where}: no answer`);
      if (p.errorCode !== 0) {
        throw new Error(`${where}: ${errorName(p.errorCode)} ${p.errorMessage ?? ""}`);
      }
      assert.equal(p.baseOffset, nextOffset[partition], `${where}: base offset`);
      nextOffset[partition]! += BigInt(chunk.length);
      sent.push({ partition, records: chunk, batch, sectionBytes: section.length, version });
    }
    return sent;
  } finally {
    conn.close();
  }
}

/** Waits (bounded) until a just-created topic has leaders; returns its topic id. */
async function leadersReady(conn: BrokerConnection, version: number, topic: string) {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const meta = await conn.request(MetadataApi, version, {
      topics: [{ name: topic }],
      allowAutoTopicCreation: false,
    });
    const t = meta.topics[0];
    if (t?.errorCode === 0 && t.partitions.every((p) => p.leaderId >= 0)) return t.topicId;
    assert.ok(Date.now() < deadline, `topic ${topic} has no leaders after 15 s`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

const b64 = (bytes: Uint8Array | null | undefined) =>
  bytes == null ? null : Buffer.from(bytes).toString("base64");

/**
 * The batches as sent carry the codec's id in their attributes, and their records section,
 * decompressed by our own codec, holds exactly the records that were put in.
 */
export async function assertBatchesAsSent(sent: readonly SentBatch[], codec: Codec): Promise<void> {
  for (const [n, s] of sent.entries()) {
    const decoded = decodeRecordBatch(s.batch);
    assert.equal(decoded.attributes & 0x07, codec.id, `batch ${n}: attributes name ${codec.name}`);
    assert.equal(decoded.compression, codec.id);
    const records = decodeRecords(
      await codec.decompress(decoded.recordsSection),
      decoded.recordCount,
      decoded.baseTimestamp,
    );
    assert.deepEqual(
      records.map((r) => [b64(r.key), b64(r.value)]),
      s.records.map((r) => [b64(r.key), b64(r.value)]),
      `batch ${n}: records`,
    );
  }
}

/**
 * Every sent record landed exactly once, byte for byte (key, value, headers, timestamp), on the
 * partition its batch went to, in the order it was sent. Records are told apart by timestamp,
 * which must be unique.
 */
export function assertLandedExactly(
  landed: readonly ConsumedRecord[],
  sent: readonly SentBatch[],
): void {
  const all = sent.flatMap((b) => b.records.map((r) => ({ r, partition: b.partition })));
  const byTimestamp = new Map(all.map((w, i) => [w.r.timestamp!, i]));
  assert.equal(byTimestamp.size, all.length, "sent records have unique timestamps");
  assert.equal(landed.length, all.length, "records consumed");
  const seen = new Set<number>();
  const lastIndex = new Map<number, number>();
  for (const got of landed) {
    const i = byTimestamp.get(got.timestamp) ?? -1;
    const want = all[i];
    assert.ok(want && !seen.has(i), `record ${i} (${got.partition}/${got.offset}) expected once`);
    seen.add(i);
    assert.equal(got.partition, want.partition, `record ${i}: partition`);
    assert.equal(got.keyBase64, b64(want.r.key), `record ${i}: key`);
    assert.equal(got.valueBase64, b64(want.r.value), `record ${i}: value`);
    assert.deepEqual(
      got.headersBase64,
      (want.r.headers ?? []).map((h) => [h.key, b64(h.value)]),
      `record ${i}: headers`,
    );
    assert.ok(i > (lastIndex.get(got.partition) ?? -1), `record ${i}: order in its partition`);
    lastIndex.set(got.partition, i);
  }
  assert.equal(seen.size, all.length, "every record landed");
}

/** The codec bits of a batch as sent (attributes & 0x07), read back from its bytes. */
export function codecBitsOf(batch: Uint8Array): number {
  return decodeRecordBatch(batch).attributes & 0x07;
}

/**
 * Kafka's own compression code (org.apache.kafka.common.compress.Compression, the classes its
 * producer and consumer use), driven from a one-file Java program. Each job names a mode,
 * a codec and an input file, and writes the result next to it.
 */
const KAFKA_CODEC_JAVA = `
import java.io.*;
import java.nio.ByteBuffer;
import java.nio.file.*;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.CompressionType;
import org.apache.kafka.common.record.RecordBatch;
import org.apache.kafka.common.utils.BufferSupplier;
import org.apache.kafka.common.utils.ByteBufferOutputStream;

public class KafkaCodec {
  public static void main(String[] args) throws Exception {
    for (int i = 0; i < args.length; i += 3) {
      Compression codec = Compression.of(CompressionType.forName(args[i + 1])).build();
      byte[] in = Files.readAllBytes(Paths.get(args[i + 2]));
      byte[] out;
      if (args[i].equals("compress")) {
        ByteBufferOutputStream sink = new ByteBufferOutputStream(1024);
        try (OutputStream os = codec.wrapForOutput(sink, RecordBatch.MAGIC_VALUE_V2)) {
          os.write(in);
        }
        ByteBuffer buf = sink.buffer();
        buf.flip();
        out = new byte[buf.remaining()];
        buf.get(out);
      } else {
        try (InputStream is = codec.wrapForInput(ByteBuffer.wrap(in), RecordBatch.MAGIC_VALUE_V2, BufferSupplier.create())) {
          out = is.readAllBytes();
        }
      }
      Files.write(Paths.get(args[i + 2] + ".out"), out);
    }
  }
}
`;

export interface KafkaCodecJob {
  mode: "compress" | "decompress";
  codec: "gzip" | "snappy";
  input: Uint8Array;
}

/** Runs the jobs in one JVM with Kafka's jars; resolves with each job's output. */
export async function runKafkaCodec(jobs: readonly KafkaCodecJob[]): Promise<Uint8Array[]> {
  const dir = mkdtempSync(join(tmpdir(), "tributary-kafka-codec-"));
  try {
    const source = join(dir, "KafkaCodec.java");
    writeFileSync(source, KAFKA_CODEC_JAVA);
    const args: string[] = [];
    jobs.forEach((job, i) => {
      const file = join(dir, `job-${i}.bin`);
      writeFileSync(file, job.input);
      args.push(job.mode, job.codec, file);
    });
    await new Promise<void>((resolve, reject) => {
      execFile(
        jdkTool("java"),
        ["-Xmx256m", "-XX:TieredStopAtLevel=1", "-cp", classpath(), source, ...args],
        { timeout: 120_000 },
        (err, _stdout, stderr) =>
          err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve(),
      );
    });
    return jobs.map((_, i) => new Uint8Array(readFileSync(join(dir, `job-${i}.bin.out`))));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
