import { formatHostPort, gatewayUrlOf, redactUrl } from "../broker-address.js";
import { describeSecret, invalidArgument, ProducerError, ProducerErrorCode } from "../errors.js";
import type {
  BrokerAddress,
  ConnectOptions,
  Transport,
  TransportConnector,
  TransportHandlers,
} from "./transport.js";
import { badConnectTimeout } from "./transport-support.js";
import {
  messageOf,
  SUBPROTOCOL,
  scrub,
  type WebSocketLike,
  WebSocketTransport,
} from "./websocket-session.js";

/**
 * Kafka bytes over a WebSocket through a Tributary gateway (DESIGN.md, "The gateway contract"):
 * one WebSocket per broker connection, binary messages only, each request frame in one message,
 * answers in chunks whose boundaries mean nothing (the connection's FrameSplitter reassembles
 * them). Web-standard: it takes any WebSocket constructor — the global one in browsers, Deno,
 * Bun, Workers and Node 22+, or `ws`'s on Node 20 — and imports nothing runtime-specific.
 *
 * Where a connection goes: a bootstrap entry written as a gateway URL is opened as it is (the
 * gateway picks one of its bootstrap brokers); a broker the cluster advertises is opened as
 * `<gateway>/<host>:<port>` under the gateway URL that last opened, query kept.
 *
 * What one connection does once open (writes, backpressure, close, the gateway's close codes)
 * is in websocket-session.ts.
 */

export type { WebSocketLike } from "./websocket-session.js";

/** Default bytes a WebSocket may hold unsent before write() asks the caller to wait. */
export const DEFAULT_HIGH_WATER_MARK = 1024 * 1024;

/** A WebSocket constructor: `globalThis.WebSocket`, or `WebSocket` from the `ws` package. */
export type WebSocketConstructor = new (url: string, protocols?: string[]) => WebSocketLike;

/** A gateway token, or a function that returns one per connect (so a short-lived JWT can be renewed). */
export type GatewayToken = string | (() => string | Promise<string>);

export interface WebSocketConnectorOptions {
  /** Gateway URLs (ws:// or wss://); the first is where brokers are reached until another opens. */
  urls: readonly string[];
  /** Sent as the subprotocol `bearer.<token>` beside `tributary.v1`; never logged or shown. */
  token?: GatewayToken | undefined;
  /** Default: the runtime's global WebSocket. On Node 20, pass `WebSocket` from `ws`. */
  WebSocket?: WebSocketConstructor | undefined;
  /** Bytes queued in the WebSocket before write() asks the caller to wait; default 1 MiB. */
  highWaterMark?: number | undefined;
}

/**
 * Characters of an RFC 7230 token (section 3.2.6): a subprotocol, and so `bearer.<token>`, must
 * be one (RFC 6455 section 4.1), or the WebSocket constructor throws.
 */
const TOKEN_TEXT = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/** The rule a gateway token must meet, as error messages state it. */
export const TOKEN_RULE =
  "must be a non-empty string of RFC 7230 token characters (letters, digits and !#$%&'*+-.^_`|~), " +
  "because it travels in the Sec-WebSocket-Protocol header as bearer.<token>";

/** Whether a string can travel as `bearer.<token>` in Sec-WebSocket-Protocol. */
export function isTokenText(value: unknown): value is string {
  return typeof value === "string" && TOKEN_TEXT.test(value);
}

/** Checks a ws:// or wss:// URL; returns it unchanged. */
export function checkGatewayUrl(value: unknown, field: string): string {
  let url: URL | undefined;
  try {
    url = typeof value === "string" ? new URL(value) : undefined;
  } catch {
    url = undefined;
  }
  if (url === undefined || (url.protocol !== "ws:" && url.protocol !== "wss:")) {
    throw invalidArgument(field, "must be a ws:// or wss:// URL of a Tributary gateway", value);
  }
  // The WebSocket constructor refuses a fragment (WHATWG WebSockets, "new WebSocket" step 4).
  if (url.hash !== "" || (value as string).includes("#")) {
    throw invalidArgument(field, "must not have a #fragment (WebSocket URLs cannot)", value);
  }
  return value as string;
}

/** The global WebSocket constructor, if this runtime has one. */
export function globalWebSocket(): WebSocketConstructor | undefined {
  const ctor = (globalThis as { WebSocket?: unknown }).WebSocket;
  return typeof ctor === "function" ? (ctor as WebSocketConstructor) : undefined;
}

