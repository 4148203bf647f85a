import type { DeliveryReceipt } from "@tributary/producer";

/** Latencies kept for the percentiles: recent enough to follow a change of settings. */
const LATENCY_WINDOW = 2000;

export interface Tally {
  produced: number;
  delivered: number;
  failed: number;
}

/**
 * Follows every receipt the page creates through its own subscribe contract until it
 * completes: counts outcomes per run and overall, and keeps produce-to-answer latencies for the
 * p50/p99 figures. Each subscription ends when its receipt completes, so nothing is held for
 * records that are done.
 */
export class ReceiptTracker {
  readonly total: Tally = { produced: 0, delivered: 0, failed: 0 };
  readonly #latencies = new Float64Array(LATENCY_WINDOW);
  #latencyCount = 0;
  #onChange: () => void;

  constructor(onChange: () => void) {
    this.#onChange = onChange;
  }

  /** Starts following `receipt`; `run` gets the same counts as the overall tally. */
  track(receipt: DeliveryReceipt, startedAt: number, run?: Tally): void {
    this.total.produced++;
    if (run) run.produced++;
    let finished = false;
    let unsubscribe: (() => void) | undefined;
    unsubscribe = receipt.subscribe((r) => {
      if (!r.completed || finished) return;
      finished = true;
      const key = r.success ? "delivered" : "failed";
      this.total[key]++;
      if (run) run[key]++;
      if (r.success) this.#addLatency(performance.now() - startedAt);
      unsubscribe?.();
      this.#onChange();
    });
    // subscribe calls the listener at once: a receipt that failed on the spot (bad input) is
    // already finished before unsubscribe exists.
    if (finished) unsubscribe();
    this.#onChange();
  }

  /** p50 and p99 of the recent latencies in ms, or undefined before the first delivery. */
  percentiles(): { p50: number; p99: number } | undefined {
    const n = Math.min(this.#latencyCount, LATENCY_WINDOW);
    if (n === 0) return undefined;
    const sorted = this.#latencies.slice(0, n).sort();
    const at = (q: number) => sorted[Math.min(n - 1, Math.floor(q * n))] ?? 0;
    return { p50: at(0.5), p99: at(0.99) };
  }

  #addLatency(ms: number): void {
    this.#latencies[this.#latencyCount % LATENCY_WINDOW] = ms;
    this.#latencyCount++;
  }
}
