import { Fifo } from "./fifo.js";
import type { Transport } from "./transport/transport.js";

/** Told when a frame has been written (send()) or can no longer be. */
export interface WriteWaiter {
  resolve(): void;
  reject(error: Error): void;
}

export interface FrameWriterHooks {
  /** The transport asked us to wait (its write() returned a promise) at this time. */
  onBlocked(since: number): void;
  /** Every queued frame is written and the transport takes more. */
  onIdle(): void;
  /** write() threw or its promise rejected: the connection is lost. */
  onError(error: Error): void;
}

interface QueuedWrite {
  frame: Uint8Array;
  waiter: WriteWaiter | undefined;
}

/**
 * Hands frames to a transport strictly in the order given, honouring its backpressure: while
 * a write() promise is pending, later frames wait in a queue and are written, in order, once
 * it resolves. Frames are never reordered or merged, so the broker reads requests in the order
 * their correlation ids were assigned.
 */
export class FrameWriter {
  readonly #hooks: FrameWriterHooks;
  readonly #queue = new Fifo<QueuedWrite>();
  #transport: Transport | undefined;
  #blockedSince: number | undefined;
  /** The waiter of the frame whose write() asked us to wait: settled on that drain. */
  #blockedWaiter: WriteWaiter | undefined;
  /** Set by fail(): makes the error for frames offered afterwards. */
  #failure: (() => Error) | undefined;

  constructor(hooks: FrameWriterHooks) {
    this.#hooks = hooks;
  }

  attach(transport: Transport): void {
    this.#transport = transport;
  }

  /** When the transport last asked us to wait, or undefined while it takes writes. */
  get blockedSince(): number | undefined {
    return this.#blockedSince;
  }

  /** Nothing queued and nothing waiting for the transport to drain. */
  get idle(): boolean {
    return this.#blockedSince === undefined && this.#queue.length === 0;
  }

  /**
   * Writes `frame` now, or queues it behind a pending drain. `waiter` (for send()) resolves once
   * the frame is written and the transport takes more.
   */
  write(frame: Uint8Array, waiter?: WriteWaiter): void {
    if (this.#failure !== undefined) {
      waiter?.reject(this.#failure());
      return;
    }
    if (this.#blockedSince !== undefined || this.#queue.length > 0) {
      this.#queue.push({ frame, waiter });
    } else {
      this.#writeNow(frame, waiter);
    }
  }

  /** Rejects every frame not yet written (and the one awaiting a drain); writes no more. */
  fail(error: () => Error): void {
    this.#failure = error;
    const waiters = this.#queue.drain().map((w) => w.waiter);
    waiters.push(this.#blockedWaiter);
    this.#blockedWaiter = undefined;
    this.#blockedSince = undefined;
    for (const w of waiters) w?.reject(error());
  }

  /** Hands one frame to the transport; false when the transport asked us to wait. */
  #writeNow(frame: Uint8Array, waiter: WriteWaiter | undefined): boolean {
    let drained: Promise<void> | undefined;
    try {
      if (this.#transport === undefined) throw new Error("FrameWriter: no transport attached");
      drained = this.#transport.write(frame);
    } catch (err) {
      this.#blockedWaiter = waiter; // so that fail() rejects it with the rest
      this.#hooks.onError(err instanceof Error ? err : new Error(String(err)));
      return false;
    }
    if (drained === undefined) {
      waiter?.resolve();
      return true;
    }
    this.#blockedSince = performance.now();
    this.#blockedWaiter = waiter;
    this.#hooks.onBlocked(this.#blockedSince);
    drained.then(this.#onDrain, (err: unknown) =>
      this.#hooks.onError(err instanceof Error ? err : new Error(String(err))),
    );
    return false;
  }

  readonly #onDrain = (): void => {
    if (this.#failure !== undefined) return;
    const waiter = this.#blockedWaiter;
    this.#blockedSince = undefined;
    this.#blockedWaiter = undefined;
    waiter?.resolve();
    while (this.#queue.length > 0) {
      const next = this.#queue.shift()!;
      if (!this.#writeNow(next.frame, next.waiter)) return;
    }
    this.#hooks.onIdle();
  };
}
