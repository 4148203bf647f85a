import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ProducerError } from "../../src/errors.js";
import {
  type ConnectAttempt,
  describeTlsFailure,
  dialTcp,
} from "../../src/transport/tcp-connect.js";
import { refuseWorkerdTls } from "../../src/transport/workerd-tls.js";

/**
 * How the TCP transports of Deno, Bun and workerd word and class a TLS connect that failed.
 * The errors below have the shapes each runtime gave against the test broker's SSL listener
 * in this repository (Bun 1.4, Deno 2.9; Node's are OpenSSL's codes as Bun's are): trusting a
 * CA that did not sign the broker's certificate, checking a name it does not hold, and
 * speaking TLS to a plaintext listener.
 */

/** A Node- or Bun-style error: OpenSSL's or the system's code beside the message. */
function coded(code: string, message: string): Error {
  return Object.assign(new Error(message), { code });
}

/** A Deno-style error: the kind in `name`. */
function named(name: string, message: string, code?: string): Error {
  const err = new Error(message);
  err.name = name;
  return code === undefined ? err : Object.assign(err, { code });
}

describe("describeTlsFailure: a certificate the settings do not accept is not retriable, and says so", () => {
  const untrusted: [string, Error][] = [
    ["Bun", coded("SELF_SIGNED_CERT_IN_CHAIN", "self signed certificate in certificate chain")],
    ["Node", coded("UNABLE_TO_VERIFY_LEAF_SIGNATURE", "unable to verify the first certificate")],
    ["Node", coded("CERT_HAS_EXPIRED", "certificate has expired")],
    ["Deno", named("InvalidData", "invalid peer certificate: UnknownIssuer")],
    ["Deno", named("InvalidData", "invalid peer certificate: Expired")],
  ];
  for (const [runtime, err] of untrusted) {
    it(`${runtime}: ${err.message}`, () => {
      const failure = describeTlsFailure(err);
      assert.equal(failure.retriable, false);
      assert.match(failure.reason, /^the broker's certificate was not accepted: /);
      assert.ok(failure.reason.includes(err.message), failure.reason);
      assert.match(failure.reason, /is the CA that signed it in tls\.ca\?/);
    });
  }

  const wrongName: [string, Error][] = [
    [
      "Bun",
      coded(
        "ERR_TLS_CERT_ALTNAME_INVALID",
        "Hostname/IP does not match certificate's altnames: Host: kafka.example.com. is not in the cert's altnames: IP Address:127.0.0.1, DNS:localhost",
      ),
    ],
    [
      "Deno",
      named(
        "InvalidData",
        'invalid peer certificate: certificate not valid for name "kafka.example.com"; certificate is only valid for IpAddress(127.0.0.1) or DnsName("localhost")',
      ),
    ],
  ];
  for (const [runtime, err] of wrongName) {
    it(`${runtime}: a certificate for another name points at tls.servername`, () => {
      const failure = describeTlsFailure(err);
      assert.equal(failure.retriable, false);
      assert.match(failure.reason, /^the broker's certificate was not accepted: /);
      assert.match(
        failure.reason,
        /not for this host name; tls\.servername names the one it is for/,
      );
    });
  }

  it("Node: another handshake refusal (ERR_SSL_*) is not retriable either", () => {
    const failure = describeTlsFailure(
      coded("ERR_SSL_WRONG_VERSION_NUMBER", "wrong version number"),
    );
    assert.equal(failure.retriable, false);
    assert.match(failure.reason, /^the TLS handshake failed: /);
  });
});

describe("describeTlsFailure: what a retry can mend stays retriable", () => {
  it("a listener that drops the TLS hello (Bun, Node: ECONNRESET; Deno: UnexpectedEof) asks whether it is an SSL listener", () => {
    for (const err of [
      coded(
        "ECONNRESET",
        "Client network socket disconnected before secure TLS connection was established",
      ),
      named("UnexpectedEof", "unexpected end of file"),
    ]) {
      const failure = describeTlsFailure(err);
      assert.equal(failure.retriable, true, err.message);
      assert.match(failure.reason, /is this an SSL or SASL_SSL listener\?/);
    }
  });

  it("a refused connection is what it is without TLS", () => {
    const failure = describeTlsFailure(
      named("ConnectionRefused", "Connection refused (os error 111)", "ECONNREFUSED"),
    );
    assert.deepEqual(failure, {
      reason: "ECONNREFUSED: Connection refused (os error 111)",
      retriable: true,
    });
  });

  it("a malformed argument is not retriable, with or without TLS", () => {
    assert.equal(describeTlsFailure(new TypeError("invalid hostname")).retriable, false);
  });
});

describe("dialTcp words a failed connect for the protocol it spoke", () => {
  const address = { host: "127.0.0.1", port: 9095 };
  function failing(err: Error): () => ConnectAttempt<never> {
    return () => ({ opened: Promise.reject(err), abandon: () => {}, discard: () => {} });
  }

  it("with tls: CONNECTION_FAILED over TLS, not retriable, naming the broker and the certificate", async () => {
    const err = named("InvalidData", "invalid peer certificate: UnknownIssuer");
    const tls = { ca: undefined, servername: undefined };
    await assert.rejects(
      dialTcp(address, { timeoutMs: 1000, tls }, failing(err), describeTlsFailure),
      (e: unknown) => {
        assert.ok(e instanceof ProducerError);
        assert.equal(e.code, "CONNECTION_FAILED");
        assert.equal(e.retriable, false);
        assert.equal(e.cause, err);
        assert.equal(
          e.message,
          "cannot connect to broker 127.0.0.1:9095 over TLS: the broker's certificate was not accepted: InvalidData: invalid peer certificate: UnknownIssuer (is the CA that signed it in tls.ca?)",
        );
        return true;
      },
    );
  });

  it("without tls: over TCP, as before", async () => {
    const err = named("ConnectionRefused", "Connection refused", "ECONNREFUSED");
    await assert.rejects(
      dialTcp(address, { timeoutMs: 1000 }, failing(err), () => ({
        reason: "refused",
        retriable: true,
      })),
      (e: unknown) => {
        assert.ok(e instanceof ProducerError);
        assert.equal(e.retriable, true);
        assert.equal(e.message, "cannot connect to broker 127.0.0.1:9095 over TCP: refused");
        return true;
      },
    );
  });

  it("a handshake that never ends is given up at timeoutMs, and its socket is abandoned", async () => {
    let abandoned = false;
    const hung = () => ({
      opened: new Promise<never>(() => {}),
      abandon: () => {
        abandoned = true;
      },
      discard: () => {},
    });
    const tls = { ca: undefined, servername: undefined };
    await assert.rejects(
      dialTcp(address, { timeoutMs: 30, tls }, hung, describeTlsFailure),
      /over TLS: no connection within 30 ms/,
    );
    assert.equal(abandoned, true);
  });
});

describe("workerd refuses TLS settings its sockets cannot honour, saying where trust comes from", () => {
  it("tls: true (the runtime's trust, the host connected to) passes", () => {
    refuseWorkerdTls({ ca: undefined, servername: undefined });
  });

  it("tls.ca: INVALID_ARGUMENT pointing at the network service's trustedCertificates", () => {
    assert.throws(
      () => refuseWorkerdTls({ ca: ["-----BEGIN CERTIFICATE-----x"], servername: undefined }),
      (e: unknown) => {
        assert.ok(e instanceof ProducerError);
        assert.equal(e.code, "INVALID_ARGUMENT");
        assert.match(e.message, /^tls\.ca: cannot be set in workerd/);
        assert.match(e.message, /trustedCertificates/);
        assert.match(e.message, /pass tls: true/);
        assert.match(e.message, /received "1 PEM certificate\(s\)"/);
        return true;
      },
    );
  });

  it("tls.servername: INVALID_ARGUMENT, the certificate is checked against the host connected to", () => {
    assert.throws(
      () => refuseWorkerdTls({ ca: undefined, servername: "kafka.internal" }),
      (e: unknown) => {
        assert.ok(e instanceof ProducerError);
        assert.equal(e.code, "INVALID_ARGUMENT");
        assert.match(
          e.message,
          /^tls\.servername: cannot be set in workerd: .*host the socket connects to/,
        );
        assert.match(e.message, /received "kafka\.internal"/);
        return true;
      },
    );
  });
});
