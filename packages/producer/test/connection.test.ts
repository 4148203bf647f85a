import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { once } from "node:events";
import { createServer, connect as rawConnect, type Server, type Socket } from "node:net";
import { after, describe, it } from "node:test";
import {
  ApiKey,
  ApiVersionsApi,
  type ApiVersionsResponse,
  CLIENT_VERSIONS,
  decodeRequestFrame,
  decodeRequestHeader,
  encodeResponseFrame,
  FrameSplitter,
  InitProducerIdApi,
  MetadataApi,
  type MetadataResponse,
  ProduceApi,
  type VersionRange,
} from "@tributary/protocol";
import { Connection, type ConnectionOptions } from "../src/connection.js";
import { ProducerError, ProducerErrorCode } from "../src/errors.js";
import { nodeTcp } from "../src/transport/node-tcp.js";
import type { BrokerAddress, Transport, TransportConnector } from "../src/transport/transport.js";

/**
 * The connection layer against a local node:net server that plays a broker: it answers
 * ApiVersions so open() succeeds, then does whatever a test tells it with the requests that
 * follow (answer, stay silent, answer out of order, hang up, send garbage).
 */

interface Received {
  apiKey: number;
  apiVersion: number;
  correlationId: number;
  frame: Uint8Array;
  socket: Socket;
}

interface FakeBrokerOptions {
  host?: string;
  /** Answers ApiVersions; default: every API this client speaks, at its full range. */
  onApiVersions?: (req: Received) => void;
  /** Called when a client connects, before any request. */
  onConnection?: (socket: Socket) => void;
}

interface FakeBroker {
  address: BrokerAddress;
  /** Every request except ApiVersions, in arrival order. */
  received: Received[];
  /** Resolves once `count` requests (not counting ApiVersions) have arrived; bounded wait. */
  waitForRequests(count: number, timeoutMs?: number): Promise<void>;
  /** Resolves when the client's socket has closed. */
  clientClosed(): Promise<void>;
  close(): Promise<void>;
}

const brokers: FakeBroker[] = [];
after(async () => {
  await Promise.all(brokers.map((b) => b.close()));
});

function clientRanges(): { apiKey: number; minVersion: number; maxVersion: number }[] {
  return Object.entries(CLIENT_VERSIONS as Record<number, VersionRange>).map(([k, r]) => ({
    apiKey: Number(k),
    minVersion: r.min,
    maxVersion: r.max,
  }));
}

function apiVersionsBody(
  apiKeys: ApiVersionsResponse["apiKeys"],
  errorCode = 0,
): ApiVersionsResponse {
  return {
    errorCode,
    apiKeys,
    throttleTimeMs: 0,
    supportedFeatures: [],
    finalizedFeaturesEpoch: -1n,
    finalizedFeatures: [],
    zkMigrationReady: false,
  };
}

function answerApiVersions(req: Received, apiKeys = clientRanges()): void {
  req.socket.write(
    encodeResponseFrame(
      ApiVersionsApi,
      req.apiVersion,
      req.correlationId,
      apiVersionsBody(apiKeys),
    ),
  );
}

/** A Metadata answer that names the topics asked for, so a test can tell answers apart. */
function metadataBody(req: Received): MetadataResponse {
  const asked = decodeRequestFrame(MetadataApi, req.frame).body.topics ?? [];
  return {
    throttleTimeMs: 0,
    brokers: [],
    clusterId: null,
    controllerId: -1,
    topics: asked.map((t) => ({
      errorCode: 3,
      name: t.name,
      topicId: "AAAAAAAAAAAAAAAAAAAAAA",
      isInternal: false,
      partitions: [],
      topicAuthorizedOperations: -2147483648,
    })),
    clusterAuthorizedOperations: -2147483648,
    errorCode: 0,
  };
}

function answerMetadata(req: Received, correlationId = req.correlationId): void {
  req.socket.write(
    encodeResponseFrame(MetadataApi, req.apiVersion, correlationId, metadataBody(req)),
  );
}

