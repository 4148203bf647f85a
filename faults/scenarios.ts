/**
 * Broker and gateway faults against the three-node cluster (issue 8), judged by Kafka's console
 * consumer. A part script of `npm run faults` (scripts/faults.mjs): progress on stderr, one
 * `RESULT {json}` line on stdout, exit 0 iff every invariant held. See faults/README.md.
 *
 *   node --conditions=source --import tsx --expose-gc faults/scenarios.ts [--short] [--scenario 1,3,5a]
 *
 * Each scenario: a fresh topic (12 partitions, replication 3, min.insync.replicas 2), an
 * idempotent acks=all producer (the defaults), a stream of records produced in order, one fault
 * injected mid-stream and undone, every receipt waited for (at most deliveryTimeoutMs after the
 * last produce), then the topic read back and judged (faults/lib/invariants.ts).
 */
import {
  createProducer,
  type Producer,
  type ProducerOptions,
  type WebSocketConstructor,
} from "@tributary/producer";
import { WebSocket } from "ws";
import { endOffsets } from "../scripts/conformance/end-offsets.mjs";
import { consume, createTopic, deleteTopic, randomTopicName } from "../scripts/kafka/helpers.mjs";
import {
  acquireCluster,
  busiestLeader,
  type ClusterLease,
  describeTopic,
  electPreferredLeaders,
  ensureGatewayBuilt,
  FaultInjector,
  freePort,
  fullyReplicated,
  GatewayProcess,
  leaderCounts,
  sleep,
  type TopicView,
  waitForView,
} from "./lib/cluster-control.js";
import { judge, selfCheck, type Verdict } from "./lib/invariants.js";
import { startWorkload, type Workload } from "./lib/workload.js";

const PART = "scenarios";
const SHORT = process.argv.includes("--short");
const PARTITIONS = 12;
const REPLICAS = 3;
const VALUE_BYTES = 200;
/** Records per scenario: the issue's 200,000 at full speed; --short 20,000, paced (see rateOf). */
const RECORDS = SHORT ? 20_000 : 200_000;
const DELIVERY_TIMEOUT_MS = 60_000;
/** After deliveryTimeoutMs the expiry check (every 250 ms-1 s) and timers may lag a little. */
const SETTLE_MARGIN_MS = 5000;
/** Hard bound on one scenario, from topic creation to verdict. */
const SCENARIO_LIMIT_MS = SHORT ? 150_000 : 420_000;
const GATEWAY_TOPICS = "t-faults-*";

const began = Date.now();
let lastLogAt = 0;
let step = "starting";
function log(line: string): void {
  lastLogAt = Date.now();
  process.stderr.write(`[${PART}] ${line}\n`);
}
const secs = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const fmt = (n: number) => n.toLocaleString("en-US");

/** What a scenario's fault script gets. */
interface Context {
  lease: ClusterLease;
  injector: FaultInjector;
  topic: string;
  /** The gateway the producer talks to, when the scenario runs one. */
  gateway: GatewayProcess | undefined;
  /** Where the producer starts from (set once prepare() has run). */
  producerBootstrap: string[];
  /** Notes what happened, with the stream's progress and time. */
  event(text: string): void;
  describe(): Promise<TopicView>;
  waitFor(what: string, ready: (v: TopicView) => boolean, timeoutMs: number): Promise<number>;
  /** Like sleep, but rejects once the scenario is aborted, so a fault script stops there. */
  sleep(ms: number): Promise<void>;
  /** Starts the gateway on `port` (0: any) as ctx.gateway; refused once the scenario is aborted. */
  startGateway(port: number): Promise<GatewayProcess>;
}

interface Scenario {
  id: string;
  title: string;
  transport: "tcp" | "websocket";
  /**
   * Records per second, or undefined for full speed. A paced stream is what keeps a slow fault
   * (a JVM restart takes 5-10 s here) mid-stream when the stream is short.
   */
  rate: { short: number; full: number | undefined };
  /**
   * Whether the fault must make the producer send something again (stats.retries >= 1): proof
   * that it reached the stream rather than falling between two batches. Not for the refused-at-
   * start scenarios, where nothing was ever sent before the target came up.
   */
  mustRetry: boolean;
  /**
   * Not run unless named with --scenario: a scenario that shows a known limit rather than one
   * of the issue's five (see faults/README.md).
   */
  optIn?: boolean;
  /**
   * The outage outlasts deliveryTimeoutMs on purpose: records must fail (at least one), and
   * every one that fails must be absent from the topic. Otherwise every record must get through.
   */
  expectFailures?: boolean;
  /** Default DELIVERY_TIMEOUT_MS. */
  deliveryTimeoutMs?: number;
  producerOptions?: Partial<ProducerOptions>;
  /** Before the producer exists; returns its bootstrap when it is not the cluster's. */
  prepare?(ctx: Context): Promise<string[] | undefined>;
  fault(ctx: Context, w: Workload): Promise<void>;
}

