import type { Producer, ProducerStatsSnapshot } from "@tributary/producer";
import type { ThroughputChart } from "./chart.js";
import { byId, oncePerFrame } from "./dom.js";
import type { ReceiptTracker } from "./tracker.js";

/** Counters that add up over producers; a closed producer's last numbers stay in the totals. */
interface Totals {
  delivered: number;
  failed: number;
  wireBytes: number;
  uncompressedBytes: number;
}

const wireBytes = (s: ProducerStatsSnapshot) => s.meanBatchBytes * s.batchesSent;

/**
 * Records that failed for good. Under the durable queue the producer's `failed` counts failed
 * sends, and a send that failed because Kafka was out of reach is kept and sent again (a
 * resend), so it is not a failure of the record; what the queue itself removes (dropped,
 * refused, expired) is. Not exact when a record is dropped while a send of it is under way.
 */
const failures = (s: ProducerStatsSnapshot) => {
  const d = s.durable;
  return d === undefined ? s.failed : s.failed - d.resends + d.dropped + d.refused + d.expired;
};

/**
 * The live stats panel. Counters come from producer.stats.subscribe; rates are sampled once a
 * second from the delivered count and the bytes sent (wire bytes = mean batch bytes x batches,
 * after compression); the chart shows records/s for the last minute.
 */
export class StatsPanel {
  readonly #tracker: ReceiptTracker;
  readonly #chart: ThroughputChart;
  #base: Totals = { delivered: 0, failed: 0, wireBytes: 0, uncompressedBytes: 0 };
  #current: ProducerStatsSnapshot | undefined;
  #unsubscribe: (() => void) | undefined;
  #last = { at: performance.now(), delivered: 0, wireBytes: 0 };

  constructor(tracker: ReceiptTracker, chart: ThroughputChart) {
    this.#tracker = tracker;
    this.#chart = chart;
    setInterval(() => this.#sample(), 1000);
    chart.draw();
  }

  /** Follows a new producer's stats; the previous producer's final counts join the totals. */
  follow(producer: Producer): void {
    this.#retire();
    this.#unsubscribe = producer.stats.subscribe((s) => {
      this.#current = s;
      this.#scheduleRender();
    });
  }

  #retire(): void {
    this.#unsubscribe?.();
    this.#unsubscribe = undefined;
    const s = this.#current;
    if (s) {
      this.#base = {
        delivered: this.#base.delivered + s.delivered,
        failed: this.#base.failed + failures(s),
        wireBytes: this.#base.wireBytes + wireBytes(s),
        uncompressedBytes: this.#base.uncompressedBytes + wireBytes(s) * s.compressionRatio,
      };
    }
    this.#current = undefined;
  }

  #totals(): Totals & { inFlight: number } {
    const s = this.#current;
    const b = this.#base;
    return {
      delivered: b.delivered + (s?.delivered ?? 0),
      failed: b.failed + (s ? failures(s) : 0),
      wireBytes: b.wireBytes + (s ? wireBytes(s) : 0),
      uncompressedBytes: b.uncompressedBytes + (s ? wireBytes(s) * s.compressionRatio : 0),
      inFlight: s?.queuedRecords ?? 0,
    };
  }

  readonly #scheduleRender = oncePerFrame(() => this.#render());

  #render(): void {
    const t = this.#totals();
    byId("stat-delivered").textContent = t.delivered.toLocaleString("en");
    byId("stat-failed").textContent = t.failed.toLocaleString("en");
    byId("stat-inflight").textContent = t.inFlight.toLocaleString("en");
    const ratio = t.wireBytes === 0 ? 1 : t.uncompressedBytes / t.wireBytes;
    byId("stat-ratio").textContent = `${ratio.toFixed(2)}×`;
    const p = this.#tracker.percentiles();
    byId("stat-p50").textContent = p ? `${p.p50.toFixed(1)} ms` : "–";
    byId("stat-p99").textContent = p ? `${p.p99.toFixed(1)} ms` : "–";
  }

  #sample(): void {
    const now = performance.now();
    const t = this.#totals();
    const secs = (now - this.#last.at) / 1000;
    const rps = Math.max(0, (t.delivered - this.#last.delivered) / secs);
    const mbps = Math.max(0, (t.wireBytes - this.#last.wireBytes) / secs / 1e6);
    this.#last = { at: now, delivered: t.delivered, wireBytes: t.wireBytes };
    byId("stat-rps").textContent = Math.round(rps).toLocaleString("en");
    byId("stat-mbps").textContent = mbps.toFixed(2);
    this.#chart.push(rps);
    this.#render();
  }
}
