/**
 * The relay core on its own: a `ws` client on one side, a plain TCP peer on 127.0.0.1 on the
 * other (no Kafka here; the gateway tests put the real broker behind it).
 */
import assert from "node:assert/strict";
import { createCipheriv, createHash, type Hash } from "node:crypto";
import { once } from "node:events";
import { connect, createServer, type Server, type Socket } from "node:net";
import { after, describe, it } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { WebSocket, WebSocketServer } from "ws";
import { prng } from "../../scripts/test-support/prng.js";
import type { InspectResult } from "../src/inspect.js";
import { type Relay, type RelayOptions, startRelay, truncateReason } from "../src/relay.js";

const KiB = 1024;
const MiB = 1024 * KiB;

interface Rig {
  client: WebSocket;
  /** The relay's WebSocket (server side). */
  serverWs: WebSocket;
  /** The relay's TCP socket. */
  relaySocket: Socket;
  /** The TCP peer the relay talks to. */
  peer: Socket;
  relay: Relay;
  dispose(): Promise<void>;
}

const rigs = new Set<Rig>();
after(async () => {
  for (const rig of rigs) await rig.dispose();
});

async function rig(options: RelayOptions, maxPayload = 16 * MiB): Promise<Rig> {
  const tcp: Server = createServer();
  tcp.listen(0, "127.0.0.1");
  await once(tcp, "listening");
  const tcpPort = (tcp.address() as { port: number }).port;
  const accepted = once(tcp, "connection") as Promise<[Socket]>;
  const relaySocket = connect(tcpPort, "127.0.0.1");
  await once(relaySocket, "connect");
  const [peer] = await accepted;

  const wss = new WebSocketServer({
    host: "127.0.0.1",
    port: 0,
    perMessageDeflate: false,
    maxPayload,
  });
  await once(wss, "listening");
  const wsPort = (wss.address() as { port: number }).port;
  let relay: Relay | undefined;
  const connected = new Promise<WebSocket>((resolve) =>
    wss.once("connection", (ws) => {
      relay = startRelay(ws, relaySocket, options);
      resolve(ws);
    }),
  );
  const client = new WebSocket(`ws://127.0.0.1:${wsPort}/`, { perMessageDeflate: false });
  client.on("error", () => {});
  peer.on("error", () => {});
  await once(client, "open");
  const serverWs = await connected;
  const r: Rig = {
    client,
    serverWs,
    relaySocket,
    peer,
    relay: relay!,
    async dispose() {
      rigs.delete(r);
      client.terminate();
      peer.destroy();
      relaySocket.destroy();
      await new Promise((res) => wss.close(res));
      await new Promise((res) => tcp.close(res));
    },
  };
  rigs.add(r);
  return r;
}

/** Seeded pseudo-random bytes, fast: an AES-128-CTR keystream whose key comes from the seed. */
function randomStream(seed: number): (n: number) => Buffer {
  const rand = prng(seed);
  const key = Buffer.alloc(16);
  for (let i = 0; i < 16; i++) key[i] = Math.floor(rand() * 256);
  const cipher = createCipheriv("aes-128-ctr", key, Buffer.alloc(16));
  const zeros = Buffer.alloc(256 * KiB);
  return (n) => cipher.update(zeros.subarray(0, n));
}

/** Chunk sizes from 1 B to 256 KiB, spread evenly on a log scale so small ones are common. */
function chunkSizes(seed: number): () => number {
  const rand = prng(seed);
  const top = Math.log(256 * KiB);
  return () => Math.min(256 * KiB, Math.max(1, Math.floor(Math.exp(rand() * top))));
}

/** Sends `total` bytes over the client WebSocket, keeping its bufferedAmount under `limit`. */
async function sendOverWs(ws: WebSocket, total: number, seed: number, hash: Hash, limit = 4 * MiB) {
  const bytes = randomStream(seed);
  const size = chunkSizes(seed + 1);
  for (let sent = 0; sent < total; ) {
    const chunk = bytes(Math.min(size(), total - sent));
    hash.update(chunk);
    sent += chunk.length;
    if (ws.bufferedAmount + chunk.length > limit) {
      await new Promise<void>((res, rej) => ws.send(chunk, (err) => (err ? rej(err) : res())));
    } else ws.send(chunk);
  }
}

/** Writes `total` bytes on a TCP socket, waiting for 'drain' when it asks to. */
async function sendOverTcp(socket: Socket, total: number, seed: number, hash: Hash) {
  const bytes = randomStream(seed);
  const size = chunkSizes(seed + 1);
  for (let sent = 0; sent < total; ) {
    const chunk = bytes(Math.min(size(), total - sent));
    hash.update(chunk);
    sent += chunk.length;
    if (!socket.write(chunk)) await once(socket, "drain");
  }
}

