/**
 * The relay core: bytes between one WebSocket (from the `ws` package) and one TCP socket, with
 * backpressure both ways and no Kafka knowledge (the request inspector plugs in as
 * `transformClientBytes`).
 *
 * Memory per session stays bounded:
 * - client to broker: when `socket.write()` says the TCP send buffer is full, the WebSocket is
 *   paused until 'drain', so at most the socket's own high-water mark, the messages `ws` had
 *   already parsed, and one frame the transform may hold, sit here;
 * - broker to client: when the WebSocket's bufferedAmount passes `highWaterMark`, TCP reads
 *   pause until the send callbacks bring it back down, so at most highWaterMark plus one TCP
 *   read sit here.
 *
 * Either side closing closes the other. The WebSocket close code says why (RFC 6455 section
 * 7.4.1; 1014 "bad gateway" is the IANA registry's code for an upstream failure).
 */
import type { Socket } from "node:net";
import type { RawData, WebSocket } from "ws";
import type { InspectResult } from "./inspect.js";

export interface RelayOptions {
  /** Bytes queued toward the WebSocket before TCP reads pause. */
  highWaterMark: number;
  /** Sits on the client-to-broker path (the request inspector); may answer asynchronously. */
  transformClientBytes?: (chunk: Uint8Array) => InspectResult | Promise<InspectResult>;
  onBytes?: (direction: "to_broker" | "to_client", n: number) => void;
}

export interface RelayClose {
  code: number;
  reason: string;
}

export interface Relay {
  /** Settles once both the WebSocket and the TCP socket are closed, with the close code that ended the session. */
  closed: Promise<RelayClose>;
  /** Ends the session: closes the WebSocket with this code and reason and ends the TCP socket. */
  close(code: number, reason: string): void;
  /** Bytes this session holds in the process: toward the broker (queued messages and the socket's write buffer) and toward the client (ws.bufferedAmount). */
  buffered(): { toBroker: number; toClient: number };
}

/** A WebSocket close reason is at most 123 bytes of UTF-8 (RFC 6455 section 5.5). */
export const MAX_CLOSE_REASON_BYTES = 123;

/** How long an ended TCP socket may linger before it is destroyed. */
const SOCKET_LINGER_MS = 2000;

