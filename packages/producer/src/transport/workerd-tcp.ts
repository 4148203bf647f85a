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

/**
 * Direct TCP to a broker from a Cloudflare Worker (workerd) with `connect()` from
 * cloudflare:sockets (https://developers.cloudflare.com/workers/runtime-apis/tcp-sockets/):
 * plain TCP (`secureTransport: "off"`), and no half-open connections, so a broker's EOF ends
 * the connection as it does in node-tcp. The socket's web streams go through stream-socket.ts.
 *
 * What the platform decides for us: sockets are I/O objects bound to the request (or Durable
 * Object) that opened them, so a producer must be created and used within one request, or
 * live in a Durable Object; Cloudflare refuses some destinations (port 25, its own IP ranges);
 * TCP_NODELAY and keep-alive are not exposed. Local workerd reaches private and loopback
 * addresses only when the Worker's globalOutbound network allows them.
 */
export const workerdTcp: TransportConnector = {
  name: "tcp",
  connect: connectWorkerd,
};

function connectWorkerd(
  address: BrokerAddress,
  handlers: TransportHandlers,
  options: ConnectOptions,
): Promise<Transport> {
  const where = formatBrokerAddress(address);
  return dialTcp<Socket>(
    address,
    options,
    () => {
      const socket = connect(
        { hostname: address.host, port: address.port },
        { secureTransport: "off", allowHalfOpen: false },
      );
      // The end of the connection reaches us through its streams; `closed` rejecting too
      // must not surface as an unhandled rejection.
      socket.closed.catch(() => undefined);
      // Until `opened` settles, a write would only queue; waiting keeps connect errors in
      // the connect (CONNECTION_FAILED) instead of in the first request.
      return {
        opened: socket.opened.then(() => socket),
        abandon: () => closeQuietly(socket),
        discard: closeQuietly,
      };
    },
    describeWorkerdError,
  ).then((socket) => streamSocketTransport(socket, where, handlers));
}

function closeQuietly(socket: Socket): void {
  socket.close().catch(() => undefined);
}

function describeWorkerdError(err: unknown): ConnectFailure {
  return { reason: describeError(err), retriable: !isArgumentError(err) };
}
