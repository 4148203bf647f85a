/**
 * The gateway: an HTTP server whose `upgrade` handler runs every check before the WebSocket
 * handshake completes (shutting down, path and target, origin, auth, capacity, broker
 * allowlist), so a refused client gets a plain HTTP answer and costs no broker connection.
 * Only then does `ws` complete the upgrade; the WebSocket stays paused while the gateway
 * connects to the broker's checked address, and the relay core with the request inspector
 * carries the bytes from there (session.ts).
 *
 * Plain routes: /healthz, /metrics (Prometheus text), static files with --static.
 * ws in noServer mode, maxPayload and per-message deflate off follow the ws README
 * (https://github.com/websockets/ws#client-authentication); close codes are RFC 6455 section
 * 7.4.1 plus 1014 from the IANA WebSocket close code registry.
 */
import {
  createServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
  STATUS_CODES,
} from "node:http";
import { createServer as createHttpsServer } from "node:https";
import type { AddressInfo, Socket } from "node:net";
import type { Duplex } from "node:stream";
import { type ServerOptions, WebSocketServer } from "ws";
import { Authenticator, offeredSubprotocols, SUBPROTOCOL } from "./auth.js";
import { BrokerDirectory, type ResolvedTarget, TargetRefused } from "./brokers.js";
import type { GatewayConfig } from "./config.js";
import type { Logger } from "./log.js";
import { METRICS_CONTENT_TYPE, type Metrics, type RejectionReason } from "./metrics.js";
import { originAllowed } from "./origin.js";
import { openSession, type Session, type SessionContext } from "./session.js";
import { createStaticHandler } from "./static.js";
import { parseTargetPath, type Target, TargetError } from "./target.js";
import { TopicPolicy } from "./topics.js";
import { upstreamSettingsOf } from "./upstream.js";

export interface Gateway {
  readonly server: Server;
  listen(): Promise<{ host: string; port: number }>;
  /** Refuses new upgrades at once; after shutdownGraceMs closes every session with 1001, then the server. */
  shutdown(): Promise<void>;
  /** Sessions past the upgrade (connecting to their broker or relaying). */
  readonly sessions: number;
}

export interface GatewayDeps {
  log: Logger;
  metrics: Metrics;
  directory?: BrokerDirectory;
}

/** Room above the largest request for a WebSocket message (frame header slack, a second frame's start). */
const PAYLOAD_HEADROOM = 4 + 65_536;
/** How long a closing handshake may take before the connection is cut (ws closeTimeout). */
const CLOSE_HANDSHAKE_MS = 5000;
/** After the 1001 close at shutdown, how long sessions get to finish before they are cut. */
const SHUTDOWN_CLOSE_WAIT_MS = 2000;

