/**
 * A session: one client WebSocket that passed every upgrade check (server.ts), and the broker
 * connection behind it. Nothing is read from the client until the gateway's connection to the
 * broker's checked address is ready (upstream.ts: TCP or TLS, and with --upstream-sasl
 * authenticated with the gateway's own credentials); then the relay core with the request
 * inspector carries the bytes, an idle timer and pings watch the client, and the end is logged
 * with the bytes each way.
 */
import { randomUUID } from "node:crypto";
import type { IncomingMessage } from "node:http";
import type { Socket } from "node:net";
import type { WebSocket } from "ws";
import type { Principal } from "./auth.js";
import type { BrokerDirectory, ResolvedTarget } from "./brokers.js";
import type { GatewayConfig } from "./config.js";
import { type InspectResult, RequestInspector } from "./inspect.js";
import type { Logger } from "./log.js";
import type { Metrics } from "./metrics.js";
import { type Relay, startRelay } from "./relay.js";
import type { TopicPolicy } from "./topics.js";
import {
  connectUpstream,
  reportUpstreamFailure,
  UpstreamError,
  type UpstreamSettings,
} from "./upstream.js";

/** setTimeout's limit; a longer session lifetime is cut here, which is harmless. */
const MAX_TIMER_MS = 2_147_483_647;
/**
 * Of the broker's SASL session lifetime (KIP-368), the share after which the gateway closes the
 * session so the client reconnects before the broker would cut it mid-request. Java's client
 * re-authenticates between 85% and 95%; the gateway cannot re-authenticate a relayed
 * connection (its bytes are the client's), so it takes the early end.
 */
export const LIFETIME_SHARE = 0.85;

/** A session as the gateway tracks it: counted by /healthz, closed at shutdown. */
export interface Session {
  readonly id: string;
  readonly ws: WebSocket;
  readonly principal: Principal;
  readonly target: ResolvedTarget;
  readonly openedAt: number;
  bytesToBroker: number;
  bytesToClient: number;
  relay: Relay | undefined;
  /** Why the gateway itself cut the session without a close frame (ping timeout). */
  note: string | undefined;
  close(code: number, reason: string): void;
}

/** What a session needs from the gateway that accepted it. */
export interface SessionContext {
  readonly config: GatewayConfig;
  readonly log: Logger;
  readonly metrics: Metrics;
  readonly directory: BrokerDirectory;
  readonly topicPolicy: TopicPolicy;
  /** TLS and the gateway's own SASL credentials toward brokers. */
  readonly upstream: UpstreamSettings;
  /** The gateway's live sessions: a session is in the set from its open to its end. */
  readonly sessions: Set<Session>;
  /** Called once a session has ended and left `sessions`. */
  sessionEnded(): void;
}

/**
 * Starts a session on a WebSocket `ws` has just upgraded. `release` gives back the capacity slot
 * the upgrade reserved; it is called once, when the session ends.
 */
