import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import fc from "fast-check";
import { prng as seeded } from "../../../scripts/test-support/prng.js";
import { ProducerError, ProducerErrorCode } from "../src/errors.js";
import { choosePartition, keyedPartition, StickyPartitioner } from "../src/partitioner.js";

/** Written by Kafka's own Utils.murmur2 and BuiltInPartitioner: see fixtures/java/run.sh. */
const fixture = JSON.parse(
  readFileSync(new URL("./fixtures/murmur2-vectors.json", import.meta.url), "utf8"),
) as {
  partitionCounts: number[];
  vectors: { about?: string; text?: string; key: string; murmur2: number; partitions: number[] }[];
};

const utf8 = (s: string) => new TextEncoder().encode(s);
const toHex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
function fromHex(hex: string): Uint8Array {
  assert.ok(hex.length % 2 === 0 && /^[0-9a-f]*$/.test(hex), `bad hex ${hex}`);
  return Uint8Array.from(hex.match(/../g) ?? [], (h) => Number.parseInt(h, 16));
}

/** The Java client's partition for `key` on a topic of `partitionCount` partitions. */
function javaPartition(key: Uint8Array, partitionCount: number): number {
  const column = fixture.partitionCounts.indexOf(partitionCount);
  assert.ok(column >= 0, `no vectors for ${partitionCount} partitions`);
  const row = fixture.vectors.find((v) => v.key === toHex(key));
  assert.ok(row, `no vector for key ${toHex(key)}`);
  return row.partitions[column]!;
}

/**
 * A random source that returns `values` in order and fails the test if asked for more, so each
 * test states exactly how many draws it expects.
 */
function scripted(...values: number[]): (() => number) & { readonly calls: number } {
  let calls = 0;
  const next = () => {
    const v = values[calls];
    if (v === undefined)
      assert.fail(`random source asked for draw ${calls + 1} of ${values.length}`);
    calls++;
    return v;
  };
  return Object.defineProperty(next, "calls", { get: () => calls }) as (() => number) & {
    readonly calls: number;
  };
}

/** Asserts `fn` throws ProducerError INVALID_ARGUMENT with exactly `message`. */
function throwsInvalidArgument(fn: () => unknown, message: string): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof ProducerError, `expected ProducerError, got ${e}`);
    assert.equal(e.code, ProducerErrorCode.InvalidArgument);
    assert.equal(e.message, message);
    return true;
  });
}

describe("keyedPartition", () => {
  it("picks the partition Kafka's Java client picks, for every vector and partition count", () => {
    let checked = 0;
    for (const v of fixture.vectors) {
      const key = fromHex(v.key);
      fixture.partitionCounts.forEach((n, column) => {
        assert.equal(keyedPartition(key, n), v.partitions[column], `${v.key} over ${n}`);
        checked++;
      });
    }
    assert.ok(checked >= 1200 * 6, `${checked} checks`);
  });

  it("puts key-0 … key-999 where Java puts them on a 6-partition topic", () => {
    for (let i = 0; i < 1000; i++) {
      const key = utf8(`key-${i}`);
      assert.equal(keyedPartition(key, 6), javaPartition(key, 6), `key-${i}`);
    }
  });
});

