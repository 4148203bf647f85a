/**
 * What the fault scenarios do to the three-node cluster and to the gateway: take the cluster
 * (start it when none runs), read leaders and ISRs from Metadata, crash, stop, freeze, thaw and
 * restart nodes (on their own storage, scripts/kafka/node-control.mjs), move leadership back
 * with a preferred-leader election, and run tributary-proxy as a child process that can be
 * SIGKILLed and started again on the same port. Every fault is remembered until undone, so a
 * run that fails or is interrupted leaves no node down or frozen (FaultInjector.restoreAll).
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { connect, createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  decodeResponseFrame,
  encodeRequestFrame,
  FrameSplitter,
  MetadataApi,
  type MetadataResponse,
} from "@tributary/protocol";
import { gatewayBuildStale } from "../../scripts/conformance/setup.mjs";
import { GATEWAY_CLI } from "../../scripts/demo/gateway.mjs";
import {
  clusterStatus,
  restartNode,
  runningNode,
  signalNode,
  start,
  stop,
  stopNode,
} from "../../scripts/kafka/cluster.mjs";
import { runTool } from "../../scripts/kafka/java.mjs";
import { repoRoot } from "../../scripts/kafka/paths.mjs";

export type Log = (line: string) => void;
type NodeHandle = ReturnType<typeof runningNode>;

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

// ---- the cluster ----

export interface ClusterLease {
  /** "127.0.0.1:19092,127.0.0.1:19192,127.0.0.1:19292" */
  bootstrap: string;
  /** node id -> "127.0.0.1:<port>" */
  brokers: Map<number, string>;
  /** True when this run started the cluster: release() then stops it. */
  started: boolean;
  release(): Promise<void>;
}

/** The three-node cluster: the one running, or a fresh one (stopped again by release()). */
export async function acquireCluster(log: Log): Promise<ClusterLease> {
  const before = await clusterStatus(3);
  const running = before.nodes.filter((n) => n.running).length;
  if (running < 3) log(`starting the three-node cluster (${running}/3 nodes were running)`);
  const r = await start({ nodes: 3, quiet: true });
  const started = !r.alreadyRunning;
  return {
    bootstrap: r.bootstrap,
    brokers: new Map(before.spec.nodes.map((n) => [n.id, `127.0.0.1:${n.brokerPort}`])),
    started,
    release: async () => {
      if (started) await stop({ which: 3, quiet: true });
    },
  };
}

// ---- Metadata, read with our own protocol package over a plain socket ----

export interface PartitionView {
  partition: number;
  leader: number;
  isr: number[];
}

export interface TopicView {
  /** Node ids of the brokers the cluster lists as alive (registered and not fenced). */
  brokers: number[];
  partitions: PartitionView[];
}

const METADATA_VERSION = 12;

/** One Metadata request on a fresh connection, answered or failed within `timeoutMs`. */
function metadataFrom(
  address: string,
  topic: string,
  timeoutMs: number,
): Promise<MetadataResponse> {
  const [host, port] = splitHostPort(address);
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port });
    const splitter = new FrameSplitter();
    const finish = (error: Error | undefined, body?: MetadataResponse) => {
      clearTimeout(timer);
      socket.destroy();
      if (error) reject(error);
      else resolve(body!);
    };
    const timer = setTimeout(
      () => finish(new Error(`${address} did not answer Metadata within ${timeoutMs} ms`)),
      timeoutMs,
    );
    socket.once("connect", () => {
      const request = { topics: [{ name: topic }], allowAutoTopicCreation: false };
      const header = { correlationId: 1, clientId: "tributary-faults" };
      socket.write(encodeRequestFrame(MetadataApi, METADATA_VERSION, header, request));
    });
    socket.on("data", (chunk: Buffer) => {
      try {
        const frame = splitter.push(
          new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.length),
        )[0];
        if (frame === undefined) return;
        finish(undefined, decodeResponseFrame(MetadataApi, METADATA_VERSION, frame).body);
      } catch (err) {
        finish(err as Error);
      }
    });
    socket.once("error", (err) => finish(new Error(`Metadata from ${address}: ${err.message}`)));
    socket.once("close", () => finish(new Error(`${address} closed before answering Metadata`)));
  });
}

function splitHostPort(address: string): [string, number] {
  const i = address.lastIndexOf(":");
  return [address.slice(0, i), Number(address.slice(i + 1))];
}

