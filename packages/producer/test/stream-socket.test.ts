import assert from "node:assert/strict";
import { describe, it, mock } from "node:test";
import { ProducerError } from "../src/errors.js";
import {
  COALESCE_BYTES,
  type StreamSocket,
  type StreamSocketOptions,
  streamSocketTransport,
} from "../src/transport/stream-socket.js";
import { CLOSE_GRACE_MS } from "../src/transport/tcp-connect.js";
import type { Transport } from "../src/transport/transport.js";

/**
 * The web-streams adapter behind the Deno and workerd TCP transports, driven through real
 * WHATWG streams (Node's globals) standing in for a socket: the test plays the broker by
 * enqueuing into the readable and by deciding when the writable's sink finishes a write.
 * Deno and workerd themselves are exercised against a real broker by the conformance suite.
 */

interface FakeSocket {
  socket: StreamSocket;
  /** Chunks the sink received, in order. */
  written: Uint8Array[];
  /** The broker sends bytes. */
  send(bytes: Uint8Array): void;
  /** The broker ends its stream (EOF). */
  end(): void;
  /** The read side fails (a reset). */
  breakReads(error: Error): void;
  /** Lets the sink finish its oldest pending write (slow sinks only). */
  finishOneWrite(): void;
  pendingWrites(): number;
  closeCalls: number;
  sinkClosed: boolean;
}

interface SocketOptions {
  /** Writes stay pending until finishOneWrite(). */
  slow?: boolean;
  /** The sink refuses every write with this error. */
  failWrites?: Error;
  /** The sink never finishes closing. */
  hangOnClose?: boolean;
}

function fakeSocket(options: SocketOptions = {}): FakeSocket {
  let source!: ReadableStreamDefaultController<Uint8Array>;
  const gates: (() => void)[] = [];
  const fake: FakeSocket = {
    socket: {
      readable: new ReadableStream<Uint8Array>({
        start(c) {
          source = c;
        },
      }),
      writable: new WritableStream<Uint8Array>(
        {
          write(chunk) {
            if (options.failWrites !== undefined) throw options.failWrites;
            fake.written.push(chunk);
            if (options.slow) return new Promise<void>((resolve) => gates.push(resolve));
            return undefined;
          },
          close() {
            fake.sinkClosed = true;
            if (options.hangOnClose) return new Promise<void>(() => {});
            return undefined;
          },
        },
        // One chunk at a time, as Deno's writable queues them.
        new CountQueuingStrategy({ highWaterMark: 1 }),
      ),
      close() {
        fake.closeCalls++;
      },
    },
    written: [],
    send: (bytes) => source.enqueue(bytes),
    end: () => source.close(),
    breakReads: (error) => source.error(error),
    finishOneWrite: () => gates.shift()?.(),
    pendingWrites: () => gates.length,
    closeCalls: 0,
    sinkClosed: false,
  };
  return fake;
}

interface Recorder {
  chunks: Uint8Array[];
  closes: (Error | undefined)[];
  /** Resolves at the first onClose. */
  closed: Promise<Error | undefined>;
}

function open(
  fake: FakeSocket,
  options: StreamSocketOptions = {},
): { transport: Transport; seen: Recorder } {
  let onFirstClose!: (e: Error | undefined) => void;
  const seen: Recorder = {
    chunks: [],
    closes: [],
    closed: new Promise((r) => {
      onFirstClose = r;
    }),
  };
  const transport = streamSocketTransport(
    fake.socket,
    "127.0.0.1:9092",
    {
      onData: (chunk) => seen.chunks.push(chunk),
      onClose: (error) => {
        seen.closes.push(error);
        onFirstClose(error);
      },
    },
    options,
  );
  return { transport, seen };
}

/** Lets queued promise callbacks (stream internals, our handlers) run. */
async function settle(rounds = 20): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise<void>((r) => setImmediate(r));
}

function isConnectionClosed(error: unknown): boolean {
  return (
    error instanceof ProducerError && error.code === "CONNECTION_CLOSED" && error.retriable === true
  );
}

const bytes = (...values: number[]) => Uint8Array.from(values);

/** Everything the sink received, as one array of byte values. */
const sinkBytes = (fake: FakeSocket) => fake.written.flatMap((c) => [...c]);

