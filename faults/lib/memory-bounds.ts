/**
 * The memory part's bounds and how they are derived: peak RSS, live heap while producing, and
 * heap growth after close(). Each per-record figure was measured on this machine (Node 20,
 * 64-bit) and given headroom; a producer that keeps delivered records, or lets its queue grow
 * past bufferBytes, breaks them (faults/memory.ts).
 */
import { BUFFER_BYTES, BUFFER_ESTIMATE_PER_RECORD } from "./memory-sizes.js";
import { MIB } from "./rss.js";

/** The most records the buffer can hold: bufferBytes over the producer's estimate of one. */
export const MAX_QUEUED = Math.floor(BUFFER_BYTES / BUFFER_ESTIMATE_PER_RECORD); // 69,042

/**
 * Live heap (heapUsed after a full GC) one buffered record may take: its receipt (14 fields),
 * the queued record (7 fields), a boxed timestamp or two, its (empty) headers array, the value's
 * Uint8Array view, a slot in its batch. Measured here: 397 B (Node 20, 64-bit, no pointer
 * compression); 480 leaves ~20% for another V8's object layout.
 */
export const PER_RECORD_HEAP_BOUND = 480;
/**
 * The value bytes live outside the heap, in the producer's 64 KiB encoding slabs: 100 B a record
 * and a slab's unused tail. Measured with the heap: 496-545 B a record in all (ArrayBuffers read
 * right after a GC are noisy, see liveHeapBound).
 */
export const PER_RECORD_LIVE_BOUND = 600;
/** A full buffer's live memory, at most: 69,042 × 600 B = 39.5 MiB. */
const LIVE_BUFFER_BOUND = MAX_QUEUED * PER_RECORD_LIVE_BOUND;
/** Live heap beyond the buffer's records: the producer's own structures, metadata, connections. */
export const LIVE_SLACK = 16 * MIB;
/**
 * Requests in flight: maxInFlight (5) encoded requests of up to maxRequestBytes (1 MiB), and the
 * socket's copy of each.
 */
export const IN_FLIGHT_BOUND = 2 * 5 * MIB;
/**
 * RSS above the baseline may reach this many times the buffer's live memory: the live records,
 * about as much again in garbage V8 has not collected yet (old space grows ahead of the next
 * mark-compact), and dead encoding slabs and heap pages not yet returned (V8 collects dead
 * ArrayBuffers once ~64 MiB of external memory accumulates). Measured: (peak RSS - baseline) /
 * live buffer = 2.3-2.8.
 */
export const V8_SLACK = 3;
/**
 * RSS that does not scale with the queue: V8's young generation and the old-space pages it grows
 * ahead of the next mark-compact at this allocation rate (tens of MB a second of short-lived
 * objects), whatever the number of records waiting. Once bufferBytes charged each record its
 * heap (batch.ts) the buffer holds 69,042 records instead of 246,723, and the measured peak,
 * baseline + 163 MiB in the short run, was no longer proportional to the live buffer.
 */
export const GC_SLACK = 80 * MIB;

/**
 * baseline + 3 × 39.5 MiB + 10 MiB + 80 MiB ≈ baseline + 209 MiB; measured peak (short run):
 * baseline + 163 MiB. A producer that kept delivered records or their receipts (600k × ~500 B =
 * 286 MiB in the short run, 2.4 GiB in the full one), or whose queue grew past bufferBytes, breaks
 * it. The live check below is the finer one: the live heap sits ~23 MiB under its bound, so
 * ~130,000 leaked receipts fail it.
 */
export function rssBound(baselineRss: number): number {
  return baselineRss + V8_SLACK * LIVE_BUFFER_BOUND + IN_FLIGHT_BOUND + GC_SLACK;
}

/**
 * Live heap (heapUsed after a full GC, forced every `liveEverySeconds` while producing) may not
 * exceed what it was before the producer + a full buffer's records + LIVE_SLACK: no growth beyond
 * the buffer, however long the run. The heap only: ArrayBuffers right after gc() are noisy
 * (25-59 MiB in one run at the same fill), since V8 frees dead backing stores on a background
 * sweeper after the collection; a leaked record keeps its heap objects anyway.
 */
export function liveHeapBound(heapBefore: number): number {
  return heapBefore + MAX_QUEUED * PER_RECORD_HEAP_BOUND + LIVE_SLACK;
}

/**
 * heapUsed after close() + GC may exceed heapUsed before the producer by at most this: code V8
 * optimized during the run, inline caches, feedback vectors. Measured: -0.1 to +0.4 MiB.
 */
export const HEAP_ALLOWANCE = 8 * MIB;
