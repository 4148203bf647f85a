/**
 * What the gateway tests share: a gateway on port 0 in front of the real broker, a tiny Kafka
 * client over the WebSocket (protocol encoders, FrameSplitter), refused-upgrade probes, metric
 * readers and the stand-ins that only count TCP connection attempts.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { request as httpRequest } from "node:http";
import { connect, createServer, type Server, type Socket } from "node:net";
import {
  type ApiCodec,
  decodeResponseFrame,
  encodeRequestFrame,
  FrameSplitter,
  peekResponseCorrelationId,
} from "@tributary/protocol";
import { WebSocket } from "ws";
import { bootstrapServers } from "../../../scripts/kafka/helpers.mjs";
import { BrokerDirectory } from "../../src/brokers.js";
import { type GatewayConfig, loadConfig } from "../../src/config.js";
import { createLogger, type Logger } from "../../src/log.js";
import { Metrics } from "../../src/metrics.js";
import { createGateway, type Gateway } from "../../src/server.js";

export const TOKEN = "gw-test-token-5c1e9a7f2b";
export const OTHER_TOKEN = "gw-test-token-other-8d2f4b";
export const JWT_SECRET = "gw-test-jwt-secret-0123456789abcdef";
/** Topics these tests may touch through the gateway (randomTopicName("gw…") → "t-gw…"). */
export const ALLOWED = "t-gw*";

export function broker(): { host: string; port: number; label: string } {
  const label = bootstrapServers().split(",")[0]!;
  const at = label.lastIndexOf(":");
  return { host: label.slice(0, at), port: Number(label.slice(at + 1)), label };
}

export interface TestGateway {
  gateway: Gateway;
  metrics: Metrics;
  logs: string[];
  config: GatewayConfig;
  port: number;
  /** ws://127.0.0.1:<port><path>; the default path names the real broker. */
  url(path?: string): string;
  close(): Promise<void>;
}

/**
 * A gateway for one test: port 0, auth by TOKEN/OTHER_TOKEN and JWT_SECRET, topics t-gw*,
 * the real broker as bootstrap, short timers. `directory` replaces the one the gateway would
 * build (and start) itself.
 */
export async function startGateway(
  overrides: Partial<GatewayConfig> = {},
  directory?: (config: GatewayConfig, log: Logger) => BrokerDirectory,
): Promise<TestGateway> {
  const base = loadConfig(
    [
      "--port",
      "0",
      "--bootstrap",
      broker().label,
      "--allow-topics",
      ALLOWED,
      "--token",
      `${TOKEN},${OTHER_TOKEN}`,
      "--jwt-secret",
      JWT_SECRET,
    ],
    {},
  );
  const config: GatewayConfig = {
    ...base,
    idleTimeoutMs: 30_000,
    pingIntervalMs: 10_000,
    connectTimeoutMs: 500,
    shutdownGraceMs: 200,
    ...overrides,
  };
  const logs: string[] = [];
  const log = createLogger({
    level: "debug",
    write: (line) => logs.push(line),
    secrets: [TOKEN, OTHER_TOKEN, JWT_SECRET],
  });
  const metrics = new Metrics();
  const gateway = createGateway(config, {
    log,
    metrics,
    ...(directory ? { directory: directory(config, log) } : {}),
  });
  const { port } = await gateway.listen();
  return {
    gateway,
    metrics,
    logs,
    config,
    port,
    url: (path = `/kafka/${broker().label}`) => `ws://127.0.0.1:${port}${path}`,
    close: () => gateway.shutdown(),
  };
}

/** A directory that knows only these bootstrap addresses and never fetches Metadata. */
export function staticDirectory(...ports: number[]) {
  return (config: GatewayConfig, log: Logger): BrokerDirectory =>
    new BrokerDirectory({
      bootstrap: ports.map((port) => ({ host: "127.0.0.1", port })),
      allowHosts: [],
      metadataRefreshMs: 60_000,
      connectTimeoutMs: config.connectTimeoutMs,
      log,
    });
}

export interface ClientOptions {
  /** Offered as bearer.<token> next to tributary.v1. */
  token?: string;
  protocols?: string[];
  headers?: Record<string, string>;
  origin?: string;
  autoPong?: boolean;
}

function clientArgs(
  options: ClientOptions,
): [string[], ConstructorParameters<typeof WebSocket>[2]] {
  const protocols =
    options.protocols ??
    (options.token === undefined ? [] : ["tributary.v1", `bearer.${options.token}`]);
  return [
    protocols,
    {
      perMessageDeflate: false,
      ...(options.headers ? { headers: options.headers } : {}),
      ...(options.origin ? { origin: options.origin } : {}),
      ...(options.autoPong === undefined ? {} : { autoPong: options.autoPong }),
    },
  ];
}

/** The HTTP answer to an upgrade the gateway refuses (rejects if the upgrade succeeds). */
export function refusedUpgrade(
  url: string,
  options: ClientOptions = { token: TOKEN },
): Promise<{ status: number; body: string }> {
  const [protocols, opts] = clientArgs(options);
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, protocols, opts);
    ws.on("unexpected-response", (_req, res) => {
      const parts: Buffer[] = [];
      res.on("data", (c: Buffer) => parts.push(c));
      res.on("end", () =>
        resolve({ status: res.statusCode ?? 0, body: Buffer.concat(parts).toString() }),
      );
      res.on("error", reject);
    });
    ws.on("open", () => {
      ws.terminate();
      reject(new Error(`upgrade to ${url} was accepted`));
    });
    ws.on("error", (err) => {
      if (!/Unexpected server response/.test(err.message)) reject(err);
    });
  });
}

