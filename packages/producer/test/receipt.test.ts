import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { KafkaError, type TributaryError } from "@tributary/protocol";
import { ProducerError, ProducerErrorCode } from "../src/errors.js";
import { DeliveryReceipt, type ReceiptState, type RecordMetadata } from "../src/receipt.js";

const TOPIC = "events";
const queueFull = () =>
  new ProducerError(ProducerErrorCode.QueueFull, "the producer buffer is full", {
    retriable: true,
  });

/** Everything the receipt's listeners saw, as plain values (the receipt itself mutates in place). */
function recorder() {
  const seen: { completed: boolean; success: boolean | undefined; state: ReceiptState }[] = [];
  const listener = (r: DeliveryReceipt) =>
    seen.push({ completed: r.completed, success: r.success, state: r.state });
  return { seen, listener };
}

/** Resolves after pending timers and immediates have run: long enough for a setTimeout(0) report. */
function settle(): Promise<void> {
  return new Promise((resolve) => setTimeout(() => setImmediate(resolve), 5));
}

/**
 * Runs `body` with the test runner's own uncaughtException handlers set aside, so an error the
 * receipt reports on a fresh task lands here instead of failing the test; restores them after.
 */
async function catchingUncaught(body: (caught: unknown[]) => Promise<void>): Promise<void> {
  const saved = process.listeners("uncaughtException");
  const caught: unknown[] = [];
  const handler = (err: unknown) => caught.push(err);
  process.removeAllListeners("uncaughtException");
  process.on("uncaughtException", handler);
  try {
    await body(caught);
  } finally {
    process.off("uncaughtException", handler);
    for (const l of saved) process.on("uncaughtException", l);
  }
}

/** Svelte's `get(store)`: subscribe, take the value delivered synchronously, unsubscribe. */
function svelteGet<T>(store: { subscribe(run: (value: T) => void): () => void }): T {
  let value: T | undefined;
  let delivered = false;
  const unsubscribe = store.subscribe((v) => {
    value = v;
    delivered = true;
  });
  unsubscribe();
  assert.ok(delivered, "a Svelte store must call run synchronously inside subscribe");
  return value as T;
}

/**
 * A minimal stand-in for React's useSyncExternalStore: render once with getSnapshot(), subscribe,
 * and re-render only when the snapshot changed (Object.is), with React's tearing check that two
 * getSnapshot() calls in a row agree.
 */
function mountExternalStore<T>(
  subscribe: (onStoreChange: () => void) => () => void,
  getSnapshot: () => T,
) {
  const rendered: T[] = [];
  const render = () => {
    const value = getSnapshot();
    assert.ok(Object.is(value, getSnapshot()), "getSnapshot must return a cached value");
    rendered.push(value);
  };
  render();
  const unsubscribe = subscribe(() => {
    if (!Object.is(getSnapshot(), rendered[rendered.length - 1])) render();
  });
  // React checks once more after subscribing, in case the store changed in between.
  if (!Object.is(getSnapshot(), rendered[rendered.length - 1])) render();
  return { rendered, unmount: unsubscribe };
}

