import assert from "node:assert/strict";
import crypto from "node:crypto";
import type { IncomingMessage } from "node:http";
import { syncBuiltinESMExports } from "node:module";
import { describe, it, mock } from "node:test";
import { SignJWT } from "jose";
import { Authenticator, offeredSubprotocols, SUBPROTOCOL } from "../src/auth.js";

const TOKEN = "static-token-0123456789abcdef";
const OTHER_TOKEN = "static-token-fedcba9876543210";
const SECRET = "jwt-secret-that-is-at-least-32-bytes-long!";
const enc = new TextEncoder();

function request(
  headers: Record<string, string | string[]>,
  remoteAddress = "192.0.2.7",
): IncomingMessage {
  const lower = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
  return { headers: lower, socket: { remoteAddress } } as unknown as IncomingMessage;
}
const viaProtocol = (token: string) =>
  request({ "Sec-WebSocket-Protocol": `${SUBPROTOCOL}, bearer.${token}` });
const viaHeader = (token: string) => request({ Authorization: `Bearer ${token}` });

const staticAuth = new Authenticator({
  tokens: [TOKEN, OTHER_TOKEN],
  jwtSecret: undefined,
  jwtAudience: "tributary",
  noAuth: false,
});
const jwtAuth = new Authenticator({
  tokens: [],
  jwtSecret: SECRET,
  jwtAudience: "tributary",
  noAuth: false,
});

const now = () => Math.floor(Date.now() / 1000);
function jwt(
  claims: Record<string, unknown> = {},
  options: {
    alg?: string;
    key?: string;
    exp?: number | null;
    aud?: string | null;
    nbf?: number;
  } = {},
): Promise<string> {
  let builder = new SignJWT(claims)
    .setProtectedHeader({ alg: options.alg ?? "HS256" })
    .setIssuedAt();
  if (options.exp !== null) builder = builder.setExpirationTime(options.exp ?? now() + 300);
  if (options.aud !== null) builder = builder.setAudience(options.aud ?? "tributary");
  if (options.nbf !== undefined) builder = builder.setNotBefore(options.nbf);
  return builder.sign(enc.encode(options.key ?? SECRET));
}

async function refused(
  auth: Authenticator,
  req: IncomingMessage,
  status: 400 | 401,
  reason: RegExp,
) {
  const result = await auth.authenticate(req);
  assert.equal(result.ok, false, "should be refused");
  if (result.ok) return;
  assert.equal(result.status, status, result.reason);
  assert.match(result.reason, reason);
}

async function accepted(auth: Authenticator, req: IncomingMessage) {
  const result = await auth.authenticate(req);
  assert.equal(result.ok, true, result.ok ? "" : result.reason);
  if (!result.ok) throw new Error("unreachable");
  return result.principal;
}

describe("offeredSubprotocols", () => {
  it("splits, trims and joins repeated headers", () => {
    assert.deepEqual(offeredSubprotocols(request({ "Sec-WebSocket-Protocol": " a , b,," })), [
      "a",
      "b",
    ]);
    assert.deepEqual(offeredSubprotocols(request({ "Sec-WebSocket-Protocol": ["a", "b, c"] })), [
      "a",
      "b",
      "c",
    ]);
    assert.deepEqual(offeredSubprotocols(request({})), []);
  });
});