const SCENARIOS: Scenario[] = [
  {
    id: "1",
    title: "kill -9 a leader, restart it",
    transport: "tcp",
    rate: { short: 1000, full: undefined },
    mustRetry: true,
    async fault(ctx, w) {
      await w.reached(0.2);
      const { node, leads } = busiestLeader(await ctx.describe());
      await ctx.injector.crash(node);
      ctx.event(`kill -9 node ${node} (leader of ${leads}/${PARTITIONS})`);
      const moved = await ctx.waitFor(
        `leadership off node ${node}`,
        (v) => v.partitions.every((p) => p.leader >= 0 && p.leader !== node),
        60_000,
      );
      ctx.event(`new leaders for its partitions after ${secs(moved)}; restarting node ${node}`);
      const up = await ctx.injector.restart(node);
      ctx.event(`node ${node} restarted on its own storage (port open in ${secs(up)})`);
      const back = await ctx.waitFor(`node ${node} back in every ISR`, whole, 90_000);
      ctx.event(`node ${node} back in every ISR after ${secs(back)}`);
    },
  },
  {
    id: "2",
    title: "SIGTERM a broker, restart it, leaders back",
    transport: "tcp",
    rate: { short: 750, full: 6000 },
    mustRetry: true,
    async fault(ctx, w) {
      await w.reached(0.2);
      const { node, leads } = busiestLeader(await ctx.describe());
      const down = await ctx.injector.shutdown(node);
      ctx.event(
        `SIGTERM node ${node} (leader of ${leads}); controlled shutdown took ${secs(down)}`,
      );
      const up = await ctx.injector.restart(node);
      ctx.event(`node ${node} restarted on its own storage (port open in ${secs(up)})`);
      const back = await ctx.waitFor(`node ${node} back in every ISR`, whole, 90_000);
      ctx.event(`node ${node} back in every ISR after ${secs(back)}`);
      await electPreferredLeaders(ctx.lease.bootstrap, ctx.topic, PARTITIONS);
      const led = await ctx.waitFor(
        `node ${node} leading again`,
        (v) => (leaderCounts(v).get(node) ?? 0) >= Math.min(leads, 1),
        30_000,
      );
      const now = leaderCounts(await ctx.describe()).get(node) ?? 0;
      ctx.event(`preferred-leader election: node ${node} leads ${now} again (${secs(led)})`);
    },
  },
  {
    id: "3",
    title: "gateway SIGKILLed, restarted on its port",
    transport: "websocket",
    rate: { short: 2500, full: undefined },
    mustRetry: true,
    async prepare(ctx) {
      ensureGatewayBuilt(log);
      return [(await ctx.startGateway(0)).wsUrl];
    },
    async fault(ctx, w) {
      await w.reached(0.3);
      const old = ctx.gateway!;
      await old.kill();
      ctx.event(`gateway pid ${old.pid} SIGKILLed`);
      await ctx.sleep(SHORT ? 1000 : 2000);
      await ctx.startGateway(old.port);
      ctx.event(`gateway restarted on port ${old.port} (pid ${ctx.gateway?.pid})`);
    },
  },
  {
    id: "4",
    title: "leader frozen (SIGSTOP) past requestTimeoutMs",
    transport: "tcp",
    rate: { short: 1500, full: undefined },
    mustRetry: true,
    producerOptions: { requestTimeoutMs: 5000 },
    async fault(ctx, w) {
      await w.reached(0.25);
      const { node, leads } = busiestLeader(await ctx.describe());
      const freezeMs = SHORT ? 8000 : 10_000;
      await ctx.injector.freeze(node);
      ctx.event(
        `SIGSTOP node ${node} (leader of ${leads}) for ${secs(freezeMs)}; requestTimeoutMs 5 s`,
      );
      const frozenAt = Date.now();
      // Informational: whether the controller fenced the frozen node (broker.session.timeout.ms
      // is 4 s here) and moved its leadership within the freeze.
      const moved = await ctx
        .waitFor(
          `leadership off frozen node ${node}`,
          (v) => v.partitions.every((p) => p.leader >= 0 && p.leader !== node),
          freezeMs - 500,
        )
        .then(
          (ms) => `leadership moved off node ${node} after ${secs(ms)}`,
          () => `leadership did not move off node ${node} during the freeze`,
        );
      ctx.event(moved);
      await ctx.sleep(freezeMs - (Date.now() - frozenAt));
      await ctx.injector.thaw(node);
      ctx.event(`SIGCONT node ${node}`);
      const back = await ctx.waitFor(`node ${node} back in every ISR`, whole, 90_000);
      ctx.event(`node ${node} back in every ISR after ${secs(back)}`);
    },
  },
  {
    id: "5a",
    title: "refused at start: bootstrap broker down",
    transport: "tcp",
    rate: { short: 2500, full: undefined },
    mustRetry: false,
    async prepare(ctx) {
      const node = 3;
      const down = await ctx.injector.shutdown(node);
      ctx.event(
        `node ${node} stopped (${secs(down)}) before the producer exists; it is the only bootstrap`,
      );
      return [ctx.lease.brokers.get(node)!];
    },
    async fault(ctx) {
      await ctx.sleep(SHORT ? 4000 : 8000);
      const up = await ctx.injector.restart(3);
      ctx.event(`node 3 started on its own storage (port open in ${secs(up)})`);
      const back = await ctx.waitFor("node 3 back in every ISR", whole, 90_000);
      ctx.event(`node 3 back in every ISR after ${secs(back)}`);
    },
  },
  {
    id: "5b",
    title: "refused at start: gateway not up yet",
    transport: "websocket",
    rate: { short: 2500, full: undefined },
    mustRetry: false,
    async prepare() {
      ensureGatewayBuilt(log);
      return [`ws://127.0.0.1:${await freePort()}/kafka`];
    },
    async fault(ctx) {
      await ctx.sleep(SHORT ? 3000 : 6000);
      const port = Number(/:(\d+)\/kafka$/.exec(ctx.producerBootstrap[0]!)![1]);
      await ctx.startGateway(port);
      ctx.event(`gateway started on port ${port}`);
    },
  },
  {
    id: "6",
    title: "gateway down past deliveryTimeoutMs",
    transport: "websocket",
    rate: { short: 2000, full: 10_000 },
    mustRetry: true,
    expectFailures: true,
    deliveryTimeoutMs: 6000,
    producerOptions: { requestTimeoutMs: 3000 },
    async prepare(ctx) {
      ensureGatewayBuilt(log);
      return [(await ctx.startGateway(0)).wsUrl];
    },
    async fault(ctx, w) {
      await w.reached(0.3);
      const old = ctx.gateway!;
      await old.kill();
      ctx.event(`gateway pid ${old.pid} SIGKILLed; down for 10 s, deliveryTimeoutMs 6 s`);
      await ctx.sleep(10_000);
      await ctx.startGateway(old.port);
      ctx.event(`gateway restarted on port ${old.port}`);
    },
  },
];