/**
 * Leaders and ISRs of `topic` as the first of `addresses` that answers sees them. A frozen or
 * stopped broker costs at most `timeoutMs` before the next is asked.
 */
export async function describeTopic(
  addresses: readonly string[],
  topic: string,
  timeoutMs = 3000,
): Promise<TopicView> {
  const errors: string[] = [];
  for (const address of addresses) {
    try {
      const res = await metadataFrom(address, topic, timeoutMs);
      const t = res.topics.find((x) => x.name === topic);
      if (t === undefined || t.errorCode !== 0) {
        errors.push(`${address}: topic ${topic} has error code ${t?.errorCode ?? "missing"}`);
        continue;
      }
      return {
        brokers: res.brokers.map((b) => b.nodeId).sort((a, b) => a - b),
        partitions: t.partitions
          .map((p) => ({ partition: p.partitionIndex, leader: p.leaderId, isr: [...p.isrNodes] }))
          .sort((a, b) => a.partition - b.partition),
      };
    } catch (err) {
      errors.push((err as Error).message);
    }
  }
  throw new Error(`no broker described ${topic}: ${errors.join("; ")}`);
}

/** How many partitions each node leads. */
export function leaderCounts(view: TopicView): Map<number, number> {
  const counts = new Map<number, number>();
  for (const p of view.partitions) {
    if (p.leader >= 0) counts.set(p.leader, (counts.get(p.leader) ?? 0) + 1);
  }
  return counts;
}

/** The node leading the most partitions of the topic, and how many it leads. */
export function busiestLeader(view: TopicView): { node: number; leads: number } {
  let best = { node: -1, leads: 0 };
  for (const [node, leads] of leaderCounts(view)) {
    if (leads > best.leads || (leads === best.leads && node < best.node)) best = { node, leads };
  }
  if (best.node < 0) throw new Error("no partition of the topic has a leader");
  return best;
}

/**
 * Polls Metadata (every 250 ms, at most `timeoutMs`) until `ready` holds for what it shows;
 * resolves with that view and how long it took.
 */
export async function waitForView(
  addresses: () => readonly string[],
  topic: string,
  what: string,
  ready: (view: TopicView) => boolean,
  timeoutMs: number,
): Promise<{ view: TopicView; ms: number }> {
  const began = Date.now();
  let last = "no Metadata answer yet";
  for (;;) {
    try {
      const view = await describeTopic(addresses(), topic);
      if (ready(view)) return { view, ms: Date.now() - began };
      last = `brokers [${view.brokers}]; ${view.partitions.map((p) => `p${p.partition}:${p.leader}/[${p.isr}]`).join(" ")}`;
    } catch (err) {
      last = (err as Error).message;
    }
    if (Date.now() - began > timeoutMs) {
      throw new Error(`${what}: not so within ${timeoutMs / 1000} s; last seen: ${last}`);
    }
    await sleep(250);
  }
}

/** Every node alive, and every partition led with all `replicas` in its ISR. */
export function fullyReplicated(replicas: number, partitions: number) {
  return (v: TopicView) =>
    v.brokers.length === replicas &&
    v.partitions.length === partitions &&
    v.partitions.every((p) => p.leader >= 0 && p.isr.length === replicas);
}

/**
 * Moves each partition's leadership back to its preferred replica (the first in its assignment)
 * with Kafka's LeaderElectionCommand, as an operator does after a rolling restart. Partitions
 * already led by their preferred replica are left as they are.
 */