describe("DeliveryReceipt: state", () => {
  it("starts pending: not completed, success, partition and offset unknown", () => {
    const r = new DeliveryReceipt(TOPIC);
    assert.equal(r.topic, TOPIC);
    assert.equal(r.completed, false);
    assert.equal(r.success, undefined);
    assert.equal(r.partition, undefined);
    assert.equal(r.offset, undefined);
    assert.equal(r.timestamp, undefined);
    assert.equal(r.error, undefined);
    assert.equal(r.errorCode, undefined);
    assert.equal(r.errorMessage, undefined);
    assert.equal(r.state, "pending");
  });

  it("resolve() fills partition, offset and timestamp and marks it delivered", () => {
    const r = new DeliveryReceipt(TOPIC);
    r.resolve(3, 41n, 1_700_000_000_123);
    assert.equal(r.completed, true);
    assert.equal(r.success, true);
    assert.equal(r.partition, 3);
    assert.equal(r.offset, 41n);
    assert.equal(r.timestamp, 1_700_000_000_123);
    assert.equal(r.state, "delivered");
    assert.equal(r.error, undefined);
    assert.equal(r.errorCode, undefined);
  });

  it("resolve() with acks 0 leaves the offset unknown but the receipt delivered", () => {
    const r = new DeliveryReceipt(TOPIC);
    r.resolve(0, undefined, 5);
    assert.equal(r.state, "delivered");
    assert.equal(r.offset, undefined);
  });

  it("reject() sets error, errorCode and errorMessage and marks it failed", () => {
    const r = new DeliveryReceipt(TOPIC);
    const error = new KafkaError(10, { topic: TOPIC, partition: 1, operation: "Produce" });
    r.reject(error);
    assert.equal(r.completed, true);
    assert.equal(r.success, false);
    assert.equal(r.state, "failed");
    assert.equal(r.error, error);
    assert.equal(r.errorCode, "MESSAGE_TOO_LARGE");
    assert.equal(r.errorMessage, error.message);
    assert.equal(r.offset, undefined);
  });

  it("completes exactly once: a later resolve() or reject() changes nothing", () => {
    const delivered = new DeliveryReceipt(TOPIC);
    delivered.resolve(1, 10n, 100);
    delivered.reject(queueFull());
    delivered.resolve(2, 20n, 200);
    assert.equal(delivered.state, "delivered");
    assert.deepEqual([delivered.partition, delivered.offset, delivered.timestamp], [1, 10n, 100]);
    assert.equal(delivered.error, undefined);

    const failed = new DeliveryReceipt(TOPIC);
    const first = queueFull();
    failed.reject(first);
    failed.resolve(1, 10n, 100);
    failed.reject(new ProducerError(ProducerErrorCode.DeliveryTimeout, "late"));
    assert.equal(failed.state, "failed");
    assert.equal(failed.error, first);
    assert.equal(failed.errorCode, "QUEUE_FULL");
    assert.equal(failed.offset, undefined);
  });
});

describe("DeliveryReceipt: callback form", () => {
  it("calls back exactly once with (metadata, undefined) on delivery", () => {
    const calls: [RecordMetadata | undefined, TributaryError | undefined][] = [];
    const r = new DeliveryReceipt(TOPIC, (meta, err) => calls.push([meta, err]));
    assert.equal(calls.length, 0);
    r.resolve(2, 7n, 99);
    r.resolve(3, 8n, 100);
    r.reject(queueFull());
    assert.deepEqual(calls, [
      [{ topic: TOPIC, partition: 2, offset: 7n, timestamp: 99 }, undefined],
    ]);
  });

  it("calls back exactly once with (undefined, error) on failure", () => {
    const calls: [RecordMetadata | undefined, TributaryError | undefined][] = [];
    const r = new DeliveryReceipt(TOPIC, (meta, err) => calls.push([meta, err]));
    const error = queueFull();
    r.reject(error);
    r.reject(queueFull());
    r.resolve(0, 0n, 0);
    assert.equal(calls.length, 1);
    assert.equal(calls[0]?.[0], undefined);
    assert.equal(calls[0]?.[1], error);
  });

  it("sees the receipt already completed when called back", () => {
    let stateInCallback: ReceiptState | undefined;
    const r: DeliveryReceipt = new DeliveryReceipt(TOPIC, () => {
      stateInCallback = r.state;
    });
    r.resolve(0, 1n, 1);
    assert.equal(stateInCallback, "delivered");
  });
});