const whole = fullyReplicated(REPLICAS, PARTITIONS);

interface Outcome {
  row: Record<string, string | number | boolean>;
  notes: string[];
  ok: boolean;
}

/** Rejects when `signal` aborts, so no wait outlives an interrupt or the scenario's bound. */
function abortable<T>(p: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(new Error(`aborted: ${signal.reason}`));
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new Error(`aborted: ${signal.reason}`));
    signal.addEventListener("abort", onAbort, { once: true });
    p.then(
      (v) => {
        signal.removeEventListener("abort", onAbort);
        resolve(v);
      },
      (e: unknown) => {
        signal.removeEventListener("abort", onAbort);
        reject(e);
      },
    );
  });
}

async function runScenario(
  s: Scenario,
  lease: ClusterLease,
  interrupted: AbortSignal,
): Promise<Outcome> {
  const label = `${s.id} ${s.title}`;
  const signal = AbortSignal.any([interrupted, AbortSignal.timeout(SCENARIO_LIMIT_MS)]);
  const topic = randomTopicName(`faults-s${s.id}`);
  const injector = new FaultInjector(log, signal);
  const events: string[] = [];
  const notes: string[] = [];
  let producer: Producer | undefined;
  let w: Workload | undefined;
  let ticker: ReturnType<typeof setInterval> | undefined;
  let fault: Promise<string | undefined> | undefined;
  const brokers = () => injector.healthy(lease.brokers);
  const ctx: Context = {
    lease,
    injector,
    topic,
    gateway: undefined,
    producerBootstrap: [...lease.brokers.values()],
    event(text) {
      const at =
        w === undefined
          ? "before the stream"
          : `@${w.progress()} +${secs(performance.now() - w.ledger.firstProducedAt)}`;
      events.push(`${text} ${at}`);
      log(`  ${s.id}: ${text} ${at}`);
    },
    describe: () => describeTopic(brokers(), topic),
    async waitFor(what, ready, timeoutMs) {
      return (await abortable(waitForView(brokers, topic, what, ready, timeoutMs), signal)).ms;
    },
    sleep: (ms) => abortable(sleep(ms), signal),
    async startGateway(port) {
      if (signal.aborted) throw new Error("aborted: no new gateway");
      const gateway = await GatewayProcess.start({
        bootstrap: lease.bootstrap,
        allowTopics: GATEWAY_TOPICS,
        port,
      });
      ctx.gateway = gateway;
      // Aborted while it started: the cleanup may already have run, so stop it here.
      if (signal.aborted) await gateway.stop();
      return gateway;
    },
  };
  const rate = SHORT ? s.rate.short : s.rate.full;
  const deliveryTimeoutMs = s.deliveryTimeoutMs ?? DELIVERY_TIMEOUT_MS;
  step = `scenario ${label}`;
  log(
    `scenario ${label}: ${fmt(RECORDS)} records, ${rate === undefined ? "full speed" : `${fmt(rate)}/s`}, ${s.transport}, topic ${topic}`,
  );
  try {
    await createTopic(topic, {
      partitions: PARTITIONS,
      replicationFactor: REPLICAS,
      bootstrap: lease.bootstrap,
      config: { "min.insync.replicas": "2" },
    });
    await ctx.waitFor("the new topic fully replicated", whole, 60_000);
    const bootstrap =
      (await abortable(s.prepare?.(ctx) ?? Promise.resolve(undefined), signal)) ??
      ctx.producerBootstrap;
    ctx.producerBootstrap = bootstrap;
    producer = createProducer({
      bootstrap,
      deliveryTimeoutMs,
      ...(s.transport === "websocket"
        ? { webSocket: WebSocket as unknown as WebSocketConstructor }
        : {}),
      ...s.producerOptions,
    });
    const p = producer;
    w = startWorkload({
      producer: p,
      topic,
      partitions: PARTITIONS,
      records: RECORDS,
      valueBytes: VALUE_BYTES,
      ratePerSec: rate,
      signal,
    });
    const ledger = w.ledger;
    ticker = setInterval(() => {
      const st = p.stats.snapshot;
      log(
        `  ${s.id}: produced ${fmt(ledger.produced)}/${fmt(RECORDS)}, completed ${fmt(ledger.completed)} (delivered ${fmt(st.delivered)}, failed ${fmt(st.failed)}), queued ${fmt(st.queuedRecords)}, retries ${st.retries}`,
      );
    }, 5000);
    fault = s.fault(ctx, w).then(
      () => undefined,
      (err: unknown) => (err instanceof Error ? err.message : String(err)),
    );
    await abortable(w.done, signal);
    const faultError = await abortable(fault, signal);
    if (faultError !== undefined) notes.push(`${s.id}: the fault script failed: ${faultError}`);
    const deadline = ledger.lastProducedAt + deliveryTimeoutMs + SETTLE_MARGIN_MS;
    const pendingAtDeadline = await abortable(ledger.settled(deadline), signal);
    clearInterval(ticker);
    const stats = p.stats.snapshot;
    const closing = p.close();
    await Promise.race([closing, sleep(10_000)]);
    await injector.restoreAll();
    await ctx.waitFor("the cluster whole again before the read", whole, 90_000);

    step = `scenario ${label}: reading the topic back`;
    const ends = await abortable(endOffsets(topic, lease.bootstrap), signal);
    const onTopic = [...ends.values()].reduce((a, b) => a + b, 0);
    const readBegan = Date.now();
    const landed =
      onTopic === 0
        ? []
        : await abortable(
            consume(topic, { bootstrap: lease.bootstrap, max: onTopic, timeoutMs: 20_000 }),
            signal,
          );
    const v = judge({
      receipts: ledger.receipts,
      producedAt: ledger.producedAt,
      completedAt: ledger.completedAt,
      landed,
      onTopic,
      deliveryTimeoutMs,
      lateSlackMs: SETTLE_MARGIN_MS,
    });
    const elapsedMs = Math.max(1, ledger.lastCompletedAt - ledger.firstProducedAt);
    // A fault shorter than deliveryTimeoutMs must cost no record; one longer must cost some.
    const outcomeAsExpected = s.expectFailures
      ? v.failed > 0
      : v.failed === 0 && v.delivered === RECORDS;
    const reached = !s.mustRetry || stats.retries > 0;
    const ok =
      v.ok && outcomeAsExpected && reached && faultError === undefined && pendingAtDeadline === 0;
    if (!reached)
      notes.push(`${s.id}: the fault never made the producer retry: it missed the stream`);
    if (!outcomeAsExpected) {
      notes.push(
        s.expectFailures
          ? `${s.id}: the outage outlasted deliveryTimeoutMs, yet no record failed`
          : `${s.id}: expected all ${fmt(RECORDS)} delivered, got ${fmt(v.delivered)}`,
      );
    }
    for (const problem of v.problems) notes.push(`${s.id}: ${problem}`);
    notes.push(`${s.id} faults: ${events.join("; ")}`);
    if (ledger.queueFullWaits > 0)
      notes.push(`${s.id}: produce() waited for buffer room ${fmt(ledger.queueFullWaits)} times`);
    if (!ok && ctx.gateway !== undefined && ctx.gateway.output)
      notes.push(`${s.id}: gateway log tail: ${ctx.gateway.output.slice(-600)}`);
    log(
      `  ${s.id}: ${ok ? "ok" : "FAILED"}: delivered ${fmt(v.delivered)}, failed ${fmt(v.failed)}, duplicates ${v.duplicates}, missing ${v.missing}, out of order ${v.outOfOrder}, pending ${v.pending} (read ${fmt(landed.length)} in ${secs(Date.now() - readBegan)})`,
    );
    return { row: rowOf(s, v, stats.retries, elapsedMs, pendingAtDeadline, ok), notes, ok };
  } catch (err) {
    const why = signal.aborted
      ? `aborted (${interrupted.aborted ? "interrupted" : `over its ${secs(SCENARIO_LIMIT_MS)} bound`})`
      : (err as Error).message;
    log(`  ${s.id}: FAILED: ${why}`);
    notes.push(`${s.id} FAILED: ${why}`);
    if (events.length > 0) notes.push(`${s.id} faults: ${events.join("; ")}`);
    return {
      row: {
        scenario: `${s.id} ${s.title}`,
        transport: s.transport,
        produced: w?.ledger.produced ?? 0,
        ok: false,
        error: why.split("\n")[0]!.slice(0, 80),
      },
      notes,
      ok: false,
    };
  } finally {
    if (ticker !== undefined) clearInterval(ticker);
    // The fault script stops at its next step once aborted (ctx.sleep, the injector and
    // startGateway refuse); let it get there before undoing what it did.
    if (fault !== undefined) await Promise.race([fault, sleep(15_000)]);
    if (producer !== undefined)
      await Promise.race([producer.close(), sleep(5000)]).catch(() => undefined);
    // After an interrupt a cluster this run started is about to be stopped: no restarts then.
    await injector.restoreAll({ restart: !(interrupted.aborted && lease.started) });
    await ctx.gateway?.stop();
    if (!interrupted.aborted) {
      await deleteTopic(topic, { bootstrap: lease.bootstrap }).catch((err: unknown) =>
        notes.push(`${s.id}: could not delete ${topic}: ${(err as Error).message.split("\n")[0]}`),
      );
    }
  }
}

