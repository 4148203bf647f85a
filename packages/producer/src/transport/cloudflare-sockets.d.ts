/**
 * The part of workerd's `cloudflare:sockets` module that workerd-tcp.ts uses
 * (https://developers.cloudflare.com/workers/runtime-apis/tcp-sockets/), declared here so the
 * package needs no @cloudflare/workers-types.
 */
declare module "cloudflare:sockets" {
  interface SocketAddress {
    hostname: string;
    port: number;
  }

  interface SocketOptions {
    /** "off": plain TCP; "on": TLS from the start; "starttls": plain until startTls(). */
    secureTransport?: "off" | "on" | "starttls";
    /** false: the writable side closes when the readable side reaches EOF. */
    allowHalfOpen?: boolean;
  }

  interface SocketInfo {
    remoteAddress?: string;
    localAddress?: string;
  }

  interface Socket {
    readonly readable: ReadableStream<Uint8Array>;
    readonly writable: WritableStream<Uint8Array>;
    /** Resolves once connected; rejects when the connection cannot be made. */
    readonly opened: Promise<SocketInfo>;
    /** Resolves when the socket has closed; rejects when it closed on an error. */
    readonly closed: Promise<void>;
    close(): Promise<void>;
    /**
     * Upgrades a socket opened with secureTransport "starttls" to TLS: a new Socket over the
     * same connection, whose `opened` settles once the handshake has. (Its
     * expectedServerHostname option is left out: workerd does not support it.)
     */
    startTls(): Socket;
  }

  function connect(address: SocketAddress | string, options?: SocketOptions): Socket;
}
