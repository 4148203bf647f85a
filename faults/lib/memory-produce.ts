/**
 * The memory part's producing loop: produce() as fast as the producer takes records, and on
 * QUEUE_FULL waitForRoom(), the producer's backpressure path. Delivery callbacks only count, so
 * the loop itself keeps nothing per record (faults/memory.ts).
 */
import { createProducer, type DeliveryCallback, type Producer } from "@tributary/producer";
import { VALUE_BYTES } from "./memory-sizes.js";

/** Tallies of the delivery callbacks: counters only, nothing kept per record. */
export class Tally {
  delivered = 0;
  failed = 0;
  readonly failedByCode = new Map<string, number>();
  firstError: string | undefined;
  /** QUEUE_FULL answers of produce(): the loop's cue to wait for room, not failures. */
  refusals = 0;
  /** True while produce() runs: a QUEUE_FULL reported then is a refusal to retry. */
  inProduce = false;

  readonly callback: DeliveryCallback = (_meta, err) => {
    if (err === undefined) {
      this.delivered++;
      return;
    }
    if (this.inProduce && err.code === "QUEUE_FULL") {
      this.refusals++;
      return;
    }
    this.failed++;
    this.failedByCode.set(err.code, (this.failedByCode.get(err.code) ?? 0) + 1);
    this.firstError ??= `${err.code}: ${err.message}`;
  };
}

const PAD = "x".repeat(VALUE_BYTES);

/** A fresh ~100-character JSON string per record, as an application would produce it. */
function recordValue(seq: number): string {
  const head = `{"seq":${seq},"pad":"`;
  return `${head}${PAD.slice(0, VALUE_BYTES - head.length - 2)}"}`;
}

/**
 * Produces `n` records as fast as the producer takes them: produce(), and on QUEUE_FULL wait for
 * room (waitForRoom() waits for a batch's worth, not one record's, so the loop does not spin) and
 * try the same record again. Stops with an error at `deadline` (performance.now() ms).
 */
export async function produceAll(
  producer: Producer,
  topic: string,
  n: number,
  tally: Tally,
  deadline: number,
): Promise<void> {
  for (let seq = 0; seq < n; ) {
    tally.inProduce = true;
    const receipt = producer.produce(topic, { value: recordValue(seq) }, tally.callback);
    tally.inProduce = false;
    if (receipt.errorCode !== "QUEUE_FULL") {
      seq++;
      continue;
    }
    if (performance.now() > deadline) {
      throw new Error(`producing stopped at record ${seq} of ${n}: the time limit passed`);
    }
    await producer.waitForRoom();
  }
}

/** `work`, or an error naming `what` once `ms` have passed without it settling. */
export function bounded<T>(what: string, ms: number, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms / 1000} s`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Produces `records` on a producer of its own (no quota, a small buffer so the QUEUE_FULL path
 * runs too) and closes it: loads and compiles the modules, so a heap figure taken afterwards holds
 * no module code. Throws unless every record was delivered.
 */
export async function warmUp(
  bootstrap: string,
  clientId: string,
  topic: string,
  records: number,
): Promise<Tally> {
  const warmTally = new Tally();
  const warm = createProducer({
    bootstrap,
    clientId,
    bufferBytes: 256 * 1024,
  });
  try {
    await bounded(
      "the warm-up",
      60_000,
      produceAll(warm, topic, records, warmTally, performance.now() + 60_000),
    );
  } finally {
    await bounded("the warm-up producer's close()", 30_000, warm.close());
  }
  if (warmTally.delivered !== records) {
    throw new Error(
      `warm-up: ${warmTally.delivered} of ${records} delivered; first error: ${warmTally.firstError}`,
    );
  }
  return warmTally;
}