describe("stream-socket: reading", () => {
  it("hands every chunk to onData in the order the stream delivers it, as the stream's own objects", async () => {
    const fake = fakeSocket();
    const { transport, seen } = open(fake);
    const sent: Uint8Array[] = [];
    for (let i = 0; i < 200; i++) {
      const chunk = new Uint8Array(1 + (i % 7)).fill(i & 0xff);
      sent.push(chunk);
      fake.send(chunk);
      if (i % 50 === 0) await settle(2);
    }
    await settle();
    assert.equal(seen.chunks.length, sent.length);
    for (let i = 0; i < sent.length; i++) assert.equal(seen.chunks[i], sent[i], `chunk ${i}`);
    transport.close();
    await seen.closed;
  });

  it("skips empty chunks", async () => {
    const fake = fakeSocket();
    const { transport, seen } = open(fake);
    fake.send(new Uint8Array(0));
    fake.send(bytes(1));
    await settle();
    assert.deepEqual(seen.chunks, [bytes(1)]);
    transport.close();
    await seen.closed;
  });

  it("EOF from the broker without our close() is onClose(CONNECTION_CLOSED), once, and the socket is closed", async () => {
    const fake = fakeSocket();
    const { transport, seen } = open(fake);
    fake.send(bytes(1, 2));
    fake.end();
    const error = await seen.closed;
    assert.ok(isConnectionClosed(error), String(error));
    assert.match(error!.message, /broker 127\.0\.0\.1:9092 closed the TCP connection/);
    assert.deepEqual(seen.chunks, [bytes(1, 2)], "data before the EOF is still delivered");
    assert.equal(fake.closeCalls, 1);
    assert.throws(() => transport.write(bytes(3)), isConnectionClosed);
    transport.close(); // safe after the end
    await settle();
    assert.equal(seen.closes.length, 1);
  });

  it("a failing read is onClose(CONNECTION_CLOSED) naming the stream's error, kept as the cause", async () => {
    const fake = fakeSocket();
    const { seen } = open(fake);
    const reset = Object.assign(new Error("Connection reset by peer (os error 104)"), {
      name: "ConnectionReset",
    });
    fake.breakReads(reset);
    const error = await seen.closed;
    assert.ok(isConnectionClosed(error), String(error));
    assert.match(error!.message, /ConnectionReset: Connection reset by peer/);
    assert.equal(error!.cause, reset);
    await settle();
    assert.equal(seen.closes.length, 1);
  });
});

describe("stream-socket: writing", () => {
  it("frames written in one tick reach the writer as one chunk, in order, and write() returns undefined under the high-water mark", async () => {
    const fake = fakeSocket();
    const { transport, seen } = open(fake);
    for (let i = 0; i < 100; i++)
      assert.equal(transport.write(bytes(i, i)), undefined, `write ${i}`);
    await settle();
    assert.equal(fake.written.length, 1, "one merged chunk");
    assert.deepEqual(sinkBytes(fake), Array.from({ length: 100 }, (_, i) => [i, i]).flat());
    transport.write(bytes(200));
    await settle();
    assert.equal(fake.written.length, 2, "a later tick is a later chunk");
    transport.close();
    assert.equal(await seen.closed, undefined);
  });

  it("a frame of COALESCE_BYTES or more reaches the writer as it is, without a copy, between merged neighbours", async () => {
    const fake = fakeSocket();
    const { transport, seen } = open(fake, { highWaterMark: 10 * COALESCE_BYTES });
    const big = new Uint8Array(COALESCE_BYTES).fill(9);
    transport.write(bytes(1));
    transport.write(bytes(2));
    transport.write(big);
    transport.write(bytes(3));
    await settle();
    assert.equal(fake.written.length, 3);
    assert.deepEqual([...fake.written[0]!], [1, 2]);
    assert.equal(fake.written[1], big, "the same object");
    assert.deepEqual([...fake.written[2]!], [3]);
    transport.close();
    assert.equal(await seen.closed, undefined);
  });

  it("backpressure: at the high-water mark write() returns a promise that resolves only once the slow sink brought the unwritten bytes under half of it", async () => {
    const fake = fakeSocket({ slow: true });
    const { transport, seen } = open(fake, { highWaterMark: 4 });
    assert.equal(transport.write(bytes(1, 1, 1)), undefined, "3 bytes: under the mark");
    await settle();
    assert.equal(fake.pendingWrites(), 1, "the sink is writing the first frame");
    const drained = transport.write(bytes(2, 2, 2));
    assert.ok(drained instanceof Promise, "6 unwritten bytes: over the mark of 4");
    let resolved = false;
    void drained.then(() => {
      resolved = true;
    });
    // A caller that does not wait gets the same promise, and its bytes queue in order.
    assert.equal(transport.write(bytes(3)), drained);
    await settle();
    assert.equal(resolved, false, "nothing has been written yet");
    fake.finishOneWrite();
    await settle();
    assert.equal(resolved, false, "4 bytes still unwritten: more than half the mark");
    fake.finishOneWrite();
    await settle();
    assert.equal(resolved, true, "every byte written");
    assert.deepEqual(sinkBytes(fake), [1, 1, 1, 2, 2, 2, 3]);
    transport.close();
    assert.equal(await seen.closed, undefined);
  });

  it("a write the stream refuses loses the connection: the pending drain rejects and onClose gets CONNECTION_CLOSED", async () => {
    const broken = new Error("Broken pipe (os error 32)");
    const fake = fakeSocket({ failWrites: broken });
    const { transport, seen } = open(fake, { highWaterMark: 1 });
    const drained = transport.write(bytes(1));
    assert.ok(drained instanceof Promise, "1 unwritten byte reaches a mark of 1");
    await assert.rejects(drained, isConnectionClosed);
    const error = await seen.closed;
    assert.ok(isConnectionClosed(error), String(error));
    assert.match(error!.message, /TCP connection to 127\.0\.0\.1:9092 failed: Broken pipe/);
    assert.equal(error!.cause, broken);
    assert.throws(() => transport.write(bytes(2)), isConnectionClosed);
    await settle();
    assert.equal(seen.closes.length, 1);
    assert.equal(fake.closeCalls, 1);
  });

  it("an EOF while a write waits for room rejects the wait (the bytes may not have left)", async () => {
    const fake = fakeSocket({ slow: true });
    const { transport, seen } = open(fake, { highWaterMark: 1 });
    const drained = transport.write(bytes(1));
    assert.ok(drained instanceof Promise);
    await settle();
    fake.end();
    await assert.rejects(drained, isConnectionClosed);
    assert.ok(isConnectionClosed(await seen.closed));
  });
});

