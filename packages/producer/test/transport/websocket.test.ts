import assert from "node:assert/strict";
import { createServer, type Socket } from "node:net";
import { after, describe, it } from "node:test";
import { MetadataApi } from "@tributary/protocol";
import { WebSocket } from "ws";
import { prng } from "../../../../scripts/test-support/prng.js";
import type { BootstrapAddress } from "../../src/broker-address.js";
import { Connection } from "../../src/connection.js";
import { GatewayRefusedError, ProducerError } from "../../src/errors.js";
import { nodeTcp } from "../../src/transport/node-tcp.js";
import type { TransportHandlers } from "../../src/transport/transport.js";
import {
  brokerUrl,
  type WebSocketConnectorOptions,
  type WebSocketConstructor,
  webSocketConnector,
} from "../../src/transport/websocket.js";
import { type FakeGateway, randomCuts, type Session, startFakeGateway } from "../fake-gateway.js";
import { closedPort } from "../net-helpers.js";

/**
 * The WebSocket transport against an in-process fake gateway (test/fake-gateway.ts): where it
 * connects, what it offers, how it reads chunks, backpressure, timeouts, aborts, and how every
 * way a gateway can close maps onto errors. The real gateway and broker are exercised by the
 * end-to-end tests.
 */

// Type-level: both constructors a user passes must fit, the `ws` package's (Node 20) and the
// web-standard global (DOM lib here; browsers, Deno, Bun, Node 22+).
const fromWs: WebSocketConstructor = WebSocket;
const fromGlobal: WebSocketConstructor | undefined = globalThis.WebSocket as
  | typeof globalThis.WebSocket
  | undefined;
void fromGlobal;

const gateways: FakeGateway[] = [];
after(async () => {
  await Promise.all(gateways.map((g) => g.close()));
});

async function gateway(options: Parameters<typeof startFakeGateway>[0] = {}): Promise<FakeGateway> {
  const g = await startFakeGateway(options);
  gateways.push(g);
  return g;
}

function connector(urls: string[], extra: Partial<WebSocketConnectorOptions> = {}) {
  return webSocketConnector({ urls, WebSocket: fromWs, ...extra });
}

const TOKEN = "s3cr3t-T0ken";

/** A gateway bootstrap address, as resolveOptions makes it. */
function gatewayAddress(url: string): BootstrapAddress {
  const u = new URL(url);
  return { host: u.hostname, port: Number(u.port), url };
}

interface Recorder extends TransportHandlers {
  chunks: Uint8Array[];
  closes: (Error | undefined)[];
  closed: Promise<Error | undefined>;
}

function recorder(): Recorder {
  let done!: (e: Error | undefined) => void;
  const r: Recorder = {
    chunks: [],
    closes: [],
    closed: new Promise((res) => (done = res)),
    onData: (chunk) => r.chunks.push(chunk),
    onClose: (error) => {
      r.closes.push(error);
      done(error);
    },
  };
  return r;
}

/** Resolves with the first server-side session once it exists; bounded wait. */
async function firstSession(g: FakeGateway): Promise<Session> {
  for (let i = 0; i < 200 && g.sessions.length === 0; i++) await sleep(5);
  assert.ok(g.sessions[0], "the gateway saw no session");
  return g.sessions[0];
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Asserts a promise rejects with a ProducerError of `code`; returns it. */
async function rejectsWith(p: Promise<unknown>, code: string): Promise<ProducerError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof ProducerError, `expected a ProducerError, got ${e}`);
    assert.equal(e.code, code, e.message);
    return e;
  }
  assert.fail(`expected a rejection with ${code}`);
}