describe("Authenticator: static tokens", () => {
  it("accepts a token in Sec-WebSocket-Protocol as tributary.v1 + bearer.<token>", async () => {
    const principal = await accepted(staticAuth, viaProtocol(TOKEN));
    assert.match(principal.id, /^token:[0-9a-f]{12}$/);
    assert.equal(principal.topics, undefined);
  });

  it("accepts Authorization: Bearer <token> without subprotocols", async () => {
    await accepted(staticAuth, viaHeader(OTHER_TOKEN));
  });

  it("two tokens get two different principal ids, one token always the same", async () => {
    const a = await accepted(staticAuth, viaProtocol(TOKEN));
    const b = await accepted(staticAuth, viaHeader(OTHER_TOKEN));
    const a2 = await accepted(staticAuth, viaHeader(TOKEN));
    assert.notEqual(a.id, b.id);
    assert.equal(a.id, a2.id);
  });

  it("refuses a wrong token, a token's prefix or extension, and a missing token with 401", async () => {
    for (const wrong of ["nope", TOKEN.slice(0, -1), `${TOKEN}x`, TOKEN.toUpperCase()]) {
      await refused(staticAuth, viaProtocol(wrong), 401, /not accepted/);
      await refused(staticAuth, viaHeader(wrong), 401, /not accepted/);
    }
    await refused(staticAuth, request({}), 401, /required/);
    await refused(staticAuth, request({ "Sec-WebSocket-Protocol": SUBPROTOCOL }), 401, /required/);
    await refused(staticAuth, request({ Authorization: "Basic dXNlcjpwYXNz" }), 401, /Bearer/);
  });

  it("refuses subprotocols offered without tributary.v1 with 400, token or not", async () => {
    await refused(
      staticAuth,
      request({ "Sec-WebSocket-Protocol": `bearer.${TOKEN}` }),
      400,
      /tributary\.v1/,
    );
    await refused(staticAuth, request({ "Sec-WebSocket-Protocol": "mqtt" }), 400, /tributary\.v1/);
    await refused(
      staticAuth,
      request({ "Sec-WebSocket-Protocol": "tributary.v2", Authorization: `Bearer ${TOKEN}` }),
      400,
      /tributary\.v1/,
    );
  });

  it("refuses an ambiguous token: two bearer entries, or subprotocol and header both", async () => {
    await refused(
      staticAuth,
      request({
        "Sec-WebSocket-Protocol": `${SUBPROTOCOL}, bearer.${TOKEN}, bearer.${OTHER_TOKEN}`,
      }),
      400,
      /more than one/,
    );
    await refused(
      staticAuth,
      request({
        "Sec-WebSocket-Protocol": `${SUBPROTOCOL}, bearer.${TOKEN}`,
        Authorization: `Bearer ${TOKEN}`,
      }),
      400,
      /once/,
    );
  });

  it("compares with timingSafeEqual on equal-length SHA-256 digests, every configured token, no early exit", async () => {
    const spy = mock.method(crypto, "timingSafeEqual");
    syncBuiltinESMExports();
    try {
      await accepted(staticAuth, viaProtocol(TOKEN)); // matches the first of two tokens
      assert.equal(spy.mock.callCount(), 2, "both configured tokens compared");
      await refused(staticAuth, viaProtocol("x"), 401, /not accepted/); // a 1-character guess
      assert.equal(spy.mock.callCount(), 4);
      for (const call of spy.mock.calls) {
        const [a, b] = call.arguments as [Buffer, Buffer];
        assert.equal(a.length, 32);
        assert.equal(b.length, 32);
      }
    } finally {
      spy.mock.restore();
      syncBuiltinESMExports();
    }
  });

  it("the principal id never contains the token", async () => {
    for (const token of [TOKEN, OTHER_TOKEN]) {
      const p = await accepted(staticAuth, viaProtocol(token));
      assert.equal(p.id.includes(token), false);
      // Nor a large piece of it.
      assert.equal(p.id.includes(token.slice(0, 8)), false);
    }
  });

  it("with --no-auth, every client passes as its IP address, token or not", async () => {
    const open = new Authenticator({
      tokens: [],
      jwtSecret: undefined,
      jwtAudience: "tributary",
      noAuth: true,
    });
    const p = await accepted(open, request({}, "198.51.100.1"));
    assert.equal(p.id, "ip:198.51.100.1");
    await accepted(open, viaProtocol("anything-at-all"));
    // The subprotocol rule still holds.
    await refused(open, request({ "Sec-WebSocket-Protocol": "other" }), 400, /tributary\.v1/);
  });
});

