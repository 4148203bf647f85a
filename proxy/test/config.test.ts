import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { after, before, describe, it } from "node:test";
import { ConfigError, HelpRequested, loadConfig, secretsOf, USAGE } from "../src/config.js";
import { DEFAULTS } from "../src/config-fields.js";
import { type SelfSigned, type TlsScratch, tlsScratch } from "./tls-fixtures.js";

const TOKEN = "token-0123456789abcdef";
const SECRET = "a-jwt-secret-of-at-least-32-bytes!!";
const BASE = ["--bootstrap", "127.0.0.1:9092", "--allow-topics", "*", "--token", TOKEN];
const noFile = (path: string): string => {
  throw Object.assign(new Error(`no file ${path}`), { code: "ENOENT" });
};

function fails(
  argv: readonly string[],
  field: string,
  message: RegExp,
  env: Record<string, string> = {},
  readFile: (path: string) => string = noFile,
): ConfigError {
  try {
    loadConfig(argv, env, readFile);
  } catch (err) {
    assert.ok(err instanceof ConfigError, `expected ConfigError, got ${err}`);
    assert.equal(err.field, field, err.message);
    assert.match(err.message, message);
    return err;
  }
  assert.fail(`expected a ConfigError for ${field}`);
}

describe("loadConfig: sources", () => {
  it("applies the documented defaults", () => {
    const c = loadConfig(BASE, {}, noFile);
    assert.equal(c.host, "127.0.0.1");
    assert.equal(c.port, 8080);
    assert.equal(c.jwtAudience, "tributary");
    assert.equal(c.maxRequestBytes, 1_048_576);
    assert.equal(c.maxConnections, 1000);
    assert.equal(c.maxConnectionsPerClient, 64);
    assert.equal(c.idleTimeoutMs, 300_000);
    assert.equal(c.pingIntervalMs, 30_000);
    assert.equal(c.connectTimeoutMs, 10_000);
    assert.equal(c.metadataRefreshMs, 60_000);
    assert.equal(c.shutdownGraceMs, 10_000);
    assert.equal(c.highWaterMark, 1_048_576);
    assert.equal(c.saslPassthrough, false);
    assert.equal(c.noAuth, false);
    assert.equal(c.logLevel, "info");
    assert.deepEqual(c.allowOrigins, []);
    assert.deepEqual(c.allowHosts, []);
    assert.equal(c.staticDir, undefined);
    assert.equal(c.jwtSecret, undefined);
  });

  it("reads every flag, in --flag value and --flag=value forms", () => {
    const c = loadConfig(
      [
        "--host=0.0.0.0",
        "--port",
        "0",
        "--bootstrap",
        "kafka-1:9092,[::1]:9093",
        "--bootstrap=Kafka-2:9092",
        "--allow-topics",
        "events-*,audit",
        "--token",
        TOKEN,
        `--token=${TOKEN}-2,${TOKEN}-3`,
        "--jwt-secret",
        SECRET,
        "--jwt-audience",
        "gw",
        "--allow-origin",
        "https://App.example.com,http://localhost:5173/",
        "--allow-hosts",
        "*.kafka.internal,10.0.0.0/8,::1/128",
        "--static",
        "./public",
        "--max-request-bytes",
        "2048",
        "--max-connections",
        "10",
        "--max-connections-per-client",
        "2",
        "--idle-timeout-ms",
        "1000",
        "--ping-interval-ms",
        "500",
        "--connect-timeout-ms",
        "250",
        "--metadata-refresh-ms",
        "5000",
        "--shutdown-grace-ms",
        "0",
        "--high-water-mark",
        "4096",
        "--sasl-passthrough",
        "--log-level",
        "debug",
      ],
      {},
      noFile,
    );
    assert.deepEqual(c, {
      host: "0.0.0.0",
      port: 0,
      bootstrap: [
        { host: "kafka-1", port: 9092 },
        { host: "::1", port: 9093 },
        { host: "kafka-2", port: 9092 },
      ],
      allowTopics: ["events-*", "audit"],
      tokens: [TOKEN, `${TOKEN}-2`, `${TOKEN}-3`],
      jwtSecret: SECRET,
      jwtAudience: "gw",
      noAuth: false,
      allowOrigins: ["https://app.example.com", "http://localhost:5173"],
      allowHosts: ["*.kafka.internal", "10.0.0.0/8", "::1/128"],
      staticDir: "./public",
      maxRequestBytes: 2048,
      maxConnections: 10,
      maxConnectionsPerClient: 2,
      idleTimeoutMs: 1000,
      pingIntervalMs: 500,
      connectTimeoutMs: 250,
      metadataRefreshMs: 5000,
      shutdownGraceMs: 0,
      highWaterMark: 4096,
      saslPassthrough: true,
      upstreamSasl: undefined,
      upstreamSaslUsername: undefined,
      upstreamSaslPassword: undefined,
      upstreamTls: false,
      upstreamTlsCa: undefined,
      upstreamTlsServername: undefined,
      tlsCert: undefined,
      tlsKey: undefined,
      pem: {},
      logLevel: "debug",
    });
  });

  it("reads TRIBUTARY_PROXY_* environment variables", () => {
    const c = loadConfig([], {
      TRIBUTARY_PROXY_BOOTSTRAP: "127.0.0.1:9092",
      TRIBUTARY_PROXY_ALLOW_TOPICS: "a,b",
      TRIBUTARY_PROXY_JWT_SECRET: SECRET,
      TRIBUTARY_PROXY_PORT: "9000",
      TRIBUTARY_PROXY_SASL_PASSTHROUGH: "1",
      TRIBUTARY_PROXY_MAX_CONNECTIONS_PER_CLIENT: "3",
      TRIBUTARY_PROXY_HOST: "", // empty = unset
      PATH: "/usr/bin", // other variables are none of our business
    });
    assert.equal(c.port, 9000);
    assert.equal(c.jwtSecret, SECRET);
    assert.deepEqual(c.allowTopics, ["a", "b"]);
    assert.equal(c.saslPassthrough, true);
    assert.equal(c.maxConnectionsPerClient, 3);
    assert.equal(c.host, "127.0.0.1");
  });

  it("reads a JSON file given by --config, with camelCase keys", () => {
    const files: Record<string, string> = {
      "/etc/gw.json": JSON.stringify({
        bootstrap: ["127.0.0.1:9092"],
        allowTopics: "x-*,y",
        tokens: [TOKEN],
        port: 7000,
        noAuth: false,
        allowOrigins: ["https://a.example"],
      }),
    };
    const c = loadConfig(["--config", "/etc/gw.json"], {}, (p) => files[p] ?? noFile(p));
    assert.equal(c.port, 7000);
    assert.deepEqual(c.allowTopics, ["x-*", "y"]);
    assert.deepEqual(c.tokens, [TOKEN]);
    assert.deepEqual(c.allowOrigins, ["https://a.example"]);
    // The path may also come from the environment.
    const viaEnv = loadConfig(
      [],
      { TRIBUTARY_PROXY_CONFIG: "/etc/gw.json" },
      (p) => files[p] ?? noFile(p),
    );
    assert.equal(viaEnv.port, 7000);
  });

  it("precedence per field: flags > env > file > defaults", () => {
    const file = JSON.stringify({
      bootstrap: ["file-host:1"],
      allowTopics: ["file-*"],
      tokens: [TOKEN],
      port: 1111,
      host: "10.0.0.1",
      logLevel: "warn",
      jwtAudience: "file-aud",
    });
    const c = loadConfig(
      ["--config", "f.json", "--port", "3333"],
      {
        TRIBUTARY_PROXY_PORT: "2222",
        TRIBUTARY_PROXY_HOST: "10.0.0.2",
        TRIBUTARY_PROXY_ALLOW_TOPICS: "env-*",
      },
      () => file,
    );
    assert.equal(c.port, 3333, "flag beats env and file");
    assert.equal(c.host, "10.0.0.2", "env beats file");
    assert.deepEqual(c.allowTopics, ["env-*"], "an env list replaces the file's list whole");
    assert.equal(c.logLevel, "warn", "file beats default");
    assert.equal(c.jwtAudience, "file-aud");
    assert.equal(c.idleTimeoutMs, DEFAULTS.idleTimeoutMs, "default when nobody says");
    assert.deepEqual(c.bootstrap, [{ host: "file-host", port: 1 }]);
  });
});