describe("webSocketConnector: where it connects", () => {
  it("opens a gateway bootstrap URL as it is, query included", async () => {
    const g = await gateway();
    const url = `${g.origin}/kafka?tenant=a`;
    const t = await connector([url]).connect(gatewayAddress(url), recorder(), { timeoutMs: 2000 });
    t.close();
    assert.deepEqual(
      g.upgrades.map((u) => u.path),
      ["/kafka?tenant=a"],
    );
  });

  it("opens an advertised broker as <gateway>/<host>:<port>, IPv6 in brackets, query kept", async () => {
    const g = await gateway();
    const c = connector([`${g.origin}/kafka/?tenant=a`]);
    for (const address of [
      { host: "10.0.0.7", port: 9092 },
      { host: "::1", port: 19092 },
      { host: "kafka-1.internal", port: 9093 },
    ]) {
      (await c.connect(address, recorder(), { timeoutMs: 2000 })).close();
    }
    assert.deepEqual(
      g.upgrades.map((u) => u.path),
      [
        "/kafka/10.0.0.7:9092?tenant=a",
        "/kafka/[::1]:19092?tenant=a",
        "/kafka/kafka-1.internal:9093?tenant=a",
      ],
    );
  });

  it("reaches brokers under the gateway URL that last opened, not one that failed", async () => {
    const g = await gateway();
    const c = connector([`${g.origin}/first`, `${g.origin}/second`]);
    (
      await c.connect(gatewayAddress(`${g.origin}/second?x=1`), recorder(), { timeoutMs: 2000 })
    ).close();
    const dead = `ws://127.0.0.1:${await closedPort()}/third`;
    await rejectsWith(
      c.connect(gatewayAddress(dead), recorder(), { timeoutMs: 2000 }),
      "CONNECTION_FAILED",
    );
    (await c.connect({ host: "b1", port: 9092 }, recorder(), { timeoutMs: 2000 })).close();
    assert.deepEqual(
      g.upgrades.map((u) => u.path),
      ["/second?x=1", "/second/b1:9092?x=1"],
    );
  });

  it("brokerUrl keeps the path, drops a trailing slash and a fragment", () => {
    assert.equal(
      brokerUrl("wss://gw.example.com/kafka/", { host: "b", port: 1 }),
      "wss://gw.example.com/kafka/b:1",
    );
    assert.equal(
      brokerUrl("ws://gw/a/b?q=1", { host: "fe80::1", port: 2 }),
      "ws://gw/a/b/[fe80::1]:2?q=1",
    );
    assert.equal(brokerUrl("ws://gw", { host: "b", port: 3 }), "ws://gw/b:3");
  });
});

