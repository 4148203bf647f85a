/**
 * JSON lines logging: one object per line, `{"time","level","event",...fields}`, so a log
 * shipper can parse every line. Secrets must never reach the output (the gateway handles bearer
 * tokens, JWTs and its own JWT secret), so two independent guards run on every line:
 * - a field whose name looks secret (token, secret, password, authorization, cookie, jwt) is
 *   replaced whole, at any depth;
 * - any configured secret value found inside any string is cut out, wherever it hides (an error
 *   message, a URL, a header dump).
 */
import type { LogLevel } from "./config.js";

type LogMethod = (event: string, fields?: Record<string, unknown>) => void;

export interface Logger {
  debug: LogMethod;
  info: LogMethod;
  warn: LogMethod;
  error: LogMethod;
}

export interface LoggerOptions {
  level: LogLevel;
  /** Receives each line without its newline; default: stdout. */
  write?: (line: string) => void;
  /** Values to cut out of every string (tokens, the JWT secret). */
  secrets?: readonly string[];
}

export const REDACTED = "[redacted]";
const SECRET_FIELD = /token|secret|password|authorization|cookie|jwt/i;
const LEVELS: Readonly<Record<LogLevel, number>> = { debug: 10, info: 20, warn: 30, error: 40 };
const MAX_DEPTH = 6;

export function createLogger(options: LoggerOptions): Logger {
  const threshold = LEVELS[options.level];
  const write = options.write ?? ((line: string) => void process.stdout.write(`${line}\n`));
  // Longest first, so a secret that contains a shorter one is cut out whole.
  const secrets = [...new Set(options.secrets ?? [])]
    .filter((s) => s.length > 0)
    .sort((a, b) => b.length - a.length);
  const scrub = (text: string): string =>
    secrets.reduce((t, s) => (t.includes(s) ? t.split(s).join(REDACTED) : t), text);

  const clean = (value: unknown, depth: number): unknown => {
    if (typeof value === "string") return scrub(value);
    if (typeof value === "bigint") return value.toString();
    if (value === null || typeof value !== "object") {
      return typeof value === "function" || typeof value === "symbol" ? String(value) : value;
    }
    if (depth >= MAX_DEPTH) return "[too deep]";
    if (value instanceof Error) {
      const out: Record<string, unknown> = { name: value.name, message: scrub(value.message) };
      const code = (value as { code?: unknown }).code;
      if (code !== undefined) out.code = clean(code, depth + 1);
      return out;
    }
    if (value instanceof Uint8Array) return `${value.constructor.name}(${value.length})`;
    if (Array.isArray(value)) return value.map((v) => clean(v, depth + 1));
    const out: Record<string, unknown> = {};
    for (const [key, v] of Object.entries(value)) {
      out[scrub(key)] = SECRET_FIELD.test(key) ? REDACTED : clean(v, depth + 1);
    }
    return out;
  };

  const emit = (level: LogLevel, event: string, fields: Record<string, unknown> | undefined) => {
    if (LEVELS[level] < threshold) return;
    const record: Record<string, unknown> = {
      time: new Date().toISOString(),
      level,
      event: scrub(event),
    };
    if (fields !== undefined) {
      for (const [key, v] of Object.entries(fields)) {
        // The three fixed keys stay what they say.
        if (key === "time" || key === "level" || key === "event") continue;
        record[scrub(key)] = SECRET_FIELD.test(key) ? REDACTED : clean(v, 1);
      }
    }
    write(JSON.stringify(record));
  };

  return {
    debug: (event, fields) => emit("debug", event, fields),
    info: (event, fields) => emit("info", event, fields),
    warn: (event, fields) => emit("warn", event, fields),
    error: (event, fields) => emit("error", event, fields),
  };
}

/** A logger that drops everything, for tests and embedders that log elsewhere. */
export const silentLogger: Logger = {
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: () => {},
};
