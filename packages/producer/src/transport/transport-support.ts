import { invalidArgument, type ProducerError } from "../errors.js";

/** What every transport checks before it starts: the refusal for a bad timeoutMs, if any. */
export function badConnectTimeout(timeoutMs: unknown): ProducerError | undefined {
  if (typeof timeoutMs === "number" && timeoutMs > 0 && timeoutMs <= 0x7fffffff) return undefined;
  return invalidArgument(
    "timeoutMs",
    "must be a number of milliseconds in (0, 2147483647]",
    timeoutMs,
  );
}

/** A promise with its settle functions: what a write() that must wait for a drain hands out. */
export interface Deferred {
  promise: Promise<void>;
  resolve: () => void;
  reject: (e: Error) => void;
}

export function deferred(): Deferred {
  let resolve!: () => void;
  let reject!: (e: Error) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}