export async function electPreferredLeaders(
  bootstrap: string,
  topic: string,
  partitions: number,
): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), "tributary-faults-"));
  try {
    const file = join(dir, "partitions.json");
    const list = Array.from({ length: partitions }, (_, partition) => ({ topic, partition }));
    writeFileSync(file, JSON.stringify({ partitions: list }));
    const r = await runTool(
      "org.apache.kafka.tools.LeaderElectionCommand",
      [
        "--bootstrap-server",
        bootstrap,
        "--election-type",
        "PREFERRED",
        "--path-to-json-file",
        file,
      ],
      { timeoutMs: 60_000 },
    );
    const out = `${r.stdout}${r.stderr}`.trim();
    // "Valid replica already elected" is how it reports partitions that needed no election.
    if (r.timedOut || (r.code !== 0 && !/already elected/i.test(out))) {
      throw new Error(`preferred leader election on ${topic} failed (exit ${r.code}):\n${out}`);
    }
    return out;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// ---- nodes ----

/**
 * Crashes, stops, freezes and restarts nodes of the three-node cluster, and remembers each
 * fault until it is undone, so that restoreAll() (run in `finally`, and on SIGINT) can thaw and
 * restart whatever is still frozen or down. Operations run one at a time, in call order.
 */
export class FaultInjector {
  readonly #handles = new Map<number, NodeHandle>();
  readonly #down = new Set<number>();
  readonly #frozen = new Set<number>();
  readonly #log: Log;
  readonly #signal: AbortSignal;
  #chain: Promise<unknown> = Promise.resolve();

  /** Once `signal` aborts, no new fault is injected (undoing one is still allowed). */
  constructor(log: Log, signal: AbortSignal) {
    this.#log = log;
    this.#signal = signal;
  }

  #refuseIfAborted(what: string): void {
    if (this.#signal.aborted) throw new Error(`aborted: ${what} not done`);
  }

  /**
   * Nodes that are neither down nor frozen, as host:port: where to ask for Metadata. Nodes this
   * injector has touched come last: one just thawed or restarted still serves the metadata it
   * had before (a frozen node's cache says it leads what it led), until it catches up.
   */
  healthy(brokers: Map<number, string>): string[] {
    return [...brokers]
      .filter(([id]) => !this.#down.has(id) && !this.#frozen.has(id))
      .sort(([a], [b]) => Number(this.#handles.has(a)) - Number(this.#handles.has(b)))
      .map(([, address]) => address);
  }

  #handle(nodeId: number): NodeHandle {
    const known = this.#handles.get(nodeId);
    if (known !== undefined) return known;
    const h = runningNode(3, nodeId);
    this.#handles.set(nodeId, h);
    return h;
  }

  #serial<T>(op: () => Promise<T>): Promise<T> {
    const next = this.#chain.then(op, op);
    this.#chain = next.catch(() => undefined);
    return next;
  }

  /** kill -9: the node dies with requests in flight and no controlled shutdown. */
  crash(nodeId: number): Promise<number> {
    return this.#serial(async () => {
      this.#refuseIfAborted(`kill -9 of node ${nodeId}`);
      const h = this.#handle(nodeId);
      this.#down.add(nodeId);
      return (await stopNode(h, { signal: "SIGKILL", timeoutMs: 10_000 })).ms;
    });
  }

  /** SIGTERM: Kafka's controlled shutdown moves leadership away, then the node exits. */
  shutdown(nodeId: number): Promise<number> {
    return this.#serial(async () => {
      this.#refuseIfAborted(`SIGTERM of node ${nodeId}`);
      const h = this.#handle(nodeId);
      this.#down.add(nodeId);
      return (await stopNode(h, { signal: "SIGTERM", timeoutMs: 30_000 })).ms;
    });
  }

  /** SIGSTOP: the node keeps its sockets open and answers nothing. */
  freeze(nodeId: number): Promise<void> {
    return this.#serial(async () => {
      this.#refuseIfAborted(`SIGSTOP of node ${nodeId}`);
      signalNode(this.#handle(nodeId), "SIGSTOP");
      this.#frozen.add(nodeId);
    });
  }

  thaw(nodeId: number): Promise<void> {
    return this.#serial(async () => {
      signalNode(this.#handle(nodeId), "SIGCONT");
      this.#frozen.delete(nodeId);
    });
  }

  /** Starts a crashed or stopped node again on its own storage; resolves once its port is open. */
  restart(nodeId: number): Promise<number> {
    return this.#serial(async () => {
      const began = Date.now();
      const h = this.#handles.get(nodeId);
      if (h === undefined || !this.#down.has(nodeId)) {
        throw new Error(`node ${nodeId} was not stopped by this run; nothing to restart`);
      }
      this.#handles.set(nodeId, await restartNode(h, { timeoutMs: 120_000 }));
      this.#down.delete(nodeId);
      return Date.now() - began;
    });
  }

  /** Thaws every frozen node and restarts every node still down (unless `restart` is false). */
  restoreAll({ restart = true } = {}): Promise<void> {
    return this.#serial(async () => {
      for (const id of [...this.#frozen]) {
        try {
          signalNode(this.#handle(id), "SIGCONT");
          this.#log(`restore: node ${id} thawed (SIGCONT)`);
        } catch (err) {
          this.#log(`restore: could not thaw node ${id}: ${(err as Error).message}`);
        }
        this.#frozen.delete(id);
      }
      for (const id of [...this.#down]) {
        if (!restart) break;
        const h = this.#handles.get(id);
        if (h === undefined) continue;
        try {
          this.#handles.set(id, await restartNode(h, { timeoutMs: 120_000 }));
          this.#down.delete(id);
          this.#log(`restore: node ${id} restarted`);
        } catch (err) {
          this.#log(`restore: could not restart node ${id}: ${(err as Error).message}`);
        }
      }
    });
  }
}

