import { connect, type Socket } from "cloudflare:sockets";
import { formatBrokerAddress } from "../broker-address.js";
import { streamSocketTransport } from "./stream-socket.js";
import { type ConnectFailure, describeError, dialTcp, isArgumentError } from "./tcp-connect.js";
import type {
  BrokerAddress,
  ConnectOptions,
  Transport,
  TransportConnector,
  TransportHandlers,
} from "./transport.js";
import { refuseWorkerdTls } from "./workerd-tls.js";

/** workerd's WebSocketPair, as far as requestToken() uses it. */
declare const WebSocketPair: (new () => { 0: { readonly readyState: number } }) | undefined;

/**
 * Direct TCP to a broker from a Cloudflare Worker (workerd) with `connect()` from
 * cloudflare:sockets (https://developers.cloudflare.com/workers/runtime-apis/tcp-sockets/):
 * plain TCP (`secureTransport: "off"`) or TLS (below), and no half-open connections, so a
 * broker's EOF ends the connection as it does in node-tcp. The socket's web streams go through
 * stream-socket.ts.
 *
 * What the platform decides for us: sockets are I/O objects bound to the request (or Durable
 * Object) that opened them; Cloudflare refuses some destinations (port 25, its own IP ranges);
 * TCP_NODELAY and keep-alive are not exposed. Local workerd reaches private and loopback
 * addresses only when the Worker's globalOutbound network allows them.
 *
 * A producer kept at module scope outlives the request that opened its connections. Measured
 * in workerd: once that request has ended, workerd closes its socket, but the producer never
 * hears of it (the pending read's continuation is dropped with the request); a write from a
 * later request fails only asynchronously, once the Produce request is on its way. Its batches
 * then take the retry path (a backoff, and "may have been written"), about 120 ms per reused
 * request here, and a retry that waits on a sender timer set in an ended request never runs (a
 * timer dies with its request too): that hung. So each transport answers `usableHere()`:
 * false when the code running now is not in the request that opened the socket (an ended one,
 * or another one still running). Connection treats such a connection as not open, and the
 * cluster opens a fresh one from the current request before anything is written. The socket
 * left behind is not touched: closing it would be I/O on behalf of another request too.
 *
 * With ConnectOptions.tls the socket is opened with `secureTransport: "starttls"` and upgraded
 * with startTls() once the TCP connection is up, rather than with "on". Both verify the same
 * way (the runtime's trust, the host connected to: see workerd-tls.ts), but workerd tells the
 * Worker nothing about why a TLS connect failed ("proxy request failed, cannot connect to the
 * specified address" for a refused port and an untrusted certificate alike; "internal error;
 * reference = …" for a failed handshake, whose reason only workerd's log has). Two steps
 * separate the two: a failure before the TCP connection opened is retriable like any refused
 * connect; a handshake that fails on an open connection is a certificate (or a listener that
 * is not SSL/SASL_SSL), which the same settings meet again, so it is not.
 */
export const workerdTcp: TransportConnector = {
  name: "tcp",
  connect: connectWorkerd,
  checkTls: refuseWorkerdTls,
};

function connectWorkerd(
  address: BrokerAddress,
  handlers: TransportHandlers,
  options: ConnectOptions,
): Promise<Transport> {
  const where = formatBrokerAddress(address);
  const tls = options.tls;
  /** How far the connect got: a failure in the TLS handshake is told apart from one before. */
  let phase: "tcp" | "tls" = "tcp";
  let usableHere: () => boolean = () => true;
  return dialTcp<Socket>(
    address,
    options,
    () => {
      usableHere = requestToken();
      const plain = connect(
        { hostname: address.host, port: address.port },
        { secureTransport: tls === undefined ? "off" : "starttls", allowHalfOpen: false },
      );
      // The end of the connection reaches us through its streams; `closed` rejecting too
      // must not surface as an unhandled rejection.
      plain.closed.catch(() => undefined);
      let current = plain;
      // Until `opened` settles, a write would only queue; waiting keeps connect errors in
      // the connect (CONNECTION_FAILED) instead of in the first request. A TLS socket's
      // `opened` settles after the handshake.
      const open = async (): Promise<Socket> => {
        await plain.opened;
        if (tls === undefined) return plain;
        phase = "tls";
        const secure = plain.startTls();
        current = secure;
        secure.closed.catch(() => undefined);
        await secure.opened;
        return secure;
      };
      return {
        opened: open(),
        abandon: () => closeQuietly(current),
        discard: closeQuietly,
      };
    },
    (err) => (phase === "tls" ? describeHandshakeFailure(err, address) : describeWorkerdError(err)),
  ).then((socket) => {
    const transport = streamSocketTransport(socket, where, handlers);
    return {
      write: (bytes: Uint8Array) => transport.write(bytes),
      close: () => transport.close(),
      usableHere,
    };
  });
}

/**
 * workerd exposes no request identity, so a token stands in for one: a WebSocketPair made in
 * the same synchronous step as the socket, so in the same request. Reading its readyState from
 * another request throws "Cannot perform I/O on behalf of a different request" at once, with no
 * side effect (measured in workerd 1.20261117; a socket's own getters do not check). The pair
 * is never accepted: an accepted WebSocket keeps its request running after the response
 * (measured: its timers kept firing), which would hold every request open. Where there is no
 * WebSocketPair the answer is always true, and a write from another request fails as before.
 */
function requestToken(): () => boolean {
  if (typeof WebSocketPair !== "function") return () => true;
  const token = new WebSocketPair()[0];
  return () => {
    try {
      return token.readyState >= 0;
    } catch {
      return false;
    }
  };
}

function closeQuietly(socket: Socket): void {
  socket.close().catch(() => undefined);
}

function describeWorkerdError(err: unknown): ConnectFailure {
  return { reason: describeError(err), retriable: !isArgumentError(err) };
}

/** workerd's own words say nothing here (see the file comment), so ours list the causes. */
function describeHandshakeFailure(err: unknown, address: BrokerAddress): ConnectFailure {
  return {
    reason:
      `the TLS handshake failed on an open connection (workerd says only "${describeError(err)}"; ` +
      "its log has the reason under that reference): the broker's certificate is not signed by a CA " +
      "the Worker's network trusts (workerd: tlsOptions.trustedCertificates of the globalOutbound " +
      `network service), or the certificate is not for ${address.host}, or this is not an SSL or ` +
      "SASL_SSL listener",
    retriable: false,
  };
}
