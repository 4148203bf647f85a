import { isIP, connect as netConnect, type Socket } from "node:net";
import { checkServerIdentity, connect as tlsConnect } from "node:tls";
import { formatBrokerAddress, gatewayUrlOf } from "../broker-address.js";
import { ProducerError, ProducerErrorCode } from "../errors.js";
import { connectFailedOver, describeTlsFailure } from "./tcp-connect.js";
import type {
  BrokerAddress,
  ConnectOptions,
  TlsSettings,
  Transport,
  TransportConnector,
  TransportHandlers,
} from "./transport.js";
import { badConnectTimeout, type Deferred, deferred } from "./transport-support.js";

/**
 * Direct TCP to a broker with node:net (Node; Bun also runs it). TCP_NODELAY is on, since a
 * producer's requests are whole frames that should leave at once (Kafka's clients do the same),
 * and keep-alive is on with the OS's timing, like Kafka's Java client, so a silently dead peer
 * is found even on an idle connection.
 *
 * Semantics the contract leaves to each transport:
 * - write(): returns undefined while socket.write() returns true; otherwise a promise that
 *   resolves on 'drain'. If the socket closes first, the promise REJECTS with CONNECTION_CLOSED
 *   (retriable): the bytes may not have left, so a waiter must not treat them as sent. Writing
 *   after close() or after the socket closed throws CONNECTION_CLOSED synchronously.
 * - close(): end() (flushes what is buffered, then FIN); the socket is destroyed if the broker
 *   has not closed its side within CLOSE_GRACE_MS. onClose(undefined) follows.
 * - The broker ending the stream (EOF) without our close() is an error: it dropped us.
 *
 * With ConnectOptions.tls the same socket speaks TLS (node:tls), and connect resolves only after
 * the handshake verified the broker's certificate chain and name.
 */
export const nodeTcp: TransportConnector = {
  name: "tcp",
  connect: connectTcp,
  // node:tls takes any CA list and any server name.
  checkTls: () => undefined,
};

/** How long close() lets buffered bytes flush and the broker close its side. */
export const CLOSE_GRACE_MS = 5_000;

