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
 * Direct TCP to a broker with Deno.connect (https://docs.deno.com/api/deno/~/Deno.connect), as
 * node-tcp.ts does on Node: TCP_NODELAY on (Deno's default, set anyway: requests are whole
 * frames that should leave at once) and keep-alive on. The connection's web streams go through
 * stream-socket.ts, which holds the write/close/EOF semantics. Needs `--allow-net` (or
 * `--allow-net=host:port` for every broker the cluster advertises).
 */
export const denoTcp: TransportConnector = {
  name: "tcp",
  connect: connectDeno,
};

/** The few members of Deno's namespace used here (no @types: Deno ships its own). */
interface DenoTcpConn {
  readonly readable: ReadableStream<Uint8Array>;
  readonly writable: WritableStream<Uint8Array>;
  setNoDelay(noDelay?: boolean): void;
  setKeepAlive(keepAlive?: boolean): void;
  close(): void;
}

interface DenoNet {
  connect(options: {
    hostname: string;
    port: number;
    transport: "tcp";
    signal?: AbortSignal;
  }): Promise<DenoTcpConn>;
}

function denoNamespace(): DenoNet {
  const deno = (globalThis as { Deno?: Partial<DenoNet> }).Deno;
  if (typeof deno?.connect !== "function") {
    throw new TypeError(
      "denoTcp runs only under Deno (globalThis.Deno.connect is missing); use this runtime's " +
        "entry of @tributary/producer, which picks its own transport",
    );
  }
  return deno as DenoNet;
}

function connectDeno(
  address: BrokerAddress,
  handlers: TransportHandlers,
  options: ConnectOptions,
): Promise<Transport> {
  const where = formatBrokerAddress(address);
  return dialTcp<DenoTcpConn>(
    address,
    options,
    () => {
      const deno = denoNamespace();
      // Our own controller, so that giving up also cancels Deno's attempt. Deno only uses the
      // signal while connecting; aborting later leaves an open connection alone.
      const cancel = new AbortController();
      return {
        opened: deno.connect({
          hostname: address.host,
          port: address.port,
          transport: "tcp",
          signal: cancel.signal,
        }),
        abandon: () => cancel.abort(),
        discard: (conn) => closeQuietly(conn),
      };
    },
    describeDenoError,
  ).then((conn) => {
    try {
      conn.setNoDelay(true);
      conn.setKeepAlive(true);
    } catch {
      // Options are best effort: a connection that refuses them still carries bytes.
    }
    return streamSocketTransport(conn, where, handlers);
  });
}

function closeQuietly(conn: DenoTcpConn): void {
  try {
    conn.close();
  } catch {
    // already closed
  }
}

/**
 * Deno's errors carry their kind in `name` (ConnectionRefused, TimedOut, …). A refused
 * permission (NotCapable, PermissionDenied in Deno 1) or a bad argument will not pass on a retry.
 */
function describeDenoError(err: unknown): ConnectFailure {
  const name = err instanceof Error ? err.name : "";
  if (name === "NotCapable" || name === "PermissionDenied") {
    return {
      // Deno's message names the flag; the trap is granting only the bootstrap address.
      reason: `${describeError(err)} (an --allow-net list must name every broker the cluster advertises, not only the bootstrap)`,
      retriable: false,
    };
  }
  return { reason: describeError(err), retriable: !isArgumentError(err) };
}
