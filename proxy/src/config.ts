/**
 * Gateway configuration from flags, environment variables and a JSON file, validated up front
 * so the gateway either starts with a config that makes sense or says exactly what is wrong.
 *
 * Precedence per field: flag > TRIBUTARY_PROXY_<FLAG> environment variable > `--config` JSON
 * file (camelCase keys) > default. A list given at a higher level replaces the lower one whole.
 * Unknown flags, unknown TRIBUTARY_PROXY_* variables and unknown file keys are errors: a typo
 * in a security setting must not be silently ignored.
 *
 * Safe defaults (DESIGN.md "The gateway contract"): listen on 127.0.0.1; refuse to start
 * without --token or --jwt-secret unless --no-auth is given; --allow-topics is required.
 */
import { readFileSync } from "node:fs";
import { isIP } from "node:net";
import type { SaslMechanismName } from "@tributary/producer/sasl";
import {
  byFlag,
  CONFIG_FLAG,
  ConfigError,
  convert,
  DEFAULTS,
  describe,
  ENV_PREFIX,
  envName,
  FIELDS,
  type Key,
  type Raw,
  splitList,
  USAGE,
} from "./config-fields.js";
import { readPemFiles, validateUpstream } from "./config-security.js";
import { parseHostPattern } from "./host-patterns.js";
import { parseTargetPath, TargetError } from "./target.js";

export { ConfigError, USAGE } from "./config-fields.js";

export interface HostPort {
  host: string;
  port: number;
}
export type LogLevel = "debug" | "info" | "warn" | "error";

export interface GatewayConfig {
  host: string;
  port: number;
  bootstrap: HostPort[];
  allowTopics: string[];
  tokens: string[];
  jwtSecret: string | undefined;
  jwtAudience: string;
  noAuth: boolean;
  allowOrigins: string[];
  allowHosts: string[];
  staticDir: string | undefined;
  maxRequestBytes: number;
  maxConnections: number;
  maxConnectionsPerClient: number;
  idleTimeoutMs: number;
  pingIntervalMs: number;
  connectTimeoutMs: number;
  metadataRefreshMs: number;
  shutdownGraceMs: number;
  highWaterMark: number;
  saslPassthrough: boolean;
  /** The gateway's own SASL mechanism toward brokers; undefined: connections are not authenticated. */
  upstreamSasl: SaslMechanismName | undefined;
  upstreamSaslUsername: string | undefined;
  upstreamSaslPassword: string | undefined;
  upstreamTls: boolean;
  /** Path of the PEM CA bundle; its contents are in pem.upstreamCa. */
  upstreamTlsCa: string | undefined;
  upstreamTlsServername: string | undefined;
  /** Paths of the gateway's own certificate and key (https/wss); contents in pem. */
  tlsCert: string | undefined;
  tlsKey: string | undefined;
  /** The PEM files named above, read and checked by loadConfig, so a bad file stops the start. */
  pem: Readonly<PemFiles>;
  logLevel: LogLevel;
}

export interface PemFiles {
  upstreamCa?: string;
  tlsCert?: string;
  tlsKey?: string;
}

/** Thrown by loadConfig for --help / -h; its message is USAGE. */
export class HelpRequested extends Error {
  constructor() {
    super(USAGE);
    this.name = "HelpRequested";
  }
}

const LOG_LEVELS: readonly LogLevel[] = ["debug", "info", "warn", "error"];
const MIN_TOKEN_CHARS = 16;
// RFC 7518 §3.2: an HS256 key must be at least as long as the hash, 256 bits.
const MIN_JWT_SECRET_BYTES = 32;
// RFC 7230 tchar: what a Sec-WebSocket-Protocol entry (`bearer.<token>`) may hold.
const TCHARS = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
// Kafka topic characters (Topic.java: [a-zA-Z0-9._-]) plus the two glob wildcards.
const TOPIC_GLOB = /^[a-zA-Z0-9._\-*?]+$/;

export function loadConfig(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
  readFile: (path: string) => string = (path) => readFileSync(path, "utf8"),
): GatewayConfig {
  if (argv.includes("--help") || argv.includes("-h")) throw new HelpRequested();
  const fromFlags = parseFlags(argv);
  const fromEnv = parseEnv(env);
  const configPath =
    (fromFlags.get(CONFIG_FLAG)?.value as string | undefined) ??
    (fromEnv.get(CONFIG_FLAG)?.value as string | undefined);
  const fromFile =
    configPath === undefined ? new Map<string, Raw>() : parseFile(configPath, readFile);

  const config: Record<string, unknown> = { ...DEFAULTS };
  for (const field of FIELDS) {
    const raw = fromFlags.get(field.flag) ?? fromEnv.get(field.flag) ?? fromFile.get(field.flag);
    if (raw !== undefined) config[field.key] = convert(field, raw);
  }
  return validate(config as unknown as GatewayConfig, readFile, fromFlags, fromEnv, fromFile);
}