describe("webSocketConnector: subprotocols and tokens", () => {
  it("offers tributary.v1 alone without a token, and bearer.<token> beside it with one", async () => {
    const g = await gateway();
    const url = `${g.origin}/kafka`;
    (await connector([url]).connect(gatewayAddress(url), recorder(), { timeoutMs: 2000 })).close();
    (
      await connector([url], { token: TOKEN }).connect(gatewayAddress(url), recorder(), {
        timeoutMs: 2000,
      })
    ).close();
    assert.deepEqual(
      g.upgrades.map((u) => u.protocols),
      [["tributary.v1"], ["tributary.v1", `bearer.${TOKEN}`]],
    );
  });

  it("asks a token function at every connect, so a short-lived token is renewed", async () => {
    const g = await gateway();
    const url = `${g.origin}/kafka`;
    let n = 0;
    const c = connector([url], { token: async () => `jwt-${++n}` });
    for (let i = 0; i < 3; i++)
      (await c.connect(gatewayAddress(url), recorder(), { timeoutMs: 2000 })).close();
    assert.equal(n, 3);
    assert.deepEqual(
      g.upgrades.map((u) => u.protocols[1]),
      ["bearer.jwt-1", "bearer.jwt-2", "bearer.jwt-3"],
    );
  });

  it("refuses a token that cannot be a subprotocol, without showing it", async () => {
    assert.throws(
      () => webSocketConnector({ urls: ["ws://gw/kafka"], token: "has space", WebSocket: fromWs }),
      (e: unknown) =>
        e instanceof ProducerError &&
        e.code === "INVALID_ARGUMENT" &&
        /RFC 7230 token characters/.test(e.message) &&
        !e.message.includes("has space"),
    );
    const g = await gateway();
    const url = `${g.origin}/kafka`;
    const e = await rejectsWith(
      connector([url], { token: () => "bad token" }).connect(gatewayAddress(url), recorder(), {
        timeoutMs: 2000,
      }),
      "CONNECTION_FAILED",
    );
    assert.match(e.message, /the token function's result must be a non-empty string of RFC 7230/);
    assert.ok(!e.message.includes("bad token"));
    assert.equal(e.retriable, false);
    assert.equal(g.upgrades.length, 0, "nothing was sent with a bad token");
  });

  it("fails with the token function's error when it throws", async () => {
    const url = "ws://127.0.0.1:1/kafka";
    const e = await rejectsWith(
      connector([url], {
        token: () => {
          throw new Error("token service down");
        },
      }).connect(gatewayAddress(url), recorder(), { timeoutMs: 2000 }),
      "CONNECTION_FAILED",
    );
    assert.match(e.message, /the gateway token is not usable: token service down/);
  });

  it("refuses a server that answers another subprotocol: not a Tributary gateway", async () => {
    const g = await gateway({
      protocol: (offered) => [...offered].find((p) => p.startsWith("bearer.")) ?? false,
    });
    const url = `${g.origin}/kafka`;
    const e = await rejectsWith(
      connector([url], { token: TOKEN }).connect(gatewayAddress(url), recorder(), {
        timeoutMs: 2000,
      }),
      "CONNECTION_FAILED",
    );
    assert.match(
      e.message,
      /answered subprotocol a bearer\.… entry, not tributary\.v1: it is not a Tributary gateway/,
    );
    assert.ok(!e.message.includes(TOKEN), "the token must not appear");
    assert.equal(e.retriable, false);
    const s = await firstSession(g);
    for (let i = 0; i < 200 && s.closedWith === undefined; i++) await sleep(5);
    assert.equal(s.closedWith, 1000, "the client closed the WebSocket it refused");
    assert.equal(s.messages, 0, "no Kafka bytes went to it");
  });

  it("refuses a server that answers no subprotocol", async () => {
    const g = await gateway({ protocol: () => false });
    const url = `${g.origin}/kafka`;
    const e = await rejectsWith(
      connector([url]).connect(gatewayAddress(url), recorder(), { timeoutMs: 2000 }),
      "CONNECTION_FAILED",
    );
    // `ws` refuses this itself during the handshake; browsers open and we refuse after.
    assert.match(e.message, /subprotocol/);
    assert.match(e.message, /Tributary gateway/);
  });
});

describe("webSocketConnector: connect failures", () => {
  it("names the URL (without user info or query) and what the runtime said", async () => {
    const port = await closedPort();
    const url = `ws://user:pw@127.0.0.1:${port}/kafka?key=hush`;
    const e = await rejectsWith(
      connector([url], { token: TOKEN }).connect(gatewayAddress(url), recorder(), {
        timeoutMs: 2000,
      }),
      "CONNECTION_FAILED",
    );
    assert.match(
      e.message,
      new RegExp(
        `cannot open a WebSocket to ws://127\\.0\\.0\\.1:${port}/kafka\\?…: .*ECONNREFUSED`,
      ),
    );
    for (const secret of ["pw", "hush", TOKEN]) assert.ok(!e.message.includes(secret), secret);
    assert.equal(e.retriable, true);
  });

  it("passes on the HTTP status of a refused upgrade, with what it likely means", async () => {
    const g = await gateway({ status: 401 });
    const url = `${g.origin}/kafka`;
    const e = await rejectsWith(
      connector([url], { token: TOKEN }).connect(gatewayAddress(url), recorder(), {
        timeoutMs: 2000,
      }),
      "CONNECTION_FAILED",
    );
    assert.match(e.message, /Unexpected server response: 401/);
    assert.match(e.message, /did not accept the token/);
    assert.ok(!e.message.includes(TOKEN));
    assert.equal(e.retriable, false);
  });

  it("gives up after timeoutMs when the server never answers the upgrade", async () => {
    const held: Socket[] = [];
    const server = createServer((s) => held.push(s));
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    try {
      const url = `ws://127.0.0.1:${(server.address() as { port: number }).port}/kafka`;
      const start = performance.now();
      const e = await rejectsWith(
        connector([url]).connect(gatewayAddress(url), recorder(), { timeoutMs: 150 }),
        "CONNECTION_FAILED",
      );
      const took = performance.now() - start;
      assert.match(e.message, /no WebSocket connection within 150 ms/);
      assert.equal(e.retriable, true);
      assert.ok(took >= 140 && took < 1500, `took ${took} ms`);
    } finally {
      for (const s of held) s.destroy();
      await new Promise((r) => server.close(r));
    }
  });

  it("counts a slow token function against the timeout", async () => {
    const url = "ws://127.0.0.1:1/kafka";
    const e = await rejectsWith(
      connector([url], { token: () => new Promise<string>(() => {}) }).connect(
        gatewayAddress(url),
        recorder(),
        {
          timeoutMs: 100,
        },
      ),
      "CONNECTION_FAILED",
    );
    assert.match(e.message, /within 100 ms/);
  });

  it("stops on abort, before or during the connect", async () => {
    const url = "ws://127.0.0.1:1/kafka";
    const ac = new AbortController();
    ac.abort();
    const before = await rejectsWith(
      connector([url]).connect(gatewayAddress(url), recorder(), {
        timeoutMs: 2000,
        signal: ac.signal,
      }),
      "CONNECTION_FAILED",
    );
    assert.match(before.message, /aborted before it began/);
    const held: Socket[] = [];
    const server = createServer((s) => held.push(s));
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    try {
      const hung = `ws://127.0.0.1:${(server.address() as { port: number }).port}/kafka`;
      const during = new AbortController();
      const p = connector([hung]).connect(gatewayAddress(hung), recorder(), {
        timeoutMs: 5000,
        signal: during.signal,
      });
      setTimeout(() => during.abort(new Error("user went away")), 50);
      const start = performance.now();
      const e = await rejectsWith(p, "CONNECTION_FAILED");
      assert.match(e.message, /: aborted$/);
      assert.equal(e.retriable, false);
      assert.ok(performance.now() - start < 1000);
    } finally {
      for (const s of held) s.destroy();
      await new Promise((r) => server.close(r));
    }
  });

  it("refuses bad connector options, naming the field", () => {
    const cases: [unknown, RegExp][] = [
      [{ urls: [] }, /^urls: must be a non-empty array/],
      [{ urls: ["http://gw/kafka"] }, /^urls\[0\]: must be a ws:\/\/ or wss:\/\/ URL/],
      [{ urls: ["ws://gw/kafka#x"] }, /^urls\[0\]: must not have a #fragment/],
      [
        { urls: ["ws://gw/kafka"], WebSocket: fromWs, highWaterMark: 0 },
        /^highWaterMark: must be a positive integer/,
      ],
      [{ urls: ["ws://gw/kafka"], WebSocket: 5 }, /^WebSocket: must be a WebSocket constructor/],
    ];
    for (const [options, message] of cases) {
      assert.throws(
        () => webSocketConnector(options as WebSocketConnectorOptions),
        (e: unknown) =>
          e instanceof ProducerError && e.code === "INVALID_ARGUMENT" && message.test(e.message),
      );
    }
  });
});

describe("WebSocket transport: bytes", () => {
  it("sends each request frame as one binary message and reassembles answers cut and merged anywhere", async () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      const g = await gateway({ chunk: randomCuts(prng(seed)) });
      const url = `${g.origin}/kafka`;
      const conn = await Connection.open(gatewayAddress(url), {
        connector: connector([url]),
        clientId: "ws-test",
        requestTimeoutMs: 5000,
        connectTimeoutMs: 2000,
      });
      try {
        // Pipelined, so that several answers leave the gateway together and get merged.
        const names = Array.from({ length: 40 }, (_, i) => `topic-${seed}-${i}`);
        const answers = await Promise.all(
          names.map((name) =>
            conn.request(MetadataApi, { topics: [{ name }], allowAutoTopicCreation: false }),
          ),
        );
        assert.deepEqual(
          answers.map((a) => a.topics[0]?.name),
          names,
        );
        const s = g.sessions[0]!;
        assert.equal(s.misframed, 0, "every message held exactly one whole frame");
        assert.equal(s.frames, names.length + 1, "ApiVersions and every Metadata request arrived");
        assert.equal(s.messages, s.frames);
      } finally {
        await conn.close();
      }
    }
  });

  it("closes and reports a text message from the gateway", async () => {
    const g = await gateway({ onSession: (s) => setTimeout(() => s.ws.send("hello"), 20) });
    const url = `${g.origin}/kafka`;
    const r = recorder();
    const t = await connector([url]).connect(gatewayAddress(url), r, { timeoutMs: 2000 });
    const error = await r.closed;
    assert.ok(error instanceof ProducerError);
    assert.equal(error.code, "CONNECTION_CLOSED");
    assert.match(
      error.message,
      /sent a text message; tributary\.v1 carries binary Kafka frames only/,
    );
    assert.throws(() => t.write(new Uint8Array(4)), { code: "CONNECTION_CLOSED" });
    const s = await firstSession(g);
    for (let i = 0; i < 200 && s.closedWith === undefined; i++) await sleep(5);
    assert.equal(s.closedWith, 1000);
    assert.equal(r.closes.length, 1);
  });
});

