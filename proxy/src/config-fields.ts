/**
 * Every gateway setting in one table: its flag (and so its TRIBUTARY_PROXY_* variable and its
 * key in a --config file), kind, limits, help text and default. Parsing, --help and the
 * defaults are all driven by the table, so a setting is added in one place. A raw value from
 * any source becomes a typed one here (convert); the rules across fields are in config.ts.
 */
import type { GatewayConfig } from "./config.js";

/** A value that cannot be used: names the field, the rule and what was received. */
export class ConfigError extends Error {
  readonly field: string;

  constructor(field: string, message: string) {
    super(message);
    this.name = "ConfigError";
    this.field = field;
  }
}

export type Kind = "string" | "int" | "list" | "bool";
export type Key = keyof GatewayConfig;

export interface Field {
  key: Key;
  flag: string;
  kind: Kind;
  help: string;
  /** Shown in USAGE; the value itself comes from DEFAULTS. */
  shownDefault?: string;
  secret?: boolean;
  /** Smallest and largest integer accepted. */
  min?: number;
  max?: number;
}

const MAX_TIMER_MS = 2_147_483_647; // setTimeout's limit

export const FIELDS: readonly Field[] = [
  { key: "host", flag: "host", kind: "string", help: "address to listen on" },
  {
    key: "port",
    flag: "port",
    kind: "int",
    min: 0,
    max: 65535,
    help: "port to listen on (0 = any free port)",
  },
  {
    key: "bootstrap",
    flag: "bootstrap",
    kind: "list",
    help: "Kafka bootstrap brokers, host:port[,...] (required)",
  },
  {
    key: "allowTopics",
    flag: "allow-topics",
    kind: "list",
    help: "topic globs clients may use, e.g. 'events-*' or '*' (required)",
  },
  {
    key: "tokens",
    flag: "token",
    kind: "list",
    secret: true,
    help: "static bearer token (repeatable or comma-separated; 16+ characters)",
  },
  {
    key: "jwtSecret",
    flag: "jwt-secret",
    kind: "string",
    secret: true,
    help: "HS256 secret for JWT bearer tokens (32+ bytes)",
  },
  { key: "jwtAudience", flag: "jwt-audience", kind: "string", help: "required JWT aud claim" },
  {
    key: "noAuth",
    flag: "no-auth",
    kind: "bool",
    help: "run without authentication (explicit opt-out)",
  },
  {
    key: "allowOrigins",
    flag: "allow-origin",
    kind: "list",
    help: "browser origins allowed, e.g. https://app.example.com; '*' = any",
  },
  {
    key: "allowHosts",
    flag: "allow-hosts",
    kind: "list",
    help: "narrow broker targets to host globs or CIDRs, e.g. '*.kafka.internal,10.0.0.0/8'",
  },
  {
    key: "staticDir",
    flag: "static",
    kind: "string",
    help: "serve the files in this directory over HTTP",
  },
  {
    key: "maxRequestBytes",
    flag: "max-request-bytes",
    kind: "int",
    min: 1,
    max: 104_857_600,
    help: "largest Kafka request accepted",
  },
  {
    key: "maxConnections",
    flag: "max-connections",
    kind: "int",
    min: 1,
    max: 1_000_000,
    help: "open sessions in total (503 past it)",
  },
  {
    key: "maxConnectionsPerClient",
    flag: "max-connections-per-client",
    kind: "int",
    min: 1,
    max: 1_000_000,
    help: "open sessions per token, or per IP without auth",
  },
  {
    key: "idleTimeoutMs",
    flag: "idle-timeout-ms",
    kind: "int",
    min: 1,
    max: MAX_TIMER_MS,
    help: "close a session with no bytes either way",
  },
  {
    key: "pingIntervalMs",
    flag: "ping-interval-ms",
    kind: "int",
    min: 1,
    max: MAX_TIMER_MS,
    help: "WebSocket ping interval; no pong by the next ping ends the session",
  },
  {
    key: "connectTimeoutMs",
    flag: "connect-timeout-ms",
    kind: "int",
    min: 1,
    max: MAX_TIMER_MS,
    help: "broker TCP connect timeout",
  },
  {
    key: "metadataRefreshMs",
    flag: "metadata-refresh-ms",
    kind: "int",
    min: 100,
    max: MAX_TIMER_MS,
    help: "how often to refresh the advertised brokers",
  },
  {
    key: "shutdownGraceMs",
    flag: "shutdown-grace-ms",
    kind: "int",
    min: 0,
    max: MAX_TIMER_MS,
    help: "on SIGTERM, time sessions get before close 1001",
  },
  {
    key: "highWaterMark",
    flag: "high-water-mark",
    kind: "int",
    min: 1,
    max: 1_073_741_824,
    help: "bytes queued toward a WebSocket before broker reads pause",
  },
  {
    key: "saslPassthrough",
    flag: "sasl-passthrough",
    kind: "bool",
    help: "let clients' SaslHandshake/SaslAuthenticate through",
  },
  {
    key: "upstreamSasl",
    flag: "upstream-sasl",
    kind: "string",
    help: "authenticate every broker connection with the gateway's own credentials: PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512",
  },
  {
    key: "upstreamSaslUsername",
    flag: "upstream-sasl-username",
    kind: "string",
    help: "the gateway's SASL user (with --upstream-sasl)",
  },
  {
    key: "upstreamSaslPassword",
    flag: "upstream-sasl-password",
    kind: "string",
    secret: true,
    help: "the gateway's SASL password; prefer the environment variable, as a flag shows in ps",
  },
  {
    key: "upstreamTls",
    flag: "upstream-tls",
    kind: "bool",
    help: "connect to brokers over TLS (SSL and SASL_SSL listeners)",
  },
  {
    key: "upstreamTlsCa",
    flag: "upstream-tls-ca",
    kind: "string",
    help: "PEM CA bundle to trust for broker certificates instead of Node's default roots",
  },
  {
    key: "upstreamTlsServername",
    flag: "upstream-tls-servername",
    kind: "string",
    shownDefault: "the broker's host",
    help: "name sent as SNI and verified in broker certificates",
  },
  {
    key: "tlsCert",
    flag: "tls-cert",
    kind: "string",
    help: "PEM certificate chain: serve https and wss instead of http and ws (with --tls-key)",
  },
  {
    key: "tlsKey",
    flag: "tls-key",
    kind: "string",
    help: "PEM private key for --tls-cert",
  },
  { key: "logLevel", flag: "log-level", kind: "string", help: "debug, info, warn or error" },
];

