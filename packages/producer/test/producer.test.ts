import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { createProducer } from "../src/node.js";
import { closedPort } from "./net-helpers.js";

describe("the producer's buffer bound (no broker)", () => {
  it("refuses records with QUEUE_FULL once bufferBytes are taken, and never holds more", async () => {
    const producer = createProducer({
      bootstrap: `127.0.0.1:${await closedPort()}`,
      bufferBytes: 64 * 1024,
      batchBytes: 16 * 1024,
      maxBlockMs: 300,
    });
    const receipts = Array.from({ length: 1000 }, () =>
      producer.produce("t", { value: new Uint8Array(100) }),
    );
    const refused = receipts.filter((r) => r.errorCode === "QUEUE_FULL");
    assert.ok(refused.length > 0, "some records were refused");
    assert.ok(producer.stats.snapshot.queuedBytes <= 64 * 1024);
    assert.match(refused[0]!.errorMessage ?? "", /bufferBytes \(65536\)/);
    assert.equal(refused[0]!.error?.retriable, true);
    await producer.close();
  });

  it("waitForRoom() waits for room for the refused record plus a batch, so a produce loop cannot spin", async () => {
    const producer = createProducer({
      bootstrap: `127.0.0.1:${await closedPort()}`,
      bufferBytes: 64 * 1024,
      batchBytes: 16 * 1024,
      maxBlockMs: 300,
    });
    let r = producer.produce("t", { value: new Uint8Array(100) });
    while (r.errorCode !== "QUEUE_FULL") r = producer.produce("t", { value: new Uint8Array(100) });
    // Room for one small record may exist, but not for a batch: the wait must not resolve now.
    let resolved = false;
    const waiting = producer.waitForRoom().then(() => {
      resolved = true;
    });
    await new Promise((res) => setTimeout(res, 100));
    assert.equal(resolved, false, "waitForRoom() resolved while the buffer was still full");
    // Once the queued records fail (nothing listens), the buffer empties and the wait ends.
    await waiting;
    assert.equal(producer.stats.snapshot.queuedBytes, 0);
    await producer.close();
  });

  it("refuses a record larger than the whole buffer instead of waiting for room forever", async () => {
    const producer = createProducer({
      bootstrap: `127.0.0.1:${await closedPort()}`,
      bufferBytes: 4096,
      batchBytes: 1024,
      maxBlockMs: 300,
    });
    const r = producer.produce("t", { value: new Uint8Array(8192) });
    assert.equal(r.errorCode, "RECORD_TOO_LARGE");
    assert.match(r.errorMessage ?? "", /bufferBytes 4096/);
    await producer.close();
  });
});
