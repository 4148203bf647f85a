/**
 * The JVM and kcat runners' pure parts: the tool output they read and the command lines they
 * build. Output samples are copied from real runs (kafka-tools 4.1.1, kcat 1.7.1).
 */
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { jarsPresent } from "../../scripts/kafka/fetch.mjs";
import { PEER_JVM_FLAGS, parseSummary, payloadLinesRead } from "../lib/java-peer.js";
import type { RunSpec } from "../peers/contract.js";
import {
  awaitEachCommand,
  checkReachable,
  firstProblem,
  parseAwaitEachLine,
  producerProps,
} from "../peers/jvm.js";
import {
  endOffsetArgs,
  kcatProblem,
  kcatProperties,
  parseEndOffsets,
  parseKcatVersion,
  produceArgs,
  writeRepeated,
} from "../peers/kcat.js";

const spec: RunSpec = {
  workload: "W2",
  client: "test",
  form: "batch",
  inFlightLimit: 1000,
  bootstrap: "127.0.0.1:9092",
  gatewayUrl: "",
  gatewayHttpUrl: "",
  topic: "t-bench",
  partitions: 3,
  records: 10,
  warmupRecords: 2,
  payloadFile: "/tmp/payload.txt",
  payloadLines: 4,
  measuredValueBytes: 1000,
  acks: -1,
  compression: "zstd",
  lingerMs: 5,
  batchBytes: 16_384,
  maxInFlight: 5,
  idempotent: false,
  timeoutMs: 60_000,
  scratchDir: "/tmp",
};

const PERF_OUTPUT = [
  "Reading payloads from: /tmp/bench-payloads/random-100.txt",
  "Number of messages read: 4096",
  "24982 records sent, 4993.4 records/sec (0.48 MB/sec), 26.2 ms avg latency, 568.0 ms max latency.",
  "30000 records sent, 4968.5 records/sec (0.47 MB/sec), 22.53 ms avg latency, 568.00 ms max latency, 7 ms 50th, 96 ms 95th, 152 ms 99th, 174 ms 99.9th.",
  "",
].join("\n");

describe("ProducerPerformance output", () => {
  it("reads the closing summary, not the 5-second window lines", () => {
    assert.deepEqual(parseSummary(PERF_OUTPUT), {
      recordsAcked: 30000,
      recordsPerSec: 4968.5,
      mibPerSec: 0.47,
      avgLatencyMs: 22.53,
      maxLatencyMs: 568,
      p50Ms: 7,
      p95Ms: 96,
      p99Ms: 152,
      p999Ms: 174,
    });
  });

  it("reads a summary with no record acknowledged (Java prints the 0/0 average as NaN)", () => {
    const line =
      "0 records sent, 0.0 records/sec (0.00 MB/sec), NaN ms avg latency, 0.00 ms max latency, 0 ms 50th, 0 ms 95th, 0 ms 99th, 0 ms 99.9th.";
    assert.equal(parseSummary(line)?.recordsAcked, 0);
    assert.ok(Number.isNaN(parseSummary(line)?.avgLatencyMs));
  });

  it("has no summary when the tool was cut off after window lines", () => {
    const cut = PERF_OUTPUT.split("\n").slice(0, 3).join("\n");
    assert.equal(parseSummary(cut), undefined);
  });

  it("reads how many values the tool took from the payload file", () => {
    assert.equal(payloadLinesRead(PERF_OUTPUT), 4096);
    assert.equal(payloadLinesRead("30000 records sent"), undefined);
  });
});

