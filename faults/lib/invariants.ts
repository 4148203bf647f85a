/**
 * The judge of a fault scenario: what the producer's receipts said against what Kafka's console
 * consumer found on the topic. The invariants (issue 8):
 * - every acknowledged record is on the topic exactly once, at the partition and offset its
 *   receipt names (two receipts naming one offset, @platformatic/kafka #326, fail this too);
 * - within a partition, records sit in the order they were produced (ids only grow);
 * - no receipt is still pending after deliveryTimeoutMs, and none completed later than that;
 * - every failed receipt carries an error code and message, and its record is not on the topic;
 *   except OUTCOME_UNKNOWN, whose very meaning is "a request carrying it got no answer, so the
 *   broker may have written it": such a record may be there, but at most once.
 * Record ids are the keys the workload gave them (workload.ts).
 */

/** What the judge reads from a receipt (DeliveryReceipt has all of it). */
export interface ReceiptView {
  readonly completed: boolean;
  readonly success: boolean | undefined;
  readonly partition: number | undefined;
  readonly offset: bigint | undefined;
  readonly errorCode: string | undefined;
  readonly errorMessage: string | undefined;
}

/** What the judge reads from a consumed record (scripts/kafka's ConsumedRecord has all of it). */
export interface LandedRecord {
  readonly partition: number;
  readonly offset: number;
  readonly key: string | null;
}

export interface JudgeInput {
  receipts: readonly ReceiptView[];
  /** performance.now() times by id; completedAt 0 = not completed. */
  producedAt: ArrayLike<number>;
  completedAt: ArrayLike<number>;
  landed: readonly LandedRecord[];
  /** Records the topic holds (sum of end offsets), to catch a read that stopped short. */
  onTopic: number;
  deliveryTimeoutMs: number;
  /** Tolerance on top of deliveryTimeoutMs for "late" (timer granularity, the expiry check period). */
  lateSlackMs: number;
}

export interface Verdict {
  produced: number;
  delivered: number;
  failed: number;
  failedByCode: Record<string, number>;
  pending: number;
  landed: number;
  /** Extra copies of acknowledged records. */
  duplicates: number;
  /** Acknowledged records not on the topic. */
  missing: number;
  /** Acknowledged records found at another partition/offset than their receipt says (or with no offset). */
  misplaced: number;
  /** Offsets named by more than one receipt. */
  offsetCollisions: number;
  /** Adjacent records of a partition whose ids go down. */
  outOfOrder: number;
  failedButLanded: number;
  failedWithoutReason: number;
  /** OUTCOME_UNKNOWN receipts whose record is on the topic (once; allowed by that code). */
  unknownLanded: number;
  pendingButLanded: number;
  /** Records on the topic whose key is no id of this run. */
  strays: number;
  /** Receipts that completed later than deliveryTimeoutMs (+ slack) after produce(). */
  late: number;
  /** Longest produce-to-completion time, ms. */
  maxLatencyMs: number;
  /** The first few examples of each violation, in words. */
  problems: string[];
  ok: boolean;
}

const EXAMPLES = 3;

