/**
 * The WebSocket options the issue fixes: per-message deflate stays off even when a client asks
 * for it (compression belongs to Kafka's codecs, and inflating attacker-chosen messages costs
 * memory), and ws runs with the native bufferutil for masking.
 */
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { after, before, describe, it } from "node:test";
import { WebSocket } from "ws";
import { startGateway, type TestGateway, TOKEN } from "./gateway-support.js";

describe("the gateway's WebSocket options", () => {
  let gw: TestGateway;
  before(async () => {
    gw = await startGateway();
  });
  after(() => gw.close());

  it("answers a client that offers permessage-deflate without the extension", async () => {
    const ws = new WebSocket(gw.url("/kafka"), ["tributary.v1", `bearer.${TOKEN}`], {
      perMessageDeflate: { clientNoContextTakeover: true },
    });
    // Both listeners go on at once: ws emits "open" in the same tick as "upgrade".
    let headers: Record<string, string | string[] | undefined> = {};
    ws.once("upgrade", (res) => {
      headers = res.headers;
    });
    await new Promise((resolve, reject) => {
      ws.once("open", resolve);
      ws.once("error", reject);
    });
    assert.equal(headers["sec-websocket-extensions"], undefined);
    assert.equal(ws.extensions, "");
    assert.equal(ws.protocol, "tributary.v1");
    ws.close(1000);
    await new Promise((resolve) => ws.once("close", resolve));
  });

  it("has bufferutil, the native masking ws uses when it is installed, next to ws", () => {
    const require = createRequire(new URL("../../package.json", import.meta.url));
    const bufferutil = require("bufferutil") as { mask?: unknown; unmask?: unknown };
    assert.equal(typeof bufferutil.mask, "function");
    assert.equal(typeof bufferutil.unmask, "function");
    // ws resolves it from its own location; both must be the one the proxy depends on.
    const fromWs = createRequire(require.resolve("ws")).resolve("bufferutil");
    assert.equal(fromWs, require.resolve("bufferutil"));
  });
});