export const DEFAULTS: Readonly<GatewayConfig> = Object.freeze({
  host: "127.0.0.1",
  port: 8080,
  bootstrap: [],
  allowTopics: [],
  tokens: [],
  jwtSecret: undefined,
  jwtAudience: "tributary",
  noAuth: false,
  allowOrigins: [],
  allowHosts: [],
  staticDir: undefined,
  // Kafka's producer max.request.size default.
  maxRequestBytes: 1_048_576,
  maxConnections: 1000,
  maxConnectionsPerClient: 64,
  idleTimeoutMs: 300_000,
  pingIntervalMs: 30_000,
  connectTimeoutMs: 10_000,
  metadataRefreshMs: 60_000,
  shutdownGraceMs: 10_000,
  highWaterMark: 1_048_576,
  saslPassthrough: false,
  upstreamSasl: undefined,
  upstreamSaslUsername: undefined,
  upstreamSaslPassword: undefined,
  upstreamTls: false,
  upstreamTlsCa: undefined,
  upstreamTlsServername: undefined,
  tlsCert: undefined,
  tlsKey: undefined,
  pem: Object.freeze({}),
  logLevel: "info",
});

export const ENV_PREFIX = "TRIBUTARY_PROXY_";
export const CONFIG_FLAG = "config";