function receive(
  on: (listener: (chunk: Buffer) => void) => void,
  total: number,
  hash: Hash,
): Promise<void> {
  return new Promise((resolve, reject) => {
    let got = 0;
    on((chunk) => {
      hash.update(chunk);
      got += chunk.length;
      if (got === total) resolve();
      else if (got > total) reject(new Error(`received ${got} bytes, expected ${total}`));
    });
  });
}

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const t = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: not done within ${ms} ms`)), ms);
  });
  return Promise.race([p, t]).finally(() => clearTimeout(timer));
}

function closeOf(ws: WebSocket): Promise<{ code: number; reason: string }> {
  return new Promise((resolve) =>
    ws.once("close", (code: number, reason: Buffer) =>
      resolve({ code, reason: reason.toString() }),
    ),
  );
}

describe("relay: throughput and integrity", () => {
  it("carries 256 MiB each way at once in random chunks, with equal SHA-256 at both ends", {
    timeout: 300_000,
  }, async () => {
    const TOTAL = 256 * MiB;
    const highWaterMark = 1 * MiB;
    const r = await rig({ highWaterMark });
    const up = { sent: createHash("sha256"), got: createHash("sha256") };
    const down = { sent: createHash("sha256"), got: createHash("sha256") };
    let maxToBroker = 0;
    let maxToClient = 0;
    const sampler = setInterval(() => {
      const b = r.relay.buffered();
      maxToBroker = Math.max(maxToBroker, b.toBroker);
      maxToClient = Math.max(maxToClient, b.toClient);
    }, 5);
    const started = performance.now();
    try {
      await withTimeout(
        Promise.all([
          receive((l) => r.peer.on("data", l), TOTAL, up.got),
          receive((l) => r.client.on("message", l), TOTAL, down.got),
          sendOverWs(r.client, TOTAL, 11, up.sent),
          sendOverTcp(r.peer, TOTAL, 23, down.sent),
        ]),
        240_000,
        "256 MiB each way",
      );
    } finally {
      clearInterval(sampler);
    }
    const seconds = (performance.now() - started) / 1000;
    const mbps = (2 * TOTAL) / MiB / seconds;
    console.log(
      `relay: 2 x 256 MiB in ${seconds.toFixed(1)} s = ${mbps.toFixed(0)} MiB/s total ` +
        `(${(mbps / 2).toFixed(0)} MiB/s each way; max held toward broker ${(maxToBroker / KiB).toFixed(0)} KiB, toward client ${(maxToClient / KiB).toFixed(0)} KiB)`,
    );
    assert.equal(up.got.digest("hex"), up.sent.digest("hex"));
    assert.equal(down.got.digest("hex"), down.sent.digest("hex"));
    // One message (<= 256 KiB here) plus what the socket and ws had in hand when they paused.
    assert.ok(maxToBroker <= 1 * MiB, `held ${maxToBroker} bytes toward the broker`);
    assert.ok(
      maxToClient <= highWaterMark + 64 * KiB + 16,
      `held ${maxToClient} toward the client`,
    );
    await r.dispose();
  });
});

describe("relay: backpressure", () => {
  it("a slow TCP reader pauses the WebSocket: the sender's buffer grows, the relay's does not", {
    timeout: 60_000,
  }, async () => {
    const TOTAL = 64 * MiB;
    const CHUNK = 64 * KiB;
    const highWaterMark = 256 * KiB;
    const r = await rig({ highWaterMark });
    r.peer.pause(); // the broker stand-in reads nothing for now
    const sent = createHash("sha256");
    const bytes = randomStream(5);
    for (let i = 0; i < TOTAL / CHUNK; i++) {
      const chunk = bytes(CHUNK);
      sent.update(chunk);
      r.client.send(chunk);
    }
    // Let the pipeline fill up and settle; watch what the relay holds meanwhile.
    let maxHeld = 0;
    let last = -1;
    for (let i = 0; i < 100; i++) {
      await sleep(30);
      maxHeld = Math.max(maxHeld, r.relay.buffered().toBroker);
      const now = r.client.bufferedAmount;
      if (now === last) break;
      last = now;
    }
    console.log(
      `slow TCP reader: sender holds ${r.client.bufferedAmount}, relay held at most ${maxHeld}`,
    );
    assert.ok(r.serverWs.isPaused, "the relay paused its WebSocket");
    assert.ok(
      r.client.bufferedAmount > TOTAL / 4,
      `only ${r.client.bufferedAmount} bytes waited at the sender`,
    );
    // Bound: the socket's own high-water mark, one message in hand and what ws had parsed.
    assert.ok(maxHeld <= 4 * CHUNK + 16 * KiB, `the relay held ${maxHeld} bytes toward the broker`);

    const got = createHash("sha256");
    const done = receive((l) => r.peer.on("data", l), TOTAL, got);
    r.peer.resume();
    await withTimeout(done, 30_000, "draining 64 MiB");
    assert.equal(got.digest("hex"), sent.digest("hex"));
    await r.dispose();
  });

  it("a slow WebSocket reader pauses TCP reads: bytesRead stops growing", {
    timeout: 60_000,
  }, async () => {
    const TOTAL = 96 * MiB;
    const CHUNK = 64 * KiB;
    const highWaterMark = 256 * KiB;
    const r = await rig({ highWaterMark });
    r.client.pause(); // the browser stand-in reads nothing for now
    const sent = createHash("sha256");
    const bytes = randomStream(6);
    for (let i = 0; i < TOTAL / CHUNK; i++) {
      const chunk = bytes(CHUNK);
      sent.update(chunk);
      r.peer.write(chunk);
    }
    let maxHeld = 0;
    let last = -1;
    let stableFor = 0;
    for (let i = 0; i < 200 && stableFor < 5; i++) {
      await sleep(30);
      maxHeld = Math.max(maxHeld, r.relay.buffered().toClient);
      const now = r.relaySocket.bytesRead;
      stableFor = now === last ? stableFor + 1 : 0;
      last = now;
    }
    console.log(
      `slow WS reader: bytesRead ${r.relaySocket.bytesRead}, peer holds ${r.peer.writableLength}, relay held at most ${maxHeld}`,
    );
    assert.ok(stableFor >= 5, "bytesRead kept growing");
    assert.ok(r.relaySocket.isPaused(), "the relay paused its TCP socket");
    assert.ok(r.relaySocket.bytesRead < TOTAL, "everything was read anyway");
    assert.ok(r.peer.writableLength > 0, "nothing waits at the TCP sender");
    assert.ok(maxHeld <= highWaterMark + 64 * KiB + 16, `held ${maxHeld} toward the client`);

    const got = createHash("sha256");
    const done = receive((l) => r.client.on("message", l), TOTAL, got);
    r.client.resume();
    await withTimeout(done, 30_000, "draining 96 MiB");
    assert.equal(got.digest("hex"), sent.digest("hex"));
    await r.dispose();
  });
});

describe("relay: transform", () => {
  it("keeps order and keeps the WebSocket paused while a transform answer is pending", async () => {
    const rand = prng(3);
    const pausedWhilePending: boolean[] = [];
    let r: Rig | undefined;
    const transform = (chunk: Uint8Array): Promise<InspectResult> =>
      new Promise((resolve) => {
        setTimeout(
          () => {
            pausedWhilePending.push(r?.serverWs.isPaused ?? true);
            resolve({ ok: true, frames: [chunk] });
          },
          Math.floor(rand() * 4),
        );
      });
    r = await rig({ highWaterMark: MiB, transformClientBytes: transform });
    const sent: Buffer[] = [];
    const bytes = randomStream(9);
    for (let i = 0; i < 200; i++) {
      const chunk = bytes(1 + Math.floor(rand() * 2000));
      sent.push(chunk);
      r.client.send(chunk);
    }
    const total = sent.reduce((n, c) => n + c.length, 0);
    const got: Buffer[] = [];
    await withTimeout(
      new Promise<void>((resolve) => {
        let n = 0;
        r.peer.on("data", (c: Buffer) => {
          got.push(c);
          n += c.length;
          if (n === total) resolve();
        });
      }),
      10_000,
      "200 transformed chunks",
    );
    assert.deepEqual(Buffer.concat(got), Buffer.concat(sent));
    assert.equal(pausedWhilePending.length, 200);
    assert.ok(pausedWhilePending.every(Boolean), "the WebSocket was read while a chunk waited");
    await r.dispose();
  });

  it("a violation closes the WebSocket with its code and reason; nothing after it is forwarded", async () => {
    let count = 0;
    const r = await rig({
      highWaterMark: MiB,
      transformClientBytes: (chunk) =>
        ++count === 3
          ? { ok: false, code: 1008, reason: 'topic "secret" is not allowed', rejection: "topic" }
          : { ok: true, frames: [chunk] },
    });
    const peerGot: Buffer[] = [];
    r.peer.on("data", (c: Buffer) => peerGot.push(c));
    const peerEnded = once(r.peer, "end");
    const closed = closeOf(r.client);
    for (const text of ["one", "two", "three", "four"]) r.client.send(Buffer.from(text));
    assert.deepEqual(await closed, { code: 1008, reason: 'topic "secret" is not allowed' });
    await peerEnded;
    assert.equal(Buffer.concat(peerGot).toString(), "onetwo");
    assert.deepEqual(await r.relay.closed, { code: 1008, reason: 'topic "secret" is not allowed' });
    await r.dispose();
  });
});

describe("relay: closing", () => {
  it("a violation found while the WebSocket is paused still completes the close handshake at once", async () => {
    // Without resuming reads, the relay would never see the client's close frame and the
    // session would linger until ws's close timeout (30 s here).
    const r = await rig({
      highWaterMark: MiB,
      transformClientBytes: () =>
        new Promise((resolve) =>
          setTimeout(() => resolve({ ok: false, code: 1008, reason: "no", rejection: "api" }), 20),
        ),
    });
    const started = performance.now();
    r.client.send(Buffer.from("x"));
    assert.deepEqual(await closeOf(r.client), { code: 1008, reason: "no" });
    r.peer.end();
    await withTimeout(r.relay.closed, 2000, "relay closed");
    assert.ok(performance.now() - started < 1000, `took ${performance.now() - started} ms`);
    await r.dispose();
  });

  it("the broker ending the connection closes the WebSocket with 1014, after the bytes it sent", async () => {
    const r = await rig({ highWaterMark: MiB });
    const got: Buffer[] = [];
    r.client.on("message", (c: Buffer) => got.push(c));
    const closed = closeOf(r.client);
    r.peer.end(Buffer.from("last words"));
    assert.deepEqual(await closed, { code: 1014, reason: "broker closed the connection" });
    assert.equal(Buffer.concat(got).toString(), "last words");
    assert.deepEqual(await r.relay.closed, { code: 1014, reason: "broker closed the connection" });
    await r.dispose();
  });

  it("a broker connection reset closes the WebSocket with 1014 naming the error", async () => {
    const r = await rig({ highWaterMark: MiB });
    const closed = closeOf(r.client);
    r.peer.resetAndDestroy();
    const { code, reason } = await closed;
    assert.equal(code, 1014);
    assert.match(reason, /^broker (connection failed: ECONNRESET|closed the connection)$/);
    await r.relay.closed;
    await r.dispose();
  });

  it("the client closing ends the TCP connection, after the bytes it sent", async () => {
    const r = await rig({ highWaterMark: MiB });
    const got: Buffer[] = [];
    r.peer.on("data", (c: Buffer) => got.push(c));
    const ended = once(r.peer, "end");
    r.client.send(Buffer.from("bye"));
    r.client.close(1000, "done");
    await ended;
    assert.equal(Buffer.concat(got).toString(), "bye");
    r.peer.end();
    assert.deepEqual(await r.relay.closed, { code: 1000, reason: "done" });
    await r.dispose();
  });

  it("close() closes the WebSocket with the given code and ends the TCP connection", async () => {
    const r = await rig({ highWaterMark: MiB });
    const closed = closeOf(r.client);
    const ended = once(r.peer, "end");
    r.relay.close(1001, "gateway shutting down");
    assert.deepEqual(await closed, { code: 1001, reason: "gateway shutting down" });
    await ended;
    r.peer.end();
    assert.deepEqual(await r.relay.closed, { code: 1001, reason: "gateway shutting down" });
    await r.dispose();
  });

  it("a text message closes with 1003 and is not forwarded", async () => {
    const r = await rig({ highWaterMark: MiB });
    let peerBytes = 0;
    r.peer.on("data", (c: Buffer) => {
      peerBytes += c.length;
    });
    const closed = closeOf(r.client);
    r.client.send("hello");
    const { code } = await closed;
    assert.equal(code, 1003);
    await r.relay.closed;
    assert.equal(peerBytes, 0);
    await r.dispose();
  });

  it("a message over maxPayload closes with 1009", async () => {
    const r = await rig({ highWaterMark: MiB }, 1024);
    const closed = closeOf(r.client);
    r.client.send(Buffer.alloc(1025));
    assert.equal((await closed).code, 1009);
    assert.equal((await r.relay.closed).code, 1009);
    await r.dispose();
  });

  it("counts bytes each way", async () => {
    const counts = { to_broker: 0, to_client: 0 };
    const r = await rig({ highWaterMark: MiB, onBytes: (d, n) => (counts[d] += n) });
    const echoed = once(r.client, "message");
    r.peer.once("data", (c: Buffer) => r.peer.write(Buffer.concat([c, c])));
    r.client.send(Buffer.from("12345"));
    await echoed;
    assert.deepEqual(counts, { to_broker: 5, to_client: 10 });
    await r.dispose();
  });
});

describe("truncateReason", () => {
  it("keeps short reasons and cuts long ones to 123 bytes without splitting a character", () => {
    assert.equal(truncateReason("idle"), "idle");
    const exact = "a".repeat(123);
    assert.equal(truncateReason(exact), exact);
    for (const filler of ["a", "é", "€", "😀"]) {
      const cut = truncateReason(`x${filler.repeat(200)}`);
      assert.ok(Buffer.byteLength(cut) <= 123, `${filler}: ${Buffer.byteLength(cut)} bytes`);
      assert.ok(cut.endsWith("…"));
      assert.ok(!cut.includes("\ufffd"));
    }
  });
});
