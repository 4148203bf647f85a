/**
 * What the fuzz part's parent (faults/fuzz.ts, lib/fuzz-runner.ts) and its child
 * (lib/fuzz-child.ts) share: the jobs the child is given, the messages it sends back, the
 * heartbeat file's layout and the clock both sides compare.
 */

export interface Job {
  name: string;
  /** First input index (a replay starts at the one asked for). */
  start: number;
  count: number;
}

export interface TargetStats {
  name: string;
  planned: number;
  inputs: number;
  ok: number;
  typed: number;
  findings: number;
  maxMs: number;
  /** The input that took maxMs. */
  maxIndex: number;
  /** Inputs that ran over the per-input limit once but not on a re-run. */
  reruns: number;
  memoryChecks: number;
  totalMs: number;
  stopped: string | undefined;
  /** What the target's checks counted (see `countKind`). */
  tally: Record<string, number>;
  /** Peak RSS of the child so far, in MB. */
  rssMb: number;
}

export interface FindingReport {
  target: string;
  index: number;
  message: string;
  describe: string;
  hex: string;
}

export type ChildMessage =
  | { type: "finding"; finding: FindingReport }
  | { type: "done"; stats: TargetStats }
  | { type: "log"; text: string };

/**
 * The heartbeat the child writes (one pwrite per input) and the parent polls: a file rather than
 * shared memory, so it survives the child dying in a V8 fatal error (which takes a whole process
 * down, worker threads included) and still names the input.
 */
export const HB = {
  job: 0,
  index: 1,
  startedAt: 2,
  done: 3,
  ok: 4,
  typed: 5,
  findings: 6,
  rssMb: 7,
};
export const HB_BYTES = 8 * 8;

export interface ChildJob {
  seed: number;
  jobs: Job[];
  /** When the run's time budget ends (epoch ms). */
  deadline: number;
  verbose: boolean;
  heartbeatFile: string;
}

export const now = (): number => performance.timeOrigin + performance.now();