describe("WebSocket transport: backpressure", () => {
  it("asks the caller to wait once bufferedAmount passes the high-water mark, and resumes when it drains", async () => {
    let session: Session | undefined;
    const g = await gateway({
      silent: true,
      onSession: (s) => {
        session = s;
        s.ws.pause(); // the gateway stops reading: our bytes pile up
      },
    });
    const url = `${g.origin}/kafka`;
    const highWaterMark = 256 * 1024;
    const t = await connector([url], { highWaterMark }).connect(gatewayAddress(url), recorder(), {
      timeoutMs: 2000,
    });
    try {
      const frame = new Uint8Array(64 * 1024);
      new DataView(frame.buffer).setInt32(0, frame.length - 4);
      let waitFor: Promise<void> | undefined;
      let writes = 0;
      // Loopback takes a few MiB into socket buffers before anything queues; bounded anyway.
      while (waitFor === undefined && writes < 2048) {
        waitFor = t.write(frame);
        writes++;
      }
      assert.ok(waitFor, `write() never asked to wait in ${writes} writes`);
      let drained = false;
      waitFor.then(
        () => {
          drained = true;
        },
        () => undefined, // awaited below, where a rejection fails the test
      );
      await sleep(50);
      assert.equal(drained, false, "resolved while the gateway read nothing");
      session!.ws.resume();
      const start = performance.now();
      await waitFor;
      assert.ok(performance.now() - start < 5000);
    } finally {
      t.close();
    }
  });

  it("rejects a pending wait when the WebSocket closes before it drains", async () => {
    let session: Session | undefined;
    const g = await gateway({
      silent: true,
      onSession: (s) => {
        session = s;
        s.ws.pause();
      },
    });
    const url = `${g.origin}/kafka`;
    const r = recorder();
    const t = await connector([url], { highWaterMark: 64 * 1024 }).connect(gatewayAddress(url), r, {
      timeoutMs: 2000,
    });
    const frame = new Uint8Array(64 * 1024);
    let waitFor: Promise<void> | undefined;
    for (let i = 0; i < 2048 && waitFor === undefined; i++) waitFor = t.write(frame);
    assert.ok(waitFor);
    const settled = waitFor.then(
      () => "resolved",
      (e: unknown) => e,
    );
    session!.ws.terminate();
    const outcome = await settled;
    assert.ok(outcome instanceof ProducerError, `got ${String(outcome)}`);
    assert.equal(outcome.code, "CONNECTION_CLOSED");
    assert.ok((await r.closed) instanceof ProducerError);
  });
});

