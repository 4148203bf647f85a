import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { createProducer as createBrowserProducer } from "../src/index.js";
import { createProducer } from "../src/node.js";
import { resolveOptions } from "../src/options.js";
import type { TransportConnector } from "../src/transport/transport.js";

const PEM = (n: number) =>
  `-----BEGIN CERTIFICATE-----\nMIIB${"A".repeat(40)}${n}\n-----END CERTIFICATE-----\n`;

function refused(options: Record<string, unknown>, pattern: RegExp, create = createProducer) {
  assert.throws(
    () => create({ bootstrap: "127.0.0.1:9095", ...options } as never),
    (err: Error & { code?: string }) => {
      assert.equal(err.code, "INVALID_ARGUMENT");
      assert.match(err.message, pattern);
      return true;
    },
  );
}

describe("the tls option", () => {
  it("true means the runtime's roots and the broker's host; false and absent mean plain TCP", () => {
    const base = { bootstrap: "127.0.0.1:9095" };
    assert.deepEqual(resolveOptions({ ...base, tls: true }).tls, {
      ca: undefined,
      servername: undefined,
    });
    assert.equal(resolveOptions({ ...base, tls: false }).tls, undefined);
    assert.equal(resolveOptions(base).tls, undefined);
  });

  it("splits PEM text into one entry per certificate, from a string or an array", () => {
    const base = { bootstrap: "127.0.0.1:9095" };
    const bundle = `# our CAs\n${PEM(1)}${PEM(2)}`;
    assert.deepEqual(resolveOptions({ ...base, tls: { ca: bundle } }).tls?.ca, [
      PEM(1).trim(),
      PEM(2).trim(),
    ]);
    assert.deepEqual(
      resolveOptions({ ...base, tls: { ca: [PEM(1), PEM(3)], servername: "kafka.internal" } }).tls,
      { ca: [PEM(1).trim(), PEM(3).trim()], servername: "kafka.internal" },
    );
  });

  it("refuses what is not a CA certificate, naming the field and what was received", () => {
    refused(
      { tls: { ca: "/etc/ssl/ca.pem" } },
      /^tls\.ca: must hold a PEM certificate .*pass the file's text, not its path; received "\/etc\/ssl\/ca\.pem"$/,
    );
    refused({ tls: { ca: [] } }, /^tls\.ca: must be PEM text or a non-empty array/);
    refused({ tls: { ca: [PEM(1), 7] } }, /^tls\.ca\[1\]: must be PEM text; received 7$/);
    refused(
      { tls: "yes" },
      /^tls: must be true, false or \{ ca\?, servername\? \}; received "yes"$/,
    );
  });

  it("refuses a bad server name and any key that would turn checking off", () => {
    refused({ tls: { servername: "" } }, /^tls\.servername: must be a host name/);
    refused(
      { tls: { servername: "kafka internal" } },
      /^tls\.servername: .*received "kafka internal"$/,
    );
    refused(
      { tls: { rejectUnauthorized: false } },
      /^tls\.rejectUnauthorized: is not a tls setting .*cannot be turned off/,
    );
    refused({ "ssl.ca.location": "/x" }, /ssl\.ca\.location.*tls\.ca/);
    refused({ "security.protocol": "SASL_SSL" }, /security\.protocol.*tls option.*sasl option/);
  });

  it("is refused with a gateway URL, which says wss:// itself", () => {
    assert.throws(
      () => createProducer({ bootstrap: "wss://gw.example/kafka", tls: true }),
      /^.*tls: applies to direct TCP connections; a gateway URL chooses TLS itself \(wss:\/\/\)/,
    );
  });

  it("is refused for a transport that cannot do TLS, rather than sending in the clear", () => {
    const plainOnly: TransportConnector = {
      name: "my-pipe",
      connect: () => Promise.reject(new Error("never called")),
    };
    refused({ transport: plainOnly, tls: true }, /^tls: the my-pipe transport does not do TLS/);
    // The browser entry has no TCP transport at all.
    assert.throws(
      () => createBrowserProducer({ bootstrap: "127.0.0.1:9095", tls: true }),
      /transport/,
    );
  });

  it("a transport's checkTls can refuse settings it cannot honour", () => {
    const noCa: TransportConnector = {
      name: "edge",
      connect: () => Promise.reject(new Error("never called")),
      checkTls(tls) {
        if (tls.ca !== undefined)
          throw Object.assign(new Error("tls.ca: not here"), { code: "INVALID_ARGUMENT" });
      },
    };
    refused({ transport: noCa, tls: { ca: PEM(1) } }, /^tls\.ca: not here$/);
    const p = createProducer({ bootstrap: "127.0.0.1:9095", transport: noCa, tls: true });
    void p.close();
  });
});