/** Every secret value in a config, for the logger to cut out of any line (log.ts). */
export function secretsOf(config: GatewayConfig): string[] {
  return [
    ...config.tokens,
    ...(config.jwtSecret === undefined ? [] : [config.jwtSecret]),
    ...(config.upstreamSaslPassword === undefined ? [] : [config.upstreamSaslPassword]),
  ];
}

function parseFlags(argv: readonly string[]): Map<string, Raw> {
  const out = new Map<string, Raw>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith("--") || arg === "--") {
      throw new ConfigError(
        "argv",
        `unexpected argument ${describe(arg)}: options start with --; see --help`,
      );
    }
    const eq = arg.indexOf("=");
    const name = arg.slice(2, eq < 0 ? undefined : eq);
    const field = byFlag.get(name);
    if (field === undefined && name !== CONFIG_FLAG) {
      throw new ConfigError("argv", `unknown option --${name.slice(0, 60)}; see --help`);
    }
    const source = `--${name}`;
    let value: string | true;
    if (field?.kind === "bool") {
      value = eq < 0 ? true : arg.slice(eq + 1);
    } else if (eq >= 0) {
      value = arg.slice(eq + 1);
    } else {
      const next = argv[i + 1];
      if (next === undefined || next.startsWith("--")) {
        throw new ConfigError(field?.key ?? CONFIG_FLAG, `${source}: needs a value; received none`);
      }
      value = next;
      i++;
    }
    const seen = out.get(name);
    if (seen !== undefined && field?.kind !== "list") {
      throw new ConfigError(field?.key ?? CONFIG_FLAG, `${source}: given more than once`);
    }
    const pieces = seen === undefined ? [] : (seen.value as string[]);
    out.set(name, {
      source,
      value: field?.kind === "list" ? [...pieces, ...splitList(value as string)] : value,
    });
  }
  return out;
}

function parseEnv(env: Readonly<Record<string, string | undefined>>): Map<string, Raw> {
  const out = new Map<string, Raw>();
  const known = new Map(
    [...FIELDS.map((f) => f.flag), CONFIG_FLAG].map((flag) => [envName(flag), flag]),
  );
  for (const [name, value] of Object.entries(env)) {
    if (!name.startsWith(ENV_PREFIX)) continue;
    const flag = known.get(name);
    if (flag === undefined) {
      throw new ConfigError(
        "env",
        `unknown environment variable ${name}; see --help for the names`,
      );
    }
    // An empty variable reads as unset, as `VAR= cmd` is the shell's way to clear one.
    if (value === undefined || value === "") continue;
    const kind = byFlag.get(flag)?.kind;
    out.set(flag, { source: name, value: kind === "list" ? splitList(value) : value });
  }
  return out;
}

function parseFile(path: string, readFile: (path: string) => string): Map<string, Raw> {
  let text: string;
  try {
    text = readFile(path);
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    throw new ConfigError(
      CONFIG_FLAG,
      `--config: cannot read ${path}${typeof code === "string" ? ` (${code})` : ""}`,
    );
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    // JSON.parse messages can quote the text around the error, which may hold a secret: keep
    // only the position.
    const at = /position (\d+)/.exec(String((err as Error).message))?.[1];
    throw new ConfigError(
      CONFIG_FLAG,
      `--config: ${path} is not valid JSON${at === undefined ? "" : ` (at position ${at})`}`,
    );
  }
  if (data === null || typeof data !== "object" || Array.isArray(data)) {
    throw new ConfigError(
      CONFIG_FLAG,
      `--config: ${path} must hold a JSON object; received ${describe(data)}`,
    );
  }
  const out = new Map<string, Raw>();
  for (const [key, value] of Object.entries(data)) {
    const field = FIELDS.find((f) => f.key === key);
    if (field === undefined) {
      throw new ConfigError(
        CONFIG_FLAG,
        `--config: unknown key ${describe(key, false)} in ${path}; keys are the camelCase field names, see --help`,
      );
    }
    const source = `${key} in ${path}`;
    if (field.kind === "list" && typeof value === "string")
      out.set(field.flag, { source, value: splitList(value) });
    else out.set(field.flag, { source, value });
  }
  return out;
}

