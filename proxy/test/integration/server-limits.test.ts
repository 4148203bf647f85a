/**
 * Gateway limits and lifecycle with the real broker behind it: connection caps, message size,
 * text frames, idle timeout, ping/pong liveness, upstream connect failures, /healthz and
 * /metrics, graceful shutdown.
 */
import assert from "node:assert/strict";
import { once } from "node:events";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { ApiVersionsApi } from "@tributary/protocol";
import { WebSocket } from "ws";
import {
  broker,
  closedPort,
  httpGet,
  metric,
  OTHER_TOKEN,
  refusedUpgrade,
  startGateway,
  staticDirectory,
  type TestGateway,
  TOKEN,
  unansweredListener,
  WsKafka,
} from "./gateway-support.js";

const gateways: TestGateway[] = [];
after(async () => {
  await Promise.all(gateways.map((g) => g.close()));
});
async function gateway(...args: Parameters<typeof startGateway>): Promise<TestGateway> {
  const g = await startGateway(...args);
  gateways.push(g);
  return g;
}

const hello = { clientSoftwareName: "gw-test", clientSoftwareVersion: "1" };

describe("gateway: connection caps", () => {
  it("503 past the global cap", async () => {
    const g = await gateway({ maxConnections: 2 });
    const a = await WsKafka.open(g.url());
    const b = await WsKafka.open(g.url(), { token: OTHER_TOKEN });
    const r = await refusedUpgrade(g.url());
    assert.equal(r.status, 503);
    assert.match(r.body, /connection limit \(2\)/);
    // A closed session frees its slot.
    a.close();
    await a.closed;
    for (let i = 0; i < 100 && g.gateway.sessions > 1; i++) await sleep(10);
    const c = await WsKafka.open(g.url());
    await c.request(ApiVersionsApi, 3, hello);
    for (const s of [b, c]) s.close();
    assert.match(g.metrics.render(), /rejections_total\{reason="capacity"\} 1/);
  });

  it("503 past the per-client cap, while another client still gets in", async () => {
    const g = await gateway({ maxConnectionsPerClient: 1 });
    const a = await WsKafka.open(g.url());
    const r = await refusedUpgrade(g.url());
    assert.equal(r.status, 503);
    assert.match(r.body, /this client is at its connection limit \(1\)/);
    const other = await WsKafka.open(g.url(), { token: OTHER_TOKEN });
    await other.request(ApiVersionsApi, 3, hello);
    a.close();
    other.close();
  });
});

describe("gateway: message limits", () => {
  it("a message over maxPayload closes 1009", async () => {
    const g = await gateway({ maxRequestBytes: 1024 });
    const client = await WsKafka.open(g.url());
    // maxPayload is maxRequestBytes + 4 + 64 KiB.
    client.send(new Uint8Array(1024 + 4 + 65_536 + 1));
    assert.equal((await client.closed).code, 1009);
    for (let i = 0; i < 100 && g.gateway.sessions > 0; i++) await sleep(10);
    const m = g.metrics.render();
    assert.equal(metric(m, 'tributary_proxy_rejections_total{reason="message_too_big"}'), 1);
    assert.equal(metric(m, 'tributary_proxy_bytes_total{direction="to_broker"}'), 0);
  });

  it("a text frame closes 1003", async () => {
    const g = await gateway();
    const client = await WsKafka.open(g.url());
    client.ws.send("hello");
    assert.equal((await client.closed).code, 1003);
    assert.equal(
      metric(g.metrics.render(), 'tributary_proxy_rejections_total{reason="text_frame"}'),
      1,
    );
  });
});

