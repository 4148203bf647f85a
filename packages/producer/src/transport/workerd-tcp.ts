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

/**
 * Direct TCP to a broker from a Cloudflare Worker (workerd) with `connect()` from
 * cloudflare:sockets (https://developers.cloudflare.com/workers/runtime-apis/tcp-sockets/):
 * plain TCP (`secureTransport: "off"`) or TLS (below), and no half-open connections, so a
 * broker's EOF ends the connection as it does in node-tcp. The socket's web streams go through
 * stream-socket.ts.
 *
 * What the platform decides for us: sockets are I/O objects bound to the request (or Durable
 * Object) that opened them, so a producer must be created and used within one request, or
 * live in a Durable Object; Cloudflare refuses some destinations (port 25, its own IP ranges);
 * TCP_NODELAY and keep-alive are not exposed. Local workerd reaches private and loopback
 * addresses only when the Worker's globalOutbound network allows them.
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
  return dialTcp<Socket>(
    address,
    options,
    () => {
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
  ).then((socket) => streamSocketTransport(socket, where, handlers));
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
