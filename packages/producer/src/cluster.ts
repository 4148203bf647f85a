import { MetadataClientCodec } from "@tributary/protocol";
import { type BootstrapAddress, formatBrokerAddress, gatewayUrlOf } from "./broker-address.js";
import { Connection } from "./connection.js";
import { ProducerError, ProducerErrorCode } from "./errors.js";
import { MetadataCache } from "./metadata.js";
import type { BrokerAddress, TlsSettings, TransportConnector } from "./transport/transport.js";

export interface ClusterOptions {
  /** host:port brokers, or gateway URLs (each entry with its `url`). */
  bootstrap: BootstrapAddress[];
  connector: TransportConnector;
  clientId: string;
  requestTimeoutMs: number;
  connectTimeoutMs: number;
  /** TLS on every connection (the tls option); undefined: plain. */
  tls?: TlsSettings | undefined;
  allowAutoTopicCreation: boolean;
  retryBackoffMs: number;
  retryBackoffMaxMs: number;
  /** Authenticates each new connection to `address` before it is used (SASL), if given. */
  authenticate?: ((address: BrokerAddress) => (conn: Connection) => Promise<void>) | undefined;
  /** Told when a connection is lost, so the sender can retry what it carried. */
  onConnectionLost: (nodeId: number, error: Error | undefined) => void;
}

/**
 * Connections to brokers (one per node, opened on first use) and the metadata they give. A
 * broker that refuses a connection is left alone for a growing backoff before the next try,
 * like the Java client's reconnect.backoff.ms, so a dead broker is not hammered.
 */
export class Cluster {
  readonly metadata = new MetadataCache();
  readonly #options: ClusterOptions;
  readonly #connections = new Map<number, Connection>();
  readonly #connecting = new Map<number, Promise<Connection>>();
  readonly #failures = new Map<string, { count: number; until: number }>();
  #bootstrapConnection: Connection | undefined;
  #bootstrapPending: Promise<Connection> | undefined;
  #bootstrapIndex = 0;
  #closed = false;
  /** Whether any broker ever answered: tells "unreachable bootstrap" from "unknown topic". */
  reachedAnyBroker = false;
  lastConnectError: Error | undefined;

  constructor(options: ClusterOptions) {
    this.#options = options;
  }

  /** An open connection to a node, if there is one right now. */
  connected(nodeId: number): Connection | undefined {
    const c = this.#connections.get(nodeId);
    return c?.isOpen ? c : undefined;
  }

