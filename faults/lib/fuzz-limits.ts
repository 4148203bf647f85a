/**
 * The fuzz part's sizes and limits (faults/fuzz.ts), in one place: the plan and the run budget
 * (read by the CLI), the per-input, allocation and reporting limits (the child), and the hang,
 * stall and heap limits (the parent's watchdog).
 */

export const FULL_INPUTS = 1_000_000;
export const SHORT_INPUTS = 50_000;
/** A single input slower than this is a finding (after two re-runs, to rule out a stray pause). */
export const PER_INPUT_MS = 250;
/** A child stuck this long on one input is killed: a hang. */
export const HANG_MS = 10_000;
/**
 * The whole run's time budget: this much per planned input, at least MIN_BUDGET_MS (so 60 s for
 * --short, 15 min for the full run; an idle machine needs about a tenth). Past it the child
 * stops and the part fails.
 */
export const BUDGET_US_PER_INPUT = 900;
export const MIN_BUDGET_MS = 60_000;
/** A child that has not started its first input after this long is stuck. */
export const STALL_MS = 30_000;
/** The child's V8 heap cap: a runaway allocation crashes it (reported) rather than the machine. */
export const CHILD_HEAP_MB = 512;
/** Heap plus ArrayBuffers above this make the child check the input for a large allocation. */
export const MEMORY_ALARM_BYTES = 192 * 2 ** 20;
/** An input that allocates more than this (measured after a GC) is a finding. */
export const INPUT_ALLOCATION_LIMIT = 64 * 2 ** 20;
/** Findings reported in full per target (all are counted). */
export const REPORTED_PER_TARGET = 5;
export const PROGRESS_MS = 5_000;