export function openSession(
  ctx: SessionContext,
  ws: WebSocket,
  req: IncomingMessage,
  principal: Principal,
  target: ResolvedTarget,
  release: () => void,
): void {
  const { config, log, metrics, directory, topicPolicy, sessions } = ctx;
  // Nothing is read from the client until the broker connection exists.
  ws.pause();
  metrics.sessionOpened();
  const started = performance.now();
  let broker: Socket | undefined;
  const connecting = new AbortController();
  let lifetimeTimer: NodeJS.Timeout | undefined;
  let idleTimer: NodeJS.Timeout | undefined;
  let pingTimer: NodeJS.Timeout | undefined;
  let wsClosed = false;
  let finished = false;

  const session: Session = {
    id: randomUUID().slice(0, 8),
    ws,
    principal,
    target,
    openedAt: Date.now(),
    bytesToBroker: 0,
    bytesToClient: 0,
    relay: undefined,
    note: undefined,
    close(code, reason) {
      if (session.relay) session.relay.close(code, reason);
      else {
        connecting.abort(new Error("the session was closed while its broker connection opened"));
        closePaused(ws, code, reason);
      }
    },
  };
  sessions.add(session);
  log.info("session.open", {
    session: session.id,
    principal: principal.id,
    target: target.label,
    address: target.address,
    remote: req.socket.remoteAddress,
  });

  const finish = (code: number, reason: string): void => {
    if (finished) return;
    finished = true;
    connecting.abort(new Error("the session ended while its broker connection opened"));
    clearTimeout(lifetimeTimer);
    clearTimeout(idleTimer);
    clearInterval(pingTimer);
    broker?.destroy();
    sessions.delete(session);
    release();
    metrics.sessionClosed();
    log.info("session.close", {
      session: session.id,
      principal: principal.id,
      target: target.label,
      bytesToBroker: session.bytesToBroker,
      bytesToClient: session.bytesToClient,
      durationMs: Math.round(performance.now() - started),
      code,
      reason: session.note ?? reason,
    });
    ctx.sessionEnded();
  };

  ws.on("error", (err: Error & { code?: string }) => {
    if (err.code === "WS_ERR_UNSUPPORTED_MESSAGE_LENGTH") metrics.rejection("message_too_big");
  });
  ws.on("message", (_data: unknown, isBinary: boolean) => {
    if (!isBinary) metrics.rejection("text_frame");
  });
  ws.on("close", (code: number, reason: Buffer) => {
    wsClosed = true;
    // Before the relay runs, the session ends here; after, when the relay says both sides are closed.
    if (session.relay === undefined) finish(code, reason.toString("utf8"));
  });

  // Liveness: a client that lets a whole ping interval pass without a pong is cut. Started
  // with the relay: while the broker connects the WebSocket is paused and could not read a pong.
  const startPinging = (): void => {
    let alive = true;
    ws.on("pong", () => {
      alive = true;
    });
    pingTimer = setInterval(() => {
      if (!alive) {
        session.note = "no pong within the ping interval";
        ws.terminate();
        return;
      }
      alive = false;
      ws.ping();
    }, config.pingIntervalMs);
  };

  const relay = (socket: Socket, sessionLifetimeMs: number): void => {
    socket.once("close", () => {
      // The broker went away while the client was still there.
      if (!wsClosed) metrics.upstreamError("closed");
    });
    const inspector = new RequestInspector({
      maxRequestBytes: config.maxRequestBytes,
      saslPassthrough: config.saslPassthrough,
      topicAllowed: (topic) => topicPolicy.allows(topic, principal.topics),
      topicNameForId: (id) => directory.topicNameForId(id),
      onRequest: (apiKey) => metrics.request(apiKey),
    });
    const noteViolation = (result: InspectResult): InspectResult => {
      if (!result.ok) {
        metrics.rejection(result.rejection);
        log.warn("request.refused", {
          session: session.id,
          principal: principal.id,
          reason: result.reason,
          apiKey: result.apiKey,
          // Client-chosen and up to 32 KiB: enough of it to recognise.
          topic: result.topic?.slice(0, 256),
        });
      }
      return result;
    };
    idleTimer = setTimeout(() => session.close(1000, "idle"), config.idleTimeoutMs);
    if (sessionLifetimeMs > 0) {
      // KIP-368: past its lifetime the broker closes the connection at the next request. Close
      // first, with a reason, so the client reconnects (and the gateway authenticates anew).
      const ms = Math.min(Math.floor(sessionLifetimeMs * LIFETIME_SHARE), MAX_TIMER_MS);
      lifetimeTimer = setTimeout(() => {
        log.info("upstream.session_expiring", {
          session: session.id,
          broker: target.label,
          sessionLifetimeMs,
        });
        session.close(
          1000,
          "the gateway's SASL session with the broker is about to expire; reconnect",
        );
      }, ms);
    }
    startPinging();
    session.relay = startRelay(ws, socket, {
      highWaterMark: config.highWaterMark,
      transformClientBytes: (chunk) => {
        const result = inspector.push(chunk);
        return result instanceof Promise ? result.then(noteViolation) : noteViolation(result);
      },
      onBytes: (direction, n) => {
        metrics.bytes(direction, n);
        if (direction === "to_broker") session.bytesToBroker += n;
        else session.bytesToClient += n;
        idleTimer?.refresh();
      },
    });
    void session.relay.closed.then(({ code, reason }) => finish(code, reason));
  };

  const connectStarted = performance.now();
  connectUpstream(target, ctx.upstream, {
    timeoutMs: config.connectTimeoutMs,
    signal: connecting.signal,
  }).then(
    (upstream) => {
      if (wsClosed || finished) {
        upstream.requests.socket.destroy();
        return;
      }
      let socket: Socket;
      try {
        // Same tick as startRelay's own listeners: no broker byte can slip between them.
        socket = upstream.requests.detach();
      } catch (err) {
        upstream.requests.socket.destroy();
        upstreamFailed(err);
        return;
      }
      broker = socket;
      metrics.connectLatency(performance.now() - connectStarted);
      relay(socket, upstream.sessionLifetimeMs);
    },
    (err: unknown) => {
      if (!connecting.signal.aborted) upstreamFailed(err);
    },
  );

  function upstreamFailed(err: unknown): void {
    const failure =
      err instanceof UpstreamError
        ? err
        : new UpstreamError(
            "connect_failed",
            target.label,
            `broker ${target.label}: ${err instanceof Error ? err.message : String(err)}`,
            `broker ${target.label} failed before the session could start`,
          );
    directory.markFailed(target);
    reportUpstreamFailure(log, metrics, failure, {
      session: session.id,
      principal: principal.id,
    });
    closePaused(ws, 1014, failure.clientReason);
  }
}

/**
 * Closes a WebSocket the gateway had paused (it was waiting for its broker): reading resumes so
 * the client's close frame completes the handshake; anything else it sends is dropped.
 */
function closePaused(ws: WebSocket, code: number, reason: string): void {
  if (ws.readyState !== ws.OPEN) return;
  ws.close(code, reason);
  ws.resume();
}