describe("loadConfig: refusals name the field, the rule and what was received", () => {
  it("--bootstrap is required and each entry must be host:port", () => {
    fails(
      ["--allow-topics", "*", "--token", TOKEN],
      "bootstrap",
      /--bootstrap: is required.*received none/,
    );
    fails(
      [...BASE, "--bootstrap", "kafka"],
      "bootstrap",
      /--bootstrap: each entry must be host:port.*port is missing.*received "kafka"/,
    );
    fails(
      [...BASE, "--bootstrap", "user@kafka:9092"],
      "bootstrap",
      /userinfo.*received "user@kafka:9092"/,
    );
    fails([...BASE, "--bootstrap", "127.1:9092"], "bootstrap", /IPv4.*received "127.1:9092"/);
  });

  it("--allow-topics is required, with topic characters and wildcards only", () => {
    fails(
      ["--bootstrap", "h:1", "--token", TOKEN],
      "allowTopics",
      /--allow-topics: is required.*'\*' for all.*received none/,
    );
    fails(
      [...BASE, "--allow-topics", "bad topic"],
      "allowTopics",
      /topic characters.*received "bad topic"/,
    );
  });

  it("refuses to start without auth unless --no-auth is given", () => {
    const noAuthArgs = ["--bootstrap", "h:1", "--allow-topics", "*"];
    fails(noAuthArgs, "tokens", /will not start without auth.*--token or --jwt-secret.*--no-auth/);
    const open = loadConfig([...noAuthArgs, "--no-auth"], {}, noFile);
    assert.equal(open.noAuth, true);
    fails([...BASE, "--no-auth"], "noAuth", /--no-auth: cannot be combined/);
  });

  it("a short or non-token-character token is refused without echoing it", () => {
    const short = "s3cr3t-short";
    const err = fails(
      ["--bootstrap", "h:1", "--allow-topics", "*", "--token", short],
      "tokens",
      /--token: each token must be at least 16 characters; received a value of 12 characters \(not shown\)/,
    );
    assert.equal(err.message.includes(short), false);
    const spaced = "has a space but long enough";
    const err2 = fails(
      ["--bootstrap", "h:1", "--allow-topics", "*", "--token", spaced],
      "tokens",
      /HTTP token characters/,
    );
    assert.equal(err2.message.includes(spaced), false);
  });

  it("a short JWT secret is refused without echoing it, also from the environment", () => {
    const err = fails(
      ["--bootstrap", "h:1", "--allow-topics", "*"],
      "jwtSecret",
      /TRIBUTARY_PROXY_JWT_SECRET: must be at least 32 bytes.*not shown/,
      {
        TRIBUTARY_PROXY_JWT_SECRET: "too-short-secret",
      },
    );
    assert.equal(err.message.includes("too-short-secret"), false);
  });

  it("a secret of the wrong type in the file is not echoed either", () => {
    const err = fails(
      ["--config", "c.json"],
      "jwtSecret",
      /jwtSecret in c\.json: must be a non-empty string; received a value \(not shown\)/,
      {},
      () => JSON.stringify({ jwtSecret: 123456789 }),
    );
    assert.equal(err.message.includes("123456789"), false);
  });

  it("numbers must be plain whole numbers within range", () => {
    fails([...BASE, "--port", "65536"], "port", /--port: must be 0-65535; received "65536"/);
    fails(
      [...BASE, "--port", "80a"],
      "port",
      /--port: must be a whole number 0-65535; received "80a"/,
    );
    fails([...BASE, "--port", "-1"], "port", /received "-1"/);
    fails([...BASE, "--max-connections", "0"], "maxConnections", /must be 1-1000000; received "0"/);
    fails([...BASE, "--idle-timeout-ms", "1.5"], "idleTimeoutMs", /whole number/);
    fails(
      ["--config", "c.json"],
      "port",
      /port in c\.json: must be a whole number.*received 1\.5/,
      {},
      () => JSON.stringify({ port: 1.5 }),
    );
    fails([...BASE], "port", /TRIBUTARY_PROXY_PORT: must be a whole number/, {
      TRIBUTARY_PROXY_PORT: "0x50",
    });
  });

  it("booleans from env and file must be true/false (or 1/0)", () => {
    fails(
      [...BASE],
      "saslPassthrough",
      /TRIBUTARY_PROXY_SASL_PASSTHROUGH: must be true or false.*received "yes"/,
      { TRIBUTARY_PROXY_SASL_PASSTHROUGH: "yes" },
    );
    fails([...BASE, "--sasl-passthrough=maybe"], "saslPassthrough", /received "maybe"/);
  });

  it("--log-level must be one of the four levels", () => {
    fails(
      [...BASE, "--log-level", "verbose"],
      "logLevel",
      /--log-level: must be one of debug, info, warn, error; received "verbose"/,
    );
  });

  it("--allow-origin entries must be origins, '*' or 'null'", () => {
    fails(
      [...BASE, "--allow-origin", "https://a.example/path"],
      "allowOrigins",
      /--allow-origin: .*received "https:\/\/a\.example\/path"/,
    );
    fails(
      [...BASE, "--allow-origin", "ftp://a.example"],
      "allowOrigins",
      /received "ftp:\/\/a\.example"/,
    );
    fails([...BASE, "--allow-origin", "a.example"], "allowOrigins", /received "a\.example"/);
    const c = loadConfig([...BASE, "--allow-origin", "*,null"], {}, noFile);
    assert.deepEqual(c.allowOrigins, ["*", "null"]);
  });

  it("--allow-hosts entries must be globs, IP addresses or CIDRs", () => {
    fails(
      [...BASE, "--allow-hosts", "10.0.0.0/33"],
      "allowHosts",
      /prefix length must be 0-32.*received "10\.0\.0\.0\/33"/,
    );
    fails([...BASE, "--allow-hosts", "::1/129"], "allowHosts", /0-128/);
    fails(
      [...BASE, "--allow-hosts", "kafka/8"],
      "allowHosts",
      /CIDR must start with an IPv4 or IPv6 address/,
    );
    fails([...BASE, "--allow-hosts", "bad host"], "allowHosts", /hostname glob/);
  });

  it("--host must be an address or hostname", () => {
    fails(
      [...BASE, "--host", "not a host"],
      "host",
      /--host: must be an IP address or a hostname; received "not a host"/,
    );
  });

  it("unknown flags, stray arguments, missing values and repeated scalars are errors", () => {
    fails([...BASE, "--prot", "80"], "argv", /unknown option --prot/);
    fails([...BASE, "8080"], "argv", /unexpected argument "8080"/);
    fails([...BASE, "--port"], "port", /--port: needs a value/);
    fails([...BASE, "--port", "--host", "h"], "port", /--port: needs a value/);
    fails([...BASE, "--port", "1", "--port", "2"], "port", /given more than once/);
  });

  it("an unknown flag with a value does not echo the value", () => {
    const err = fails([...BASE, "--tokn=super-secret-value-123"], "argv", /unknown option --tokn;/);
    assert.equal(err.message.includes("super-secret"), false);
  });

  it("unknown TRIBUTARY_PROXY_* variables and unknown file keys are errors", () => {
    fails(BASE, "env", /unknown environment variable TRIBUTARY_PROXY_TOKENS/, {
      TRIBUTARY_PROXY_TOKENS: "x",
    });
    fails(["--config", "c.json"], "config", /unknown key "maxConnection" in c\.json/, {}, () =>
      JSON.stringify({ maxConnection: 1 }),
    );
  });

  it("a config file that cannot be read, is not JSON or not an object is an error without its content", () => {
    fails(
      ["--config", "/missing.json"],
      "config",
      /--config: cannot read \/missing\.json \(ENOENT\)/,
    );
    const err = fails(
      ["--config", "c.json"],
      "config",
      /--config: c\.json is not valid JSON/,
      {},
      () => `{"tokens": ["${TOKEN}"] oops`,
    );
    assert.equal(err.message.includes(TOKEN), false);
    fails(
      ["--config", "c.json"],
      "config",
      /must hold a JSON object; received a list of 1/,
      {},
      () => "[1]",
    );
  });
});