export function judge(input: JudgeInput): Verdict {
  const { receipts, landed } = input;
  const n = receipts.length;
  const copies = new Uint32Array(n);
  const firstPartition = new Int32Array(n).fill(-1);
  const firstOffset = new Float64Array(n).fill(-1);
  const problems: string[] = [];
  const examples = new Map<string, number>();
  const note = (kind: string, text: string) => {
    const seen = examples.get(kind) ?? 0;
    examples.set(kind, seen + 1);
    if (seen < EXAMPLES) problems.push(`${kind}: ${text}`);
  };

  let strays = 0;
  const byPartition = new Map<number, { offset: number; id: number }[]>();
  for (const r of landed) {
    const id = idOf(r.key, n);
    if (id === undefined) {
      strays++;
      note(
        "stray",
        `p${r.partition}@${r.offset} has key ${JSON.stringify(r.key)}, no id of this run`,
      );
      continue;
    }
    const seen = copies[id]!;
    copies[id] = seen + 1;
    if (seen === 0) {
      firstPartition[id] = r.partition;
      firstOffset[id] = r.offset;
    } else {
      note(
        "duplicate",
        `record ${id} at p${r.partition}@${r.offset}, first at p${firstPartition[id]}@${firstOffset[id]}`,
      );
    }
    let list = byPartition.get(r.partition);
    if (list === undefined) {
      list = [];
      byPartition.set(r.partition, list);
    }
    list.push({ offset: r.offset, id });
  }

  let outOfOrder = 0;
  for (const [partition, list] of byPartition) {
    list.sort((a, b) => a.offset - b.offset);
    // A record is out of order when a record produced after it sits before it.
    let highest = -1;
    let first: { offset: number; id: number; after: { offset: number; id: number } } | undefined;
    for (let i = 0; i < list.length; i++) {
      const cur = list[i]!;
      if (cur.id < highest) {
        outOfOrder++;
        first ??= { ...cur, after: list[i - 1]! };
      } else highest = cur.id;
    }
    if (first !== undefined) {
      note(
        "out of order",
        `p${partition}: record ${first.id}@${first.offset} after ${first.after.id}@${first.after.offset}; the partition in offset order: ${runsOf(list)}`,
      );
    }
  }

  let delivered = 0;
  let failed = 0;
  let pending = 0;
  let duplicates = 0;
  let missing = 0;
  let misplaced = 0;
  let failedButLanded = 0;
  let failedWithoutReason = 0;
  let unknownLanded = 0;
  let pendingButLanded = 0;
  let late = 0;
  let maxLatencyMs = 0;
  const failedByCode: Record<string, number> = {};
  const claimed = new Map<string, number>();
  let offsetCollisions = 0;
  const lateAfter = input.deliveryTimeoutMs + input.lateSlackMs;

  for (let id = 0; id < n; id++) {
    const r = receipts[id]!;
    const c = copies[id]!;
    if (r.completed) {
      const latency = (input.completedAt[id] ?? 0) - (input.producedAt[id] ?? 0);
      if (latency > maxLatencyMs) maxLatencyMs = latency;
      if (latency > lateAfter) {
        late++;
        note("late", `record ${id} completed ${Math.round(latency)} ms after produce()`);
      }
    }
    if (!r.completed) {
      pending++;
      if (c > 0) pendingButLanded++;
      note("pending", `record ${id} (p${r.partition ?? "?"}) never completed`);
      continue;
    }
    if (r.success !== true) {
      failed++;
      const code = r.errorCode ?? "(no code)";
      failedByCode[code] = (failedByCode[code] ?? 0) + 1;
      if (!r.errorCode || !r.errorMessage) {
        failedWithoutReason++;
        note(
          "failed without reason",
          `record ${id}: code ${r.errorCode}, message ${r.errorMessage}`,
        );
      }
      if (code === "OUTCOME_UNKNOWN") {
        if (c === 1) unknownLanded++;
        if (c > 1) {
          duplicates += c - 1;
          note("duplicate", `record ${id} (OUTCOME_UNKNOWN) is on the topic ${c} times`);
        }
        continue;
      }
      if (c > 0) {
        failedButLanded++;
        note(
          "failed but landed",
          `record ${id} failed (${code}: ${(r.errorMessage ?? "").slice(0, 240)}) yet sits at p${firstPartition[id]}@${firstOffset[id]}`,
        );
      }
      continue;
    }
    delivered++;
    if (c === 0) {
      missing++;
      note("missing", `record ${id} acknowledged at p${r.partition}@${r.offset}, not on the topic`);
      continue;
    }
    if (c > 1) duplicates += c - 1;
    if (
      r.offset === undefined ||
      r.partition !== firstPartition[id] ||
      Number(r.offset) !== firstOffset[id]
    ) {
      misplaced++;
      note(
        "misplaced",
        `record ${id}: receipt p${r.partition}@${r.offset}, found at p${firstPartition[id]}@${firstOffset[id]}`,
      );
    }
    if (r.offset !== undefined) {
      const where = `${r.partition}@${r.offset}`;
      const other = claimed.get(where);
      if (other === undefined) claimed.set(where, id);
      else {
        offsetCollisions++;
        note("offset collision", `records ${other} and ${id} were both acknowledged at p${where}`);
      }
    }
  }
  if (landed.length !== input.onTopic) {
    note("read", `the consumer read ${landed.length} records, the topic holds ${input.onTopic}`);
  }

  const ok =
    pending === 0 &&
    duplicates === 0 &&
    missing === 0 &&
    misplaced === 0 &&
    offsetCollisions === 0 &&
    outOfOrder === 0 &&
    failedButLanded === 0 &&
    failedWithoutReason === 0 &&
    strays === 0 &&
    late === 0 &&
    landed.length === input.onTopic;
  return {
    produced: n,
    delivered,
    failed,
    failedByCode,
    pending,
    landed: landed.length,
    duplicates,
    missing,
    misplaced,
    offsetCollisions,
    outOfOrder,
    failedButLanded,
    failedWithoutReason,
    unknownLanded,
    pendingButLanded,
    strays,
    late,
    maxLatencyMs: Math.round(maxLatencyMs),
    problems,
    ok,
  };
}

/**
 * A partition's ids in offset order as ascending runs, "ids 82..538 (39) @0-38 | 10..70 (6)
 * @39-44 | …", at most 6 runs: the shape of a reordering at a glance.
 */
function runsOf(list: readonly { offset: number; id: number }[]): string {
  const runs: string[] = [];
  let start = 0;
  for (let i = 1; i <= list.length; i++) {
    if (i < list.length && list[i]!.id > list[i - 1]!.id) continue;
    const a = list[start]!;
    const b = list[i - 1]!;
    runs.push(`ids ${a.id}..${b.id} (${i - start}) @${a.offset}-${b.offset}`);
    start = i;
  }
  return runs.length <= 6
    ? runs.join(" | ")
    : `${runs.slice(0, 6).join(" | ")} | … ${runs.length} runs`;
}

