/**
 * Listeners of a snapshot that changes in bursts (the producer's stats, the durable queue's):
 * each gets the current snapshot at once on subscribe, then one call per burst of changes,
 * coalesced into a microtask, so a change costs nothing when nobody listens. A listener that
 * throws is reported on its own (rethrown from a timer) and does not stop the others.
 */
export class SnapshotListeners<T> {
  readonly #current: () => T;
  readonly #listeners = new Set<(snapshot: T) => void>();
  #scheduled = false;

  constructor(current: () => T) {
    this.#current = current;
  }

  /** Subscribe; returns the unsubscribe function. An arrow, so it can be passed unbound. */
  readonly subscribe = (listener: (snapshot: T) => void): (() => void) => {
    this.#listeners.add(listener);
    listener(this.#current());
    return () => {
      this.#listeners.delete(listener);
    };
  };

  /** Schedules one notification for the current burst of changes. */
  changed(): void {
    if (this.#scheduled || this.#listeners.size === 0) return;
    this.#scheduled = true;
    queueMicrotask(() => {
      this.#scheduled = false;
      const snapshot = this.#current();
      for (const l of [...this.#listeners]) {
        try {
          l(snapshot);
        } catch (err) {
          setTimeout(() => {
            throw err;
          }, 0);
        }
      }
    });
  }
}