function rowOf(
  s: Scenario,
  v: Verdict,
  retries: number,
  elapsedMs: number,
  pendingAtDeadline: number,
  ok: boolean,
): Record<string, string | number | boolean> {
  const codes = Object.entries(v.failedByCode).map(([c, n]) => `${c}:${n}`);
  const rate = SHORT ? s.rate.short : s.rate.full;
  return {
    scenario: `${s.id} ${s.title}`,
    transport: s.transport,
    rate: rate === undefined ? "full" : `${rate}/s`,
    produced: v.produced,
    delivered: v.delivered,
    failed: v.failed,
    "failed by code": codes.length === 0 ? "-" : codes.join(" "),
    duplicates: v.duplicates,
    missing: v.missing,
    "out of order": v.outOfOrder,
    misplaced: v.misplaced + v.offsetCollisions,
    "failed on topic": v.failedButLanded,
    "unknown on topic": v.unknownLanded,
    pending: Math.max(v.pending, pendingAtDeadline),
    retries,
    "elapsed s": Number((elapsedMs / 1000).toFixed(1)),
    "records/s": Math.round(v.delivered / (elapsedMs / 1000)),
    "max latency ms": v.maxLatencyMs,
    ok,
  };
}

function chosenScenarios(): Scenario[] {
  const i = process.argv.indexOf("--scenario");
  if (i < 0) return SCENARIOS.filter((s) => !s.optIn);
  const ids = (process.argv[i + 1] ?? "").split(",").filter(Boolean);
  const unknown = ids.filter((id) => !SCENARIOS.some((s) => s.id === id));
  if (ids.length === 0 || unknown.length > 0) {
    throw new Error(
      `--scenario takes ids from ${SCENARIOS.map((s) => s.id).join(",")}; received ${JSON.stringify(process.argv[i + 1] ?? "")}`,
    );
  }
  return SCENARIOS.filter((s) => ids.includes(s.id));
}

