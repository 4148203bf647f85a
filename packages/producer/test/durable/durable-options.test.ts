import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { DURABLE_DEFAULTS, resolveDurableOptions } from "../../src/durable/durable-options.js";
import { MemoryStore } from "../../src/durable/memory-store.js";

describe("durable-queue options", () => {
  it("defaults to a 5 MiB, 7-day, drop-oldest queue; memory where there is no IndexedDB (Node)", () => {
    const o = resolveDurableOptions(undefined);
    assert.equal(o.maxBytes, 5 * 1024 * 1024);
    assert.equal(o.maxAgeMs, 7 * 24 * 3600 * 1000);
    assert.equal(o.whenFull, "drop-oldest");
    assert.equal(o.idHeader, DURABLE_DEFAULTS.idHeader);
    assert.equal(o.store.kind, "memory");
  });

  it("names the option, the rule and the value it refuses", () => {
    assert.throws(
      () => resolveDurableOptions({ whenFull: "drop-newest" }),
      /durable\.whenFull: must be "drop-oldest" or "refuse-new"; received "drop-newest"/,
    );
    assert.throws(
      () => resolveDurableOptions({ maxBytes: 10 }),
      /durable\.maxBytes: must be an integer from 1024 to .*; received 10/,
    );
    assert.throws(
      () => resolveDurableOptions({ maxAge: 5 }),
      /durable\.maxAge: is not a durable-queue option \(known: .*maxAgeMs/,
    );
    assert.throws(
      () => resolveDurableOptions({ store: {} }),
      /durable\.store: must be a DurableStore/,
    );
    assert.throws(
      () => resolveDurableOptions({ name: "" }),
      /durable\.name: must be a non-empty string/,
    );
  });

  it("takes a store passed in", () => {
    const store = new MemoryStore();
    assert.equal(resolveDurableOptions({ store }).store, store);
  });
});
