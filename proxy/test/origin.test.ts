import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { originAllowed } from "../src/origin.js";

describe("originAllowed", () => {
  it("a request without Origin (not a browser) passes, whatever the allowlist", () => {
    assert.equal(originAllowed([], undefined, "gw:8080", false), true);
    assert.equal(originAllowed(["https://app.example.com"], undefined, "gw:8080", false), true);
  });

  it("an origin on the allowlist passes by exact match", () => {
    const list = ["https://app.example.com", "http://localhost:5173"];
    assert.equal(originAllowed(list, "https://app.example.com", "gw:8080", false), true);
    assert.equal(originAllowed(list, "http://localhost:5173", "gw:8080", false), true);
  });

  it("near misses of an allowlisted origin are refused", () => {
    const list = ["https://app.example.com"];
    for (const origin of [
      "http://app.example.com", // other scheme
      "https://app.example.com:8443", // other port
      "https://evil-app.example.com",
      "https://app.example.com.evil.com",
      "https://APP.example.com", // not the serialised form a browser sends
      "https://app.example.com/",
    ]) {
      assert.equal(originAllowed(list, origin, "gw:8080", false), false, origin);
    }
  });

  it("'*' allows any origin, null included, but only when listed explicitly", () => {
    assert.equal(originAllowed(["*"], "https://anything.example", "gw:8080", false), true);
    assert.equal(originAllowed(["*"], "null", "gw:8080", false), true);
    assert.equal(originAllowed([], "https://anything.example", "gw:8080", false), false);
  });

  it("the gateway's own origin (scheme + Host header) passes by default", () => {
    assert.equal(originAllowed([], "http://gw.example:8080", "gw.example:8080", false), true);
    assert.equal(originAllowed([], "https://gw.example", "gw.example:443", true), true);
    assert.equal(originAllowed([], "https://gw.example", "gw.example", true), true);
    assert.equal(originAllowed([], "http://127.0.0.1:8080", "127.0.0.1:8080", false), true);
    assert.equal(originAllowed([], "http://[::1]:8080", "[::1]:8080", false), true);
    // Host is case-insensitive; the browser's origin is lowercase.
    assert.equal(originAllowed([], "http://gw.example:8080", "GW.example:8080", false), true);
  });

  it("same-origin also passes alongside an allowlist", () => {
    assert.equal(
      originAllowed(["https://app.example.com"], "http://gw:8080", "gw:8080", false),
      true,
    );
  });

  it("other origins are refused, including same host with another scheme or port", () => {
    assert.equal(originAllowed([], "https://evil.example", "gw.example:8080", false), false);
    assert.equal(originAllowed([], "https://gw.example:8080", "gw.example:8080", false), false);
    assert.equal(originAllowed([], "http://gw.example:8081", "gw.example:8080", false), false);
    assert.equal(originAllowed([], "http://gw.example", "gw.example:8080", false), false);
  });

  it("no Host header means nothing is same-origin", () => {
    assert.equal(originAllowed([], "http://gw:8080", undefined, false), false);
    assert.equal(originAllowed([], "http://gw:8080", "", false), false);
  });

  it("a Host header that smuggles a path or userinfo is not same-origin", () => {
    assert.equal(originAllowed([], "http://evil.example", "evil.example/x", false), false);
    assert.equal(originAllowed([], "http://evil.example", "gw@evil.example", false), false);
  });

  it("the 'null' origin is refused unless listed", () => {
    assert.equal(originAllowed([], "null", "gw:8080", false), false);
    assert.equal(originAllowed(["https://app.example.com"], "null", "gw:8080", false), false);
    assert.equal(originAllowed(["null"], "null", "gw:8080", false), true);
  });
});