describe("choosePartition", () => {
  it("honours an explicit partition, even for a keyed record", () => {
    const random = scripted();
    const sticky = new StickyPartitioner({ random });
    assert.equal(choosePartition({ key: utf8("key-1"), partition: 5 }, "t", 6, sticky), 5);
    assert.equal(choosePartition({ key: null, partition: 0 }, "t", 6, sticky), 0);
    assert.equal(random.calls, 0);
  });

  it("refuses an explicit partition at or past the partition count, naming field, rule and value", () => {
    const sticky = new StickyPartitioner({ random: scripted() });
    throwsInvalidArgument(
      () => choosePartition({ key: null, partition: 6 }, "orders", 6, sticky),
      'message.partition: must be below the 6 partitions of topic "orders"; received 6',
    );
    throwsInvalidArgument(
      () => choosePartition({ key: utf8("k"), partition: 1 }, "solo", 1, sticky),
      'message.partition: must be below the 1 partition of topic "solo"; received 1',
    );
  });

  it("refuses a negative or fractional explicit partition", () => {
    const sticky = new StickyPartitioner({ random: scripted() });
    for (const [partition, shown] of [
      [-1, "-1"],
      [1.5, "1.5"],
      [Number.NaN, "NaN"],
    ] as const) {
      throwsInvalidArgument(
        () => choosePartition({ key: null, partition }, "t", 6, sticky),
        `message.partition: must be an integer, 0 or more; received ${shown}`,
      );
    }
  });

  it("refuses a partition count that is not a positive integer", () => {
    const sticky = new StickyPartitioner({ random: scripted() });
    throwsInvalidArgument(
      () => choosePartition({ key: utf8("k") }, "t", 0, sticky),
      "partitionCount: must be a positive integer; received 0",
    );
  });

  it("sends a keyed record to the Java client's partition without touching the sticky partition", () => {
    const random = scripted();
    const sticky = new StickyPartitioner({ random });
    for (const i of [0, 1, 2, 3, 42, 999]) {
      const key = utf8(`key-${i}`);
      assert.equal(choosePartition({ key }, "t", 6, sticky), javaPartition(key, 6), `key-${i}`);
      assert.equal(
        choosePartition({ key, partition: undefined }, "t", 100, sticky),
        javaPartition(key, 100),
      );
    }
    assert.equal(random.calls, 0);
  });

  it("hashes an empty key, as Java does (only null is keyless)", () => {
    const random = scripted();
    const sticky = new StickyPartitioner({ random });
    const empty = new Uint8Array(0);
    for (const n of fixture.partitionCounts) {
      assert.equal(choosePartition({ key: empty }, "t", n, sticky), javaPartition(empty, n));
    }
    assert.equal(random.calls, 0);
  });

  it("sends null- and undefined-keyed records to the sticky partition", () => {
    const sticky = new StickyPartitioner({ random: scripted(4.5 / 6) });
    assert.equal(choosePartition({ key: null }, "t", 6, sticky), 4);
    assert.equal(choosePartition({ key: undefined }, "t", 6, sticky), 4);
    assert.equal(choosePartition({}, "t", 6, sticky), 4);
  });

  it("passes the partitions with a leader to the sticky choice", () => {
    const sticky = new StickyPartitioner({ random: scripted(0.99) });
    assert.equal(choosePartition({ key: null }, "t", 6, sticky, [1, 3]), 3);
  });
});

