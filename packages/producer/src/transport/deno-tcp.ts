import { formatBrokerAddress } from "../broker-address.js";
import { streamSocketTransport } from "./stream-socket.js";
import {
  type ConnectFailure,
  describeError,
  describeTlsFailure,
  dialTcp,
  isArgumentError,
} from "./tcp-connect.js";
import type {
  BrokerAddress,
  ConnectOptions,
  TlsSettings,
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
 *
 * With ConnectOptions.tls the TCP connection is upgraded with Deno.startTls
 * (https://docs.deno.com/api/deno/~/Deno.startTls) rather than opened with Deno.connectTls,
 * whose options have no server name: startTls's `hostname` is the name sent in SNI and checked
 * against the certificate, so tls.servername can differ from the address dialled. `caCerts`
 * replaces Deno's roots with tls.ca. The connect resolves only after TlsConn.handshake(), so a
 * certificate Deno refuses fails the connect (not the first request), within timeoutMs.
 */
export const denoTcp: TransportConnector = {
  name: "tcp",
  connect: connectDeno,
  // Deno.startTls takes any CA list and any server name.
  checkTls: () => undefined,
};

/** The few members of Deno's namespace used here (no @types: Deno ships its own). */
interface DenoConn {
  readonly readable: ReadableStream<Uint8Array>;
  readonly writable: WritableStream<Uint8Array>;
  close(): void;
}

interface DenoTcpConn extends DenoConn {
  setNoDelay(noDelay?: boolean): void;
  setKeepAlive(keepAlive?: boolean): void;
}

interface DenoTlsConn extends DenoConn {
  handshake(): Promise<unknown>;
}

interface DenoNet {
  connect(options: {
    hostname: string;
    port: number;
    transport: "tcp";
    signal?: AbortSignal;
  }): Promise<DenoTcpConn>;
  startTls(
    conn: DenoTcpConn,
    options: { hostname: string; caCerts?: string[] },
  ): Promise<DenoTlsConn>;
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
  const tls = options.tls;
  return dialTcp<DenoConn>(
    address,
    options,
    () => {
      const deno = denoNamespace();
      if (tls !== undefined && typeof deno.startTls !== "function") {
        throw new TypeError("this Deno has no Deno.startTls, which the tls option needs");
      }
      // Our own controller, so that giving up also cancels Deno's attempt. Deno only uses the
      // signal while connecting; aborting later leaves an open connection alone, so a
      // handshake in progress is stopped by closing its connection.
      const cancel = new AbortController();
      let current: DenoConn | undefined;
      const open = async (): Promise<DenoConn> => {
        const tcp = await deno.connect({
          hostname: address.host,
          port: address.port,
          transport: "tcp",
          signal: cancel.signal,
        });
        current = tcp;
        try {
          tcp.setNoDelay(true);
          tcp.setKeepAlive(true);
        } catch {
          // Options are best effort: a connection that refuses them still carries bytes.
        }
        if (tls === undefined) return tcp;
        const secure = await deno.startTls(tcp, startTlsOptions(address, tls));
        current = secure;
        await secure.handshake();
        return secure;
      };
      return {
        opened: open(),
        abandon: () => {
          cancel.abort();
          if (current !== undefined) closeQuietly(current);
        },
        discard: (conn) => closeQuietly(conn),
      };
    },
    (err) => describeDenoError(err, tls !== undefined),
  ).then((conn) => streamSocketTransport(conn, where, handlers));
}

function startTlsOptions(address: BrokerAddress, tls: TlsSettings) {
  return {
    hostname: tls.servername ?? address.host,
    ...(tls.ca === undefined ? {} : { caCerts: [...tls.ca] }),
  };
}

function closeQuietly(conn: DenoConn): void {
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
function describeDenoError(err: unknown, overTls: boolean): ConnectFailure {
  const name = err instanceof Error ? err.name : "";
  if (name === "NotCapable" || name === "PermissionDenied") {
    return {
      // Deno's message names the flag; the trap is granting only the bootstrap address.
      reason: `${describeError(err)} (an --allow-net list must name every broker the cluster advertises, not only the bootstrap)`,
      retriable: false,
    };
  }
  if (overTls) return describeTlsFailure(err);
  return { reason: describeError(err), retriable: !isArgumentError(err) };
}