describe("JVM runner", () => {
  it("maps the spec onto the Java client's producer properties", () => {
    assert.deepEqual(producerProps(spec), {
      "bootstrap.servers": "127.0.0.1:9092",
      acks: "all",
      "linger.ms": "5",
      "batch.size": "16384",
      "compression.type": "zstd",
      "max.in.flight.requests.per.connection": "5",
      "enable.idempotence": "false",
    });
    assert.equal(producerProps({ ...spec, acks: 1 }).acks, "1");
  });

  it("runs AwaitEach.java from source with the peer's JVM flags and positional arguments", {
    skip: jarsPresent() ? false : "Kafka jars not fetched",
  }, () => {
    const { args } = awaitEachCommand(spec);
    assert.deepEqual(args.slice(0, PEER_JVM_FLAGS.length), [...PEER_JVM_FLAGS]);
    const source = args.findIndex((a) => a.endsWith("AwaitEach.java"));
    assert.ok(source > 0 && existsSync(args[source] ?? ""), "the source file exists");
    assert.deepEqual(args.slice(source + 1, source + 5), [
      "t-bench",
      "/tmp/payload.txt",
      "2",
      "10",
    ]);
    assert.ok(args.includes("compression.type=zstd") && args.includes("acks=all"));
  });

  it("reads AwaitEach.java's report lines and ignores everything else", () => {
    assert.deepEqual(
      parseAwaitEachLine("AWAIT-EACH acked=500 seconds=1.825296853 p50Ms=1.565105 p99Ms=33.974126"),
      { kind: "result", acked: 500, seconds: 1.825296853, p50Ms: 1.565105, p99Ms: 33.974126 },
    );
    assert.deepEqual(
      parseAwaitEachLine("AWAIT-EACH acked=3 seconds=4.5E-4 p50Ms=1.0E-4 p99Ms=2.0"),
      {
        kind: "result",
        acked: 3,
        seconds: 0.00045,
        p50Ms: 0.0001,
        p99Ms: 2,
      },
    );
    assert.deepEqual(parseAwaitEachLine("AWAIT-EACH-FAILED record 3 failed: TimeoutException: x"), {
      kind: "failed",
      why: "record 3 failed: TimeoutException: x",
    });
    assert.deepEqual(parseAwaitEachLine("AWAIT-EACH-INFO java=17.0.15 kafka-clients=4.1.1"), {
      kind: "info",
      java: "17.0.15",
      kafkaClients: "4.1.1",
    });
    assert.equal(parseAwaitEachLine("MARK start"), undefined);
  });

  it("names the client's first warning, else the first exception, from a JVM's stderr", () => {
    const warn =
      "WARN [Producer clientId=perf-producer-client] Connection to node -1 (/127.0.0.1:1) could not be established. Node may not be available. (org.apache.kafka.clients.NetworkClient)";
    assert.equal(firstProblem(`noise\n${warn}\n${warn}\n`), warn);
    const trace =
      "org.apache.kafka.common.errors.RecordTooLargeException: The request included a message larger than the max message size the server will accept.\n\tat x.y(Z.java:1)";
    assert.equal(firstProblem(trace), trace.split("\n")[0]);
    assert.equal(firstProblem("all fine\n"), undefined);
  });

  it("tells a listening bootstrap broker from a closed port", async () => {
    const server = createServer();
    await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
    const address = server.address();
    assert.ok(address !== null && typeof address === "object");
    const open = `127.0.0.1:${address.port}`;
    server.close();
    await new Promise((done) => server.once("close", done));
    // The same port, now closed: refused at once.
    const closed = await checkReachable(open);
    assert.match(closed ?? "", /ECONNREFUSED/);
    const listening = createServer();
    await new Promise<void>((done) => listening.listen(0, "127.0.0.1", done));
    const a = listening.address();
    assert.ok(a !== null && typeof a === "object");
    try {
      assert.equal(await checkReachable(`${open},127.0.0.1:${a.port}`), undefined);
    } finally {
      listening.close();
    }
  });
});