describe("--help and USAGE", () => {
  it("--help (or -h) raises HelpRequested whose message is USAGE, even beside bad flags", () => {
    for (const argv of [["--help"], ["-h"], ["--nonsense", "--help"]]) {
      assert.throws(
        () => loadConfig(argv, {}, noFile),
        (err: unknown) => err instanceof HelpRequested && err.message === USAGE,
      );
    }
  });

  it("USAGE lists every flag with its environment variable", () => {
    const flags = [
      "host",
      "port",
      "bootstrap",
      "allow-topics",
      "token",
      "jwt-secret",
      "jwt-audience",
      "no-auth",
      "allow-origin",
      "allow-hosts",
      "static",
      "max-request-bytes",
      "max-connections",
      "max-connections-per-client",
      "idle-timeout-ms",
      "ping-interval-ms",
      "connect-timeout-ms",
      "metadata-refresh-ms",
      "shutdown-grace-ms",
      "high-water-mark",
      "sasl-passthrough",
      "upstream-sasl",
      "upstream-sasl-username",
      "upstream-sasl-password",
      "upstream-tls",
      "upstream-tls-ca",
      "upstream-tls-servername",
      "tls-cert",
      "tls-key",
      "log-level",
      "config",
    ];
    for (const flag of flags) {
      assert.match(USAGE, new RegExp(`--${flag}\\b`), flag);
      assert.match(
        USAGE,
        new RegExp(`TRIBUTARY_PROXY_${flag.toUpperCase().replace(/-/g, "_")}\\b`),
        flag,
      );
    }
    assert.match(USAGE, /\[default: 127\.0\.0\.1\]/);
  });
});