describe("StickyPartitioner", () => {
  it("chooses once and keeps every keyless record of a topic on that partition", () => {
    const random = scripted(2.5 / 6);
    const sticky = new StickyPartitioner({ random });
    for (let i = 0; i < 1000; i++) assert.equal(sticky.partitionFor("t", 6), 2);
    assert.equal(random.calls, 1);
  });

  it("moves to a different partition after the sticky partition's batch closes", () => {
    // First choice 2; after the close, the first draw lands on 2 again and is redrawn among
    // the other five.
    const random = scripted(2.5 / 6, 2.5 / 6, 0.99);
    const sticky = new StickyPartitioner({ random });
    assert.equal(sticky.partitionFor("t", 6), 2);
    sticky.onBatchClosed("t", 2);
    assert.equal(sticky.partitionFor("t", 6), 5);
    assert.equal(sticky.partitionFor("t", 6), 5);
    assert.equal(random.calls, 3);
  });

  it("never repeats the partition it just left when there is another, for any random draws", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 100 }),
        fc.array(fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), {
          minLength: 40,
          maxLength: 40,
        }),
        (n, draws) => {
          let d = 0;
          const sticky = new StickyPartitioner({ random: () => draws[d++ % draws.length]! });
          let previous = sticky.partitionFor("t", n);
          for (let round = 0; round < 15; round++) {
            sticky.onBatchClosed("t", previous);
            const next = sticky.partitionFor("t", n);
            assert.ok(Number.isInteger(next) && next >= 0 && next < n, `${next} of ${n}`);
            assert.notEqual(next, previous);
            previous = next;
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it("after a close, each other partition is exactly equally likely", () => {
    // Enumerates every outcome of the (at most two) draws after the close, each draw at the
    // middle of its slot, weighted by its probability: the new partition must be uniform over
    // the candidates other than the partition left, whether the candidates are all partitions
    // or a list of available ones (with or without the partition left in it).
    const cases: { n: number; previous: number; available?: number[] }[] = [
      { n: 2, previous: 0 },
      { n: 6, previous: 3 },
      { n: 7, previous: 6 },
      { n: 6, previous: 4, available: [0, 2, 4, 5] },
      { n: 6, previous: 1, available: [0, 2, 4, 5] },
    ];
    for (const { n, previous, available } of cases) {
      const slots = available?.length ?? n;
      /** Sticks to `previous`, closes its batch, then chooses again with `draws`. */
      const afterClose = (...draws: number[]) => {
        const random = scripted((previous + 0.5) / n, ...draws);
        const sticky = new StickyPartitioner({ random });
        assert.equal(sticky.partitionFor("t", n), previous);
        sticky.onBatchClosed("t", previous);
        return { next: sticky.partitionFor("t", n, available), draws: random.calls - 1 };
      };
      const probability = new Map<number, number>();
      const add = (p: number, weight: number) =>
        probability.set(p, (probability.get(p) ?? 0) + weight);
      for (let i = 0; i < slots; i++) {
        const first = afterClose((i + 0.5) / slots, Number.NaN);
        if (first.draws === 1) {
          add(first.next, 1 / slots);
          continue;
        }
        for (let j = 0; j < slots - 1; j++) {
          const second = afterClose((i + 0.5) / slots, (j + 0.5) / (slots - 1));
          add(second.next, 1 / slots / (slots - 1));
        }
      }
      const label = JSON.stringify({ n, previous, available });
      const others = available?.includes(previous) === false ? slots : slots - 1;
      assert.equal(probability.has(previous), false, `never back to ${previous}: ${label}`);
      assert.equal(probability.size, others, label);
      for (const [p, weight] of probability) {
        assert.ok(Math.abs(weight - 1 / others) < 1e-12, `${label} partition ${p}: ${weight}`);
      }
    }
  });

  it("spreads keyless records evenly over the partitions across many closes", () => {
    const sticky = new StickyPartitioner({ random: seeded(20240601) });
    const counts = new Array<number>(6).fill(0);
    for (let batch = 0; batch < 6000; batch++) {
      const p = sticky.partitionFor("t", 6);
      counts[p]!++;
      sticky.onBatchClosed("t", p);
    }
    for (const c of counts) assert.ok(c > 850 && c < 1150, `counts ${counts}`);
  });

  it("ignores the close of a batch that is not the sticky partition's", () => {
    const random = scripted(1.5 / 6);
    const sticky = new StickyPartitioner({ random });
    assert.equal(sticky.partitionFor("t", 6), 1);
    sticky.onBatchClosed("t", 4);
    sticky.onBatchClosed("other", 1);
    assert.equal(sticky.partitionFor("t", 6), 1);
    assert.equal(random.calls, 1);
  });

  it("keeps one sticky partition per topic", () => {
    const random = scripted(0.5 / 6, 5.5 / 6, 3.5 / 6);
    const sticky = new StickyPartitioner({ random });
    assert.equal(sticky.partitionFor("a", 6), 0);
    assert.equal(sticky.partitionFor("b", 6), 5);
    assert.equal(sticky.partitionFor("a", 6), 0);
    sticky.onBatchClosed("a", 0);
    assert.equal(sticky.partitionFor("b", 6), 5);
    assert.equal(sticky.partitionFor("a", 6), 3);
    assert.equal(sticky.partitionFor("b", 6), 5);
  });

  it("stays on a single-partition topic after its batch closes", () => {
    const random = scripted(0.7, 0.2);
    const sticky = new StickyPartitioner({ random });
    assert.equal(sticky.partitionFor("t", 1), 0);
    sticky.onBatchClosed("t", 0);
    assert.equal(sticky.partitionFor("t", 1), 0);
    assert.equal(random.calls, 2);
  });

  it("chooses among the partitions with a leader, or among all when none is listed", () => {
    const sticky = new StickyPartitioner({ random: scripted(0.6, 0.5, 0.99, 0.3) });
    assert.equal(sticky.partitionFor("a", 12, [7, 9]), 9);
    assert.equal(sticky.partitionFor("b", 12, []), 6);
    sticky.onBatchClosed("a", 9);
    // The draw lands on 9 again; the redraw has only 7 left.
    assert.equal(sticky.partitionFor("a", 12, [7, 9]), 7);
  });

  it("returns to the only available partition even if it is the one just left", () => {
    const sticky = new StickyPartitioner({ random: scripted(0.1, 0.9) });
    assert.equal(sticky.partitionFor("t", 6, [4]), 4);
    sticky.onBatchClosed("t", 4);
    assert.equal(sticky.partitionFor("t", 6, [4]), 4);
  });

  it("chooses anew when the sticky partition is past a smaller partition count", () => {
    const sticky = new StickyPartitioner({ random: scripted(5.5 / 6, 0.5 / 3) });
    assert.equal(sticky.partitionFor("t", 6), 5);
    assert.equal(sticky.partitionFor("t", 3), 0);
  });

  it("stays in range when the injected random source misbehaves", () => {
    for (const bad of [1, 1.5, -0.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      const sticky = new StickyPartitioner({ random: () => bad });
      for (let round = 0; round < 5; round++) {
        const p = sticky.partitionFor("t", 6, round % 2 === 0 ? undefined : [1, 2, 3]);
        assert.ok(Number.isInteger(p) && p >= 0 && p < 6, `${bad} gave ${p}`);
        sticky.onBatchClosed("t", p);
      }
    }
  });

  it("refuses a random source that is not a function", () => {
    throwsInvalidArgument(
      () => new StickyPartitioner({ random: 4 as unknown as () => number }),
      "random: must be a function returning a number in [0, 1); received 4",
    );
  });
});