/** A Kafka client over one gateway WebSocket: one request frame per message, answers reassembled. */
export class WsKafka {
  readonly ws: WebSocket;
  /** The close code and reason the gateway sent (or 1006). */
  readonly closed: Promise<{ code: number; reason: string }>;
  /** The Sec-WebSocket-Protocol header of the 101 answer (undefined when absent). */
  answeredProtocol: string | undefined;
  readonly #splitter = new FrameSplitter();
  readonly #pending = new Map<number, (frame: Uint8Array) => void>();
  #nextCorrelationId = 1;

  private constructor(ws: WebSocket) {
    this.ws = ws;
    this.closed = new Promise((resolve) =>
      ws.on("close", (code: number, reason: Buffer) =>
        resolve({ code, reason: reason.toString() }),
      ),
    );
    ws.on("message", (data: Buffer) => {
      for (const frame of this.#splitter.push(new Uint8Array(data))) {
        const id = peekResponseCorrelationId(frame);
        this.#pending.get(id)?.(frame);
        this.#pending.delete(id);
      }
    });
  }

  static open(url: string, options: ClientOptions = { token: TOKEN }): Promise<WsKafka> {
    const [protocols, opts] = clientArgs(options);
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, protocols, opts);
      const client = new WsKafka(ws);
      ws.once("upgrade", (res) => {
        const p = res.headers["sec-websocket-protocol"];
        client.answeredProtocol = Array.isArray(p) ? p.join(",") : p;
      });
      ws.once("open", () => resolve(client));
      ws.on("error", reject);
    });
  }

  /** Sends one request and decodes its answer; rejects if the session closes first. */
  request<Req, Res>(api: ApiCodec<Req, Res>, version: number, body: Req): Promise<Res> {
    const correlationId = this.#nextCorrelationId++;
    const frame = encodeRequestFrame(api, version, { correlationId, clientId: "gw-test" }, body);
    return new Promise<Res>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`${api.name} v${version}: no answer`)),
        10_000,
      );
      this.#pending.set(correlationId, (f) => {
        clearTimeout(timer);
        try {
          resolve(decodeResponseFrame(api, version, f).body);
        } catch (err) {
          reject(err);
        }
      });
      void this.closed.then(({ code, reason }) => {
        clearTimeout(timer);
        reject(new Error(`closed ${code} ${reason} before the ${api.name} answer`));
      });
      this.ws.send(frame);
    });
  }

  /** Sends bytes as one binary message, as they are. */
  send(bytes: Uint8Array): void {
    this.ws.send(bytes);
  }

  close(): void {
    this.ws.close(1000);
  }
}

/** The value of one sample in Prometheus text, e.g. `tributary_proxy_bytes_total{direction="to_broker"}`. */
export function metric(text: string, sample: string): number {
  for (const line of text.split("\n")) {
    if (line.startsWith(`${sample} `)) return Number(line.slice(sample.length + 1));
  }
  throw new Error(`no sample ${sample} in:\n${text}`);
}

export function httpGet(
  port: number,
  path: string,
): Promise<{
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: "127.0.0.1", port, path, agent: false }, (res) => {
      const parts: Buffer[] = [];
      res.on("data", (c: Buffer) => parts.push(c));
      res.on("end", () =>
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: Buffer.concat(parts).toString(),
        }),
      );
    });
    req.on("error", reject);
    req.end();
  });
}

/** A port on 127.0.0.1 that nothing listens on (bound, then released). */
export async function closedPort(): Promise<number> {
  const server = createServer();
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as { port: number };
  await new Promise((r) => server.close(r));
  return port;
}

/** A plain TCP listener that only counts connections (the no-open-relay stand-in). */
export async function countingListener(): Promise<{
  port: number;
  connections: () => number;
  close: () => Promise<void>;
}> {
  let count = 0;
  const sockets = new Set<Socket>();
  const server: Server = createServer((s) => {
    count++;
    sockets.add(s);
    s.on("error", () => {});
    s.on("close", () => sockets.delete(s));
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  return {
    port: (server.address() as { port: number }).port,
    connections: () => count,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise((r) => server.close(r));
    },
  };
}

/**
 * A listener whose accept queue is full, so new SYNs go unanswered and a connect hangs: a child
 * Node process listens with backlog 1 and then blocks its event loop, so it never accepts; we
 * fill its queue until a connect attempt no longer completes. Only for the connect-timeout test.
 */
export async function unansweredListener(): Promise<{ port: number; close: () => Promise<void> }> {
  const child: ChildProcess = spawn(
    process.execPath,
    [
      "-e",
      `const s = require("node:net").createServer();
       s.listen({ port: 0, host: "127.0.0.1", backlog: 1 }, () => {
         process.stdout.write(String(s.address().port) + "\\n");
         setTimeout(() => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 120000), 50);
       });`,
    ],
    { stdio: ["ignore", "pipe", "inherit"] },
  );
  const [line] = (await once(child.stdout!, "data")) as [Buffer];
  const port = Number(line.toString().trim());
  await new Promise((r) => setTimeout(r, 150)); // let it block
  const fillers: Socket[] = [];
  for (let i = 0; i < 16; i++) {
    const s = connect(port, "127.0.0.1");
    s.on("error", () => {});
    fillers.push(s);
    const connected = await Promise.race([
      once(s, "connect").then(() => true),
      new Promise<boolean>((r) => setTimeout(() => r(false), 300)),
    ]);
    if (!connected) break;
  }
  return {
    port,
    close: async () => {
      for (const s of fillers) s.destroy();
      child.kill("SIGKILL");
      if (child.exitCode === null && child.signalCode === null) await once(child, "exit");
    },
  };
}