describe("loadConfig: the gateway's own Kafka credentials and TLS", () => {
  /** A password that must never appear in an error message. */
  const CANARY = "cfg-canary-pw-Zr81Lk";
  const PASSWORD_ENV = { TRIBUTARY_PROXY_UPSTREAM_SASL_PASSWORD: CANARY };
  const SASL = ["--upstream-sasl", "SCRAM-SHA-512", "--upstream-sasl-username", "gateway"];
  let scratch: TlsScratch;
  let ca: SelfSigned;
  let other: SelfSigned;
  const readReal = (path: string): string => readFileSync(path, "utf8");

  before(() => {
    scratch = tlsScratch();
    ca = scratch.selfSigned("cfg-ca");
    other = scratch.selfSigned("cfg-other");
  });
  after(() => scratch.remove());

  /** Like fails(), and the canary password is in no part of the message. */
  function failsQuietly(
    argv: readonly string[],
    field: string,
    message: RegExp,
    env: Record<string, string> = PASSWORD_ENV,
    readFile: (path: string) => string = readReal,
  ): void {
    const err = fails(argv, field, message, env, readFile);
    assert.equal(err.message.includes(CANARY), false, err.message);
  }

  it("reads the mechanism (any case), user, the password from the environment, TLS, its CA and server name", () => {
    const c = loadConfig(
      [
        ...BASE,
        "--upstream-sasl",
        "scram-sha-256",
        "--upstream-sasl-username",
        "gateway",
        "--upstream-tls",
        "--upstream-tls-ca",
        ca.certFile,
        "--upstream-tls-servername",
        "kafka.internal",
      ],
      PASSWORD_ENV,
      readReal,
    );
    assert.equal(c.upstreamSasl, "SCRAM-SHA-256");
    assert.equal(c.upstreamSaslUsername, "gateway");
    assert.equal(c.upstreamSaslPassword, CANARY);
    assert.equal(c.upstreamTls, true);
    assert.equal(c.upstreamTlsCa, ca.certFile);
    assert.equal(c.pem.upstreamCa, ca.cert, "the CA bundle is read at start");
    assert.equal(c.upstreamTlsServername, "kafka.internal");
    assert.ok(secretsOf(c).includes(CANARY), "the logger is told to cut the password out");
  });

  it("every setting also comes from TRIBUTARY_PROXY_* and the --config file", () => {
    const fromEnv = loadConfig(
      [],
      {
        TRIBUTARY_PROXY_BOOTSTRAP: "127.0.0.1:9096",
        TRIBUTARY_PROXY_ALLOW_TOPICS: "*",
        TRIBUTARY_PROXY_TOKEN: TOKEN,
        TRIBUTARY_PROXY_UPSTREAM_SASL: "PLAIN",
        TRIBUTARY_PROXY_UPSTREAM_SASL_USERNAME: "gateway",
        TRIBUTARY_PROXY_UPSTREAM_SASL_PASSWORD: CANARY,
        TRIBUTARY_PROXY_UPSTREAM_TLS: "1",
        TRIBUTARY_PROXY_UPSTREAM_TLS_CA: ca.certFile,
        TRIBUTARY_PROXY_UPSTREAM_TLS_SERVERNAME: "localhost",
        TRIBUTARY_PROXY_TLS_CERT: ca.certFile,
        TRIBUTARY_PROXY_TLS_KEY: ca.keyFile,
      },
      readReal,
    );
    assert.equal(fromEnv.upstreamSasl, "PLAIN");
    assert.equal(fromEnv.upstreamSaslPassword, CANARY);
    assert.equal(fromEnv.upstreamTlsServername, "localhost");
    assert.equal(fromEnv.pem.tlsCert, ca.cert);
    assert.equal(fromEnv.pem.tlsKey, ca.key);

    const file = JSON.stringify({
      bootstrap: ["127.0.0.1:9096"],
      allowTopics: ["*"],
      tokens: [TOKEN],
      upstreamSasl: "SCRAM-SHA-512",
      upstreamSaslUsername: "gateway",
      upstreamSaslPassword: CANARY,
      upstreamTls: true,
      upstreamTlsCa: ca.certFile,
      tlsCert: ca.certFile,
      tlsKey: ca.keyFile,
    });
    const fromFile = loadConfig(["--config", "gw.json"], {}, (p) =>
      p === "gw.json" ? file : readReal(p),
    );
    assert.equal(fromFile.upstreamSasl, "SCRAM-SHA-512");
    assert.equal(fromFile.upstreamSaslPassword, CANARY);
    assert.equal(fromFile.pem.upstreamCa, ca.cert);
    assert.equal(fromFile.pem.tlsKey, ca.key);
  });

  it("--upstream-sasl needs a known mechanism, a user and a password", () => {
    failsQuietly(
      [...BASE, "--upstream-sasl", "GSSAPI", "--upstream-sasl-username", "gateway"],
      "upstreamSasl",
      /--upstream-sasl: must be one of PLAIN, SCRAM-SHA-256, SCRAM-SHA-512; received "GSSAPI"/,
    );
    failsQuietly(
      [...BASE, "--upstream-sasl", "PLAIN"],
      "upstreamSaslUsername",
      /--upstream-sasl-username: is required with --upstream-sasl; received none/,
    );
    fails(
      [...BASE, ...SASL],
      "upstreamSaslPassword",
      /--upstream-sasl-password: is required with --upstream-sasl \(set TRIBUTARY_PROXY_UPSTREAM_SASL_PASSWORD\); received none/,
    );
  });

  it("a user or password without --upstream-sasl is an error, and the password is described by length only", () => {
    failsQuietly(
      [...BASE, "--upstream-sasl-username", "gateway"],
      "upstreamSaslUsername",
      /needs --upstream-sasl <mechanism>/,
    );
    failsQuietly(
      [...BASE],
      "upstreamSaslPassword",
      /TRIBUTARY_PROXY_UPSTREAM_SASL_PASSWORD: needs --upstream-sasl <mechanism>; received a value of 20 characters \(not shown\)/,
    );
    failsQuietly(
      [...BASE, `--upstream-sasl-password=${CANARY}`],
      "upstreamSaslPassword",
      /--upstream-sasl-password: needs --upstream-sasl/,
      {},
    );
  });

  it("a PLAIN password with NUL is refused without echoing it (RFC 4616 separates fields with NUL)", () => {
    failsQuietly(
      [...BASE, "--upstream-sasl", "PLAIN", "--upstream-sasl-username", "gateway"],
      "upstreamSaslPassword",
      /must not contain NUL with PLAIN; received a value of 21 characters \(not shown\)/,
      { TRIBUTARY_PROXY_UPSTREAM_SASL_PASSWORD: `${CANARY}\0` },
    );
  });

  it("--sasl-passthrough with --upstream-sasl is an error: the gateway's connection is already authenticated", () => {
    failsQuietly(
      [...BASE, ...SASL, "--sasl-passthrough"],
      "saslPassthrough",
      /--sasl-passthrough: cannot be combined with --upstream-sasl.*clients' SaslHandshake\/SaslAuthenticate stay refused/,
    );
  });

  it("a CA file or server name without --upstream-tls is an error, not a setting silently ignored", () => {
    failsQuietly(
      [...BASE, ...SASL, "--upstream-tls-ca", ca.certFile],
      "upstreamTlsCa",
      /--upstream-tls-ca: needs --upstream-tls/,
    );
    failsQuietly(
      [...BASE, ...SASL, "--upstream-tls-servername", "kafka.internal"],
      "upstreamTlsServername",
      /--upstream-tls-servername: needs --upstream-tls/,
    );
    failsQuietly(
      [...BASE, ...SASL, "--upstream-tls", "--upstream-tls-servername", "bad name"],
      "upstreamTlsServername",
      /must be a hostname or an IP address; received "bad name"/,
    );
  });

  it("an unreadable CA file, one without certificates, or a certificate that does not parse is a ConfigError naming the field", () => {
    failsQuietly(
      [...BASE, ...SASL, "--upstream-tls", "--upstream-tls-ca", "/nonexistent/ca.pem"],
      "upstreamTlsCa",
      /--upstream-tls-ca: cannot read the file \(ENOENT\); received "\/nonexistent\/ca\.pem"/,
    );
    failsQuietly(
      [...BASE, ...SASL, "--upstream-tls", "--upstream-tls-ca", ca.keyFile],
      "upstreamTlsCa",
      /must hold PEM certificates \(-----BEGIN CERTIFICATE-----\)/,
    );
    const broken =
      "-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydGlmaWNhdGU=\n-----END CERTIFICATE-----\n";
    failsQuietly(
      [...BASE, ...SASL, "--upstream-tls", "--upstream-tls-ca", "ca.pem"],
      "upstreamTlsCa",
      /--upstream-tls-ca: certificate 2 of 2 does not parse; received "ca\.pem"/,
      PASSWORD_ENV,
      (p) => (p === "ca.pem" ? `${ca.cert}${broken}` : readReal(p)),
    );
  });

  it("--tls-cert and --tls-key go together, and the key must belong to the certificate; the key is never quoted", () => {
    failsQuietly(
      [...BASE, ...SASL, "--tls-cert", ca.certFile],
      "tlsKey",
      /--tls-cert and --tls-key go together/,
    );
    failsQuietly(
      [...BASE, ...SASL, "--tls-key", ca.keyFile],
      "tlsCert",
      /--tls-cert and --tls-key go together/,
    );
    const err = fails(
      [...BASE, ...SASL, "--tls-cert", ca.certFile, "--tls-key", other.keyFile],
      "tlsKey",
      /--tls-key: must be the PEM private key of --tls-cert \(.*mismatch.*\); received ".*cfg-other\.key" \(contents not shown\)/,
      PASSWORD_ENV,
      readReal,
    );
    const keyBody = other.key.split("\n")[1]!;
    assert.equal(err.message.includes(keyBody), false, "no line of the key file is quoted");
    fails(
      [...BASE, ...SASL, "--tls-cert", ca.keyFile, "--tls-key", ca.keyFile],
      "tlsCert",
      /--tls-cert: must hold a PEM certificate/,
      PASSWORD_ENV,
      readReal,
    );
    fails(
      [...BASE, ...SASL, "--tls-cert", "/nonexistent/cert.pem", "--tls-key", ca.keyFile],
      "tlsCert",
      /--tls-cert: cannot read the file \(ENOENT\)/,
      PASSWORD_ENV,
      readReal,
    );
    const ok = loadConfig(
      [...BASE, ...SASL, "--tls-cert", ca.certFile, "--tls-key", ca.keyFile],
      PASSWORD_ENV,
      readReal,
    );
    assert.equal(ok.pem.tlsCert, ca.cert);
  });

  it("USAGE recommends the environment variable for the password", () => {
    assert.match(
      USAGE,
      /--upstream-sasl-password <value>\s+the gateway's SASL password; prefer the environment variable, as a flag shows in ps\s+env TRIBUTARY_PROXY_UPSTREAM_SASL_PASSWORD/,
    );
  });
});