// ---- the gateway ----

/** Builds the gateway (npx tsc -b proxy) when proxy/dist is missing or older than its sources. */
export function ensureGatewayBuilt(log: Log): void {
  const stale = gatewayBuildStale();
  if (stale === undefined) return;
  log(`${stale}: npx tsc -b proxy`);
  // Output to stderr: stdout carries only the part's RESULT line.
  const r = spawnSync("npx", ["tsc", "-b", "proxy"], {
    cwd: repoRoot,
    stdio: ["ignore", 2, 2],
    timeout: 300_000,
  });
  if (r.status !== 0) throw new Error(`npx tsc -b proxy failed (exit ${r.status})`);
}

/** A port nothing listens on right now (the OS picks it; it is free again once probed). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const address = probe.address();
      const port = typeof address === "object" && address !== null ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

export interface GatewayOptions {
  bootstrap: string;
  allowTopics: string;
  port: number;
}

/**
 * tributary-proxy as a child process (built, from proxy/dist), with --no-auth on 127.0.0.1. It
 * is a child in this process's group, so whoever kills the part's group kills it too.
 */
export class GatewayProcess {
  readonly port: number;
  readonly wsUrl: string;
  readonly #child: ChildProcess;
  readonly #exited: Promise<void>;
  #output = "";

  private constructor(child: ChildProcess, port: number) {
    this.#child = child;
    this.port = port;
    this.wsUrl = `ws://127.0.0.1:${port}/kafka`;
    this.#exited = new Promise((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) resolve();
      else child.once("exit", () => resolve());
    });
  }

  /** Starts it and resolves once it says it listens (at most 20 s). */
  static start({ bootstrap, allowTopics, port }: GatewayOptions): Promise<GatewayProcess> {
    const args = [
      GATEWAY_CLI,
      ...["--bootstrap", bootstrap, "--allow-topics", allowTopics, "--no-auth"],
      ...["--host", "127.0.0.1", "--port", String(port), "--log-level", "warn"],
      ...["--shutdown-grace-ms", "1000"],
    ];
    const child = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "pipe"] });
    return new Promise((resolve, reject) => {
      let text = "";
      const timer = setTimeout(() => {
        child.kill("SIGKILL");
        reject(new Error(`the gateway did not say it listens within 20 s:\n${text}`));
      }, 20_000);
      const keep = (chunk: string) => {
        text = (text + chunk).slice(-8000);
      };
      child.stdout?.setEncoding("utf8");
      child.stdout?.on("data", keep);
      child.stderr?.setEncoding("utf8");
      child.stderr?.on("data", (chunk: string) => {
        keep(chunk);
        const m = /listening on http:\/\/127\.0\.0\.1:(\d+) /.exec(text);
        if (m === null) return;
        clearTimeout(timer);
        const gateway = new GatewayProcess(child, Number(m[1]));
        child.stdout?.on("data", (c: string) => gateway.#keep(c));
        child.stderr?.on("data", (c: string) => gateway.#keep(c));
        resolve(gateway);
      });
      child.once("exit", (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`the gateway exited (${code ?? signal}) before listening:\n${text}`));
      });
    });
  }

  #keep(chunk: string): void {
    this.#output = (this.#output + chunk).slice(-8000);
  }

  /** The gateway's last log lines (warnings and errors), for a failure report. */
  get output(): string {
    return this.#output.trim();
  }

  get pid(): number | undefined {
    return this.#child.pid;
  }

  /** SIGKILL: every WebSocket drops at once, no close frame, no grace. */
  async kill(): Promise<void> {
    if (this.#child.exitCode === null && this.#child.signalCode === null) {
      this.#child.kill("SIGKILL");
    }
    await this.#exited;
  }

  /** SIGTERM (its graceful shutdown), SIGKILL after 5 s. */
  async stop(): Promise<void> {
    if (this.#child.exitCode !== null || this.#child.signalCode !== null) return;
    this.#child.kill("SIGTERM");
    const timer = setTimeout(() => this.#child.kill("SIGKILL"), 5000);
    await this.#exited;
    clearTimeout(timer);
  }
}
