/**
 * Soak: one producer at a fixed rate for N minutes, to watch delivery and memory over time.
 * Not part of CI.
 *
 *   node --conditions=source --import tsx --expose-gc faults/soak.ts [--minutes N] [--rate R]
 *     [--bootstrap host:port[,host:port…]] [--codec none|gzip|snappy|lz4|zstd] [--partitions P]
 *     [--replication F] [--value-bytes B]
 *
 * Creates its own topic and produces ~value-bytes JSON records paced against the clock: never
 * more than 1 s worth in one go, so a stall is not followed by a burst (the shortfall is dropped
 * and reported as "behind"; so is the rest of a tick's share when produce() answers QUEUE_FULL,
 * which counts as a failure with that code). Prints every 10 s: elapsed, produced, delivered,
 * failed (by code), pending, delivered records/s, RSS and heap. At the end (or on Ctrl-C) it
 * flushes and closes the producer, counts the topic's records with Kafka's GetOffsetShell (they
 * must equal the delivered count), deletes the topic, and prints a summary line and then one JSON
 * line on stdout. A second Ctrl-C skips the flush. Exit 0 when nothing failed and the count matches.
 */
import { createProducer, type DeliveryCallback } from "@tributary/producer";
import { endOffsets } from "../scripts/conformance/end-offsets.mjs";
import { createTopic, deleteTopic, randomTopicName } from "../scripts/kafka/helpers.mjs";
import { canForceGc, heapAfterGc, memoryNow, mib, startMemorySampler } from "./lib/rss.js";

const USAGE =
  "usage: faults/soak.ts [--minutes N] [--rate R] [--bootstrap host:port[,…]] [--codec none|gzip|snappy|lz4|zstd]\n" +
  "                      [--partitions P] [--replication F] [--value-bytes B]";
const CODECS = ["none", "gzip", "snappy", "lz4", "zstd"] as const;
type Codec = (typeof CODECS)[number];

interface Args {
  minutes: number;
  rate: number;
  bootstrap: string;
  codec: Codec;
  partitions: number;
  replication: number;
  valueBytes: number;
}

function parseArgs(argv: string[]): Args {
  const a: Args = {
    minutes: 10,
    rate: 2000,
    bootstrap: "127.0.0.1:9092",
    codec: "none",
    partitions: 6,
    replication: 1,
    valueBytes: 100,
  };
  const num = (flag: string, raw: string | undefined, min: number, max: number, int: boolean) => {
    const n = Number(raw);
    if (
      raw === undefined ||
      !Number.isFinite(n) ||
      n < min ||
      n > max ||
      (int && !Number.isInteger(n))
    ) {
      throw new RangeError(
        `${flag} takes ${int ? "an integer" : "a number"} from ${min} to ${max}; received ${JSON.stringify(raw ?? null)}\n${USAGE}`,
      );
    }
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]!;
    const next = (): string | undefined => argv[++i];
    switch (flag) {
      case "--minutes":
        a.minutes = num(flag, next(), 0.05, 24 * 60, false);
        break;
      case "--rate":
        a.rate = num(flag, next(), 1, 1_000_000, true);
        break;
      case "--bootstrap": {
        const v = next();
        if (v === undefined || !/^[^,\s]+:\d+(,[^,\s]+:\d+)*$/.test(v)) {
          throw new RangeError(
            `--bootstrap takes host:port[,host:port…]; received ${JSON.stringify(v ?? null)}\n${USAGE}`,
          );
        }
        a.bootstrap = v;
        break;
      }
      case "--codec": {
        const v = next();
        if (!CODECS.includes(v as Codec)) {
          throw new RangeError(
            `--codec takes one of ${CODECS.join(", ")}; received ${JSON.stringify(v ?? null)}\n${USAGE}`,
          );
        }
        a.codec = v as Codec;
        break;
      }
      case "--partitions":
        a.partitions = num(flag, next(), 1, 1000, true);
        break;
      case "--replication":
        a.replication = num(flag, next(), 1, 10, true);
        break;
      case "--value-bytes":
        a.valueBytes = num(flag, next(), 24, 1_000_000, true);
        break;
      case "--help":
      case "-h":
        process.stdout.write(`${USAGE}\n`);
        process.exit(0);
        break;
      default:
        throw new RangeError(`unknown argument ${JSON.stringify(flag)}\n${USAGE}`);
    }
  }
  return a;
}