async function startFakeBroker(
  onRequest: (req: Received) => void,
  options: FakeBrokerOptions = {},
): Promise<FakeBroker> {
  const received: Received[] = [];
  const sockets = new Set<Socket>();
  const closed: Promise<void>[] = [];
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    closed.push(once(socket, "close").then(() => undefined));
    socket.on("error", () => {}); // the client hanging up is part of several tests
    options.onConnection?.(socket);
    const splitter = new FrameSplitter();
    socket.on("data", (chunk: Buffer) => {
      for (const frame of splitter.push(new Uint8Array(chunk))) {
        const h = decodeRequestHeader(frame);
        const req: Received = {
          apiKey: h.apiKey,
          apiVersion: h.apiVersion,
          correlationId: h.correlationId,
          frame,
          socket,
        };
        if (h.apiKey === ApiKey.ApiVersions) {
          (options.onApiVersions ?? answerApiVersions)(req);
        } else {
          received.push(req);
          onRequest(req);
        }
      }
    });
  });
  server.listen(0, options.host ?? "127.0.0.1");
  await once(server, "listening");
  const port = (server.address() as { port: number }).port;
  const broker: FakeBroker = {
    address: { host: options.host ?? "127.0.0.1", port },
    received,
    async waitForRequests(count, timeoutMs = 5_000) {
      const deadline = Date.now() + timeoutMs;
      while (received.length < count) {
        if (Date.now() > deadline) {
          assert.fail(`fake broker got ${received.length} requests, expected ${count}`);
        }
        await sleep(5);
      }
    },
    async clientClosed() {
      await withTimeout(Promise.all(closed), 5_000, "the client socket to close");
    },
    async close() {
      for (const s of sockets) s.destroy();
      server.close();
    },
  };
  brokers.push(broker);
  return broker;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  try {
    return await Promise.race([p, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function options(extra: Partial<ConnectionOptions> = {}): ConnectionOptions {
  return {
    connector: nodeTcp,
    clientId: "conn-test",
    requestTimeoutMs: 5_000,
    connectTimeoutMs: 2_000,
    ...extra,
  };
}

/** Records every onClose call. */
function closeRecorder() {
  const calls: (Error | undefined)[] = [];
  return { calls, onClose: (e: Error | undefined) => calls.push(e) };
}

function isProducerError(code: ProducerErrorCode, retriable?: boolean) {
  return (err: unknown) => {
    assert.ok(err instanceof ProducerError, `expected a ProducerError, got ${String(err)}`);
    assert.equal(err.code, code, err.message);
    if (retriable !== undefined) assert.equal(err.retriable, retriable, "retriable");
    return true;
  };
}

const metadata = (name: string) => ({ topics: [{ name }], allowAutoTopicCreation: false });

// Bounded: a request that never settles fails the suite instead of hanging the run.
describe("Connection over node:net against a local fake broker", { timeout: 60_000 }, () => {
  it("open() negotiates the highest versions both sides speak and sends software name and version", async () => {
    let softwareName = "";
    const broker = await startFakeBroker(() => {}, {
      onApiVersions: (req) => {
        softwareName = decodeRequestFrame(ApiVersionsApi, req.frame).body.clientSoftwareName ?? "";
        answerApiVersions(
          req,
          clientRanges().map((r) => (r.apiKey === ApiKey.Produce ? { ...r, maxVersion: 11 } : r)),
        );
      },
    });
    const conn = await Connection.open(broker.address, options());
    assert.equal(softwareName, "tributary");
    assert.equal(conn.versions.version(ApiKey.Produce), 11);
    assert.equal(conn.versions.version(ApiKey.Metadata), CLIENT_VERSIONS[ApiKey.Metadata].max);
    assert.equal(conn.isOpen, true);
    assert.equal(conn.inFlight, 0);
    assert.deepEqual(conn.address, broker.address);
    conn.destroy();
  });

  it("retries ApiVersions once at the version the broker offers when it answers UNSUPPORTED_VERSION (KIP-511)", async () => {
    const asked: number[] = [];
    const broker = await startFakeBroker(() => {}, {
      onApiVersions: (req) => {
        asked.push(req.apiVersion);
        if (req.apiVersion > 2) {
          // What an older broker does: a v0 body with error 35 and its own ApiVersions range.
          const body = apiVersionsBody(
            [{ apiKey: ApiKey.ApiVersions, minVersion: 0, maxVersion: 2 }],
            35,
          );
          req.socket.write(encodeResponseFrame(ApiVersionsApi, 0, req.correlationId, body));
        } else {
          answerApiVersions(
            req,
            clientRanges().map((r) =>
              r.apiKey === ApiKey.ApiVersions ? { ...r, maxVersion: 2 } : r,
            ),
          );
        }
      },
    });
    const conn = await Connection.open(broker.address, options());
    assert.deepEqual(asked, [CLIENT_VERSIONS[ApiKey.ApiVersions].max, 2]);
    assert.equal(conn.versions.version(ApiKey.ApiVersions), 2);
    conn.destroy();
  });

  it("open() fails with CONNECTION_FAILED naming the error when the broker refuses ApiVersions twice", async () => {
    const broker = await startFakeBroker(() => {}, {
      onApiVersions: (req) => {
        const body = apiVersionsBody(
          [{ apiKey: ApiKey.ApiVersions, minVersion: 0, maxVersion: 1 }],
          35,
        );
        req.socket.write(encodeResponseFrame(ApiVersionsApi, 0, req.correlationId, body));
      },
    });
    await assert.rejects(Connection.open(broker.address, options()), (err) => {
      isProducerError(ProducerErrorCode.ConnectionFailed)(err);
      assert.match((err as Error).message, /UNSUPPORTED_VERSION/);
      assert.match((err as Error).message, new RegExp(`127\\.0\\.0\\.1:${broker.address.port}`));
      return true;
    });
    await broker.clientClosed();
  });

  it("a request for an API the broker does not offer rejects with UNSUPPORTED_VERSION and sends nothing", async () => {
    const broker = await startFakeBroker(() => {}, {
      onApiVersions: (req) =>
        answerApiVersions(
          req,
          clientRanges().filter((r) => r.apiKey !== ApiKey.InitProducerId),
        ),
    });
    const conn = await Connection.open(broker.address, options());
    await assert.rejects(
      conn.request(InitProducerIdApi, { transactionalId: null, transactionTimeoutMs: 1000 }),
      (err: Error & { code?: string }) => err.code === "UNSUPPORTED_VERSION",
    );
    assert.equal(broker.received.length, 0);
    assert.equal(conn.isOpen, true);
    conn.destroy();
  });

  it("1,000 pipelined requests resolve with their own answers", async () => {
    const broker = await startFakeBroker((req) => answerMetadata(req));
    const conn = await Connection.open(broker.address, options());
    const answers = await Promise.all(
      Array.from({ length: 1000 }, (_, i) => conn.request(MetadataApi, metadata(`topic-${i}`))),
    );
    for (const [i, a] of answers.entries()) assert.equal(a.topics[0]?.name, `topic-${i}`);
    assert.equal(conn.inFlight, 0);
    conn.destroy();
  });

  it("correlation ids wrap from 2147483647 to 0 and answers still pair", async () => {
    const broker = await startFakeBroker((req) => answerMetadata(req));
    const conn = await Connection.open(
      broker.address,
      options({ firstCorrelationId: 0x7ffffffe }), // ApiVersions takes 0x7ffffffe
    );
    const answers = await Promise.all(
      ["a", "b", "c"].map((name) => conn.request(MetadataApi, metadata(name))),
    );
    assert.deepEqual(
      answers.map((a) => a.topics[0]?.name),
      ["a", "b", "c"],
    );
    assert.deepEqual(
      broker.received.map((r) => r.correlationId),
      [0x7fffffff, 0, 1],
    );
    conn.destroy();
  });

  it("a request not answered in time rejects with REQUEST_TIMEOUT, closes the connection and fails the others with CONNECTION_CLOSED", async () => {
    const broker = await startFakeBroker(() => {}); // never answers
    const closes = closeRecorder();
    const conn = await Connection.open(
      broker.address,
      options({ requestTimeoutMs: 200, onClose: closes.onClose }),
    );
    const started = Date.now();
    const first = conn.request(MetadataApi, metadata("a"));
    const second = conn.request(MetadataApi, metadata("b"));
    await assert.rejects(first, (err) => {
      isProducerError(ProducerErrorCode.RequestTimeout, true)(err);
      const m = (err as Error).message;
      assert.match(m, /Metadata v\d+/);
      assert.match(m, new RegExp(`127\\.0\\.0\\.1:${broker.address.port}`));
      assert.match(m, /200 ms/);
      return true;
    });
    const waited = Date.now() - started;
    assert.ok(waited >= 190 && waited < 2_000, `timed out after ${waited} ms`);
    await assert.rejects(second, isProducerError(ProducerErrorCode.ConnectionClosed, true));
    assert.equal(conn.isOpen, false);
    assert.equal(closes.calls.length, 1);
    assert.equal((closes.calls[0] as ProducerError).code, ProducerErrorCode.RequestTimeout);
    await broker.clientClosed();
    await assert.rejects(
      conn.request(MetadataApi, metadata("c")),
      isProducerError(ProducerErrorCode.ConnectionClosed, true),
    );
  });

  it("a shorter timeout given to a later request still fires first", async () => {
    const broker = await startFakeBroker(() => {});
    const conn = await Connection.open(broker.address, options({ requestTimeoutMs: 10_000 }));
    const started = Date.now();
    const slow = conn.request(MetadataApi, metadata("slow"));
    const quick = conn.request(MetadataApi, metadata("quick"), { timeoutMs: 150 });
    await assert.rejects(quick, (err) => {
      isProducerError(ProducerErrorCode.RequestTimeout)(err);
      assert.match((err as Error).message, /150 ms/);
      return true;
    });
    assert.ok(Date.now() - started < 2_000);
    await assert.rejects(slow, isProducerError(ProducerErrorCode.ConnectionClosed, true));
  });

  it("losing the connection rejects every request in flight with CONNECTION_CLOSED (retriable) and calls onClose once", async () => {
    const broker = await startFakeBroker((req) => {
      if (broker.received.length === 3) req.socket.destroy();
    });
    const closes = closeRecorder();
    const conn = await Connection.open(broker.address, options({ onClose: closes.onClose }));
    const results = await Promise.allSettled(
      ["a", "b", "c"].map((n) => conn.request(MetadataApi, metadata(n))),
    );
    for (const r of results) {
      assert.equal(r.status, "rejected");
      isProducerError(ProducerErrorCode.ConnectionClosed, true)(r.reason);
      assert.ok((r.reason as Error).cause instanceof Error, "cause says why");
    }
    assert.equal(closes.calls.length, 1);
    assert.ok(closes.calls[0] instanceof Error);
    assert.equal(conn.isOpen, false);
    assert.equal(conn.inFlight, 0);
  });

  it("the broker ending the stream (EOF) is an error, not a clean close", async () => {
    const broker = await startFakeBroker((req) => req.socket.end());
    const closes = closeRecorder();
    const conn = await Connection.open(broker.address, options({ onClose: closes.onClose }));
    await assert.rejects(
      conn.request(MetadataApi, metadata("a")),
      isProducerError(ProducerErrorCode.ConnectionClosed, true),
    );
    assert.equal(closes.calls.length, 1);
    assert.match(String(closes.calls[0]?.message), /closed the TCP connection/);
  });

  it("a response with an unknown correlation id fails the connection with a clear error", async () => {
    const broker = await startFakeBroker((req) => answerMetadata(req, req.correlationId + 1000));
    const closes = closeRecorder();
    const conn = await Connection.open(broker.address, options({ onClose: closes.onClose }));
    await assert.rejects(conn.request(MetadataApi, metadata("a")), (err) => {
      isProducerError(ProducerErrorCode.ConnectionClosed, true)(err);
      const cause = (err as Error).cause as Error & { code?: string };
      assert.equal(cause.code, "PROTOCOL_DECODE");
      const id = broker.received[0]!.correlationId;
      assert.match(cause.message, new RegExp(`correlation id ${id + 1000}`));
      assert.match(cause.message, new RegExp(`Metadata v\\d+ with correlation id ${id}\\b`));
      return true;
    });
    assert.equal(closes.calls.length, 1);
    await broker.clientClosed();
  });

  it("answers out of order fail the connection (Kafka answers in order on a connection)", async () => {
    const broker = await startFakeBroker(() => {
      if (broker.received.length === 2) {
        answerMetadata(broker.received[1]!);
        answerMetadata(broker.received[0]!);
      }
    });
    const conn = await Connection.open(broker.address, options());
    const results = await Promise.allSettled(
      ["a", "b"].map((n) => conn.request(MetadataApi, metadata(n))),
    );
    for (const r of results) {
      assert.equal(r.status, "rejected");
      isProducerError(ProducerErrorCode.ConnectionClosed, true)(r.reason);
      assert.match(((r.reason as Error).cause as Error).message, /Kafka answers in order/);
    }
  });

  it("a garbage frame (negative size) fails the connection with a decode error", async () => {
    const broker = await startFakeBroker((req) =>
      req.socket.write(Uint8Array.of(0xff, 0xff, 0xff, 0xfb, 1, 2)),
    );
    const closes = closeRecorder();
    const conn = await Connection.open(broker.address, options({ onClose: closes.onClose }));
    await assert.rejects(conn.request(MetadataApi, metadata("a")), (err) => {
      isProducerError(ProducerErrorCode.ConnectionClosed, true)(err);
      assert.match(((err as Error).cause as Error).message, /frame size -5 is negative/);
      return true;
    });
    assert.equal((closes.calls[0] as Error & { code?: string }).code, "PROTOCOL_DECODE");
  });

  it("a well-framed but undecodable answer fails only its request; the connection stays usable", async () => {
    const broker = await startFakeBroker((req) => {
      if (broker.received.length === 1) {
        // Correct size and correlation id, then a body cut short.
        const bad = new Uint8Array(4 + 4 + 2);
        new DataView(bad.buffer).setInt32(0, 6);
        new DataView(bad.buffer).setInt32(4, req.correlationId);
        req.socket.write(bad);
      } else {
        answerMetadata(req);
      }
    });
    const conn = await Connection.open(broker.address, options());
    await assert.rejects(
      conn.request(MetadataApi, metadata("a")),
      (err: Error & { code?: string }) => err.code === "PROTOCOL_DECODE",
    );
    const ok = await conn.request(MetadataApi, metadata("b"));
    assert.equal(ok.topics[0]?.name, "b");
    assert.equal(conn.isOpen, true);
    conn.destroy();
  });

  it("connecting to a closed port rejects with CONNECTION_FAILED naming host:port and the cause", async () => {
    const server = createServer();
    server.listen(0, "127.0.0.1");
    await once(server, "listening");
    const port = (server.address() as { port: number }).port;
    server.close();
    await once(server, "close");
    const started = Date.now();
    await assert.rejects(
      Connection.open({ host: "127.0.0.1", port }, options({ connectTimeoutMs: 1_000 })),
      (err) => {
        isProducerError(ProducerErrorCode.ConnectionFailed, true)(err);
        assert.match((err as Error).message, new RegExp(`127\\.0\\.0\\.1:${port}`));
        assert.match((err as Error).message, /ECONNREFUSED/);
        return true;
      },
    );
    assert.ok(Date.now() - started < 1_000);
  });

  it("a connect that gets no answer rejects with CONNECTION_FAILED after connectTimeoutMs, and an abort cancels it", async (t) => {
    const listener = await unresponsiveListener();
    t.after(() => listener.stop());
    const started = Date.now();
    await assert.rejects(
      Connection.open(listener.address, options({ connectTimeoutMs: 300 })),
      (err) => {
        isProducerError(ProducerErrorCode.ConnectionFailed, true)(err);
        assert.match((err as Error).message, /no connection within 300 ms/);
        return true;
      },
    );
    const waited = Date.now() - started;
    assert.ok(waited >= 290 && waited < 2_000, `gave up after ${waited} ms`);

    const abort = new AbortController();
    setTimeout(() => abort.abort(), 50);
    await assert.rejects(
      Connection.open(listener.address, options({ connectTimeoutMs: 5_000, signal: abort.signal })),
      (err) => {
        isProducerError(ProducerErrorCode.ConnectionFailed, false)(err);
        assert.match((err as Error).message, /aborted/);
        return true;
      },
    );
  });

  it("connects to an IPv6 literal (::1) and names it [::1]:port", async () => {
    const broker = await startFakeBroker(() => {}, { host: "::1" });
    const closes = closeRecorder();
    const conn = await Connection.open(
      broker.address,
      options({ requestTimeoutMs: 100, onClose: closes.onClose }),
    );
    await assert.rejects(conn.request(MetadataApi, metadata("a")), (err: Error) =>
      err.message.includes(`[::1]:${broker.address.port}`),
    );
  });

  it("authenticate runs after negotiation and before open() resolves; its error passes through and closes the socket", async () => {
    const broker = await startFakeBroker((req) => answerMetadata(req));
    const seen: string[] = [];
    const conn = await Connection.open(
      broker.address,
      options({
        authenticate: async (c) => {
          seen.push(`negotiated Produce v${c.versions.version(ApiKey.Produce)}`);
          const res = await c.request(MetadataApi, metadata("during-auth"));
          seen.push(String(res.topics[0]?.name));
        },
      }),
    );
    assert.deepEqual(seen, [
      `negotiated Produce v${CLIENT_VERSIONS[ApiKey.Produce].max}`,
      "during-auth",
    ]);
    conn.destroy();

    const other = await startFakeBroker(() => {});
    const refusal = new Error("SASL authentication failed: bad password");
    await assert.rejects(
      Connection.open(other.address, options({ authenticate: () => Promise.reject(refusal) })),
      (err) => err === refusal,
    );
    await other.clientClosed();
  });

  it("close() waits for answers in flight, then closes: onClose(undefined), later requests rejected", async () => {
    const broker = await startFakeBroker((req) => setTimeout(() => answerMetadata(req), 100));
    const closes = closeRecorder();
    const conn = await Connection.open(broker.address, options({ onClose: closes.onClose }));
    const pending = conn.request(MetadataApi, metadata("a"));
    const closing = conn.close();
    assert.equal(conn.isOpen, false);
    await assert.rejects(
      conn.request(MetadataApi, metadata("b")),
      isProducerError(ProducerErrorCode.ConnectionClosed, true),
    );
    assert.equal((await pending).topics[0]?.name, "a");
    await withTimeout(closing, 5_000, "close()");
    assert.deepEqual(closes.calls, [undefined]);
    await broker.clientClosed();
    await conn.close(); // again: no-op
    assert.equal(closes.calls.length, 1);
  });

  it("close() gives up on answers after its bound and fails what is left with CONNECTION_CLOSED", async () => {
    const broker = await startFakeBroker(() => {});
    const conn = await Connection.open(broker.address, options());
    const pending = conn.request(MetadataApi, metadata("a"));
    const outcome = pending.then(
      () => assert.fail("answered"),
      (err: unknown) => err,
    );
    const started = Date.now();
    await withTimeout(conn.close({ timeoutMs: 100 }), 5_000, "close()");
    const waited = Date.now() - started;
    assert.ok(waited >= 90 && waited < 2_000, `close() took ${waited} ms`);
    isProducerError(ProducerErrorCode.ConnectionClosed, true)(await outcome);
  });

  it("destroy() fails requests in flight at once", async () => {
    const broker = await startFakeBroker(() => {});
    const closes = closeRecorder();
    const conn = await Connection.open(broker.address, options({ onClose: closes.onClose }));
    const pending = conn.request(MetadataApi, metadata("a"));
    const reason = new Error("the test pulled the plug");
    conn.destroy(reason);
    await assert.rejects(pending, (err) => {
      isProducerError(ProducerErrorCode.ConnectionClosed, true)(err);
      assert.equal((err as Error).cause, reason);
      return true;
    });
    assert.deepEqual(closes.calls, [reason]);
  });

  it("under backpressure frames leave in the order they were sent, and send() waits for room", async () => {
    const FRAMES = 48;
    const SIZE = 256 * 1024;
    let paused: Socket | undefined;
    const broker = await startFakeBroker(
      (req) => {
        if (req.apiKey === ApiKey.Metadata) answerMetadata(req);
      },
      {
        onApiVersions: (req) => {
          answerApiVersions(req);
          // Stop reading for a while so the client's buffers fill up.
          paused = req.socket;
          req.socket.pause();
        },
      },
    );
    let writes = 0;
    let blocked = 0;
    const counting: TransportConnector = {
      name: "counting-tcp",
      async connect(address, handlers, opts) {
        const inner = await nodeTcp.connect(address, handlers, opts);
        const t: Transport = {
          write(bytes) {
            writes++;
            const p = inner.write(bytes);
            if (p !== undefined) blocked++;
            return p;
          },
          close: () => inner.close(),
        };
        return t;
      },
    };
    const conn = await Connection.open(broker.address, options({ connector: counting }));
    const produce = (i: number) => ({
      transactionalId: null,
      acks: 0,
      timeoutMs: 1000,
      topicData: [
        {
          name: "order",
          topicId: "AAAAAAAAAAAAAAAAAAAAAQ",
          partitionData: [{ index: i, records: new Uint8Array(SIZE).fill(i) }],
        },
      ],
    });
    let sent = 0;
    const work: Promise<unknown>[] = [];
    for (let i = 0; i < FRAMES; i++) {
      // Every eighth frame is an answered request, so both paths share one ordered stream.
      if (i % 8 === 7) work.push(conn.request(MetadataApi, metadata(`m${i}`)));
      else work.push(conn.send(ProduceApi, produce(i)).then(() => sent++));
    }
    await sleep(200);
    const sentWhilePaused = sent;
    paused?.resume();
    await withTimeout(Promise.all(work), 10_000, "every frame to be written");
    await broker.waitForRequests(FRAMES);

    assert.ok(blocked > 0, "the transport pushed back at least once");
    assert.ok(
      sentWhilePaused < FRAMES - FRAMES / 8,
      `send() resolved ${sentWhilePaused} while paused`,
    );
    assert.equal(writes, FRAMES + 1); // + ApiVersions
    const ids = broker.received.map((r) => r.correlationId);
    assert.deepEqual(
      ids,
      Array.from({ length: FRAMES }, (_, i) => ids[0]! + i),
      "in order",
    );
    broker.received.forEach((r, i) => {
      if (i % 8 === 7) {
        assert.equal(r.apiKey, ApiKey.Metadata);
        return;
      }
      const p = decodeRequestFrame(ProduceApi, r.frame).body.topicData[0]!.partitionData[0]!;
      assert.equal(p.index, i);
      assert.equal(p.records?.length, SIZE);
      assert.ok(
        p.records?.every((b) => b === (i & 0xff)),
        `frame ${i} intact`,
      );
    });
    conn.destroy();
  });

  it("a broker that stops reading fails pending sends once requestTimeoutMs passes", async () => {
    const broker = await startFakeBroker(() => {}, {
      onApiVersions: (req) => {
        answerApiVersions(req);
        req.socket.pause(); // and never resume
      },
    });
    const closes = closeRecorder();
    const conn = await Connection.open(
      broker.address,
      options({ requestTimeoutMs: 300, onClose: closes.onClose }),
    );
    const big = new Uint8Array(1024 * 1024);
    const sends = Array.from({ length: 16 }, (_, i) =>
      conn.send(ProduceApi, {
        transactionalId: null,
        acks: 0,
        timeoutMs: 1000,
        topicData: [
          {
            name: "stall",
            topicId: "AAAAAAAAAAAAAAAAAAAAAQ",
            partitionData: [{ index: i, records: big }],
          },
        ],
      }),
    );
    const results = await withTimeout(Promise.allSettled(sends), 5_000, "the sends to settle");
    const failed = results.filter((r) => r.status === "rejected");
    assert.ok(failed.length > 0, "some sends could not be written");
    for (const r of failed) isProducerError(ProducerErrorCode.ConnectionClosed, true)(r.reason);
    assert.equal((closes.calls[0] as ProducerError).code, ProducerErrorCode.RequestTimeout);
  });
});

/**
 * A listening port whose process never accepts (its event loop is blocked), with the accept
 * queue filled, so a further connect gets no answer at all: the kernel drops its SYN.
 */
async function unresponsiveListener(): Promise<{ address: BrokerAddress; stop: () => void }> {
  const script = `
    const net = require("node:net");
    const s = net.createServer().listen({ port: 0, host: "127.0.0.1", backlog: 1 }, () => {
      require("node:fs").writeSync(1, String(s.address().port) + "\\n");
      // Block the event loop (without spinning) so nothing is ever accepted; bounded.
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20000);
    });`;
  const child = spawn(process.execPath, ["-e", script], { stdio: ["ignore", "pipe", "inherit"] });
  const [line] = (await withTimeout(once(child.stdout, "data"), 5_000, "the listener")) as [Buffer];
  const port = Number(line.toString().trim());
  const fillers: Socket[] = [];
  const stop = () => {
    for (const s of fillers) s.destroy();
    child.kill();
  };
  // Fill the accept queue: connect until one connect is left hanging (at most 16 tries).
  for (let i = 0; i < 16; i++) {
    const s = rawConnect(port, "127.0.0.1");
    s.on("error", () => {});
    fillers.push(s);
    const connected = await Promise.race([
      once(s, "connect").then(() => true),
      sleep(250).then(() => false),
    ]);
    if (!connected) return { address: { host: "127.0.0.1", port }, stop };
  }
  stop();
  throw new Error("could not fill the accept queue of the unresponsive listener");
}

describe("nodeTcp transport", { timeout: 30_000 }, () => {
  async function plainServer(onSocket: (s: Socket) => void): Promise<BrokerAddress> {
    const server = createServer((s) => {
      s.on("error", () => {});
      onSocket(s);
    });
    server.listen(0, "127.0.0.1");
    await once(server, "listening");
    brokers.push({
      close: async () => {
        server.close();
      },
    } as FakeBroker);
    return { host: "127.0.0.1", port: (server.address() as { port: number }).port };
  }

  it("delivers plain Uint8Array chunks, reports onClose(undefined) once after close(), and refuses writes after it", async () => {
    const address = await plainServer((s) => s.write(Uint8Array.of(1, 2, 3)));
    const chunks: Uint8Array[] = [];
    const closes = closeRecorder();
    const t = await nodeTcp.connect(
      address,
      { onData: (c) => chunks.push(c), onClose: closes.onClose },
      { timeoutMs: 1_000 },
    );
    const deadline = Date.now() + 5_000;
    while (chunks.length === 0 && Date.now() < deadline) await sleep(5);
    assert.equal(Object.getPrototypeOf(chunks[0]), Uint8Array.prototype, "not a Buffer");
    assert.deepEqual([...chunks[0]!], [1, 2, 3]);
    t.close();
    t.close();
    while (closes.calls.length === 0 && Date.now() < deadline) await sleep(5);
    assert.deepEqual(closes.calls, [undefined]);
    assert.throws(
      () => t.write(Uint8Array.of(1)),
      isProducerError(ProducerErrorCode.ConnectionClosed, true),
    );
  });

  it("a write waiting for drain rejects with CONNECTION_CLOSED when the peer resets, and onClose gets the error", async () => {
    let peer: Socket | undefined;
    const address = await plainServer((s) => {
      peer = s;
      s.pause(); // read nothing, so our buffers fill
    });
    const closes = closeRecorder();
    const t = await nodeTcp.connect(
      address,
      { onData: () => {}, onClose: closes.onClose },
      { timeoutMs: 1_000 },
    );
    let waiting: Promise<void> | undefined;
    const chunk = new Uint8Array(1024 * 1024);
    for (let i = 0; i < 64 && waiting === undefined; i++) waiting = t.write(chunk);
    assert.ok(waiting, "the transport pushed back");
    const outcome = waiting.then(
      () => assert.fail("drained"),
      (err: unknown) => err,
    );
    peer?.resetAndDestroy();
    isProducerError(
      ProducerErrorCode.ConnectionClosed,
      true,
    )(await withTimeout(outcome, 5_000, "the write to settle"));
    assert.equal(closes.calls.length, 1);
    isProducerError(ProducerErrorCode.ConnectionClosed, true)(closes.calls[0]);
  });
});