describe("gateway: liveness", () => {
  it("closes an idle session with 1000 idle", async () => {
    const g = await gateway({ idleTimeoutMs: 300, pingIntervalMs: 200 });
    const client = await WsKafka.open(g.url());
    const started = performance.now();
    await client.request(ApiVersionsApi, 3, hello);
    assert.deepEqual(await client.closed, { code: 1000, reason: "idle" });
    const waited = performance.now() - started;
    // Pongs (every 200 ms) do not count as activity; the request does, once.
    assert.ok(waited >= 280 && waited < 2000, `closed after ${waited} ms`);
  });

  it("a session with traffic is not idle", async () => {
    const g = await gateway({ idleTimeoutMs: 300, pingIntervalMs: 200 });
    const client = await WsKafka.open(g.url());
    for (let i = 0; i < 6; i++) {
      await client.request(ApiVersionsApi, 3, hello);
      await sleep(150);
    }
    assert.equal(client.ws.readyState, WebSocket.OPEN);
    client.close();
  });

  it("terminates a client that never answers pings", async () => {
    const g = await gateway({ pingIntervalMs: 200 });
    const silent = await WsKafka.open(g.url(), { token: TOKEN, autoPong: false });
    const polite = await WsKafka.open(g.url(), { token: TOKEN });
    const { code } = await silent.closed;
    assert.equal(code, 1006, "cut without a close frame");
    // The client that answers is still there after the same time.
    assert.equal(polite.ws.readyState, WebSocket.OPEN);
    await polite.request(ApiVersionsApi, 3, hello);
    polite.close();
    assert.ok(g.logs.some((l) => l.includes("no pong within the ping interval")));
  });
});

describe("gateway: upstream failures", () => {
  it("a broker that does not accept within connectTimeoutMs closes 1014 with a reason", async () => {
    const stuck = await unansweredListener();
    try {
      const g = await gateway(
        { bootstrap: [{ host: "127.0.0.1", port: stuck.port }], connectTimeoutMs: 500 },
        staticDirectory(stuck.port),
      );
      const started = performance.now();
      const client = await WsKafka.open(g.url("/kafka"));
      const { code, reason } = await client.closed;
      const waited = performance.now() - started;
      assert.equal(code, 1014);
      assert.equal(
        reason,
        `broker 127.0.0.1:${stuck.port} did not accept a connection within 500 ms`,
      );
      assert.ok(waited >= 450 && waited < 3000, `closed after ${waited} ms`);
      assert.equal(
        metric(g.metrics.render(), 'tributary_proxy_upstream_errors_total{kind="connect_timeout"}'),
        1,
      );
    } finally {
      await stuck.close();
    }
  });

  it("a broker port that refuses closes 1014 naming the error", async () => {
    const port = await closedPort();
    const g = await gateway({ bootstrap: [{ host: "127.0.0.1", port }] }, staticDirectory(port));
    const client = await WsKafka.open(g.url("/kafka"));
    assert.deepEqual(await client.closed, {
      code: 1014,
      reason: `broker 127.0.0.1:${port} is unreachable: ECONNREFUSED`,
    });
    assert.equal(
      metric(g.metrics.render(), 'tributary_proxy_upstream_errors_total{kind="connect_failed"}'),
      1,
    );
  });
});

describe("gateway: /healthz and /metrics", () => {
  it("/healthz says ok with the session count; /metrics counts what happened", async () => {
    const g = await gateway();
    const before = await httpGet(g.port, "/metrics");
    assert.equal(before.status, 200);
    assert.equal(before.headers["content-type"], "text/plain; version=0.0.4; charset=utf-8");
    assert.equal(metric(before.body, "tributary_proxy_sessions_total"), 0);

    const client = await WsKafka.open(g.url());
    await client.request(ApiVersionsApi, 3, hello);
    const health = await httpGet(g.port, "/healthz");
    assert.equal(health.status, 200);
    assert.deepEqual(JSON.parse(health.body), { status: "ok", sessions: 1 });

    const m = (await httpGet(g.port, "/metrics")).body;
    assert.equal(metric(m, "tributary_proxy_sessions_open"), 1);
    assert.equal(metric(m, "tributary_proxy_sessions_total"), 1);
    assert.ok(metric(m, 'tributary_proxy_bytes_total{direction="to_broker"}') > 0);
    assert.ok(metric(m, 'tributary_proxy_bytes_total{direction="to_client"}') > 0);
    assert.equal(metric(m, 'tributary_proxy_requests_total{api="ApiVersions",key="18"}'), 1);
    assert.equal(metric(m, "tributary_proxy_upstream_connect_seconds_count"), 1);
    client.close();
    await client.closed;
    await refusedUpgrade(g.url(), {});
    for (let i = 0; i < 100 && g.gateway.sessions > 0; i++) await sleep(10);
    const later = (await httpGet(g.port, "/metrics")).body;
    assert.equal(metric(later, "tributary_proxy_sessions_open"), 0);
    assert.equal(metric(later, 'tributary_proxy_rejections_total{reason="unauthorized"}'), 1);
    assert.equal((await httpGet(g.port, "/nothing-here")).status, 404);
    assert.equal((await httpGet(g.port, "/kafka")).status, 426);
  });

  it("logs each session's open and close with principal, target, bytes and code, never the token", async () => {
    const g = await gateway();
    const client = await WsKafka.open(g.url());
    await client.request(ApiVersionsApi, 3, hello);
    client.close();
    await client.closed;
    for (let i = 0; i < 100 && g.gateway.sessions > 0; i++) await sleep(10);
    const lines = g.logs.map((l) => JSON.parse(l) as Record<string, unknown>);
    const open = lines.find((l) => l.event === "session.open");
    const closed = lines.find((l) => l.event === "session.close");
    assert.ok(open && closed);
    assert.match(String(open.principal), /^token:[0-9a-f]{12}$/);
    assert.equal(closed.code, 1000);
    assert.ok((closed.bytesToBroker as number) > 0 && (closed.bytesToClient as number) > 0);
    assert.equal(typeof closed.durationMs, "number");
    assert.ok(!g.logs.join("\n").includes(TOKEN));
  });
});

