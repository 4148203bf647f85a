/**
 * The config rules for the gateway's TLS and its own Kafka credentials (issue 10): which
 * settings go together, and the PEM files read at start. Kept apart from config.ts, whose rules
 * are about clients; the table of settings itself is config-fields.ts.
 */
import { X509Certificate } from "node:crypto";
import { isIP } from "node:net";
import { createSecureContext } from "node:tls";
import { SASL_MECHANISMS } from "@tributary/producer/sasl";
import type { GatewayConfig, PemFiles } from "./config.js";
import { describe, envName, type Key } from "./config-fields.js";

export type Fail = (key: Key, rule: string, received: string) => never;

/**
 * The gateway's own credentials toward Kafka: a mechanism needs a user and a password, and a
 * user, password, CA or server name given without what it belongs to is an error rather than a
 * setting silently ignored (a CA file given while connections stay plaintext, say).
 */
export function validateUpstream(config: GatewayConfig, fail: Fail): void {
  if (config.upstreamSasl !== undefined) {
    const wanted = String(config.upstreamSasl).toUpperCase();
    const mechanism = SASL_MECHANISMS.find((m) => m === wanted);
    if (mechanism === undefined) {
      fail(
        "upstreamSasl",
        `must be one of ${SASL_MECHANISMS.join(", ")}`,
        describe(config.upstreamSasl),
      );
    }
    config.upstreamSasl = mechanism;
    if (config.upstreamSaslUsername === undefined) {
      fail("upstreamSaslUsername", "is required with --upstream-sasl", "none");
    }
    if (config.upstreamSaslPassword === undefined) {
      fail(
        "upstreamSaslPassword",
        `is required with --upstream-sasl (set ${envName("upstream-sasl-password")})`,
        "none",
      );
    }
    if (config.saslPassthrough) {
      fail(
        "saslPassthrough",
        "cannot be combined with --upstream-sasl: the gateway authenticates each broker connection itself, so clients' SaslHandshake/SaslAuthenticate stay refused",
        "--sasl-passthrough with --upstream-sasl",
      );
    }
  } else {
    if (config.upstreamSaslUsername !== undefined) {
      fail("upstreamSaslUsername", "needs --upstream-sasl <mechanism>", "a user without one");
    }
    if (config.upstreamSaslPassword !== undefined) {
      fail(
        "upstreamSaslPassword",
        "needs --upstream-sasl <mechanism>",
        describe(config.upstreamSaslPassword, true),
      );
    }
  }
  // RFC 4616 section 2: PLAIN separates its fields with NUL; Kafka refuses an empty password.
  const password = config.upstreamSaslPassword;
  if (password !== undefined && config.upstreamSasl === "PLAIN" && password.includes("\0")) {
    fail("upstreamSaslPassword", "must not contain NUL with PLAIN", describe(password, true));
  }
  if (!config.upstreamTls) {
    if (config.upstreamTlsCa !== undefined) {
      fail("upstreamTlsCa", "needs --upstream-tls", describe(config.upstreamTlsCa));
    }
    if (config.upstreamTlsServername !== undefined) {
      fail("upstreamTlsServername", "needs --upstream-tls", describe(config.upstreamTlsServername));
    }
  }
  const name = config.upstreamTlsServername;
  if (
    name !== undefined &&
    !isIP(name) &&
    !/^[a-zA-Z0-9](?:[a-zA-Z0-9.-]*[a-zA-Z0-9])?$/.test(name)
  ) {
    fail("upstreamTlsServername", "must be a hostname or an IP address", describe(name));
  }
  if ((config.tlsCert === undefined) !== (config.tlsKey === undefined)) {
    const missing = config.tlsCert === undefined ? "tlsCert" : "tlsKey";
    fail(
      missing,
      "--tls-cert and --tls-key go together (both for https/wss, neither for http/ws)",
      "only the other one",
    );
  }
}

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

/**
 * Reads the PEM files at start, so an unreadable or wrong file stops the gateway with the
 * field's name instead of failing the first connection. Messages name the file and what is
 * wrong with it, never its contents (a key file is a secret).
 */
export function readPemFiles(
  config: GatewayConfig,
  fail: Fail,
  readFile: (path: string) => string,
  sourceOf: (flag: string) => string,
): PemFiles {
  const read = (key: Key, path: string): string => {
    try {
      return readFile(path);
    } catch (err) {
      const code = (err as { code?: unknown }).code;
      return fail(
        key,
        `cannot read the file${typeof code === "string" ? ` (${code})` : ""}`,
        describe(path),
      );
    }
  };
  const out: PemFiles = {};
  if (config.upstreamTlsCa !== undefined) {
    const text = read("upstreamTlsCa", config.upstreamTlsCa);
    const blocks = text.match(PEM_CERTIFICATE) ?? [];
    if (blocks.length === 0) {
      fail(
        "upstreamTlsCa",
        "must hold PEM certificates (-----BEGIN CERTIFICATE-----)",
        `${describe(config.upstreamTlsCa)} with none`,
      );
    }
    blocks.forEach((block, i) => {
      try {
        new X509Certificate(block);
      } catch {
        fail(
          "upstreamTlsCa",
          `certificate ${i + 1} of ${blocks.length} does not parse`,
          describe(config.upstreamTlsCa),
        );
      }
    });
    out.upstreamCa = text;
  }
  if (config.tlsCert !== undefined && config.tlsKey !== undefined) {
    const cert = read("tlsCert", config.tlsCert);
    const key = read("tlsKey", config.tlsKey);
    if (!cert.includes("-----BEGIN CERTIFICATE-----")) {
      fail(
        "tlsCert",
        "must hold a PEM certificate (-----BEGIN CERTIFICATE-----)",
        describe(config.tlsCert),
      );
    }
    try {
      // Parses both and checks the key belongs to the certificate, as the https server would.
      createSecureContext({ cert, key });
    } catch (err) {
      // OpenSSL's reason ("key values mismatch", "bad decrypt") quotes nothing from the files.
      const why = String((err as Error).message).replace(/^error:[0-9A-Fa-f]+:[^:]*::?/, "");
      fail(
        "tlsKey",
        `must be the PEM private key of ${sourceOf("tls-cert")} (${why})`,
        `${describe(config.tlsKey)} (contents not shown)`,
      );
    }
    out.tlsCert = cert;
    out.tlsKey = key;
  }
  return out;
}