  /** Opens (or reuses) the connection to a node; rejects while that broker is in backoff. */
  connect(nodeId: number): Promise<Connection> {
    const open = this.connected(nodeId);
    if (open) return Promise.resolve(open);
    const pending = this.#connecting.get(nodeId);
    if (pending) return pending;
    const address = this.metadata.brokers.get(nodeId);
    if (!address) {
      return Promise.reject(
        new ProducerError(
          ProducerErrorCode.ConnectionFailed,
          `broker ${nodeId} is not in metadata`,
          {
            retriable: true,
          },
        ),
      );
    }
    // A connection may be replaced while it is still open (one a finished Worker request
    // opened is not open to the next: Connection.isOpen); when it ends later, it must not take
    // its replacement out of the map.
    let opened: Connection | undefined;
    const p = this.#open(address, (err) => {
      if (opened === undefined || this.#connections.get(nodeId) === opened) {
        this.#connections.delete(nodeId);
      }
      this.#options.onConnectionLost(nodeId, err);
    }).then(
      (conn) => {
        opened = conn;
        this.#connecting.delete(nodeId);
        this.#connections.set(nodeId, conn);
        return conn;
      },
      (err: unknown) => {
        this.#connecting.delete(nodeId);
        throw err;
      },
    );
    this.#connecting.set(nodeId, p);
    return p;
  }

  /** Whether a connect to this broker would be refused for backoff now. */
  inBackoff(address: BrokerAddress, now: number): boolean {
    return (this.#failures.get(key(address))?.until ?? 0) > now;
  }

  /** Fetches metadata for these topics from any broker that answers. */
  async fetchMetadata(topics: string[]): Promise<void> {
    const conn = await this.anyConnection();
    const res = await conn.request(MetadataClientCodec, {
      topics: topics.map((name) => ({ name })),
      allowAutoTopicCreation: this.#options.allowAutoTopicCreation,
    });
    this.metadata.update(res, Date.now());
  }

  /**
   * Any open connection; else the bootstrap brokers in turn, then the known brokers. Concurrent
   * callers share one attempt, so no bootstrap connection is opened twice and leaked.
   */
  anyConnection(): Promise<Connection> {
    for (const c of this.#connections.values()) if (c.isOpen) return Promise.resolve(c);
    if (this.#bootstrapConnection?.isOpen) return Promise.resolve(this.#bootstrapConnection);
    this.#bootstrapPending ??= this.#connectAny().finally(() => {
      this.#bootstrapPending = undefined;
    });
    return this.#bootstrapPending;
  }

  async #connectAny(): Promise<Connection> {
    const candidates = [...this.#options.bootstrap, ...this.metadata.brokers.values()];
    let lastError: unknown;
    for (let i = 0; i < candidates.length; i++) {
      const address = candidates[(this.#bootstrapIndex + i) % candidates.length]!;
      if (this.inBackoff(address, Date.now())) continue;
      try {
        // Not a const read inside the callback: #open destroys a connection that opens after
        // close(), which runs this callback before #open has returned it.
        let conn: Connection | undefined;
        conn = await this.#open(address, () => {
          if (conn !== undefined && this.#bootstrapConnection === conn) {
            this.#bootstrapConnection = undefined;
          }
        });
        this.#bootstrapConnection = conn;
        return conn;
      } catch (err) {
        lastError = err;
        this.#bootstrapIndex = (this.#bootstrapIndex + i + 1) % candidates.length;
      }
    }
    if (lastError instanceof Error) throw lastError;
    // Every candidate is waiting out a backoff: say why the last attempt failed, since that,
    // not the backoff, is what the user has to fix.
    const last = this.lastConnectError;
    throw new ProducerError(
      ProducerErrorCode.ConnectionFailed,
      `every broker is in connect backoff (${candidates.map(formatBrokerAddress).join(", ")})` +
        (last === undefined ? "" : `; the last attempt failed: ${last.message}`),
      { retriable: true, cause: last },
    );
  }

  async #open(
    address: BrokerAddress,
    onClose: (err: Error | undefined) => void,
  ): Promise<Connection> {
    if (this.#closed) {
      throw new ProducerError(ProducerErrorCode.ProducerClosed, "the producer is closed");
    }
    const o = this.#options;
    try {
      const conn = await Connection.open(address, {
        connector: o.connector,
        clientId: o.clientId,
        requestTimeoutMs: o.requestTimeoutMs,
        connectTimeoutMs: o.connectTimeoutMs,
        tls: o.tls,
        onClose,
        ...(o.authenticate === undefined ? {} : { authenticate: o.authenticate(address) }),
      });
      this.#failures.delete(key(address));
      this.reachedAnyBroker = true;
      if (this.#closed) {
        conn.destroy();
        throw new ProducerError(ProducerErrorCode.ProducerClosed, "the producer is closed");
      }
      return conn;
    } catch (err) {
      const f = this.#failures.get(key(address)) ?? { count: 0, until: 0 };
      f.count++;
      const backoff = Math.min(o.retryBackoffMs * 2 ** (f.count - 1), o.retryBackoffMaxMs);
      f.until = Date.now() + backoff * (0.8 + Math.random() * 0.4);
      this.#failures.set(key(address), f);
      this.lastConnectError = err as Error;
      throw err;
    }
  }

  /** Closes every connection: gracefully (answers awaited) unless `force`. */
  async close(force = false): Promise<void> {
    this.#closed = true;
    const all = [...this.#connections.values()];
    if (this.#bootstrapConnection) all.push(this.#bootstrapConnection);
    this.#connections.clear();
    this.#bootstrapConnection = undefined;
    await Promise.all(all.map((c) => (force ? c.destroy() : c.close())));
  }
}

/** One backoff record per place we connect to: a gateway URL names one place, not host:port. */
function key(a: BrokerAddress): string {
  return gatewayUrlOf(a) ?? `${a.host}:${a.port}`;
}
