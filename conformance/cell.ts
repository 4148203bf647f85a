/**
 * One conformance cell, written once and run unchanged in every runtime: `records` keyed records
 * with headers go to one topic through one producer, and every receipt is awaited. Nothing here
 * touches a runtime global; each driver (drivers/*.ts) hands in its runtime's `createProducer`
 * and the options only it knows (a WebSocket constructor, a codec object or a codec name).
 *
 * What lands is judged later, outside the runtime, by Kafka's console consumer
 * (scripts/conformance/judge.mjs); record-layout.mjs is the contract between the two.
 */
import type { Producer } from "@tributary/producer";
import { addTerm, digestTerm, recordKey, recordValue } from "./record-layout.mjs";
import { cellName as nameOf, type SecurityName } from "./security.mjs";

export const CODEC_NAMES = ["none", "gzip", "snappy", "lz4", "zstd"] as const;
export type CodecName = (typeof CODEC_NAMES)[number];
/** The codecs that compress; "none" needs no codec. */
export type CompressingCodecName = Exclude<CodecName, "none">;

export const TRANSPORT_NAMES = ["tcp", "websocket"] as const;
export type TransportName = (typeof TRANSPORT_NAMES)[number];

export interface CellSpec {
  runtime: string;
  transport: TransportName;
  /** An auth cell's SASL and TLS (security.mjs); undefined for the codec cells. */
  security?: SecurityName | undefined;
  codec: CodecName;
  topic: string;
  records: number;
  /** host:port for tcp, the gateway's ws:// URL for websocket. */
  bootstrap: string;
}

/** One way receipts failed: its code, its message, and how many receipts failed so. */
export interface ErrorKind {
  code: string;
  message: string;
  count: number;
}

export interface CellResult {
  /** "<runtime>/<route>/<codec>" (security.mjs), also the `cell` header of every record. */
  cell: string;
  delivered: number;
  failed: number;
  /** The first failed receipt's code and message, or what threw; null when none failed. */
  firstError: string | null;
  /**
   * The distinct ways receipts failed (code and message), at most MAX_ERROR_KINDS of them; a
   * last kind with code "…" counts the receipts that failed in yet other ways. A cell that must
   * be refused passes only if every kind is the expected one.
   */
  errorKinds: ErrorKind[];
  /** From the first produce() to the last receipt settling (connecting included; close not). */
  elapsedMs: number;
  recordsPerSec: number;
  /** Sum of digestTerm(seq, partition, offset) over delivered receipts (record-layout.mjs). */
  digest: number;
}

/** Any runtime entry's createProducer; the option object is checked by the producer itself. */
export type CreateProducer = (options: Record<string, unknown>) => Producer;

/**
 * A failing cell must still end, with its reason: records wait at most MAX_BLOCK_MS for
 * metadata (an unreachable bootstrap), a receipt settles within DELIVERY_TIMEOUT_MS, and
 * close() is not awaited past CLOSE_TIMEOUT_MS. The orchestrator's hang timeout is above all three.
 */
const MAX_BLOCK_MS = 15_000;
const REQUEST_TIMEOUT_MS = 15_000;
const DELIVERY_TIMEOUT_MS = 20_000;
const CLOSE_TIMEOUT_MS = 10_000;

/** See CellResult.errorKinds. */
const MAX_ERROR_KINDS = 4;

export function cellName(
  spec: Pick<CellSpec, "runtime" | "transport" | "security" | "codec">,
): string {
  return nameOf(spec);
}

/**
 * Produces the cell's records and waits for every receipt. Never throws: a producer that cannot
 * even be created counts every record as failed, with the reason in `firstError`.
 */
