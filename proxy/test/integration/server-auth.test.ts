/**
 * Gateway rules decided before the WebSocket upgrade: auth, subprotocol, origin, path, target.
 * Where a session is accepted the real broker answers; where the rule is "no TCP connection is
 * attempted", a plain listener that counts connections is the only thing behind the gateway.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { ApiVersionsApi } from "@tributary/protocol";
import { SignJWT } from "jose";
import {
  broker,
  countingListener,
  JWT_SECRET,
  OTHER_TOKEN,
  refusedUpgrade,
  startGateway,
  staticDirectory,
  type TestGateway,
  TOKEN,
  WsKafka,
} from "./gateway-support.js";

async function jwt(
  claims: Record<string, unknown>,
  expires: string | number = "5m",
): Promise<string> {
  return new SignJWT(claims)
    .setProtectedHeader({ alg: "HS256" })
    .setAudience("tributary")
    .setSubject("auth-test")
    .setIssuedAt()
    .setExpirationTime(expires)
    .sign(new TextEncoder().encode(JWT_SECRET));
}

async function apiVersionsWorks(client: WsKafka): Promise<void> {
  const answer = await client.request(ApiVersionsApi, 3, {
    clientSoftwareName: "gw-test",
    clientSoftwareVersion: "1",
  });
  assert.equal(answer.errorCode, 0);
  assert.ok(
    answer.apiKeys.some((k) => k.apiKey === 0),
    "the broker lists Produce",
  );
}

describe("gateway: auth makes no broker connection until it passes", () => {
  let listener: Awaited<ReturnType<typeof countingListener>>;
  let gw: TestGateway;

  before(async () => {
    listener = await countingListener();
    // The listener is the only broker this gateway knows: every connection attempt lands there.
    gw = await startGateway(
      { bootstrap: [{ host: "127.0.0.1", port: listener.port }] },
      staticDirectory(listener.port),
    );
  });
  after(async () => {
    await gw.close();
    await listener.close();
  });

  it("401 without a token, with a wrong token and with a bad JWT; no TCP connection is made", async () => {
    const url = gw.url("/kafka");
    assert.equal((await refusedUpgrade(url, {})).status, 401);
    assert.equal((await refusedUpgrade(url, { protocols: ["tributary.v1"] })).status, 401);
    const wrong = await refusedUpgrade(url, { token: "not-the-token-at-all" });
    assert.deepEqual(wrong, { status: 401, body: "token not accepted\n" });
    const forged = await new SignJWT({})
      .setProtectedHeader({ alg: "HS256" })
      .setAudience("tributary")
      .setExpirationTime("5m")
      .sign(new TextEncoder().encode("some-other-secret-0123456789abcdef"));
    assert.equal((await refusedUpgrade(url, { token: forged })).status, 401);
    const expired = await jwt({}, Math.floor(Date.now() / 1000) - 60);
    assert.deepEqual(await refusedUpgrade(url, { token: expired }), {
      status: 401,
      body: "JWT has expired (exp)\n",
    });
    const badHeader = await refusedUpgrade(url, {
      headers: { Authorization: "Bearer nope-nope-nope" },
    });
    assert.equal(badHeader.status, 401);
    await sleep(50);
    assert.equal(listener.connections(), 0);
    const text = gw.metrics.render();
    assert.match(text, /tributary_proxy_rejections_total\{reason="unauthorized"\} 6/);
    // The control: with the token, the gateway does connect (so the count above means something).
    const ok = await WsKafka.open(url);
    for (let i = 0; i < 50 && listener.connections() === 0; i++) await sleep(10);
    assert.equal(listener.connections(), 1);
    ok.close();
    await ok.closed;
    // Tokens never reach the log.
    const logs = gw.logs.join("\n");
    for (const secret of [TOKEN, "not-the-token-at-all", forged, expired])
      assert.ok(!logs.includes(secret));
  });

  it("400 when subprotocols are offered without tributary.v1", async () => {
    const r = await refusedUpgrade(gw.url("/kafka"), { protocols: ["chat", `bearer.${TOKEN}`] });
    assert.equal(r.status, 400);
    assert.match(r.body, /tributary\.v1/);
  });
});

describe("gateway: accepted sessions reach the real broker", () => {
  let gw: TestGateway;
  before(async () => {
    gw = await startGateway();
  });
  after(() => gw.close());

  it("answers the subprotocol with exactly tributary.v1, never the token", async () => {
    const client = await WsKafka.open(gw.url());
    assert.equal(client.ws.protocol, "tributary.v1");
    assert.equal(client.answeredProtocol, "tributary.v1");
    await apiVersionsWorks(client);
    client.close();
    await client.closed;
  });

  it("accepts Authorization: Bearer from a non-browser client, answering no subprotocol", async () => {
    const client = await WsKafka.open(gw.url(), {
      headers: { Authorization: `Bearer ${OTHER_TOKEN}` },
    });
    assert.equal(client.answeredProtocol, undefined);
    await apiVersionsWorks(client);
    client.close();
    await client.closed;
  });

  it("accepts a valid HS256 JWT", async () => {
    const client = await WsKafka.open(gw.url(), { token: await jwt({ topics: ["t-gw*"] }) });
    await apiVersionsWorks(client);
    client.close();
    await client.closed;
  });

  it("/kafka goes to a bootstrap broker", async () => {
    const client = await WsKafka.open(gw.url("/kafka"));
    await apiVersionsWorks(client);
    client.close();
    await client.closed;
  });
});

describe("gateway: origin, path and target", () => {
  let listener: Awaited<ReturnType<typeof countingListener>>;
  let gw: TestGateway;
  before(async () => {
    listener = await countingListener();
    gw = await startGateway({ allowOrigins: ["https://app.example"] });
  });
  after(async () => {
    await gw.close();
    await listener.close();
  });

  it("403 for an origin not on the list; the listed origin and no origin pass", async () => {
    const r = await refusedUpgrade(gw.url(), { token: TOKEN, origin: "https://evil.example" });
    assert.deepEqual(r, { status: 403, body: 'origin "https://evil.example" is not allowed\n' });
    const listed = await WsKafka.open(gw.url(), { token: TOKEN, origin: "https://app.example" });
    await apiVersionsWorks(listed);
    listed.close();
    await listed.closed;
  });

  it("the gateway's own origin passes without being listed", async () => {
    const own = await WsKafka.open(gw.url(), {
      token: TOKEN,
      origin: `http://127.0.0.1:${gw.port}`,
    });
    await apiVersionsWorks(own);
    own.close();
    await own.closed;
  });

  it("404 for a path that is not /kafka or /kafka/<host>:<port>", async () => {
    for (const path of ["/", "/kafkax", "/ws/kafka", "/healthz"]) {
      const r = await refusedUpgrade(gw.url(path));
      assert.equal(r.status, 404, path);
    }
  });

  it("400 for an odd target: numeric IPv4 forms, userinfo, encodings, bad ports", async () => {
    const { port } = broker();
    for (const target of [
      `2130706433:${port}`,
      `0x7f.0.0.1:${port}`,
      `127.1:${port}`,
      `user@127.0.0.1:${port}`,
      `127.0.0.1%3A${port}`,
      "127.0.0.1:0",
      "127.0.0.1:65536",
      `127.0.0.1:0${port}`,
      `127.0.0.1:${port}/extra`,
      "",
    ]) {
      const r = await refusedUpgrade(gw.url(`/kafka/${target}`));
      assert.equal(r.status, 400, target);
    }
  });

  it("403 for a broker that is neither bootstrap nor advertised; nothing connects to it", async () => {
    const r = await refusedUpgrade(gw.url(`/kafka/127.0.0.1:${listener.port}`));
    assert.equal(r.status, 403);
    assert.match(r.body, new RegExp(`127\\.0\\.0\\.1:${listener.port}`));
    const v6 = await refusedUpgrade(gw.url(`/kafka/[::1]:${listener.port}`));
    assert.equal(v6.status, 403);
    await sleep(50);
    assert.equal(listener.connections(), 0);
    assert.match(gw.metrics.render(), /tributary_proxy_rejections_total\{reason="target"\} 2/);
  });
});
