import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { RecordIdGenerator } from "../../src/durable/record-id.js";
import { UUID_V7 } from "./uuid-v7.js";

describe("durable record ids (UUIDv7)", () => {
  it("carry the time in ms in the first 48 bits, version 7 and the RFC 9562 variant", () => {
    const id = new RecordIdGenerator().next(0x0189_abcd_ef01);
    assert.match(id, UUID_V7);
    assert.equal(id.slice(0, 13), "0189abcd-ef01");
  });

  it("sort in the order they were made, also thousands within one millisecond", () => {
    const g = new RecordIdGenerator();
    const ids = Array.from({ length: 10_000 }, () => g.next(1_700_000_000_000));
    assert.deepEqual([...ids].sort(), ids);
    assert.equal(new Set(ids).size, ids.length);
    for (const id of ids) assert.match(id, UUID_V7);
  });

  it("never go backwards, whatever the clock does (property)", () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 2 ** 47 }), { minLength: 1, maxLength: 300 }),
        (times) => {
          const g = new RecordIdGenerator();
          const ids = times.map((t) => g.next(t));
          for (let i = 1; i < ids.length; i++)
            assert.ok(ids[i - 1]! < ids[i]!, `${ids[i - 1]} < ${ids[i]}`);
        },
      ),
      { numRuns: 200 },
    );
  });

  it("differ between generators made in the same millisecond (random tail)", () => {
    const a = new RecordIdGenerator().next(1000);
    const b = new RecordIdGenerator().next(1000);
    assert.notEqual(a, b);
  });
});