/** Opens broker connections as WebSockets through a Tributary gateway. */
export function webSocketConnector(options: WebSocketConnectorOptions): TransportConnector {
  if (typeof options !== "object" || options === null) {
    throw invalidArgument(
      "options",
      'must be an object such as { urls: ["wss://gw/kafka"] }',
      options,
    );
  }
  const { urls, token } = options;
  if (!Array.isArray(urls) || urls.length === 0) {
    throw invalidArgument(
      "urls",
      "must be a non-empty array of ws:// or wss:// gateway URLs",
      urls,
    );
  }
  for (let i = 0; i < urls.length; i++) checkGatewayUrl(urls[i], `urls[${i}]`);
  if (!(token === undefined || typeof token === "function" || isTokenText(token))) {
    throw new ProducerError(
      ProducerErrorCode.InvalidArgument,
      `token: ${TOKEN_RULE}, or a function returning one; received ${describeSecret(token)}`,
    );
  }
  const WebSocket = options.WebSocket ?? globalWebSocket();
  if (typeof WebSocket !== "function") {
    throw invalidArgument(
      "WebSocket",
      options.WebSocket === undefined
        ? "is required: this runtime has no global WebSocket (Node 20); pass WebSocket from the ws package"
        : "must be a WebSocket constructor",
      options.WebSocket,
    );
  }
  const highWaterMark = options.highWaterMark ?? DEFAULT_HIGH_WATER_MARK;
  if (!(Number.isSafeInteger(highWaterMark) && highWaterMark >= 1)) {
    throw invalidArgument(
      "highWaterMark",
      "must be a positive integer number of bytes",
      highWaterMark,
    );
  }
  /** The gateway URL brokers are reached under: the last gateway URL that opened. */
  let base = urls[0]!;
  return {
    name: "websocket",
    connect(address, handlers, connectOptions) {
      const gatewayUrl = gatewayUrlOf(address);
      const url = gatewayUrl ?? brokerUrl(base, address);
      return openWebSocket(
        { WebSocket, token, highWaterMark },
        url,
        handlers,
        connectOptions,
        () => {
          if (gatewayUrl !== undefined) base = gatewayUrl;
        },
      );
    },
  };
}

/** `<base>/<host>:<port>`: the base's path without its trailing slash, query kept. */
export function brokerUrl(base: string, address: BrokerAddress): string {
  const url = new URL(base);
  url.pathname = `${url.pathname.replace(/\/+$/, "")}/${formatHostPort(address.host, address.port)}`;
  url.hash = "";
  return url.href;
}

interface OpenContext {
  WebSocket: WebSocketConstructor;
  token: GatewayToken | undefined;
  highWaterMark: number;
}

function openWebSocket(
  ctx: OpenContext,
  url: string,
  handlers: TransportHandlers,
  options: ConnectOptions,
  onOpened: () => void,
): Promise<Transport> {
  const where = redactUrl(url);
  const { timeoutMs, signal } = options;
  return new Promise<Transport>((resolve, reject) => {
    const badTimeout = badConnectTimeout(timeoutMs);
    if (badTimeout !== undefined) {
      reject(badTimeout);
      return;
    }
    if (signal?.aborted) {
      reject(failed(where, "aborted before it began", signal.reason, false));
      return;
    }
    let settled = false;
    let transport: WebSocketTransport | undefined;
    let secret: string | undefined;
    const timer = setTimeout(
      () => giveUp(`no WebSocket connection within ${timeoutMs} ms`, undefined, true),
      timeoutMs,
    );
    const onAbort = () => giveUp("aborted", signal?.reason, false);
    signal?.addEventListener("abort", onAbort, { once: true });
    function settle(): boolean {
      if (settled) return false;
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
      return true;
    }
    function giveUp(reason: string, cause: unknown, retriable: boolean): void {
      if (!settle()) return;
      transport?.abandon();
      reject(failed(where, scrub(reason, secret), cause, retriable));
    }
    resolveToken(ctx.token).then(
      (token) => {
        if (settled) return;
        secret = token;
        let ws: WebSocketLike;
        try {
          ws = new ctx.WebSocket(
            url,
            token === undefined ? [SUBPROTOCOL] : [SUBPROTOCOL, `bearer.${token}`],
          );
        } catch (err) {
          // A malformed URL or subprotocol is refused synchronously (a SyntaxError).
          giveUp(messageOf(err), err, false);
          return;
        }
        transport = new WebSocketTransport(ws, where, handlers, ctx.highWaterMark, secret, {
          opened: () => {
            if (!settle()) {
              transport?.abandon(); // given up already: nobody would own it
              return;
            }
            onOpened();
            resolve(transport!);
          },
          failed: giveUp,
        });
      },
      (err: unknown) => giveUp(`the gateway token is not usable: ${messageOf(err)}`, err, false),
    );
  });
}

/** The token for one connect: a function is asked each time, and its answer is checked. */
async function resolveToken(token: GatewayToken | undefined): Promise<string | undefined> {
  if (typeof token !== "function") return token;
  const value = await token();
  if (!isTokenText(value)) {
    throw new ProducerError(
      ProducerErrorCode.InvalidArgument,
      `token: the token function's result ${TOKEN_RULE}; received ${describeSecret(value)}`,
    );
  }
  return value;
}

function failed(where: string, reason: string, cause: unknown, retriable: boolean): ProducerError {
  return new ProducerError(
    ProducerErrorCode.ConnectionFailed,
    `cannot open a WebSocket to ${where}: ${reason}`,
    { retriable, cause },
  );
}
