import { formatBrokerAddress, gatewayUrlOf } from "../broker-address.js";
import { ProducerError, ProducerErrorCode } from "../errors.js";
import type { BrokerAddress, ConnectOptions } from "./transport.js";
import { badConnectTimeout } from "./transport-support.js";

/**
 * What the TCP transports of Deno, Bun and workerd share on the way to an open socket: the
 * checks node-tcp.ts makes before it dials, and one wait for the runtime's connect bounded by
 * timeoutMs and the abort signal, failing with the same errors and retriable flags as node-tcp.
 * With ConnectOptions.tls the wait covers the TLS handshake too, and describeTlsFailure words
 * (and classes) what each runtime says when the broker's certificate is not accepted.
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
  const over = options.tls === undefined ? "TCP" : "TLS";
  const failed = (reason: string, cause: unknown, retriable: boolean) =>
    connectFailedOver(where, reason, cause, retriable, over);
  return new Promise<S>((resolve, reject) => {
    const refusal = refuseBeforeDialling(address, timeoutMs, signal, failed);
    if (refusal !== undefined) {
      reject(refusal);
      return;
    }
    let attempt: ConnectAttempt<S>;
    try {
      attempt = start();
    } catch (err) {
      reject(failed(describe(err).reason, err, false));
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
      reject(failed(reason, cause, retriable));
    }
    attempt.opened.then(
      (socket) => {
        if (cleanUp()) resolve(socket);
        else attempt.discard(socket);
      },
      (err: unknown) => {
        if (!cleanUp()) return;
        const { reason, retriable } = describe(err);
        reject(failed(reason, err, retriable));
      },
    );
  });
}

function refuseBeforeDialling(
  address: BrokerAddress,
  timeoutMs: number,
  signal: AbortSignal | undefined,
  failed: (reason: string, cause: unknown, retriable: boolean) => ProducerError,
): ProducerError | undefined {
  const badTimeout = badConnectTimeout(timeoutMs);
  if (badTimeout !== undefined) return badTimeout;
  if (signal?.aborted) return failed("aborted before it began", signal.reason, false);
  if (gatewayUrlOf(address) !== undefined) {
    // A gateway speaks WebSocket, not Kafka: raw TCP to its host and port reaches the wrong
    // protocol. createProducer gives such bootstrap entries to the WebSocket transport.
    return failed(
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
  return connectFailedOver(where, reason, cause, retriable, "TCP");
}

/** connectFailed for a connection that speaks TCP or, with the tls option, TLS. */
export function connectFailedOver(
  where: string,
  reason: string,
  cause: unknown,
  retriable: boolean,
  over: "TCP" | "TLS",
): ProducerError {
  return new ProducerError(
    ProducerErrorCode.ConnectionFailed,
    `cannot connect to broker ${where} over ${over}: ${reason}`,
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

/**
 * Classes a failed TLS connect, for every TCP transport (node-tcp.ts too): what each runtime
 * says when the broker's certificate is not accepted, and whether trying again could help.
 * - The certificate: no retry, since the same settings meet the same certificate (Java's
 *   producer treats an SSL handshake failure as fatal the same way, SslAuthenticationException).
 *   Node and Bun give OpenSSL's verification codes (SELF_SIGNED_CERT_IN_CHAIN,
 *   UNABLE_TO_VERIFY_LEAF_SIGNATURE, CERT_HAS_EXPIRED, …) and ERR_TLS_CERT_ALTNAME_INVALID for
 *   a name; Deno (rustls) says "invalid peer certificate: UnknownIssuer" or "… certificate not
 *   valid for name …" in an InvalidData error.
 * - Other handshake refusals (Node's ERR_SSL_*: a peer that does not speak our TLS): no retry.
 * - The broker closing the connection during the handshake (ECONNRESET in Node and Bun,
 *   UnexpectedEof in Deno) is what a plain listener does with a TLS hello; it is also what a
 *   restarting broker does, so it stays retriable, with a hint.
 * - Anything else (refused, unreachable) is what it is without TLS: retriable.
 */
export function describeTlsFailure(err: unknown): ConnectFailure {
  const text = describeError(err);
  const code = errorCode(err);
  if (isNameMismatch(code, text)) {
    return {
      reason: `the broker's certificate was not accepted: ${text} (the certificate is not for this host name; tls.servername names the one it is for)`,
      retriable: false,
    };
  }
  if (isCertificateRefusal(code, text)) {
    return {
      reason: `the broker's certificate was not accepted: ${text} (is the CA that signed it in tls.ca?)`,
      retriable: false,
    };
  }
  if (code.startsWith("ERR_SSL_")) {
    return { reason: `the TLS handshake failed: ${text}`, retriable: false };
  }
  if (code === "ECONNRESET" || code === "UnexpectedEof") {
    return {
      reason: `${text} (the broker closed the connection during the TLS handshake; is this an SSL or SASL_SSL listener?)`,
      retriable: true,
    };
  }
  return { reason: text, retriable: !isArgumentError(err) };
}

/** OpenSSL's certificate verification codes, as Node and Bun report them. */
const OPENSSL_CERTIFICATE_CODE =
  /^(?:ERR_TLS_CERT|UNABLE_TO_|CERT_|DEPTH_ZERO_|SELF_SIGNED_|HOSTNAME_|INVALID_CA|INVALID_PURPOSE|PATH_LENGTH_EXCEEDED)/;

function isCertificateRefusal(code: string, text: string): boolean {
  return OPENSSL_CERTIFICATE_CODE.test(code) || /invalid peer certificate/i.test(text);
}

function isNameMismatch(code: string, text: string): boolean {
  return (
    code === "ERR_TLS_CERT_ALTNAME_INVALID" ||
    code === "HOSTNAME_MISMATCH" ||
    /invalid peer certificate: .*not valid for name|NotValidForName/i.test(text)
  );
}

/** Node's and Bun's `code`, else Deno's kind in `name`; "" when neither says anything. */
function errorCode(err: unknown): string {
  if (!(err instanceof Error)) return "";
  const code = (err as { code?: unknown }).code;
  if (typeof code === "string") return code;
  return err.name === "Error" ? "" : err.name;
}