describe("kcat runner", () => {
  const dir = mkdtempSync(join(tmpdir(), "kcat-runner-test-"));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("reads kcat's and librdkafka's versions from kcat -V", () => {
    const text =
      "kcat - Apache Kafka producer and consumer tool\nhttps://github.com/edenhill/kcat\nCopyright (c) 2014-2021, Magnus Edenhill\nVersion 1.7.1 (JSON, Transactions, IncrementalAssign, librdkafka 2.0.2 builtin.features=gzip,snappy,ssl,sasl,regex,lz4,sasl_gssapi,sasl_plain,sasl_scram,plugins,zstd,sasl_oauthbearer)\n";
    assert.deepEqual(parseKcatVersion(text), { kcat: "1.7.1", librdkafka: "2.0.2" });
    assert.equal(parseKcatVersion("kcat: command not found"), undefined);
  });

  it("passes every matched setting with -X and ignores any kcat.conf", () => {
    assert.deepEqual(kcatProperties(spec), {
      acks: "all",
      "linger.ms": "5",
      "batch.size": "16384",
      "compression.codec": "zstd",
      "max.in.flight.requests.per.connection": "5",
      "enable.idempotence": "false",
    });
    const args = produceArgs(spec, "/tmp/lines.txt");
    assert.deepEqual(args.slice(0, 8), [
      "-P",
      "-b",
      "127.0.0.1:9092",
      "-t",
      "t-bench",
      "-l",
      "/tmp/lines.txt",
      "-F",
    ]);
    assert.equal(args[8], "none");
    const x = args.flatMap((a, i) => (args[i - 1] === "-X" ? [a] : []));
    assert.deepEqual(
      x,
      Object.entries(kcatProperties(spec)).map(([k, v]) => `${k}=${v}`),
    );
  });

  it("asks for the end offset of every partition and adds up kcat -Q's answer", () => {
    assert.deepEqual(
      endOffsetArgs(spec).filter((_, i, a) => a[i - 1] === "-t"),
      ["t-bench:0:-1", "t-bench:1:-1", "t-bench:2:-1"],
    );
    const out =
      "t-bench [0] offset 4\nt-bench [2] offset 7\nt-other [1] offset 99\nt-bench [1] offset 0\n";
    assert.deepEqual([...parseEndOffsets(out, "t-bench")].sort(), [
      [0, 4],
      [1, 0],
      [2, 7],
    ]);
  });

  it("writes the payload's lines in order, cycling, one record per line", () => {
    const payload = join(dir, "payload.txt");
    writeFileSync(payload, "a\nbb\nccc");
    const out = join(dir, "lines.txt");
    for (const count of [0, 2, 3, 7]) {
      writeRepeated(payload, 3, count, out);
      const expected = Array.from({ length: count }, (_, i) => ["a", "bb", "ccc"][i % 3]);
      assert.equal(
        readFileSync(out, "utf8"),
        expected.map((l) => `${l}\n`).join(""),
        `count ${count}`,
      );
    }
    assert.throws(() => writeRepeated(payload, 4, 1, out), /expected 4 lines, found 3/);
  });

  it("names the error kcat terminated on before earlier ones", () => {
    const stderr = [
      "%3|1795376600.326|FAIL|rdkafka#producer-1| [thrd:127.0.0.1:1/bootstrap]: 127.0.0.1:1/bootstrap: Connect to ipv4#127.0.0.1:1 failed: Connection refused (after 0ms in state CONNECT)",
      "% ERROR: Local: Broker transport failure: 127.0.0.1:1/bootstrap: Connect to ipv4#127.0.0.1:1 failed: Connection refused (after 0ms in state CONNECT)",
      "% ERROR: Local: All broker connections are down: 1/1 brokers are down: terminating",
    ].join("\n");
    assert.equal(
      kcatProblem(stderr),
      "% ERROR: Local: All broker connections are down: 1/1 brokers are down: terminating",
    );
    assert.equal(
      kcatProblem("% Delivery failed for message: Broker: Message size too large\n"),
      "% Delivery failed for message: Broker: Message size too large",
    );
  });
});