describe("WebSocket transport: how the gateway's close codes map", () => {
  async function closedBy(code: number | "terminate", reason = ""): Promise<Error | undefined> {
    const g = await gateway({
      onSession: (s) =>
        setTimeout(() => (code === "terminate" ? s.ws.terminate() : s.ws.close(code, reason)), 10),
    });
    const url = `${g.origin}/kafka`;
    const r = recorder();
    await connector([url]).connect(gatewayAddress(url), r, { timeoutMs: 2000 });
    return r.closed;
  }

  for (const [code, reason, name] of [
    [1000, "idle for 300000 ms", "normal closure"],
    [1001, "gateway shutting down", "going away"],
    [1011, "internal error", "internal error"],
    [1014, "broker 10.0.0.1:9092 unreachable: ECONNREFUSED", "bad gateway"],
    [4000, "", undefined],
  ] as const) {
    it(`${code} is CONNECTION_CLOSED (retriable), with the code and reason`, async () => {
      const e = await closedBy(code, reason);
      assert.ok(e instanceof ProducerError && !(e instanceof GatewayRefusedError));
      assert.equal(e.code, "CONNECTION_CLOSED");
      assert.equal(e.retriable, true);
      assert.ok(e.message.includes(`closed the WebSocket with ${code}`), e.message);
      if (name !== undefined) assert.ok(e.message.includes(name), e.message);
      if (reason !== "") assert.ok(e.message.endsWith(`: ${reason}`), e.message);
    });
  }

  it("a lost connection (1006) is CONNECTION_CLOSED (retriable)", async () => {
    const e = await closedBy("terminate");
    assert.ok(e instanceof ProducerError);
    assert.equal(e.code, "CONNECTION_CLOSED");
    assert.equal(e.retriable, true);
    assert.match(e.message, /1006/);
  });

  it("1008 naming a topic is GatewayRefusedError with that topic, read back exactly", async () => {
    const topic = 'we"ird\\name';
    const e = await closedBy(1008, `topic ${JSON.stringify(topic)} is not allowed`);
    assert.ok(e instanceof GatewayRefusedError);
    assert.equal(e.code, "GATEWAY_REFUSED");
    assert.equal(e.retriable, false);
    assert.equal(e.closeCode, 1008);
    assert.equal(e.topic, topic);
    assert.equal(e.reason, `topic ${JSON.stringify(topic)} is not allowed`);
    assert.match(
      e.message,
      /refused our request and closed the WebSocket with 1008 \(policy violation\): topic/,
    );
  });

  for (const [code, reason] of [
    [1008, "api DeleteTopics (20) is not allowed"],
    [1009, ""],
    [1003, "text frames are not allowed"],
  ] as const) {
    it(`${code} ${reason === "" ? "without a reason" : `"${reason}"`} is GatewayRefusedError without a topic`, async () => {
      const e = await closedBy(code, reason);
      assert.ok(e instanceof GatewayRefusedError);
      assert.equal(e.closeCode, code);
      assert.equal(e.topic, undefined);
      assert.equal(e.retriable, false);
      assert.ok(e.message.endsWith(reason === "" ? "no reason given" : reason), e.message);
    });
  }

  it("close() from our side is onClose(undefined), once, however often it is called", async () => {
    const g = await gateway();
    const url = `${g.origin}/kafka`;
    const r = recorder();
    const t = await connector([url]).connect(gatewayAddress(url), r, { timeoutMs: 2000 });
    t.close();
    t.close();
    assert.equal(await r.closed, undefined);
    t.close();
    await sleep(20);
    assert.deepEqual(r.closes, [undefined]);
    assert.throws(() => t.write(new Uint8Array(1)), { code: "CONNECTION_CLOSED" });
    const s = await firstSession(g);
    for (let i = 0; i < 200 && s.closedWith === undefined; i++) await sleep(5);
    assert.equal(s.closedWith, 1000);
  });
});

describe("nodeTcp and gateway URLs", () => {
  it("refuses to open a gateway URL over TCP", async () => {
    const e = await rejectsWith(
      nodeTcp.connect(gatewayAddress("ws://127.0.0.1:8080/kafka"), recorder(), { timeoutMs: 1000 }),
      "CONNECTION_FAILED",
    );
    assert.match(e.message, /ws:\/\/127\.0\.0\.1:8080\/kafka over TCP: it is a gateway URL/);
    assert.equal(e.retriable, false);
  });
});