export const byFlag = new Map(FIELDS.map((f) => [f.flag, f]));
export const envName = (flag: string) => ENV_PREFIX + flag.toUpperCase().replace(/-/g, "_");

/** Where a raw value came from, for messages: "--port", "TRIBUTARY_PROXY_PORT", "port in app.json". */
export interface Raw {
  value: unknown;
  source: string;
}

export function splitList(text: string): string[] {
  return text
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "");
}

/** Raw value → typed value of the field's kind; throws ConfigError naming the source. */
export function convert(field: Field, raw: Raw): unknown {
  const { value, source } = raw;
  const fail = (rule: string): never => {
    throw new ConfigError(
      field.key,
      `${source}: ${rule}; received ${describe(value, field.secret)}`,
    );
  };
  switch (field.kind) {
    case "bool":
      if (typeof value === "boolean") return value;
      if (value === true || value === "true" || value === "1") return true;
      if (value === "false" || value === "0") return false;
      return fail("must be true or false (or 1 or 0)");
    case "int": {
      const n =
        typeof value === "number"
          ? value
          : typeof value === "string" && /^(?:0|[1-9][0-9]*)$/.test(value)
            ? Number(value)
            : Number.NaN;
      if (!Number.isSafeInteger(n)) return fail(`must be a whole number ${field.min}-${field.max}`);
      if (n < field.min! || n > field.max!) return fail(`must be ${field.min}-${field.max}`);
      return n;
    }
    case "list":
      if (!Array.isArray(value) || !value.every((v) => typeof v === "string")) {
        return fail("must be a list of strings (comma-separated, or a JSON array)");
      }
      return value.map((v) => v.trim()).filter((v) => v !== "");
    case "string":
      if (typeof value !== "string" || value === "") return fail("must be a non-empty string");
      return value;
  }
}

/** A received value for a message; secrets are described by length only. */
export function describe(value: unknown, secret = false): string {
  if (secret)
    return typeof value === "string"
      ? `a value of ${value.length} characters (not shown)`
      : "a value (not shown)";
  if (typeof value === "string")
    return JSON.stringify(value.length > 80 ? `${value.slice(0, 77)}...` : value);
  if (Array.isArray(value)) return `a list of ${value.length}`;
  if (value === null || typeof value !== "object") return String(value);
  return "an object";
}

function usageLine(field: Field): string {
  const value =
    field.kind === "bool"
      ? ""
      : field.kind === "int"
        ? " <n>"
        : field.kind === "list"
          ? " <a,b>"
          : " <value>";
  const fallback = DEFAULTS[field.key];
  const shown =
    field.shownDefault ??
    (Array.isArray(fallback) || fallback === undefined || fallback === false
      ? undefined
      : String(fallback));
  const left = `  --${field.flag}${value}`;
  const right = `${field.help}${shown === undefined ? "" : ` [default: ${shown}]`}`;
  return `${left.padEnd(36)}${right}\n${" ".repeat(36)}env ${envName(field.flag)}`;
}

export const USAGE = `Usage: tributary-proxy --bootstrap host:port --allow-topics <globs> (--token <t> | --jwt-secret <s> | --no-auth) [options]

A WebSocket-to-Kafka gateway for Tributary producers in browsers and edge runtimes.
Clients connect to ws://<host>:<port>/kafka (a bootstrap broker) or /kafka/<broker host>:<port>;
wss:// with --tls-cert and --tls-key. With --upstream-sasl the gateway authenticates to Kafka
with its own credentials, so clients hold only a gateway token.

Options (flag > environment variable > --config file > default):
${FIELDS.map(usageLine).join("\n")}
  --config <file>                   JSON file with the camelCase field names as keys
${" ".repeat(36)}env ${envName(CONFIG_FLAG)}
  --help                            print this and exit
`;