export function createGateway(config: GatewayConfig, deps: GatewayDeps): Gateway {
  const { log, metrics } = deps;
  const upstream = upstreamSettingsOf(config);
  const ownDirectory = deps.directory === undefined;
  const directory =
    deps.directory ??
    new BrokerDirectory({
      bootstrap: config.bootstrap,
      allowHosts: config.allowHosts,
      metadataRefreshMs: config.metadataRefreshMs,
      connectTimeoutMs: config.connectTimeoutMs,
      log,
      upstream,
      metrics,
    });
  const authenticator = new Authenticator(config);
  const topicPolicy = new TopicPolicy(config.allowTopics);
  const serveStatic =
    config.staticDir === undefined ? undefined : createStaticHandler(config.staticDir);

  const wssOptions: ServerOptions & { closeTimeout: number } = {
    noServer: true,
    clientTracking: false,
    maxPayload: config.maxRequestBytes + PAYLOAD_HEADROOM,
    perMessageDeflate: false,
    closeTimeout: CLOSE_HANDSHAKE_MS,
    // Offered subprotocols were checked before the upgrade; the answer is ours alone, never
    // the bearer.<token> entry.
    handleProtocols: (offered) => (offered.has(SUBPROTOCOL) ? SUBPROTOCOL : false),
  };
  const wss = new WebSocketServer(wssOptions);

  const sessions = new Set<Session>();
  /** Upgrades that passed the capacity check and are not closed yet, in total and per principal. */
  let slots = 0;
  const slotsByPrincipal = new Map<string, number>();
  let shuttingDown = false;
  let shutdownDone: Promise<void> | undefined;
  let onSessionGone: (() => void) | undefined;

  const sessionContext: SessionContext = {
    config,
    log,
    metrics,
    directory,
    topicPolicy,
    upstream,
    sessions,
    sessionEnded: () => {
      if (sessions.size === 0) onSessionGone?.();
    },
  };

  // With --tls-cert/--tls-key the same routes and upgrade handler run over TLS: https and wss.
  const { tlsCert, tlsKey } = config.pem;
  const server: Server =
    tlsCert !== undefined && tlsKey !== undefined
      ? createHttpsServer({ cert: tlsCert, key: tlsKey })
      : createServer();

  // ---- plain HTTP ----

  server.on("request", (req: IncomingMessage, res: ServerResponse) => {
    handleRequest(req, res).catch((err: unknown) => {
      log.error("http.error", { error: errorText(err) });
      if (!res.headersSent) send(res, 500, "text/plain; charset=utf-8", "internal error\n");
      else res.destroy();
    });
  });

  async function handleRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = rawPath(req);
    const readOnly = req.method === "GET" || req.method === "HEAD";
    if (path === "/healthz" && readOnly) {
      const body = JSON.stringify({
        status: shuttingDown ? "shutting_down" : "ok",
        sessions: sessions.size,
      });
      send(res, shuttingDown ? 503 : 200, "application/json", `${body}\n`);
      return;
    }
    if (path === "/metrics" && readOnly) {
      send(res, 200, METRICS_CONTENT_TYPE, metrics.render());
      return;
    }
    if (path === "/kafka" || path.startsWith("/kafka/")) {
      res.setHeader("Upgrade", "websocket");
      send(res, 426, "text/plain; charset=utf-8", "this endpoint takes WebSocket upgrades only\n");
      return;
    }
    if (serveStatic !== undefined && (await serveStatic(req, res))) return;
    send(res, 404, "text/plain; charset=utf-8", "not found\n");
  }

  // ---- the upgrade: every check before the handshake completes ----

  server.on("upgrade", (req: IncomingMessage, stream: Duplex, head: Buffer) => {
    const socket = stream as Socket;
    // Until ws owns the socket, a client that vanishes must not crash the process.
    socket.on("error", () => socket.destroy());
    upgrade(req, socket, head).catch((err: unknown) => {
      log.error("upgrade.error", { error: errorText(err) });
      refuse(req, socket, 500, "internal error", undefined);
    });
  });

  async function upgrade(req: IncomingMessage, socket: Socket, head: Buffer): Promise<void> {
    if (shuttingDown) return refuse(req, socket, 503, "gateway is shutting down", "shutting_down");

    const path = rawPath(req);
    if (path !== "/kafka" && !path.startsWith("/kafka/")) {
      return refuse(
        req,
        socket,
        404,
        "no WebSocket endpoint here; use /kafka or /kafka/<host>:<port>",
        "not_found",
      );
    }
    let target: Target;
    try {
      target = parseTargetPath(path);
    } catch (err) {
      if (!(err instanceof TargetError)) throw err;
      return refuse(req, socket, 400, err.message, "bad_request");
    }

    const origin = req.headers.origin;
    const secure = (socket as { encrypted?: boolean }).encrypted === true;
    if (!originAllowed(config.allowOrigins, origin, req.headers.host, secure)) {
      return refuse(req, socket, 403, `origin ${JSON.stringify(origin)} is not allowed`, "origin");
    }

    const offered = offeredSubprotocols(req);
    if (offered.length > 0 && !offered.includes(SUBPROTOCOL)) {
      return refuse(req, socket, 400, `subprotocol ${SUBPROTOCOL} was not offered`, "bad_request");
    }
    const auth = await authenticator.authenticate(req);
    if (socket.destroyed) return;
    if (!auth.ok) {
      return refuse(
        req,
        socket,
        auth.status,
        auth.reason,
        auth.status === 401 ? "unauthorized" : "bad_request",
        auth.status === 401 ? { "WWW-Authenticate": 'Bearer realm="tributary"' } : undefined,
      );
    }
    const { principal } = auth;
    if (shuttingDown) return refuse(req, socket, 503, "gateway is shutting down", "shutting_down");

    if (slots >= config.maxConnections) {
      return refuse(
        req,
        socket,
        503,
        `gateway is at its connection limit (${config.maxConnections})`,
        "capacity",
      );
    }
    const mine = slotsByPrincipal.get(principal.id) ?? 0;
    if (mine >= config.maxConnectionsPerClient) {
      return refuse(
        req,
        socket,
        503,
        `this client is at its connection limit (${config.maxConnectionsPerClient})`,
        "capacity",
      );
    }
    // Held from here until the session ends, so concurrent upgrades cannot overshoot the caps.
    const release = reserveSlot(principal.id);

    let resolved: ResolvedTarget;
    try {
      resolved = await directory.resolve(target);
    } catch (err) {
      release();
      if (err instanceof TargetRefused) return refuse(req, socket, 403, err.message, "target");
      throw err;
    }
    if (socket.destroyed) return release();
    if (shuttingDown) {
      release();
      return refuse(req, socket, 503, "gateway is shutting down", "shutting_down");
    }

    let upgraded = false;
    // ws answers a malformed handshake itself and never calls back: give the slot back then.
    socket.once("close", () => {
      if (!upgraded) release();
    });
    wss.handleUpgrade(req, socket, head, (ws) => {
      upgraded = true;
      openSession(sessionContext, ws, req, principal, resolved, release);
    });
  }

  function reserveSlot(principalId: string): () => void {
    slots++;
    slotsByPrincipal.set(principalId, (slotsByPrincipal.get(principalId) ?? 0) + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      slots--;
      const left = (slotsByPrincipal.get(principalId) ?? 1) - 1;
      if (left > 0) slotsByPrincipal.set(principalId, left);
      else slotsByPrincipal.delete(principalId);
    };
  }

  function refuse(
    req: IncomingMessage,
    socket: Socket,
    status: number,
    reason: string,
    rejection: RejectionReason | undefined,
    headers?: Record<string, string>,
  ): void {
    if (rejection !== undefined) metrics.rejection(rejection);
    log.warn("upgrade.refused", {
      status,
      reason,
      remote: socket.remoteAddress,
      path: rawPath(req).slice(0, 200),
    });
    if (socket.destroyed) return;
    // Reasons may quote client input (an origin, a path); keep the answer short.
    const body = `${reason.length > 300 ? `${reason.slice(0, 300)}…` : reason}\n`;
    const extra = Object.entries(headers ?? {})
      .map(([k, v]) => `${k}: ${v}\r\n`)
      .join("");
    socket.once("finish", () => socket.destroy());
    socket.end(
      `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ""}\r\n` +
        "Connection: close\r\n" +
        "Content-Type: text/plain; charset=utf-8\r\n" +
        "X-Content-Type-Options: nosniff\r\n" +
        `Content-Length: ${Buffer.byteLength(body)}\r\n${extra}\r\n${body}`,
    );
  }

  // ---- lifecycle ----

  async function listen(): Promise<{ host: string; port: number }> {
    if (ownDirectory) await directory.start();
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(config.port, config.host, () => {
        server.off("error", reject);
        resolve();
      });
    });
    const address = server.address() as AddressInfo;
    log.info("gateway.listening", {
      host: address.address,
      port: address.port,
      tls: config.pem.tlsCert !== undefined,
      bootstrap: config.bootstrap.map((b) => `${b.host}:${b.port}`),
      upstreamTls: upstream.tls !== undefined,
      upstreamSasl:
        upstream.sasl === undefined
          ? undefined
          : { mechanism: upstream.sasl.mechanism, user: upstream.sasl.username },
    });
    return { host: address.address, port: address.port };
  }

  async function shutdown(): Promise<void> {
    shuttingDown = true;
    if (shutdownDone === undefined) {
      shutdownDone = (async () => {
        log.info("gateway.shutting_down", {
          sessions: sessions.size,
          graceMs: config.shutdownGraceMs,
        });
        await sessionsGone(config.shutdownGraceMs);
        for (const session of sessions) session.close(1001, "gateway shutting down");
        await sessionsGone(SHUTDOWN_CLOSE_WAIT_MS);
        for (const session of sessions) {
          session.note = "cut at shutdown";
          session.ws.terminate();
        }
        await sessionsGone(SHUTDOWN_CLOSE_WAIT_MS);
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        });
        directory.stop();
        log.info("gateway.stopped", {});
      })();
    }
    return shutdownDone;
  }

  /** Resolves when no session is left, or after `ms`. */
  function sessionsGone(ms: number): Promise<void> {
    if (sessions.size === 0) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done(): void {
        clearTimeout(timer);
        onSessionGone = undefined;
        resolve();
      }
      onSessionGone = done;
    });
  }

  return {
    server,
    listen,
    shutdown,
    get sessions() {
      return sessions.size;
    },
  };
}

/** The request target's path as sent, without the query; never URL-normalised (see target.ts). */
function rawPath(req: IncomingMessage): string {
  const url = req.url ?? "/";
  const q = url.indexOf("?");
  return q < 0 ? url : url.slice(0, q);
}

function send(res: ServerResponse, status: number, contentType: string, body: string): void {
  res.writeHead(status, {
    "Content-Type": contentType,
    "Content-Length": Buffer.byteLength(body),
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
  });
  res.end(res.req.method === "HEAD" ? undefined : body);
}

function errorText(err: unknown): string {
  return err instanceof Error ? `${err.name}: ${err.message}` : String(err);
}