describe("stream-socket: close()", () => {
  it("flushes what is queued, closes the socket, and reports onClose(undefined) once, never from inside close()", async () => {
    const fake = fakeSocket();
    const { transport, seen } = open(fake);
    transport.write(bytes(1));
    transport.write(bytes(2));
    // Closing in the same tick: the queued frames go to the writer before its close.
    transport.close();
    assert.equal(seen.closes.length, 0, "onClose is not called from inside close()");
    transport.close();
    assert.equal(await seen.closed, undefined);
    assert.deepEqual(sinkBytes(fake), [1, 2]);
    assert.equal(fake.sinkClosed, true, "the writable was closed (FIN) after the flush");
    assert.equal(fake.closeCalls, 1);
    // The broker's EOF or a reset after our close are our own doing, not news.
    await settle();
    assert.equal(seen.closes.length, 1);
  });

  it("write() after close() throws CONNECTION_CLOSED synchronously", async () => {
    const fake = fakeSocket();
    const { transport, seen } = open(fake);
    transport.close();
    assert.throws(
      () => transport.write(bytes(1)),
      (e: unknown) =>
        isConnectionClosed(e) && /cannot write 1 bytes to 127\.0\.0\.1:9092/.test(String(e)),
    );
    await seen.closed;
    assert.throws(() => transport.write(bytes(1)), isConnectionClosed);
  });

  it("a drain pending at close() rejects rather than resolving when the writer closes", async () => {
    const fake = fakeSocket({ slow: true });
    const { transport, seen } = open(fake, { highWaterMark: 1 });
    const drained = transport.write(bytes(1));
    assert.ok(drained instanceof Promise);
    transport.close();
    await settle();
    assert.equal(fake.pendingWrites(), 1, "the sink holds the write while we close");
    fake.finishOneWrite();
    await assert.rejects(
      drained,
      (e: unknown) =>
        isConnectionClosed(e) && /closed before its send buffer drained/.test(String(e)),
    );
    assert.equal(await seen.closed, undefined);
  });

  it("a sink that never finishes closing is torn down after CLOSE_GRACE_MS", async (t) => {
    mock.timers.enable({ apis: ["setTimeout"] });
    t.after(() => mock.timers.reset());
    const fake = fakeSocket({ hangOnClose: true });
    const { transport, seen } = open(fake);
    transport.close();
    await settle();
    assert.equal(seen.closes.length, 0, "still flushing within the grace period");
    mock.timers.tick(CLOSE_GRACE_MS);
    await settle();
    assert.deepEqual(seen.closes, [undefined]);
    assert.equal(fake.closeCalls, 1);
  });
});