/** Cross-field and per-value rules on the merged config. */
function validate(
  config: GatewayConfig,
  readFile: (path: string) => string,
  ...sources: ReadonlyMap<string, Raw>[]
): GatewayConfig {
  const sourceOf = (flag: string): string => {
    for (const s of sources) {
      const raw = s.get(flag);
      if (raw !== undefined) return raw.source;
    }
    return `--${flag}`;
  };
  const fail = (key: Key, rule: string, received: string): never => {
    const field = FIELDS.find((f) => f.key === key)!;
    throw new ConfigError(key, `${sourceOf(field.flag)}: ${rule}; received ${received}`);
  };

  if (!isIP(config.host) && !/^[a-zA-Z0-9](?:[a-zA-Z0-9.-]*[a-zA-Z0-9])?$/.test(config.host)) {
    fail("host", "must be an IP address or a hostname", describe(config.host));
  }

  if (config.bootstrap.length === 0)
    fail("bootstrap", "is required: at least one host:port", "none");
  config.bootstrap = config.bootstrap.map((entry) => {
    const text = entry as unknown as string;
    try {
      const target = parseTargetPath(`/kafka/${text}`);
      if (target.kind === "broker") return { host: target.host, port: target.port };
    } catch (err) {
      if (!(err instanceof TargetError)) throw err;
      return fail("bootstrap", `each entry must be host:port (${err.message})`, describe(text));
    }
    return fail("bootstrap", "each entry must be host:port", describe(text));
  });

  if (config.allowTopics.length === 0) {
    fail("allowTopics", "is required: topic globs clients may produce to ('*' for all)", "none");
  }
  for (const glob of config.allowTopics) {
    if (!TOPIC_GLOB.test(glob)) {
      fail(
        "allowTopics",
        "globs may hold only topic characters [a-zA-Z0-9._-] and the wildcards * and ?",
        describe(glob),
      );
    }
  }

  for (const token of config.tokens) {
    if (token.length < MIN_TOKEN_CHARS) {
      fail(
        "tokens",
        `each token must be at least ${MIN_TOKEN_CHARS} characters`,
        describe(token, true),
      );
    }
    if (!TCHARS.test(token)) {
      fail(
        "tokens",
        "tokens may hold only HTTP token characters (letters, digits, !#$%&'*+-.^_`|~) so they fit in Sec-WebSocket-Protocol",
        describe(token, true),
      );
    }
  }
  if (
    config.jwtSecret !== undefined &&
    Buffer.byteLength(config.jwtSecret) < MIN_JWT_SECRET_BYTES
  ) {
    fail(
      "jwtSecret",
      `must be at least ${MIN_JWT_SECRET_BYTES} bytes (RFC 7518 §3.2)`,
      describe(config.jwtSecret, true),
    );
  }
  const hasAuth = config.tokens.length > 0 || config.jwtSecret !== undefined;
  if (config.noAuth && hasAuth) {
    fail("noAuth", "cannot be combined with --token or --jwt-secret", "--no-auth with credentials");
  }
  if (!config.noAuth && !hasAuth) {
    fail(
      "tokens",
      "the gateway will not start without auth: give --token or --jwt-secret, or --no-auth to run open",
      "none",
    );
  }

  config.allowOrigins = config.allowOrigins.map((origin) => {
    const normalised = normaliseOrigin(origin);
    return (
      normalised ??
      fail(
        "allowOrigins",
        "each entry must be '*', 'null' or an http(s) origin like https://app.example.com (no path)",
        describe(origin),
      )
    );
  });

  for (const pattern of config.allowHosts) {
    try {
      parseHostPattern(pattern);
    } catch (err) {
      fail("allowHosts", (err as Error).message, describe(pattern));
    }
  }

  validateUpstream(config, fail);
  config.pem = readPemFiles(config, fail, readFile, sourceOf);

  if (!LOG_LEVELS.includes(config.logLevel)) {
    fail("logLevel", `must be one of ${LOG_LEVELS.join(", ")}`, describe(config.logLevel));
  }
  return config;
}

/** `https://App.example.com:443/` → `https://app.example.com`; undefined when not an origin. */
function normaliseOrigin(text: string): string | undefined {
  if (text === "*" || text === "null") return text;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return undefined;
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return undefined;
  if (url.username !== "" || url.password !== "" || url.search !== "" || url.hash !== "")
    return undefined;
  if (url.pathname !== "/" || /^[a-z]+:\/\/[^/]*\/./i.test(text)) return undefined;
  return url.origin;
}
