/**
 * The producer against the local broker: 1,000,000 records of 100 B, acks 1, no compression,
 * fire-and-forget produce() then flush(); Kafka's own ProducerPerformance (the Java client) runs
 * the same workload on the same broker as the reference peer.
 *
 *   npm run bench -- producer [--quick] [--records N] [--warmup N] [--partitions N] [--keys]
 *     [--value-bytes N] [--linger MS] [--batch-bytes N] [--buffer-bytes N] [--no-peers]
 *     [--json FILE] [--timeout-s S]
 *
 * Starts the single-node broker when none runs (and stops it at the end; one that was already
 * running is left alone), makes a fresh topic per client and deletes them at the end, also on
 * Ctrl-C and errors. Prints a progress line per phase on stderr, then a table, then one JSON
 * line for tools to collect. Exit code 1 when any record failed.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { start, stop } from "../scripts/kafka/cluster.mjs";
import { createTopic, deleteTopic, randomTopicName } from "../scripts/kafka/helpers.mjs";
import { type JavaPeerResult, runJavaPeer } from "./lib/java-peer.js";
import { cpuSecondsOf } from "./lib/proc.js";
import { type BrokerInfo, report } from "./lib/producer-report.js";
import { runTributary } from "./lib/tributary-run.js";

const USAGE =
  "usage: npm run bench -- producer [--quick] [--records N] [--warmup N] [--partitions N] [--keys]\n" +
  "         [--value-bytes N] [--linger MS] [--batch-bytes N] [--buffer-bytes N] [--no-peers]\n" +
  "         [--json FILE] [--timeout-s S]";

function fail(message: string): never {
  console.error(`bench producer: ${message}\n${USAGE}`);
  process.exit(2);
}

export type BenchOptions = ReturnType<typeof parseArgs>;

function parseArgs(argv: string[]) {
  const o = {
    records: 1_000_000,
    warmup: 50_000,
    partitions: 6,
    keys: false,
    valueBytes: 100,
    lingerMs: 5,
    batchBytes: 16_384,
    bufferBytes: 32 * 1024 * 1024,
    peers: true,
    json: undefined as string | undefined,
    timeoutSeconds: 300,
  };
  const int = (flag: string, raw: string | undefined, min: number, max: number): number => {
    const n = Number(raw);
    if (raw === undefined || !Number.isInteger(n) || n < min || n > max) {
      fail(
        `${flag} takes an integer from ${min} to ${max}; received ${JSON.stringify(raw ?? null)}`,
      );
    }
    return n;
  };
  let quick = false;
  let recordsGiven = false;
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]!;
    const next = () => argv[++i];
    switch (flag) {
      case "--quick":
        quick = true;
        break;
      case "--records":
        o.records = int(flag, next(), 1, 100_000_000);
        recordsGiven = true;
        break;
      case "--warmup":
        o.warmup = int(flag, next(), 0, 10_000_000);
        break;
      case "--partitions":
        o.partitions = int(flag, next(), 1, 1000);
        break;
      case "--keys":
        o.keys = true;
        break;
      case "--value-bytes":
        o.valueBytes = int(flag, next(), 1, 1_000_000);
        break;
      case "--linger":
        o.lingerMs = int(flag, next(), 0, 60_000);
        break;
      case "--batch-bytes":
        o.batchBytes = int(flag, next(), 1, 1_048_576);
        break;
      case "--buffer-bytes":
        o.bufferBytes = int(flag, next(), 1_048_576, 2 ** 31 - 1);
        break;
      case "--no-peers":
        o.peers = false;
        break;
      case "--json":
        o.json = next() ?? fail("--json takes a file name");
        break;
      case "--timeout-s":
        o.timeoutSeconds = int(flag, next(), 10, 3600);
        break;
      case "--help":
      case "-h":
        console.log(USAGE);
        process.exit(0);
        break;
      default:
        fail(`unknown argument ${JSON.stringify(flag)}`);
    }
  }
  if (quick && !recordsGiven) o.records = 100_000;
  return o;
}

const opts = parseArgs(process.argv.slice(2));
const progress = (line: string) => process.stderr.write(`  ${line}\n`);

// ---- cleanup: undone in reverse order at the end, on errors and on Ctrl-C ------------------
const undo: { what: string; run: () => Promise<unknown> }[] = [];
let cleaning: Promise<void> | undefined;
const interrupt = new AbortController();

function cleanup(): Promise<void> {
  cleaning ??= (async () => {
    for (const step of undo.reverse()) {
      progress(step.what);
      try {
        await step.run();
      } catch (err) {
        progress(`  failed: ${(err as Error).message.split("\n")[0]}`);
      }
    }
  })();
  return cleaning;
}

let signals = 0;
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    if (++signals > 1) {
      progress("second signal: exiting without finishing cleanup");
      process.exit(130);
    }
    progress(`${signal}: stopping and cleaning up (again to abandon the cleanup)`);
    // Kills the Java peer if it runs; a producer mid-run is abandoned (close() would flush
    // first), and process.exit drops its sockets.
    interrupt.abort();
    void cleanup().finally(() => process.exit(130));
  });
}

// ---- the run ---------------------------------------------------------------------------------
async function ensureBroker(): Promise<BrokerInfo> {
  const external = process.env.KAFKA_BOOTSTRAP;
  if (external !== undefined && external !== "127.0.0.1:9092") {
    progress(`broker: using KAFKA_BOOTSTRAP=${external} (not started or stopped by this bench)`);
    return { bootstrap: external, startedByBench: false, pid: undefined };
  }
  progress("broker: looking for the local single-node Kafka (starting it if none runs)");
  const r = await start({ nodes: 1, quiet: true });
  const pid = r.nodes[0]?.pid;
  if (r.alreadyRunning) {
    progress(`broker: using the one already running at ${r.bootstrap} (pid ${pid}); it stays up`);
  } else {
    progress(
      `broker: started single-node Kafka at ${r.bootstrap} (pid ${pid}); stopped at the end`,
    );
    undo.push({
      what: `broker: stopping the Kafka this bench started (pid ${pid})`,
      run: () => stop({ which: 1, quiet: true }),
    });
  }
  return { bootstrap: r.bootstrap, startedByBench: !r.alreadyRunning, pid };
}

async function freshTopic(prefix: string, bootstrap: string): Promise<string> {
  const topic = randomTopicName(prefix);
  undo.push({ what: `deleting topic ${topic}`, run: () => deleteTopic(topic, { bootstrap }) });
  await createTopic(topic, { partitions: opts.partitions, bootstrap });
  return topic;
}

function brokerCpu(broker: BrokerInfo): () => number | undefined {
  const pid = broker.pid;
  const before = pid === undefined ? undefined : cpuSecondsOf(pid);
  return () => {
    const after = pid === undefined ? undefined : cpuSecondsOf(pid);
    return before === undefined || after === undefined ? undefined : after - before;
  };
}

async function main(): Promise<number> {
  const began = performance.now();
  const broker = await ensureBroker();
  progress(`topics: creating ${opts.peers ? "two" : "one"} with ${opts.partitions} partitions`);
  const [tTopic, jTopic] = await Promise.all([
    freshTopic("bench-tributary", broker.bootstrap),
    opts.peers ? freshTopic("bench-java", broker.bootstrap) : Promise.resolve(undefined),
  ]);

  const tBroker = brokerCpu(broker);
  const t = await runTributary({
    bootstrap: broker.bootstrap,
    topic: tTopic,
    partitions: opts.partitions,
    records: opts.records,
    warmup: opts.warmup,
    valueBytes: opts.valueBytes,
    keys: opts.keys,
    lingerMs: opts.lingerMs,
    batchBytes: opts.batchBytes,
    bufferBytes: opts.bufferBytes,
    timeoutMs: opts.timeoutSeconds * 1000,
    progress,
  });
  const tBrokerCpu = tBroker();
  if (interrupt.signal.aborted) return 130;

  let j: JavaPeerResult | undefined;
  let jBrokerCpu: number | undefined;
  if (jTopic !== undefined && !interrupt.signal.aborted) {
    progress(
      `java: ProducerPerformance, ${opts.records.toLocaleString("en-US")} records${opts.keys ? " (keyless: the tool has no key option)" : ""}`,
    );
    const jBroker = brokerCpu(broker);
    j = await runJavaPeer(
      {
        topic: jTopic,
        records: opts.records,
        recordBytes: opts.valueBytes,
        props: {
          "bootstrap.servers": broker.bootstrap,
          acks: "1",
          "linger.ms": String(opts.lingerMs),
          "batch.size": String(opts.batchBytes),
          "buffer.memory": String(opts.bufferBytes),
          "compression.type": "none",
          "enable.idempotence": "false",
        },
        timeoutMs: opts.timeoutSeconds * 1000,
        onWindow: (line) => progress(`  java: ${line}`),
      },
      interrupt.signal,
    );
    jBrokerCpu = jBroker();
  }
  if (interrupt.signal.aborted) return 130;

  const json = report({
    opts,
    t,
    tBrokerCpu,
    j,
    jBrokerCpu,
    broker,
    totalSeconds: (performance.now() - began) / 1000,
  });
  if (opts.json !== undefined) {
    mkdirSync(dirname(opts.json), { recursive: true });
    writeFileSync(opts.json, `${json}\n`);
  }
  return t.ok && (j === undefined || j.ok) ? 0 : 1;
}

let code = 1;
try {
  code = await main();
} catch (err) {
  if (!interrupt.signal.aborted) console.error(`bench producer: ${(err as Error).stack ?? err}`);
} finally {
  if (!interrupt.signal.aborted) {
    await cleanup();
    // Also ends a producer abandoned by an error (a timed-out run) that still holds sockets.
    process.exit(code);
  }
}