/** The id a key names, if it is one of 0..n-1 written the way the workload writes it. */
function idOf(key: string | null, n: number): number | undefined {
  if (key === null || !/^(0|[1-9]\d{0,9})$/.test(key)) return undefined;
  const id = Number(key);
  return id < n ? id : undefined;
}

/**
 * Runs the judge on a made-up ledger with one of each violation planted, and returns what it
 * failed to see (empty when it sees everything). A judge that cannot fail proves nothing, so
 * the scenarios refuse to run on one that misses a planted fault.
 */
export function selfCheck(): string[] {
  const ok = (partition: number, offset: number): ReceiptView => ({
    completed: true,
    success: true,
    partition,
    offset: BigInt(offset),
    errorCode: undefined,
    errorMessage: undefined,
  });
  const failed = (code: string | undefined, message: string | undefined): ReceiptView => ({
    completed: true,
    success: false,
    partition: 0,
    offset: undefined,
    errorCode: code,
    errorMessage: message,
  });
  // Partition 0: 1 duplicated, 2 missing. Partition 1: 3 and 4 both acknowledged at @0, 4 found
  // at @1. Partition 2: 5 failed yet landed, 8 late. Partition 3: 10 before 9. Partition 4: a
  // stray. 6 failed without a reason, 7 never completed; the topic holds one record more.
  const receipts: ReceiptView[] = [
    ok(0, 0),
    ok(0, 1),
    ok(0, 2),
    ok(1, 0),
    ok(1, 0),
    failed("DELIVERY_TIMEOUT", "gave up"),
    failed(undefined, undefined),
    { ...ok(2, 2), completed: false, success: undefined, offset: undefined },
    ok(2, 1),
    ok(3, 1),
    ok(3, 0),
  ];
  const landed: LandedRecord[] = [
    { partition: 0, offset: 0, key: "0" },
    { partition: 0, offset: 1, key: "1" },
    { partition: 0, offset: 3, key: "1" },
    { partition: 1, offset: 0, key: "3" },
    { partition: 1, offset: 1, key: "4" },
    { partition: 2, offset: 0, key: "5" },
    { partition: 2, offset: 1, key: "8" },
    { partition: 3, offset: 0, key: "10" },
    { partition: 3, offset: 1, key: "9" },
    { partition: 4, offset: 0, key: "x" },
  ];
  const producedAt = receipts.map(() => 1000);
  const completedAt = receipts.map((_, i) => (i === 8 ? 1000 + 70_000 : 1500));
  const v = judge({
    receipts,
    producedAt,
    completedAt,
    landed,
    onTopic: landed.length + 1,
    deliveryTimeoutMs: 60_000,
    lateSlackMs: 5000,
  });
  const expected: Partial<Record<keyof Verdict, number | boolean>> = {
    delivered: 8,
    failed: 2,
    duplicates: 1,
    missing: 1,
    misplaced: 1,
    offsetCollisions: 1,
    outOfOrder: 1,
    failedButLanded: 1,
    failedWithoutReason: 1,
    pending: 1,
    late: 1,
    strays: 1,
    ok: false,
  };
  const misses: string[] = [];
  for (const [k, want] of Object.entries(expected)) {
    const got = v[k as keyof Verdict];
    if (got !== want)
      misses.push(`${k}: expected ${want}, the judge counted ${JSON.stringify(got)}`);
  }
  if (!v.problems.some((p) => p.startsWith("read:"))) misses.push("a short read went unnoticed");
  // And a judge that always fails proves nothing either: a clean ledger must pass.
  // It also holds one OUTCOME_UNKNOWN record that landed (allowed) and one that did not.
  const clean = judge({
    receipts: [
      ok(0, 0),
      ok(0, 1),
      ok(1, 0),
      failed("OUTCOME_UNKNOWN", "maybe"),
      failed("OUTCOME_UNKNOWN", "maybe"),
    ],
    producedAt: [0, 0, 0, 0, 0],
    completedAt: [10, 10, 10, 10, 10],
    landed: [
      { partition: 1, offset: 0, key: "2" },
      { partition: 0, offset: 0, key: "0" },
      { partition: 0, offset: 1, key: "1" },
      { partition: 0, offset: 2, key: "3" },
    ],
    onTopic: 4,
    deliveryTimeoutMs: 60_000,
    lateSlackMs: 5000,
  });
  if (!clean.ok) misses.push(`a clean ledger failed: ${clean.problems.join("; ")}`);
  if (clean.unknownLanded !== 1)
    misses.push(`unknownLanded: expected 1, got ${clean.unknownLanded}`);
  return misses;
}
