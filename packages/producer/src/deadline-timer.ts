import { MAX_TIMER_MS } from "./connection-options.js";

/**
 * One timer for many deadlines. It is set for the earliest deadline it was told about and is
 * moved only when a sooner one arrives; deadlines that stop mattering (a request answered) do
 * not touch it. When it fires, `check(now)` deals with what expired and returns the next
 * deadline still pending (or Infinity), and the timer re-arms for it.
 *
 * Why not a timer per request: on the Produce hot path that is a setTimeout and a clearTimeout
 * per request. With the usual uniform timeout each new deadline is later than the armed one,
 * so here the cost per request is one comparison. Measured with an in-memory broker, pipelined
 * small requests: ~400-470k/s with this timer against ~210-340k/s with one timer per request.
 */
export class DeadlineTimer {
  readonly #check: (now: number) => number;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #at = Number.POSITIVE_INFINITY;

  constructor(check: (now: number) => number) {
    this.#check = check;
  }

  /** Makes sure the timer fires no later than `deadline` (a performance.now() time). */
  arm(deadline: number): void {
    if (deadline >= this.#at) return;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#at = deadline;
    // +1: a timer may fire a little before performance.now() reaches the deadline.
    const delay = Math.ceil(Math.max(deadline - performance.now(), 0)) + 1;
    this.#timer = setTimeout(this.#fire, Math.min(delay, MAX_TIMER_MS));
  }

  cancel(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#at = Number.POSITIVE_INFINITY;
  }

  readonly #fire = (): void => {
    this.#timer = undefined;
    this.#at = Number.POSITIVE_INFINITY;
    const next = this.#check(performance.now());
    if (next !== Number.POSITIVE_INFINITY) this.arm(next);
  };
}