describe("gateway: static files and odd handshakes", () => {
  it("serves --static files next to the gateway routes", async () => {
    const dir = await mkdtemp(join(tmpdir(), "gw-static-"));
    try {
      await writeFile(join(dir, "index.html"), "<!doctype html><title>demo</title>");
      const g = await gateway({ staticDir: dir });
      const page = await httpGet(g.port, "/");
      assert.equal(page.status, 200);
      assert.match(page.body, /<title>demo<\/title>/);
      assert.equal((await httpGet(g.port, "/missing.js")).status, 404);
      assert.equal((await httpGet(g.port, "/healthz")).status, 200);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("a handshake ws itself refuses (bad Sec-WebSocket-Key) gives its capacity slot back", async () => {
    const g = await gateway({ maxConnections: 1 });
    const socket = connect(g.port, "127.0.0.1");
    await once(socket, "connect");
    const answer = new Promise<string>((resolve) => {
      let text = "";
      socket.on("data", (c: Buffer) => {
        text += c.toString();
      });
      socket.on("close", () => resolve(text));
    });
    socket.end(
      `GET /kafka/${broker().label} HTTP/1.1\r\nHost: 127.0.0.1:${g.port}\r\n` +
        "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n" +
        `Sec-WebSocket-Key: not-a-key\r\nAuthorization: Bearer ${TOKEN}\r\n\r\n`,
    );
    assert.match(await answer, /^HTTP\/1\.1 400 /);
    // The only slot is free again.
    const client = await WsKafka.open(g.url());
    await client.request(ApiVersionsApi, 3, hello);
    client.close();
  });
});

describe("gateway: shutdown", () => {
  it("refuses new upgrades at once, closes sessions with 1001 after the grace period, then resolves", async () => {
    const g = await startGateway({ shutdownGraceMs: 200 });
    const client = await WsKafka.open(g.url());
    await client.request(ApiVersionsApi, 3, hello);
    const started = performance.now();
    const done = g.gateway.shutdown();
    const refused = await refusedUpgrade(g.url());
    assert.equal(refused.status, 503);
    assert.equal((await httpGet(g.port, "/healthz")).status, 503);
    // The session keeps working during the grace period.
    await client.request(ApiVersionsApi, 3, hello);
    assert.deepEqual(await client.closed, { code: 1001, reason: "gateway shutting down" });
    assert.ok(performance.now() - started >= 190, "closed before the grace period ended");
    await done;
    assert.equal(g.gateway.sessions, 0);
    assert.equal(g.gateway.server.listening, false);
    assert.equal(
      metric(g.metrics.render(), 'tributary_proxy_rejections_total{reason="shutting_down"}'),
      1,
    );
  });

  it("with no sessions, shutdown resolves without waiting for the grace period", async () => {
    const g = await startGateway({ shutdownGraceMs: 10_000 });
    const started = performance.now();
    await g.gateway.shutdown();
    assert.ok(performance.now() - started < 2000);
  });
});
