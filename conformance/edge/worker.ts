/**
 * The Workers edge-function pattern of README.md ("Edge functions"), with what
 * conformance/test/integration/edge-workerd.test.ts needs to watch it:
 *
 *   GET /produce?topic=T&run=R&request=Q&n=N   produces N records, answers before any ack
 *   GET /report                                 each request's outcome, once its flush settled
 *
 * Producers live at module scope and outlive the requests they serve, but each serves one
 * request at a time. A Worker's sockets, timers and promise callbacks belong to the request
 * that made them, and one isolate serves overlapping requests: a producer shared by two of
 * them can carry one request's records over the other's socket, and lose them when that
 * request ends first (measured in workerd: 10 overlapping requests x 10 rounds on one shared
 * producer lost up to 80% of their records). Used by one request at a time, a producer opens
 * its connection in that request (workerd-tcp.ts recognises the socket of an ended request and
 * leaves it behind) and keeps its metadata, producer id and sequence numbers across requests.
 */
import { createProducer, type DeliveryReceipt, type Producer } from "@tributary/producer";

interface Env {
  KAFKA_BOOTSTRAP?: string;
}

/** The part of the Workers ExecutionContext this Worker uses. */
interface Context {
  waitUntil(promise: Promise<unknown>): void;
}

interface Pooled {
  readonly producer: Producer;
  /** Numbered in the order they were made: the test sees which producer served a request. */
  readonly id: number;
  /** Requests it has served, this one included. */
  uses: number;
}

/** What one request's records came to, once its flush settled. */
export interface Settled {
  producer: number;
  /** From the start of the request until every record was acknowledged or failed. */
  settledMs: number;
  delivered: number;
  failed: number;
  /** The first few failures, for the test's message. */
  errors: string[];
  /** The producer's retries so far: a socket of an ended request must not cost one. */
  retries: number;
}

/** Producers no request is using now. */
const idle: Pooled[] = [];
let made = 0;
const settled = new Map<string, Settled>();

export default {
  fetch(request: Request, env: Env, ctx: Context): Response {
    const url = new URL(request.url);
    if (url.pathname === "/report") {
      return Response.json({ made, idle: idle.length, settled: Object.fromEntries(settled) });
    }
    if (url.pathname !== "/produce") {
      return new Response(`no route for ${url.pathname}`, { status: 404 });
    }
    const started = Date.now();
    const topic = url.searchParams.get("topic") ?? "";
    const run = url.searchParams.get("run") ?? "";
    const label = url.searchParams.get("request") ?? "";
    const n = Number(url.searchParams.get("n") ?? "0");
    const lent = idle.pop() ?? {
      producer: createProducer({ bootstrap: env.KAFKA_BOOTSTRAP ?? "127.0.0.1:9092" }),
      id: ++made,
      uses: 0,
    };
    lent.uses++;
    const receipts: DeliveryReceipt[] = [];
    for (let seq = 0; seq < n; seq++) {
      receipts.push(
        lent.producer.produce(topic, { key: `${run}/${label}/${seq}`, value: `${label} ${seq}` }),
      );
    }
    // The response goes now; the request lives on until every record is acknowledged (or has
    // failed), and only then is the producer free for another request.
    ctx.waitUntil(
      lent.producer.flush().then(() => {
        settled.set(label, outcome(lent, receipts, started));
        idle.push(lent);
      }),
    );
    return Response.json({
      request: label,
      producer: lent.id,
      use: lent.uses,
      produced: n,
      completedAtResponse: receipts.filter((r) => r.completed).length,
      elapsedMs: Date.now() - started,
    });
  },
};

function outcome(lent: Pooled, receipts: DeliveryReceipt[], started: number): Settled {
  const failures = receipts.filter((r) => r.completed && !r.success);
  return {
    producer: lent.id,
    settledMs: Date.now() - started,
    delivered: receipts.filter((r) => r.success).length,
    failed: failures.length,
    errors: failures.slice(0, 3).map((r) => `${r.errorCode}: ${r.errorMessage}`),
    retries: lent.producer.stats.snapshot.retries,
  };
}
