import type { Connection } from "./connection.js";
import { invalidArgument } from "./errors.js";
import type { TlsSettings, TransportConnector } from "./transport/transport.js";

export interface ConnectionOptions {
  connector: TransportConnector;
  /** The client.id sent in every request header. */
  clientId: string;
  /** How long a request may wait for its answer before the connection is given up. */
  requestTimeoutMs: number;
  /** How long the transport may take to connect (TLS handshake included). */
  connectTimeoutMs: number;
  /** TLS over the transport (direct TCP); undefined: none. */
  tls?: TlsSettings | undefined;
  /** Sent in ApiVersions v3+ (KIP-511). Default "tributary". */
  clientSoftwareName?: string | undefined;
  /** Sent in ApiVersions v3+ (KIP-511). Default "0.1.0". */
  clientSoftwareVersion?: string | undefined;
  /** Cancels open() (connect, negotiation, authentication); ignored once open() resolved. */
  signal?: AbortSignal | undefined;
  /**
   * Called once when a connection that open() returned ends: with undefined after close() or
   * destroy() without an error, with the reason otherwise. Not called when open() rejects.
   */
  onClose?: ((error: Error | undefined) => void) | undefined;
  /**
   * SASL (sasl/authenticate.ts, from the sasl option): runs after version negotiation and
   * before open() resolves, with the connection ready for requests (SaslHandshake,
   * SaslAuthenticate). Its rejection fails open() with that error, unchanged, and the
   * connection is destroyed.
   */
  authenticate?: ((connection: Connection) => Promise<void>) | undefined;
  /** Largest response frame accepted; default FrameSplitter's (100 MiB). */
  maxFrameBytes?: number | undefined;
  /** First correlation id to use (default 0); lets tests reach the int32 wrap-around quickly. */
  firstCorrelationId?: number | undefined;
}

export interface RequestOptions {
  /** The API version to send; default the negotiated one. */
  version?: number | undefined;
  /** Default requestTimeoutMs. */
  timeoutMs?: number | undefined;
}

export interface SendOptions {
  /** The API version to send; default the negotiated one. */
  version?: number | undefined;
}

export interface CloseOptions {
  /** How long to wait for answers to requests in flight; default requestTimeoutMs. */
  timeoutMs?: number | undefined;
}

/** setTimeout's largest delay; longer ones fire at once. */
export const MAX_TIMER_MS = 0x7fffffff;
export const MAX_CORRELATION_ID = 0x7fffffff;

export function checkConnectionOptions(o: ConnectionOptions): void {
  if (typeof o.connector?.connect !== "function") {
    throw invalidArgument("connector", "must be a TransportConnector", o.connector);
  }
  for (const field of ["requestTimeoutMs", "connectTimeoutMs"] as const) {
    const v = o[field];
    if (typeof v !== "number" || !(v > 0 && v <= MAX_TIMER_MS)) {
      throw invalidArgument(field, "must be a number of milliseconds in (0, 2147483647]", v);
    }
  }
  if (typeof o.clientId !== "string") {
    throw invalidArgument("clientId", "must be a string", o.clientId);
  }
  const first = o.firstCorrelationId;
  if (
    first !== undefined &&
    !(Number.isInteger(first) && first >= 0 && first <= MAX_CORRELATION_ID)
  ) {
    throw invalidArgument("firstCorrelationId", "must be an integer in [0, 2147483647]", first);
  }
}