describe("Authenticator: HS256 JWTs", () => {
  it("accepts a valid HS256 JWT in either place", async () => {
    const token = await jwt({ sub: "user-42" });
    const p = await accepted(jwtAuth, viaProtocol(token));
    assert.equal(p.id, "jwt:user-42");
    await accepted(jwtAuth, viaHeader(token));
  });

  it("refuses an expired JWT (exp) with 401", async () => {
    await refused(jwtAuth, viaProtocol(await jwt({}, { exp: now() - 60 })), 401, /expired \(exp\)/);
  });

  it("refuses a JWT without exp", async () => {
    await refused(jwtAuth, viaProtocol(await jwt({}, { exp: null })), 401, /exp/);
  });

  it("refuses a JWT that is not valid yet (nbf) with 401", async () => {
    await refused(
      jwtAuth,
      viaProtocol(await jwt({}, { nbf: now() + 600 })),
      401,
      /not valid yet \(nbf\)/,
    );
  });

  it("refuses a wrong or missing audience with 401", async () => {
    await refused(jwtAuth, viaProtocol(await jwt({}, { aud: "someone-else" })), 401, /aud/);
    await refused(jwtAuth, viaProtocol(await jwt({}, { aud: null })), 401, /aud/);
  });

  it("refuses a JWT signed with another secret with 401", async () => {
    const token = await jwt({}, { key: "another-secret-that-is-32-bytes-long!!" });
    await refused(jwtAuth, viaProtocol(token), 401, /signature/);
  });

  it("refuses alg none and HS512 (even when signed with the right secret) with 401", async () => {
    const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString("base64url");
    const none = `${b64({ alg: "none", typ: "JWT" })}.${b64({ aud: "tributary", exp: now() + 300 })}.`;
    await refused(jwtAuth, viaHeader(none), 401, /algorithm/);
    await refused(
      jwtAuth,
      viaProtocol(await jwt({}, { alg: "HS512", key: `${SECRET}-other-key-material-for-512` })),
      401,
      /algorithm/,
    );
    await refused(jwtAuth, viaProtocol(await jwt({}, { alg: "HS512" })), 401, /algorithm/);
  });

  it("surfaces the topics claim as principal.topics", async () => {
    const p = await accepted(jwtAuth, viaProtocol(await jwt({ topics: ["events-*", "audit"] })));
    assert.deepEqual(p.topics, ["events-*", "audit"]);
    const none = await accepted(jwtAuth, viaProtocol(await jwt({})));
    assert.equal(none.topics, undefined);
  });

  it("refuses a topics claim that is not an array of strings with 401", async () => {
    for (const topics of ["events-*", [1, 2], { a: 1 }, ["ok", null], null]) {
      await refused(
        jwtAuth,
        viaProtocol(await jwt({ topics })),
        401,
        /topics must be an array of strings/,
      );
    }
  });

  it("a JWT's principal id never contains the token, and a missing or odd sub falls back to a hash", async () => {
    for (const claims of [
      {},
      { sub: "" },
      { sub: "x".repeat(65) },
      { sub: "has space" },
      { sub: 7 },
    ]) {
      const token = await jwt(claims);
      const p = await accepted(jwtAuth, viaProtocol(token));
      assert.match(p.id, /^jwt:[0-9a-f]{12}$/, JSON.stringify(claims));
      assert.equal(p.id.includes(token), false);
    }
  });

  it("a static token and a JWT can be configured together", async () => {
    const both = new Authenticator({
      tokens: [TOKEN],
      jwtSecret: SECRET,
      jwtAudience: "tributary",
      noAuth: false,
    });
    await accepted(both, viaProtocol(TOKEN));
    await accepted(both, viaProtocol(await jwt({})));
    await refused(both, viaProtocol(await jwt({}, { exp: now() - 1 })), 401, /expired/);
  });

  it("refusal reasons never contain the token", async () => {
    const token = await jwt({}, { exp: now() - 60 });
    const result = await jwtAuth.authenticate(viaProtocol(token));
    assert.equal(result.ok, false);
    if (!result.ok) {
      assert.equal(result.reason.includes(token), false);
      assert.equal(result.reason.includes(token.split(".")[1]!), false);
    }
  });
});