export async function runCell(
  createProducer: CreateProducer,
  spec: CellSpec,
  extraOptions: Record<string, unknown> = {},
): Promise<CellResult> {
  const cell = cellName(spec);
  const started = Date.now();
  let producer: Producer;
  try {
    producer = createProducer({
      bootstrap: spec.bootstrap,
      clientId: `conformance-${spec.runtime}`,
      maxBlockMs: MAX_BLOCK_MS,
      requestTimeoutMs: REQUEST_TIMEOUT_MS,
      deliveryTimeoutMs: DELIVERY_TIMEOUT_MS,
      ...extraOptions,
    });
  } catch (err) {
    const code = (err as { code?: unknown } | null)?.code;
    return failedCell(
      cell,
      spec.records,
      started,
      typeof code === "string" ? code : "ERROR",
      `createProducer threw: ${errorText(err)}`,
    );
  }

  const receipts = [];
  for (let seq = 0; seq < spec.records; seq++) {
    receipts.push(
      producer.produce(spec.topic, {
        key: recordKey(seq),
        value: recordValue(cell, seq),
        headers: [
          ["cell", cell],
          ["seq", String(seq)],
        ],
      }),
    );
  }
  const outcomes = await Promise.allSettled(receipts.map((r) => r.done));
  const elapsedMs = Date.now() - started;

  let delivered = 0;
  let digest = 0;
  let firstError: string | null = null;
  const kinds = new ErrorKinds();
  for (let seq = 0; seq < outcomes.length; seq++) {
    const outcome = outcomes[seq];
    const receipt = receipts[seq];
    if (outcome?.status === "fulfilled" && receipt !== undefined) {
      const { partition, offset } = outcome.value;
      if (typeof offset !== "bigint") {
        firstError ??= `receipt ${seq} was delivered without an offset (acks=all must give one)`;
        continue;
      }
      delivered++;
      digest = addTerm(digest, digestTerm(seq, partition, Number(offset)));
    } else if (outcome?.status === "rejected") {
      firstError ??= `${receipt?.errorCode ?? "ERROR"}: ${errorText(outcome.reason)}`;
      kinds.add(receipt?.errorCode ?? "ERROR", receipt?.errorMessage ?? errorText(outcome.reason));
    }
  }

  const closeProblem = await settleWithin(producer.close(), CLOSE_TIMEOUT_MS, "close()");
  if (closeProblem !== undefined) firstError ??= closeProblem;

  return {
    cell,
    delivered,
    failed: spec.records - delivered,
    firstError,
    errorKinds: kinds.list(),
    elapsedMs,
    recordsPerSec: rate(delivered, elapsedMs),
    digest,
  };
}

/** Tallies failed receipts by (code, message); see CellResult.errorKinds. */
class ErrorKinds {
  readonly #kinds = new Map<string, ErrorKind>();
  #others = 0;

  add(code: string, message: string): void {
    const key = `${code}\n${message}`;
    const kind = this.#kinds.get(key);
    if (kind !== undefined) kind.count++;
    else if (this.#kinds.size < MAX_ERROR_KINDS) this.#kinds.set(key, { code, message, count: 1 });
    else this.#others++;
  }

  list(): ErrorKind[] {
    const list = [...this.#kinds.values()];
    if (this.#others > 0)
      list.push({ code: "…", message: "failed in yet other ways", count: this.#others });
    return list;
  }
}

/** Undefined once `promise` resolves; what went wrong if it rejects or outlasts `ms`. */
function settleWithin(promise: Promise<unknown>, ms: number, what: string) {
  return new Promise<string | undefined>((resolve) => {
    // Cleared on settle, so a finished cell leaves no timer holding the runtime open.
    const timer = setTimeout(() => resolve(`${what} did not settle within ${ms} ms`), ms);
    promise.then(
      () => {
        clearTimeout(timer);
        resolve(undefined);
      },
      (err: unknown) => {
        clearTimeout(timer);
        resolve(`${what} rejected: ${errorText(err)}`);
      },
    );
  });
}

function failedCell(
  cell: string,
  records: number,
  started: number,
  code: string,
  why: string,
): CellResult {
  const elapsedMs = Date.now() - started;
  return {
    cell,
    delivered: 0,
    failed: records,
    firstError: why,
    errorKinds: [{ code, message: why, count: records }],
    elapsedMs,
    recordsPerSec: 0,
    digest: 0,
  };
}

function rate(records: number, ms: number): number {
  return Math.round((records * 1000) / Math.max(ms, 1));
}

export function errorText(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}