function connectTcp(
  address: BrokerAddress,
  handlers: TransportHandlers,
  options: ConnectOptions,
): Promise<Transport> {
  const where = formatBrokerAddress(address);
  const { timeoutMs, signal, tls } = options;
  const failed = (w: string, reason: string, cause: unknown, retriable: boolean) =>
    connectFailedOver(w, reason, cause, retriable, tls === undefined ? "TCP" : "TLS");
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
    if (gatewayUrlOf(address) !== undefined) {
      // A gateway speaks WebSocket, not Kafka: TCP to its host and port would reach the wrong
      // protocol. createProducer picks the WebSocket transport for such bootstrap entries.
      reject(
        failed(
          where,
          "it is a gateway URL, which the WebSocket transport opens (webSocketConnector), not TCP; " +
            "drop the explicit transport, or bootstrap from host:port brokers",
          undefined,
          false,
        ),
      );
      return;
    }
    let socket: Socket;
    try {
      const common = { host: address.host, port: address.port, noDelay: true, keepAlive: true };
      socket =
        tls === undefined ? netConnect(common) : tlsConnect({ ...common, ...tlsOptions(tls) });
    } catch (err) {
      // A port out of range or a malformed host is refused synchronously.
      reject(failed(where, describeSocketError(err), err, false));
      return;
    }
    const timer = setTimeout(
      () => giveUp(`no connection within ${timeoutMs} ms`, undefined, true),
      timeoutMs,
    );
    const onAbort = () => giveUp("aborted", signal?.reason, false);
    const onError = (err: Error) => {
      if (tls === undefined) {
        giveUp(describeSocketError(err), err, true);
        return;
      }
      const failure = describeTlsFailure(err);
      giveUp(failure.reason, err, failure.retriable);
    };
    const onConnect = () => {
      cleanUp();
      resolve(new NodeTcpTransport(socket, where, handlers));
    };
    function cleanUp(): void {
      clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
      socket.off("error", onError);
      socket.off(tls === undefined ? "connect" : "secureConnect", onConnect);
    }
    function giveUp(reason: string, cause: unknown, retriable: boolean): void {
      cleanUp();
      socket.on("error", () => {}); // a late error from the dying socket has no one to tell
      socket.destroy();
      reject(failed(where, reason, cause, retriable));
    }
    // A TLS socket is ready once the handshake has verified the broker, not at the TCP connect.
    const ready = tls === undefined ? "connect" : "secureConnect";
    socket.once(ready, onConnect);
    socket.once("error", onError);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

class NodeTcpTransport implements Transport {
  readonly #socket: Socket;
  readonly #where: string;
  readonly #handlers: TransportHandlers;
  /** close() was called: what follows is our doing. */
  #closing = false;
  #closed = false;
  #error: Error | undefined;
  #drain: Deferred | undefined;
  #graceTimer: ReturnType<typeof setTimeout> | undefined;
  #corked = false;
  readonly #uncork = (): void => {
    this.#corked = false;
    this.#socket.uncork();
  };

  constructor(socket: Socket, where: string, handlers: TransportHandlers) {
    this.#socket = socket;
    this.#where = where;
    this.#handlers = handlers;
    socket.on("data", (chunk: Buffer) => {
      // A plain Uint8Array view, no copy. Safe because node:net hands every read its own fresh
      // Buffer (we set no `onread` buffer and no encoding), which nothing reuses afterwards — the
      // contract's promise to onData. Not the Buffer itself: Buffer#slice is a view, not a copy,
      // and code below us may rely on Uint8Array semantics.
      handlers.onData(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
    });
    socket.on("drain", () => {
      const d = this.#drain;
      this.#drain = undefined;
      d?.resolve();
    });
    socket.on("error", (err: Error) => {
      this.#error ??= err;
    });
    socket.on("close", () => this.#onSocketClose());
  }

  write(bytes: Uint8Array): Promise<void> | undefined {
    if (this.#closing || this.#closed) {
      throw new ProducerError(
        ProducerErrorCode.ConnectionClosed,
        `cannot write ${bytes.length} bytes to ${this.#where}: the TCP connection is closed`,
        { retriable: true, cause: this.#error },
      );
    }
    if (!this.#corked) {
      // Frames written in one tick leave in one writev: fewer, fuller TCP segments. With
      // TCP_NODELAY each write would otherwise be its own segment, and a burst of small
      // pipelined requests floods the broker's receive queue with tiny packets, which the
      // kernel prunes and drops; the retransmission backoff then stalls the connection for
      // seconds (seen on loopback here with 20,000 pipelined Metadata requests).
      this.#corked = true;
      this.#socket.cork();
      process.nextTick(this.#uncork);
    }
    if (this.#socket.write(bytes)) return undefined;
    if (this.#drain === undefined) {
      this.#drain = deferred();
    }
    return this.#drain.promise;
  }

  close(): void {
    if (this.#closing || this.#closed) return;
    this.#closing = true;
    this.#socket.end();
    this.#graceTimer = setTimeout(() => this.#socket.destroy(), CLOSE_GRACE_MS);
    this.#graceTimer.unref();
  }

  #onSocketClose(): void {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#graceTimer !== undefined) clearTimeout(this.#graceTimer);
    const cause = this.#error;
    const error = this.#closing
      ? undefined
      : new ProducerError(
          ProducerErrorCode.ConnectionClosed,
          cause === undefined
            ? `broker ${this.#where} closed the TCP connection`
            : `TCP connection to ${this.#where} failed: ${describeSocketError(cause)}`,
          { retriable: true, cause },
        );
    const d = this.#drain;
    this.#drain = undefined;
    d?.reject(
      error ??
        new ProducerError(
          ProducerErrorCode.ConnectionClosed,
          `TCP connection to ${this.#where} closed before its send buffer drained`,
          { retriable: true },
        ),
    );
    this.#handlers.onClose(error);
  }
}

/**
 * Node's socket errors say e.g. "connect ECONNREFUSED 127.0.0.1:9092"; with happy eyeballs
 * (autoSelectFamily) a failure on every address is an AggregateError with an empty message, so
 * the attempts are spelled out.
 */
function describeSocketError(err: unknown): string {
  if (err instanceof AggregateError && err.errors.length > 0) {
    return err.errors.map(describeSocketError).join("; ");
  }
  const message = err instanceof Error ? err.message : String(err);
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code === "string" && !message.includes(code)) {
    return message === "" ? code : `${code}: ${message}`;
  }
  return message;
}

/**
 * node:tls options for our settings. Node sends no SNI for an IP address (RFC 6066 forbids it),
 * so an IP servername is checked against the certificate without being sent.
 */
function tlsOptions(tls: TlsSettings) {
  const name = tls.servername;
  return {
    ...(tls.ca === undefined ? {} : { ca: [...tls.ca] }),
    ...(name === undefined || isIP(name) !== 0 ? {} : { servername: name }),
    ...(name === undefined
      ? {}
      : {
          checkServerIdentity: (_host: string, cert: Parameters<typeof checkServerIdentity>[1]) =>
            checkServerIdentity(name, cert),
        }),
    rejectUnauthorized: true,
  };
}
