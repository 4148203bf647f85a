/**
 * The memory part's process plumbing (see the faults contract): `[memory]` progress lines on
 * stderr, the undo steps that remove what the run set up, and the one RESULT line on stdout
 * with the exit code that matches it.
 */

export const PART = "memory";
export const log = (line: string): void => {
  process.stderr.write(`[${PART}] ${line}\n`);
};

export type Row = Record<string, string | number | boolean>;
export interface PartResult {
  part: string;
  ok: boolean;
  rows: Row[];
  notes: string[];
}

const undo: { what: string; run: () => Promise<unknown> }[] = [];
let cleaning: Promise<void> | undefined;

/** Registers a step for cleanup() to run: `what` is logged once it has run. */
export function undoLater(what: string, run: () => Promise<unknown>): void {
  undo.push({ what, run });
}

/** Undoes every step registered so far, newest first, each once; failures are logged only. */
export function cleanup(): Promise<void> {
  cleaning ??= (async () => {
    for (const step of undo.splice(0).reverse()) {
      try {
        await step.run();
        log(`cleanup: ${step.what}`);
      } catch (err) {
        log(`cleanup: ${step.what} FAILED: ${(err as Error).message.split("\n")[0]}`);
      }
    }
  })();
  return cleaning;
}

/**
 * How long the cleanup after a signal or crash may take before the RESULT line goes out anyway:
 * within the 60 s scripts/faults.mjs grants after its SIGTERM before SIGKILL.
 */
const CLEANUP_BOUND_MS = 45_000;

let printed = false;
export function finish(result: PartResult): never {
  if (!printed) {
    printed = true;
    process.stdout.write(`RESULT ${JSON.stringify(result)}\n`);
  }
  process.exit(result.ok ? 0 : 1);
}

/** A failed part's result: no rows, one note saying why. */
export function failure(note: string): PartResult {
  return { part: PART, ok: false, rows: [], notes: [note] };
}

/** Cleans up (bounded by CLEANUP_BOUND_MS) and exits with a failed RESULT saying `why`. */
export function abandon(why: string): void {
  const bail = setTimeout(
    () => finish(failure(`${why} (cleanup took over ${CLEANUP_BOUND_MS / 1000} s)`)),
    CLEANUP_BOUND_MS,
  );
  void cleanup().finally(() => {
    clearTimeout(bail);
    finish(failure(why));
  });
}