export function startRelay(ws: WebSocket, socket: Socket, options: RelayOptions): Relay {
  const { highWaterMark, transformClientBytes: transform, onBytes } = options;

  /** Client messages not yet handed to the transform or the socket, in order. */
  const queue: Uint8Array[] = [];
  let queuedBytes = 0;
  let transforming = false;
  let socketFull = false;
  let tcpPaused = false;
  /** Set once the session is being torn down on purpose: nothing more is forwarded. */
  let stopped = false;
  let wsClosed = false;
  let socketClosed = false;
  let socketEnding = false;
  let outcome: RelayClose | undefined;

  let settle: (value: RelayClose) => void = () => {};
  const closed = new Promise<RelayClose>((resolve) => {
    settle = resolve;
  });

  const finishIfDone = (): void => {
    if (wsClosed && socketClosed) settle(outcome ?? { code: 1006, reason: "" });
  };

  let lingerTimer: NodeJS.Timeout | undefined;
  const endSocket = (): void => {
    if (socketEnding || socketClosed) return;
    socketEnding = true;
    socket.end();
    // A peer that never answers our FIN must not hold the session open.
    lingerTimer = setTimeout(() => socket.destroy(), SOCKET_LINGER_MS);
    lingerTimer.unref();
  };

  /** Stops forwarding and ends the TCP socket; the first outcome recorded is the one reported. */
  const stop = (why: RelayClose): void => {
    outcome ??= why;
    stopped = true;
    queue.length = 0;
    queuedBytes = 0;
    // The closing handshake needs the client's close frame: read again (messages are dropped now).
    if (ws.isPaused) ws.resume();
    endSocket();
  };

  const close = (code: number, reason: string): void => {
    const why = { code, reason: truncateReason(reason) };
    // Only an open WebSocket can still send a close frame; one already closing keeps its code.
    if (outcome === undefined && ws.readyState === ws.OPEN) ws.close(why.code, why.reason);
    stop(why);
  };

  // ---- client to broker ----

  const writeToBroker = (bytes: Uint8Array): void => {
    onBytes?.("to_broker", bytes.length);
    if (!socket.write(bytes)) socketFull = true;
  };

  const deliver = (result: InspectResult): void => {
    if (!result.ok) {
      close(result.code, result.reason);
      return;
    }
    const { frames } = result;
    if (frames.length === 1) writeToBroker(frames[0]!);
    else if (frames.length > 1) {
      socket.cork();
      for (const frame of frames) writeToBroker(frame);
      socket.uncork();
    }
  };

  /** Forwards queued messages until the queue is empty or something makes us wait. */
  const pump = (): void => {
    while (!stopped && !transforming && !socketFull && queue.length > 0) {
      const chunk = queue.shift()!;
      queuedBytes -= chunk.length;
      if (transform === undefined) {
        writeToBroker(chunk);
        continue;
      }
      let result: InspectResult | Promise<InspectResult>;
      try {
        result = transform(chunk);
      } catch {
        close(1011, "internal error while inspecting a request");
        return;
      }
      if (result instanceof Promise) {
        transforming = true;
        result.then(
          (r) => {
            transforming = false;
            if (stopped) return;
            deliver(r);
            pump();
          },
          () => {
            transforming = false;
            close(1011, "internal error while inspecting a request");
          },
        );
        break;
      }
      deliver(result);
    }
    if (stopped) return;
    const wait = transforming || socketFull || queue.length > 0;
    if (wsClosed) {
      if (!wait) endSocket();
    } else if (wait !== ws.isPaused) {
      if (wait) ws.pause();
      else ws.resume();
    }
  };

  ws.on("message", (data: RawData, isBinary: boolean) => {
    if (stopped) return;
    if (!isBinary) {
      close(1003, "text frames are not accepted; send Kafka requests as binary messages");
      return;
    }
    const chunk = toBytes(data);
    queue.push(chunk);
    queuedBytes += chunk.length;
    pump();
  });

  socket.on("drain", () => {
    socketFull = false;
    pump();
  });

  // ---- broker to client ----

  const resumeTcpIfDrained = (): void => {
    if (tcpPaused && !stopped && ws.bufferedAmount <= highWaterMark) {
      tcpPaused = false;
      socket.resume();
    }
  };

  socket.on("data", (chunk: Buffer) => {
    if (stopped || ws.readyState !== ws.OPEN) return;
    onBytes?.("to_client", chunk.length);
    ws.send(chunk, { binary: true }, resumeTcpIfDrained);
    if (!tcpPaused && ws.bufferedAmount > highWaterMark) {
      tcpPaused = true;
      socket.pause();
    }
  });

  // ---- closing ----

  socket.on("end", () => close(1014, "broker closed the connection"));
  socket.on("error", (err: NodeJS.ErrnoException) => {
    close(1014, `broker connection failed: ${err.code ?? err.message}`);
  });
  socket.on("close", () => {
    socketClosed = true;
    clearTimeout(lingerTimer);
    close(1014, "broker connection closed");
    finishIfDone();
  });

  ws.on("error", (err: Error & { code?: string }) => {
    // ws has already sent its own close frame for these; record why the session ended.
    if (err.code === "WS_ERR_UNSUPPORTED_MESSAGE_LENGTH")
      stop({ code: 1009, reason: "message too big" });
    else if (err.code === "WS_ERR_INVALID_UTF8") stop({ code: 1007, reason: "invalid UTF-8" });
    else if (err.code?.startsWith("WS_ERR_"))
      stop({ code: 1002, reason: "WebSocket protocol error" });
    else stop({ code: 1006, reason: err.code ?? "WebSocket connection failed" });
  });
  ws.on("close", (code: number, reason: Buffer) => {
    wsClosed = true;
    if (outcome === undefined) outcome = { code, reason: reason.toString("utf8") };
    // What the client sent before closing still goes to the broker, then the socket ends.
    if (stopped) endSocket();
    else pump();
    finishIfDone();
  });

  socket.setNoDelay(true);
  // The server pauses the WebSocket while it connects; start reading now that bytes have somewhere to go.
  pump();

  return {
    closed,
    close,
    buffered: () => ({
      toBroker: queuedBytes + socket.writableLength,
      toClient: ws.readyState === ws.OPEN ? ws.bufferedAmount : 0,
    }),
  };
}

/** Cuts a close reason to 123 bytes of UTF-8 without splitting a character. */
export function truncateReason(reason: string): string {
  if (Buffer.byteLength(reason, "utf8") <= MAX_CLOSE_REASON_BYTES) return reason;
  let out = "";
  let bytes = 0;
  for (const ch of reason) {
    const n = Buffer.byteLength(ch, "utf8");
    if (bytes + n > MAX_CLOSE_REASON_BYTES - 3) break;
    out += ch;
    bytes += n;
  }
  return `${out}…`;
}

function toBytes(data: RawData): Uint8Array {
  if (Array.isArray(data)) return Buffer.concat(data);
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  return data;
}