describe("DeliveryReceipt: subscribe", () => {
  it("calls a listener at once with completed false, then once with completed true, then never", () => {
    const r = new DeliveryReceipt(TOPIC);
    const { seen, listener } = recorder();
    r.subscribe(listener);
    assert.deepEqual(seen, [{ completed: false, success: undefined, state: "pending" }]);
    r.resolve(0, 5n, 1);
    r.resolve(0, 6n, 2);
    r.reject(queueFull());
    assert.deepEqual(seen, [
      { completed: false, success: undefined, state: "pending" },
      { completed: true, success: true, state: "delivered" },
    ]);
  });

  it("a listener sees completed false then completed true exactly once on failure too", () => {
    const r = new DeliveryReceipt(TOPIC);
    const { seen, listener } = recorder();
    r.subscribe(listener);
    r.reject(queueFull());
    r.resolve(0, 0n, 0);
    r.reject(queueFull());
    assert.deepEqual(seen, [
      { completed: false, success: undefined, state: "pending" },
      { completed: true, success: false, state: "failed" },
    ]);
  });

  it("passes the receipt itself to the listener", () => {
    const r = new DeliveryReceipt(TOPIC);
    const args: unknown[] = [];
    r.subscribe((x) => args.push(x));
    r.resolve(0, 0n, 0);
    assert.deepEqual(args, [r, r]);
  });

  it("a listener subscribed after completion is called once, with completed true", () => {
    const r = new DeliveryReceipt(TOPIC);
    r.resolve(1, 2n, 3);
    const { seen, listener } = recorder();
    r.subscribe(listener);
    assert.deepEqual(seen, [{ completed: true, success: true, state: "delivered" }]);
  });

  it("tells every one of several listeners, in subscription order", () => {
    const r = new DeliveryReceipt(TOPIC);
    const order: string[] = [];
    r.subscribe((x) => order.push(`a:${x.state}`));
    r.subscribe((x) => order.push(`b:${x.state}`));
    r.subscribe((x) => order.push(`c:${x.state}`));
    r.resolve(0, 0n, 0);
    assert.deepEqual(order, [
      "a:pending",
      "b:pending",
      "c:pending",
      "a:delivered",
      "b:delivered",
      "c:delivered",
    ]);
  });

  it("an unsubscribed listener is not called again, and unsubscribing twice is harmless", () => {
    const r = new DeliveryReceipt(TOPIC);
    const a = recorder();
    const b = recorder();
    const unsubscribeA = r.subscribe(a.listener);
    const unsubscribeB = r.subscribe(b.listener);
    unsubscribeA();
    unsubscribeA();
    r.resolve(0, 0n, 0);
    assert.equal(a.seen.length, 1, "only the call made on subscribe");
    assert.equal(b.seen.length, 2, "the other listener is unaffected by a repeated unsubscribe");
    unsubscribeB();
    unsubscribeB();
  });

  it("unsubscribing the only listener stops calls", () => {
    const r = new DeliveryReceipt(TOPIC);
    const { seen, listener } = recorder();
    const unsubscribe = r.subscribe(listener);
    unsubscribe();
    unsubscribe();
    r.reject(queueFull());
    assert.equal(seen.length, 1);
  });

  it("the same function subscribed twice is called twice and unsubscribed one at a time", () => {
    const r = new DeliveryReceipt(TOPIC);
    let calls = 0;
    const listener = () => calls++;
    const first = r.subscribe(listener);
    r.subscribe(listener);
    assert.equal(calls, 2);
    first();
    first();
    r.resolve(0, 0n, 0);
    assert.equal(calls, 3, "the second subscription still holds");
  });

  it("works unbound: `const { subscribe } = receipt` subscribes to that receipt", () => {
    const r = new DeliveryReceipt(TOPIC);
    const { subscribe } = r;
    const { seen, listener } = recorder();
    const unsubscribe = subscribe(listener);
    r.resolve(0, 0n, 0);
    unsubscribe();
    assert.deepEqual(
      seen.map((s) => s.state),
      ["pending", "delivered"],
    );
    assert.equal(r.subscribe, r.subscribe, "the bound function is made once, not per access");
  });

  it("is a Svelte store: get(store) returns the receipt synchronously and leaves no listener", () => {
    const r = new DeliveryReceipt(TOPIC);
    assert.equal(svelteGet(r).state, "pending");
    const { subscribe } = r;
    assert.equal(svelteGet({ subscribe }), r);
    r.resolve(4, 9n, 1);
    const got = svelteGet(r);
    assert.equal(got.completed, true);
    assert.equal(got.offset, 9n);
  });

  it("drives a useSyncExternalStore-style component: renders pending, then delivered, twice in all", () => {
    const r = new DeliveryReceipt(TOPIC);
    const view = mountExternalStore(r.subscribe, () => r.state);
    assert.deepEqual(view.rendered, ["pending"]);
    r.resolve(0, 1n, 1);
    assert.deepEqual(view.rendered, ["pending", "delivered"]);
    r.resolve(0, 2n, 2);
    r.reject(queueFull());
    view.unmount();
    assert.deepEqual(view.rendered, ["pending", "delivered"], "rendered exactly twice");
  });

  it("a component unmounted before delivery does not re-render", () => {
    const r = new DeliveryReceipt(TOPIC);
    const view = mountExternalStore(r.subscribe, () => r.state);
    view.unmount();
    r.reject(queueFull());
    assert.deepEqual(view.rendered, ["pending"]);
  });

  it("a throwing listener does not stop the others; its error is reported on a later task", async () => {
    await catchingUncaught(async (caught) => {
      const r = new DeliveryReceipt(TOPIC);
      const boom = new Error("listener bug");
      let throwNow = false;
      const after = recorder();
      r.subscribe(() => {
        if (throwNow) throw boom;
      });
      r.subscribe(after.listener);
      throwNow = true;
      r.resolve(0, 1n, 1);
      assert.deepEqual(
        after.seen.map((s) => s.state),
        ["pending", "delivered"],
        "the listener after the throwing one was still told",
      );
      assert.equal(r.state, "delivered");
      assert.deepEqual(caught, [], "reported asynchronously, not from resolve()");
      await settle();
      assert.deepEqual(caught, [boom]);
    });
  });

  it("a throwing single listener or callback does not break completion; both are reported", async () => {
    await catchingUncaught(async (caught) => {
      const callbackBug = new Error("callback bug");
      const listenerBug = new Error("listener bug");
      const r = new DeliveryReceipt(TOPIC, () => {
        throw callbackBug;
      });
      let armed = false;
      r.subscribe(() => {
        if (armed) throw listenerBug;
      });
      armed = true;
      r.reject(queueFull());
      assert.equal(r.state, "failed");
      await settle();
      assert.deepEqual(caught, [callbackBug, listenerBug]);
    });
  });
});

