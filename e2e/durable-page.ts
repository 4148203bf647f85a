/**
 * The page of the durable-queue browser tests (tests/durable-queue.spec.ts), bundled with
 * esbuild's browser conditions: @tributary/producer/durable over the page's own IndexedDB, Web
 * Locks and WebSocket, exactly as an app would use it. The spec drives it through `window.durable`.
 */
import { createProducer, type DeliveryReceipt, type Producer } from "@tributary/producer";
import {
  createDurableProducer,
  type DurableProducer,
  type DurableStatsSnapshot,
  type WhenFull,
} from "@tributary/producer/durable";
import { createTelemetry } from "@tributary/producer/telemetry";

export interface OpenRequest {
  url: string;
  name: string;
  maxBytes?: number;
  whenFull?: WhenFull;
  lingerMs?: number;
  maxBlockMs?: number;
  retryBackoffMs?: number;
  retryBackoffMaxMs?: number;
  adoptIntervalMs?: number;
}

export interface ProduceRequest {
  topic: string;
  /** Values are `${prefix}-${i}`, padded with "." to `valueBytes` when given. */
  prefix: string;
  count: number;
  valueBytes?: number;
}

export interface PageStats extends DurableStatsSnapshot {
  delivered: number;
}

export interface PageReceipt {
  state: string;
  errorCode: string | undefined;
  errorMessage: string | undefined;
}

export interface TrackRequest {
  url: string;
  topic: string;
  count: number;
}

export interface TrackResult {
  sessionId: string;
  storage: string | undefined;
  states: string[];
  /** A bad call: its receipt's error code (it must fail at once, nothing queued). */
  badErrorCode: string | undefined;
}

export interface PlainRequest {
  url: string;
  topic: string;
  lingerMs: number;
  flushOnHide: boolean;
}

declare global {
  interface Window {
    durable: {
      open(request: OpenRequest): Promise<PageStats>;
      produce(request: ProduceRequest): number;
      persisted(): Promise<PageStats>;
      stats(): PageStats;
      receipts(): PageReceipt[];
      /** A plain producer (no durable queue), connected and ready for records. */
      openPlain(request: PlainRequest): Promise<void>;
      producePlain(request: ProduceRequest): number;
      /** The telemetry helper as an app uses it: one import, one call, then track(). */
      track(request: TrackRequest): Promise<TrackResult>;
    };
  }
}

let producer: DurableProducer | undefined;
let plain: Producer | undefined;
const receipts: DeliveryReceipt[] = [];

function stats(): PageStats {
  const s = producer?.stats.snapshot;
  if (s?.durable === undefined) throw new Error("no durable producer: call durable.open first");
  return { ...s.durable, delivered: s.delivered };
}

function recordValue(prefix: string, i: number, bytes: number | undefined): string {
  const v = `${prefix}-${i}`;
  return bytes === undefined ? v : v.padEnd(bytes, ".");
}

window.durable = {
  async open(r) {
    producer = createDurableProducer({
      bootstrap: r.url,
      lingerMs: r.lingerMs ?? 5,
      maxBlockMs: r.maxBlockMs ?? 2000,
      durable: {
        name: r.name,
        maxBytes: r.maxBytes,
        whenFull: r.whenFull,
        retryBackoffMs: r.retryBackoffMs,
        retryBackoffMaxMs: r.retryBackoffMaxMs,
        adoptIntervalMs: r.adoptIntervalMs,
      },
    });
    await producer.ready;
    return stats();
  },
  produce({ topic, prefix, count, valueBytes }) {
    if (producer === undefined) throw new Error("call durable.open first");
    for (let i = 0; i < count; i++) {
      receipts.push(producer.produce(topic, { value: recordValue(prefix, i, valueBytes) }));
    }
    return receipts.length;
  },
  async persisted() {
    await producer?.persisted();
    return stats();
  },
  stats,
  receipts: () =>
    receipts.map((r) => ({ state: r.state, errorCode: r.errorCode, errorMessage: r.errorMessage })),
  async openPlain({ url, topic, lingerMs, flushOnHide }) {
    plain = createProducer({ bootstrap: url, lingerMs, flushOnHide });
    // One record through flush, so that the connection and the topic's metadata are ready.
    const first = plain.produce(topic, { value: "plain-warmup" });
    await plain.flush();
    if (first.success !== true) throw new Error(`warm-up failed: ${first.errorMessage}`);
  },
  producePlain({ topic, prefix, count }) {
    if (plain === undefined) throw new Error("call durable.openPlain first");
    for (let i = 0; i < count; i++)
      plain.produce(topic, { value: recordValue(prefix, i, undefined) });
    return count;
  },
  async track({ url, topic, count }) {
    const telemetry = createTelemetry({
      bootstrap: url,
      topic,
      durable: { name: `${topic}-track` },
    });
    const tracked = Array.from({ length: count }, (_, i) =>
      telemetry.track(i % 2 === 0 ? "page_view" : "click", { seq: i, target: "#buy" }),
    );
    const bad = telemetry.track("", { seq: -1 });
    await telemetry.flush();
    const storage = telemetry.producer.stats.snapshot.durable?.storage;
    await telemetry.close();
    return {
      sessionId: telemetry.sessionId,
      storage,
      states: tracked.map((r) => r.state),
      badErrorCode: bad.errorCode,
    };
  },
};

document.body.dataset.ready = "true";
