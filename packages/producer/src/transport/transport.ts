/**
 * The byte-stream contract every transport meets (DESIGN.md, "transports"). A transport moves
 * bytes to and from one broker and knows nothing about Kafka: framing, correlation ids and
 * version negotiation belong to the connection layer above it. Chunks arrive with arbitrary
 * boundaries; the connection reassembles frames.
 */

/** Where to connect: a broker's host and port as the cluster advertises it. */
export interface BrokerAddress {
  host: string;
  port: number;
}

/**
 * TLS for a direct TCP connection (the producer's `tls` option, resolved). The certificate
 * chain and the server name are always verified; there is no switch to turn that off.
 */
export interface TlsSettings {
  /** PEM CA certificates to trust instead of the runtime's own roots; undefined: the runtime's. */
  readonly ca: readonly string[] | undefined;
  /** The name sent in SNI and checked against the certificate; undefined: the broker's host. */
  readonly servername: string | undefined;
}

export interface ConnectOptions {
  /** Give up connecting after this long (reject with a CONNECTION_FAILED ProducerError). */
  timeoutMs: number;
  /** Aborting cancels a connect in progress. */
  signal?: AbortSignal | undefined;
  /**
   * Speak TLS over the connection, and resolve only once the handshake has verified the
   * broker's certificate. A certificate the settings do not accept fails the connect with a
   * CONNECTION_FAILED that is not retriable. Only transports with checkTls receive it.
   */
  tls?: TlsSettings | undefined;
}

/** Callbacks a transport calls; set once, before any data can arrive. */
export interface TransportHandlers {
  /** A chunk of bytes from the broker. The transport never reuses or mutates it afterwards. */
  onData(chunk: Uint8Array): void;
  /** The stream ended: `error` is undefined after close() from our side, set otherwise. */
  onClose(error: Error | undefined): void;
}

export interface Transport {
  /**
   * Queues bytes for sending, in order. Returns undefined when the transport can take more at
   * once, or a promise that resolves when its buffer has drained (backpressure): the caller waits
   * for it before writing more. Writing after close is an error (CONNECTION_CLOSED).
   */
  write(bytes: Uint8Array): Promise<void> | undefined;
  /** Closes from our side; onClose(undefined) follows. Safe to call more than once. */
  close(): void;
  /**
   * For a transport only some of the running code may use: a Worker's socket belongs to the
   * request that opened it (workerd-tcp.ts). False: the connection opens another instead of
   * writing here. Absent: usable everywhere.
   */
  usableHere?(): boolean;
}

/** Opens transports; one per runtime (node:net, Deno.connect, …) or WebSocket through a gateway. */
export interface TransportConnector {
  /** A short name for logs and stats: "tcp", "websocket", … */
  readonly name: string;
  /**
   * Present only on transports that do TLS (the runtimes' TCP ones): createProducer refuses the
   * tls option for any other, since it would be ignored and the bytes would go in the clear. It
   * throws INVALID_ARGUMENT for settings this runtime cannot honour (workerd cannot take a CA
   * per connection, say).
   */
  checkTls?(tls: TlsSettings): void;
  connect(
    address: BrokerAddress,
    handlers: TransportHandlers,
    options: ConnectOptions,
  ): Promise<Transport>;
}