const say = (line: string): void => {
  process.stdout.write(`${line}\n`);
};
const note = (line: string): void => {
  process.stderr.write(`[soak] ${line}\n`);
};
const fmt = (n: number): string => n.toLocaleString("en-US");

/** The most of the schedule produced in one tick; a longer shortfall is dropped as "behind". */
const MAX_CATCH_UP_MS = 1000;
const TICK_MS = 10;
const REPORT_EVERY_MS = 10_000;

class Counters {
  /** Records handed to produce(), refused ones included. */
  produced = 0;
  delivered = 0;
  failed = 0;
  readonly failedByCode = new Map<string, number>();
  firstError: string | undefined;
  /** Records the schedule asked for but the loop could not produce (stalls, full buffer). */
  behind = 0;

  readonly callback: DeliveryCallback = (_meta, err) => {
    if (err === undefined) {
      this.delivered++;
      return;
    }
    this.failed++;
    this.failedByCode.set(err.code, (this.failedByCode.get(err.code) ?? 0) + 1);
    this.firstError ??= `${err.code}: ${err.message}`;
  };

  get pending(): number {
    return this.produced - this.delivered - this.failed;
  }

  failedText(): string {
    if (this.failed === 0) return "0";
    const codes = [...this.failedByCode].map(([c, n]) => `${c} ${fmt(n)}`).join(", ");
    return `${fmt(this.failed)} (${codes})`;
  }
}

