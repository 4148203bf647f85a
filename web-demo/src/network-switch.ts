import {
  ProducerError,
  ProducerErrorCode,
  type Transport,
  type TransportConnector,
  type TransportHandlers,
} from "@tributary/producer";

/** The reason the producer sees while the switch is off (in its errors and lastError). */
const OFFLINE = "offline (demo switch)";

/**
 * The console's "Go offline" switch, as the producer meets it: a wrapper around its transport
 * connector. While off, every connect fails the way an unreachable gateway does (a retriable
 * CONNECTION_FAILED), and turning it off cuts the connections already open, so requests in flight
 * fail and are retried. Nothing is faked above the transport: the producer, and the durable queue
 * on top of it, react exactly as they would to a real outage.
 */
export class NetworkSwitch {
  #online = true;
  /** Cuts each connection opened through the switch and still open. */
  readonly #open = new Set<() => void>();
  readonly #listeners = new Set<(online: boolean) => void>();

  get online(): boolean {
    return this.#online;
  }

  /** Turns the network off (cutting what is open) or back on; listeners hear of every change. */
  set(online: boolean): void {
    if (online === this.#online) return;
    this.#online = online;
    if (!online) for (const cut of [...this.#open]) cut();
    for (const l of this.#listeners) l(online);
  }

  onChange(listener: (online: boolean) => void): void {
    this.#listeners.add(listener);
  }

  /** `connector`, opening connections only while the switch is on. */
  wrap(connector: TransportConnector): TransportConnector {
    return {
      name: connector.name,
      connect: (address, handlers, options) => this.#connect(connector, address, handlers, options),
    };
  }

  async #connect(
    connector: TransportConnector,
    address: Parameters<TransportConnector["connect"]>[0],
    handlers: TransportHandlers,
    options: Parameters<TransportConnector["connect"]>[2],
  ): Promise<Transport> {
    if (!this.#online) throw offline("connect refused", ProducerErrorCode.ConnectionFailed);
    // Once the connection has reported its end (or was cut), nothing more reaches it: a cut
    // connection's own close, which follows, must not be reported a second time.
    let ended = false;
    const end = (error: Error | undefined) => {
      if (ended) return;
      ended = true;
      this.#open.delete(cut);
      handlers.onClose(error);
    };
    let inner: Transport | undefined;
    const cut = () => {
      end(offline("connection cut", ProducerErrorCode.ConnectionClosed));
      inner?.close();
    };
    inner = await connector.connect(
      address,
      {
        onData: (chunk) => {
          if (!ended) handlers.onData(chunk);
        },
        onClose: end,
      },
      options,
    );
    if (!this.#online) {
      // Switched off while this connect was under way: nobody holds the connection yet.
      ended = true;
      inner.close();
      throw offline("connect refused", ProducerErrorCode.ConnectionFailed);
    }
    if (!ended) this.#open.add(cut);
    const opened = inner;
    return {
      write: (bytes) => opened.write(bytes),
      close: () => {
        this.#open.delete(cut);
        opened.close();
      },
    };
  }
}

function offline(what: string, code: ProducerErrorCode): ProducerError {
  return new ProducerError(code, `${OFFLINE}: ${what}`, { retriable: true });
}
