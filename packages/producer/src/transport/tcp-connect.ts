import { formatBrokerAddress, gatewayUrlOf } from "../broker-address.js";
import { ProducerError, ProducerErrorCode } from "../errors.js";
import type { BrokerAddress, ConnectOptions } from "./transport.js";
import { badConnectTimeout } from "./transport-support.js";

/**
 * What the TCP transports of Deno, Bun and workerd share on the way to an open socket: the
 * checks node-tcp.ts makes before it dials, and one wait for the runtime's connect bounded by
 * timeoutMs and the abort signal, failing with the same errors and retriable flags as node-tcp.
 */

/** How long close() lets buffered bytes flush before the socket is torn down (as node-tcp). */
export const CLOSE_GRACE_MS = 5_000;

/** A runtime's connect error as a message fragment, and whether trying again could help. */
export interface ConnectFailure {
  reason: string;
  retriable: boolean;
}

/** One connect in flight, in whatever shape the runtime gives it. */
export interface ConnectAttempt<S> {
  /** Resolves with the open socket; rejects with the runtime's own error. */
  readonly opened: Promise<S>;
  /** We stopped waiting (timeout or abort): stop the attempt if the runtime can. */
  abandon(): void;
  /** A socket that opened after we stopped waiting: close it, or it would leak. */
  discard(socket: S): void;
}

/**
 * Dials with `start` and waits for the socket. Refuses first, without dialling, what node-tcp
 * refuses: a bad timeoutMs, an aborted signal, and a gateway URL. `describe` turns the
 * runtime's errors into a reason; an error `start` throws synchronously (a malformed host or
 * port) is never retriable, since the same arguments would be refused again.
 */
export function dialTcp<S>(
  address: BrokerAddress,
  options: ConnectOptions,
  start: () => ConnectAttempt<S>,
  describe: (err: unknown) => ConnectFailure,
): Promise<S> {
  const where = formatBrokerAddress(address);
  const { timeoutMs, signal } = options;
  return new Promise<S>((resolve, reject) => {
    const refusal = refuseBeforeDialling(address, where, timeoutMs, signal);
    if (refusal !== undefined) {
      reject(refusal);
      return;
    }
    let attempt: ConnectAttempt<S>;
    try {
      attempt = start();
    } catch (err) {
      reject(connectFailed(where, describe(err).reason, err, false));
      return;
    }
    let settled = false;
    const timer = setTimeout(
      () => giveUp(`no connection within ${timeoutMs} ms`, undefined, true),
      timeoutMs,
    );
    const onAbort = () => giveUp("aborted", signal?.reason, false);
    signal?.addEventListener("abort", onAbort, { once: true });
    function cleanUp(): boolean {
      if (settled) return false;
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
      return true;
    }
    function giveUp(reason: string, cause: unknown, retriable: boolean): void {
      if (!cleanUp()) return;
      attempt.abandon();
      reject(connectFailed(where, reason, cause, retriable));
    }
    attempt.opened.then(
      (socket) => {
        if (cleanUp()) resolve(socket);
        else attempt.discard(socket);
      },
      (err: unknown) => {
        if (!cleanUp()) return;
        const { reason, retriable } = describe(err);
        reject(connectFailed(where, reason, err, retriable));
      },
    );
  });
}

function refuseBeforeDialling(
  address: BrokerAddress,
  where: string,
  timeoutMs: number,
  signal: AbortSignal | undefined,
): ProducerError | undefined {
  const badTimeout = badConnectTimeout(timeoutMs);
  if (badTimeout !== undefined) return badTimeout;
  if (signal?.aborted) return connectFailed(where, "aborted before it began", signal.reason, false);
  if (gatewayUrlOf(address) !== undefined) {
    // A gateway speaks WebSocket, not Kafka: raw TCP to its host and port reaches the wrong
    // protocol. createProducer gives such bootstrap entries to the WebSocket transport.
    return connectFailed(
      where,
      "a gateway URL is reached over WebSocket (webSocketConnector), not raw TCP; drop the " +
        "explicit transport, or bootstrap from host:port brokers",
      undefined,
      false,
    );
  }
  return undefined;
}

/** The error of a connect that did not happen, worded as node-tcp words it. */
export function connectFailed(
  where: string,
  reason: string,
  cause: unknown,
  retriable: boolean,
): ProducerError {
  return new ProducerError(
    ProducerErrorCode.ConnectionFailed,
    `cannot connect to broker ${where} over TCP: ${reason}`,
    { retriable, cause },
  );
}

/**
 * The error of an open TCP connection that ended without our close(): the broker closed it
 * (`cause` undefined) or it broke. Retriable: the cluster layer connects again.
 */
export function connectionLost(where: string, cause: unknown): ProducerError {
  return new ProducerError(
    ProducerErrorCode.ConnectionClosed,
    cause === undefined
      ? `broker ${where} closed the TCP connection`
      : `TCP connection to ${where} failed: ${describeError(cause)}`,
    { retriable: true, cause },
  );
}

/** What a write waiting for room learns when the connection ends first: its bytes may not have left. */
export function closedBeforeDrain(where: string): ProducerError {
  return new ProducerError(
    ProducerErrorCode.ConnectionClosed,
    `TCP connection to ${where} closed before its send buffer drained`,
    { retriable: true },
  );
}

/**
 * A runtime error as text: Deno names the kind in `name` ("ConnectionRefused") and the OS
 * error in the message, Bun and Node put a `code` beside the message; keep whichever the
 * message lacks.
 */
export function describeError(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const code = (err as { code?: unknown }).code;
  const label = typeof code === "string" ? code : err.name;
  if (label === "" || label === "Error" || err.message.includes(label)) {
    return err.message === "" ? label : err.message;
  }
  return err.message === "" ? label : `${label}: ${err.message}`;
}

/**
 * Whether a runtime's connect error is about the arguments (a port out of range, a malformed
 * host: RangeError/TypeError), which no retry can fix.
 */
export function isArgumentError(err: unknown): boolean {
  return err instanceof RangeError || err instanceof TypeError;
}
