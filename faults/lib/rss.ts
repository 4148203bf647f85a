/**
 * Process memory for the faults suite: a fixed-interval sampler that keeps peaks (never a
 * growing list of samples, so the measurement does not become the leak it looks for), the heap
 * after a forced full collection, and the resources that keep the event loop alive.
 *
 * `heapAfterGc` needs `--expose-gc` (the orchestrator starts every part with it).
 */

export const MIB = 1024 * 1024;

/** Bytes as MiB with one decimal, for rows and progress lines. */
export function mib(bytes: number): number {
  return Math.round((bytes / MIB) * 10) / 10;
}

export interface MemoryFigures {
  /** Resident set size: everything the process holds in RAM (heap, Buffers, code, stacks). */
  rss: number;
  /** Live and not-yet-collected objects on V8's heap. */
  heapUsed: number;
  /** What V8 has reserved for its heap: heapUsed plus free space inside its pages. */
  heapTotal: number;
  /** Memory of ArrayBuffers and Buffers outside V8's heap (Uint8Array backing stores). */
  arrayBuffers: number;
}

export function memoryNow(): MemoryFigures {
  const m = process.memoryUsage();
  return { rss: m.rss, heapUsed: m.heapUsed, heapTotal: m.heapTotal, arrayBuffers: m.arrayBuffers };
}

export interface MemorySampler {
  /** Highest value of each figure seen so far (each at its own moment). */
  readonly peak: Readonly<MemoryFigures>;
  readonly samples: number;
  /** Takes a last sample and stops the timer; the peaks stay readable. Idempotent. */
  stop(): Readonly<MemoryFigures>;
}

export interface SamplerOptions {
  /** Default 250 ms. */
  intervalMs?: number;
  /** Called with every sample (e.g. to sample producer stats at the same moments). */
  onSample?: (now: MemoryFigures, elapsedMs: number) => void;
}

/**
 * Samples memory every `intervalMs` until stop(). The timer is unref'd: a sampler someone forgot
 * to stop must not keep the process alive, nor show up as the process's own leftover handle.
 */
export function startMemorySampler(options: SamplerOptions = {}): MemorySampler {
  const intervalMs = options.intervalMs ?? 250;
  if (!Number.isFinite(intervalMs) || intervalMs < 10) {
    throw new RangeError(`intervalMs must be at least 10 ms; received ${intervalMs}`);
  }
  const t0 = performance.now();
  const peak: MemoryFigures = { rss: 0, heapUsed: 0, heapTotal: 0, arrayBuffers: 0 };
  let samples = 0;
  const sample = (): void => {
    const now = memoryNow();
    samples++;
    for (const k of ["rss", "heapUsed", "heapTotal", "arrayBuffers"] as const) {
      if (now[k] > peak[k]) peak[k] = now[k];
    }
    options.onSample?.(now, performance.now() - t0);
  };
  sample();
  const timer = setInterval(sample, intervalMs);
  timer.unref();
  let stopped = false;
  return {
    peak,
    get samples() {
      return samples;
    },
    stop() {
      if (!stopped) {
        stopped = true;
        clearInterval(timer);
        sample();
      }
      return peak;
    },
  };
}

/**
 * Called without options on purpose: Node 20's `gc({ type: "major", execution: "sync" })` left a
 * dropped 1M-object array on the heap in a probe here, a bare gc() freed it.
 */
type GcFunction = () => void;

/** True when the process runs with --expose-gc. */
export function canForceGc(): boolean {
  return typeof (globalThis as { gc?: unknown }).gc === "function";
}

/**
 * Memory right after one full collection, synchronously: a mid-run look at what is live. It
 * pauses the process for the collection (~0.1-0.3 s at a few hundred MiB), and ArrayBuffers
 * still include dead backing stores V8's background sweeper has not freed yet.
 */
export function liveMemoryNow(): MemoryFigures {
  const gc = (globalThis as { gc?: GcFunction }).gc;
  if (typeof gc !== "function") {
    throw new Error("liveMemoryNow: global.gc is missing; run node with --expose-gc");
  }
  gc();
  return memoryNow();
}

/**
 * heapUsed after full collections. A few rounds with turns of the event loop in between: weak
 * callbacks and FinalizationRegistry work run between collections, and objects they release
 * are only freed by the next one. Returns the lowest figure seen.
 */
export async function heapAfterGc(rounds = 4): Promise<number> {
  const gc = (globalThis as { gc?: GcFunction }).gc;
  if (typeof gc !== "function") {
    throw new Error("heapAfterGc: global.gc is missing; run node with --expose-gc");
  }
  let lowest = Number.POSITIVE_INFINITY;
  for (let i = 0; i < rounds; i++) {
    gc();
    await new Promise<void>((resolve) => setImmediate(resolve));
    lowest = Math.min(lowest, process.memoryUsage().heapUsed);
  }
  return lowest;
}

/**
 * How many of each kind of resource keeps the event loop alive (TCPSocketWrap, Timeout, …),
 * from process.getActiveResourcesInfo(). Unref'd timers and sockets are not listed: they do not
 * keep the process alive.
 */
export function activeResources(): Map<string, number> {
  const counts = new Map<string, number>();
  for (const kind of process.getActiveResourcesInfo()) {
    counts.set(kind, (counts.get(kind) ?? 0) + 1);
  }
  return counts;
}

/** Resources in `after` beyond those in `before`, as "TCPSocketWrap +1"; empty when none. */
export function extraResources(before: Map<string, number>, after: Map<string, number>): string[] {
  const extra: string[] = [];
  for (const [kind, n] of after) {
    const more = n - (before.get(kind) ?? 0);
    if (more > 0) extra.push(`${kind} +${more}`);
  }
  return extra;
}

/**
 * Waits (up to `timeoutMs`) until no resources beyond `before` remain, polling every 50 ms, and
 * returns what is left over then: sockets finish closing a few ticks after close() resolves.
 */
export async function settleResources(
  before: Map<string, number>,
  timeoutMs = 3000,
): Promise<string[]> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const extra = extraResources(before, activeResources());
    if (extra.length === 0 || performance.now() >= deadline) return extra;
    // A ref'd timer (an unref'd one could let the process exit mid-wait); it has fired, and so
    // left the list, by the time the next check runs.
    await new Promise<void>((resolve) => setTimeout(resolve, 50));
  }
}