async function main(): Promise<{ ok: boolean; rows: Outcome["row"][]; notes: string[] }> {
  const notes: string[] = [
    `${SHORT ? "--short" : "full"}: ${fmt(RECORDS)} records of ${VALUE_BYTES} B per scenario over ${PARTITIONS} partitions, replication ${REPLICAS}, min.insync.replicas 2, idempotent acks=all, deliveryTimeoutMs ${DELIVERY_TIMEOUT_MS}` +
      "; rate: records/s the stream is paced at (full = as fast as the producer takes them)",
  ];
  const misses = selfCheck();
  if (misses.length > 0) {
    return {
      ok: false,
      rows: [],
      notes: [...notes, `the judge's self-check failed: ${misses.join("; ")}`],
    };
  }
  const scenarios = chosenScenarios();
  const interrupt = new AbortController();
  for (const sig of ["SIGINT", "SIGTERM"] as const) {
    process.once(sig, () => {
      log(`${sig}: undoing faults and stopping what this run started (again to leave at once)`);
      interrupt.abort(sig);
      process.once(sig, () => process.exit(130));
    });
  }
  const heartbeat = setInterval(() => {
    if (Date.now() - lastLogAt >= 9000) log(`… ${step} (${secs(Date.now() - began)} in)`);
  }, 1000);
  step = "taking the three-node cluster";
  const lease = await acquireCluster(log);
  notes.push(
    lease.started
      ? "started the three-node cluster (stopped at the end)"
      : "used the three-node cluster already running (left running)",
  );
  const rows: Outcome["row"][] = [];
  let ok = true;
  try {
    for (const s of scenarios) {
      if (interrupt.signal.aborted) break;
      const scenarioBegan = Date.now();
      const outcome = await runScenario(s, lease, interrupt.signal);
      rows.push({
        ...outcome.row,
        "wall s": Number(((Date.now() - scenarioBegan) / 1000).toFixed(1)),
      });
      notes.push(...outcome.notes);
      ok &&= outcome.ok;
    }
  } finally {
    clearInterval(heartbeat);
    step = "releasing the cluster";
    await lease.release();
  }
  if (interrupt.signal.aborted) {
    ok = false;
    notes.push(`interrupted (${interrupt.signal.reason})`);
  }
  notes.push(
    `wall time ${secs(Date.now() - began)}; peak RSS ${Math.round(process.resourceUsage().maxRSS / 1024)} MB`,
  );
  return { ok: ok && rows.length === scenarios.length, rows, notes };
}

let result: { ok: boolean; rows: Outcome["row"][]; notes: string[] };
try {
  result = await main();
} catch (err) {
  result = {
    ok: false,
    rows: [],
    notes: [`${PART} failed: ${err instanceof Error ? (err.stack ?? err.message) : err}`],
  };
}
process.stdout.write(`RESULT ${JSON.stringify({ part: PART, ...result })}\n`);
process.exit(result.ok ? 0 : 1);