describe("DeliveryReceipt: done", () => {
  it("resolves with topic, partition, offset and timestamp", async () => {
    const r = new DeliveryReceipt(TOPIC);
    const done = r.done;
    r.resolve(5, 123n, 456);
    assert.deepEqual(await done, { topic: TOPIC, partition: 5, offset: 123n, timestamp: 456 });
    assert.equal(r.done, done, "the same promise on every access");
  });

  it("rejects with the receipt's error", async () => {
    const r = new DeliveryReceipt(TOPIC);
    const done = r.done;
    const error = queueFull();
    r.reject(error);
    await assert.rejects(done, (err) => err === error);
  });

  it("works when first accessed after delivery", async () => {
    const r = new DeliveryReceipt(TOPIC);
    r.resolve(0, 9n, 8);
    assert.deepEqual(await r.done, { topic: TOPIC, partition: 0, offset: 9n, timestamp: 8 });
  });

  it("works when first accessed after failure", async () => {
    const r = new DeliveryReceipt(TOPIC);
    const error = queueFull();
    r.reject(error);
    await assert.rejects(r.done, (err) => err === error);
  });

  it("a failed receipt whose done was never accessed causes no unhandled rejection", async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on("unhandledRejection", onUnhandled);
    try {
      const receipts = Array.from({ length: 10 }, () => new DeliveryReceipt(TOPIC));
      for (const r of receipts) r.reject(queueFull());
      const subscribed = new DeliveryReceipt(TOPIC, () => {});
      subscribed.subscribe(() => {});
      subscribed.reject(queueFull());
      await settle();
      assert.deepEqual(unhandled, []);
    } finally {
      process.off("unhandledRejection", onUnhandled);
    }
  });
});

describe("DeliveryReceipt: not thenable", () => {
  it("has no then, so await returns the receipt itself at once", async () => {
    const r = new DeliveryReceipt(TOPIC);
    assert.equal("then" in r, false);
    assert.equal((r as unknown as { then?: unknown }).then, undefined);
    // Never completed: were it thenable, `await r` would wait for the broker and lose this race
    // to a timer; a plain object resolves within a microtask.
    const tooLate = Symbol("await waited");
    let timer: ReturnType<typeof setTimeout> | undefined;
    const got = await Promise.race([
      (async () => await r)(),
      new Promise<symbol>((resolve) => {
        timer = setTimeout(() => resolve(tooLate), 0);
      }),
    ]);
    clearTimeout(timer);
    assert.equal(got, r);
    assert.equal(r.completed, false);
  });
});