async function main(args: Args): Promise<number> {
  const topic = randomTopicName("soak");
  const { bootstrap } = args;
  let topicCreated = false;
  let stopRequested: string | undefined;
  let abandon = false;
  let wake: (() => void) | undefined;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (stopRequested === undefined) {
      stopRequested = signal;
      note(
        `${signal}: stopping; flushing, counting and deleting the topic (again to skip the flush)`,
      );
      wake?.();
    } else {
      abandon = true;
      note(`${signal} again: skipping the flush`);
      wake?.();
    }
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);

  const c = new Counters();
  let ok = false;
  try {
    note(
      `creating topic ${topic} (${args.partitions} partitions, replication ${args.replication}) on ${bootstrap}`,
    );
    await createTopic(topic, {
      partitions: args.partitions,
      replicationFactor: args.replication,
      bootstrap,
    });
    topicCreated = true;
    if (stopRequested !== undefined) return 130;

    const producer = createProducer({
      bootstrap,
      clientId: "tributary-soak",
      compression: args.codec,
    });
    const pad = "x".repeat(args.valueBytes);
    const value = (seq: number): string => {
      const head = `{"seq":${seq},"at":${Date.now()},"pad":"`;
      return `${head}${pad.slice(0, Math.max(0, args.valueBytes - head.length - 2))}"}`;
    };

    say(
      `soak: ${args.minutes} min at ${fmt(args.rate)} records/s, ${args.valueBytes} B values, codec ${args.codec}, ` +
        `topic ${topic}, ${bootstrap}`,
    );
    const sampler = startMemorySampler({ intervalMs: 250 });
    const t0 = performance.now();
    const endAt = t0 + args.minutes * 60_000;
    let lastReportAt = t0;
    let deliveredAtLastReport = 0;
    const line = (now: number): string => {
      const m = memoryNow();
      const rate = ((c.delivered - deliveredAtLastReport) * 1000) / Math.max(1, now - lastReportAt);
      deliveredAtLastReport = c.delivered;
      lastReportAt = now;
      return (
        `${((now - t0) / 1000).toFixed(0).padStart(5)} s  produced ${fmt(c.produced)}  delivered ${fmt(c.delivered)}  ` +
        `failed ${c.failedText()}  pending ${fmt(c.pending)}  ${fmt(Math.round(rate))} rec/s  ` +
        `RSS ${mib(m.rss)} MiB  heap ${mib(m.heapUsed)} MiB${c.behind > 0 ? `  behind ${fmt(c.behind)}` : ""}`
      );
    };

    // The pacing loop: on each tick, produce what the clock says is due (at most MAX_CATCH_UP_MS
    // worth), then sleep until the next tick or a stop request.
    let scheduled = 0;
    while (stopRequested === undefined) {
      const now = performance.now();
      if (now >= endAt) break;
      const due = Math.floor(((now - t0) * args.rate) / 1000) - scheduled;
      const cap = Math.max(1, Math.ceil((args.rate * MAX_CATCH_UP_MS) / 1000));
      const n = Math.min(due, cap);
      if (due > cap) c.behind += due - cap;
      scheduled += Math.max(0, due);
      for (let i = 0; i < n; i++) {
        c.produced++;
        const r = producer.produce(topic, { value: value(c.produced) }, c.callback);
        // A full buffer: the rest of this tick's share is dropped, not queued up for later.
        if (r.errorCode === "QUEUE_FULL") {
          c.behind += n - i - 1;
          break;
        }
      }
      if (now - lastReportAt >= REPORT_EVERY_MS) say(line(now));
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          wake = undefined;
          resolve();
        }, TICK_MS);
        wake = () => {
          clearTimeout(timer);
          wake = undefined;
          resolve();
        };
      });
    }
    const producedFor = performance.now() - t0;
    say(line(performance.now()));

    if (!abandon) {
      note("flushing and closing the producer");
      const limit = producer.options.deliveryTimeoutMs + 10_000;
      let timer: NodeJS.Timeout | undefined;
      let check: NodeJS.Timeout | undefined;
      const closed = await new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(false), limit);
        check = setInterval(() => {
          if (abandon) resolve(false);
        }, 100);
        producer.close().then(
          () => resolve(true),
          (err: unknown) => {
            note(`close() failed: ${(err as Error)?.message ?? err}`);
            resolve(false);
          },
        );
      });
      clearTimeout(timer);
      clearInterval(check);
      if (!closed)
        note(`close() did not finish (${abandon ? "second signal" : `after ${limit / 1000} s`})`);
    }
    const peak = sampler.stop();
    const heapAfter = canForceGc() ? await heapAfterGc() : undefined;
    const rssAtEnd = memoryNow().rss;

    let onTopic: number | undefined;
    try {
      const ends = await endOffsets(topic, bootstrap);
      onTopic = [...ends.values()].reduce((a, b) => a + b, 0);
    } catch (err) {
      note(`counting the topic failed: ${(err as Error).message.split("\n")[0]}`);
    }
    const countOk = onTopic === c.delivered;
    ok = c.failed === 0 && c.pending === 0 && countOk && c.produced > 0;
    const seconds = producedFor / 1000;
    say(
      `summary: ${ok ? "ok" : "FAILED"}, ${seconds.toFixed(1)} s at ${fmt(args.rate)}/s asked: produced ${fmt(c.produced)}, ` +
        `delivered ${fmt(c.delivered)} (${fmt(Math.round(c.delivered / Math.max(seconds, 0.001)))}/s), failed ${c.failedText()}, ` +
        `pending ${fmt(c.pending)}, behind ${fmt(c.behind)}, on topic ${onTopic === undefined ? "?" : fmt(onTopic)}` +
        `${countOk ? "" : " (≠ delivered)"}, peak RSS ${mib(peak.rss)} MiB, RSS at the end ${mib(rssAtEnd)} MiB, ` +
        `peak heap ${mib(peak.heapUsed)} MiB${heapAfter === undefined ? "" : `, heap after close + GC ${mib(heapAfter)} MiB`}` +
        `${stopRequested === undefined ? "" : `, stopped by ${stopRequested}`}`,
    );
    if (c.firstError !== undefined) note(`first failure: ${c.firstError}`);
    say(
      JSON.stringify({
        soak: true,
        ok,
        minutes: args.minutes,
        rate: args.rate,
        codec: args.codec,
        seconds: Math.round(seconds * 10) / 10,
        produced: c.produced,
        delivered: c.delivered,
        failed: c.failed,
        failedByCode: Object.fromEntries(c.failedByCode),
        pending: c.pending,
        behind: c.behind,
        onTopic: onTopic ?? null,
        peakRssMiB: mib(peak.rss),
        endRssMiB: mib(rssAtEnd),
        peakHeapMiB: mib(peak.heapUsed),
        heapAfterCloseMiB: heapAfter === undefined ? null : mib(heapAfter),
        stoppedBy: stopRequested ?? null,
      }),
    );
  } finally {
    if (topicCreated) {
      try {
        await deleteTopic(topic, { bootstrap });
        note(`deleted topic ${topic}`);
      } catch (err) {
        note(`could not delete topic ${topic}: ${(err as Error).message.split("\n")[0]}`);
      }
    }
  }
  return ok ? 0 : 1;
}

let args: Args;
try {
  args = parseArgs(process.argv.slice(2));
} catch (err) {
  process.stderr.write(`soak: ${(err as Error).message}\n`);
  process.exit(2);
}
main(args).then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`soak: failed: ${(err as Error)?.stack ?? String(err)}\n`);
    process.exit(1);
  },
);
