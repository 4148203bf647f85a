#!/usr/bin/env node
/**
 * `tributary-proxy`: loads the config (flags > env > --config file > defaults), starts the
 * gateway and stops it cleanly on SIGTERM or SIGINT.
 *
 * Output: JSON log lines go to stdout, so a log shipper sees nothing else there; the one line
 * meant for a person (where the gateway listens, what it relays to, how to stop it) and
 * config errors go to stderr.
 *
 * Exit codes: 0 after a clean shutdown or --help, 1 when the gateway cannot start or fails,
 * 2 for a config error (the usual code for bad usage).
 */
import {
  ConfigError,
  type GatewayConfig,
  HelpRequested,
  loadConfig,
  secretsOf,
  USAGE,
} from "./config.js";
import { createLogger } from "./log.js";
import { Metrics } from "./metrics.js";
import { createGateway } from "./server.js";

const NAME = "tributary-proxy";

async function main(): Promise<void> {
  let config: GatewayConfig;
  try {
    config = loadConfig(process.argv.slice(2), process.env);
  } catch (err) {
    if (err instanceof HelpRequested) {
      process.stdout.write(USAGE);
      return;
    }
    if (err instanceof ConfigError) {
      process.stderr.write(`${NAME}: ${err.message}\nsee ${NAME} --help\n`);
      process.exitCode = 2;
      return;
    }
    throw err;
  }

  // Tokens, the JWT secret and the gateway's upstream SASL password are cut out of every line.
  const log = createLogger({ level: config.logLevel, secrets: secretsOf(config) });
  const metrics = new Metrics();
  const gateway = createGateway(config, { log, metrics });

  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) {
      // A second signal: the operator does not want to wait for the grace period.
      log.warn("shutdown.forced", { signal });
      process.exit(1);
    }
    stopping = true;
    log.info("shutdown.signal", { signal });
    gateway.shutdown().then(
      () => process.exit(0),
      (err: unknown) => {
        log.error("shutdown.error", { error: err });
        process.exit(1);
      },
    );
  };
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);

  let address: { host: string; port: number };
  try {
    address = await gateway.listen();
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    log.error("listen.error", { host: config.host, port: config.port, error: err });
    process.stderr.write(
      `${NAME}: cannot listen on ${config.host}:${config.port}${typeof code === "string" ? ` (${code})` : ""}\n`,
    );
    process.exit(1);
  }
  const host = address.host.includes(":") ? `[${address.host}]` : address.host;
  const brokers = config.bootstrap.map((b) =>
    b.host.includes(":") ? `[${b.host}]:${b.port}` : `${b.host}:${b.port}`,
  );
  const auth = config.noAuth
    ? "NO AUTH"
    : [config.tokens.length > 0 ? "tokens" : "", config.jwtSecret ? "JWT" : ""]
        .filter(Boolean)
        .join(" + ");
  const secure = config.pem.tlsCert !== undefined;
  const upstream = [
    config.upstreamTls ? "TLS" : "",
    config.upstreamSasl === undefined
      ? ""
      : `SASL ${config.upstreamSasl} as ${JSON.stringify(config.upstreamSaslUsername)}`,
  ].filter(Boolean);
  process.stderr.write(
    `${NAME} listening on ${secure ? "https" : "http"}://${host}:${address.port} ` +
      `(WebSocket ${secure ? "wss" : "ws"}://${host}:${address.port}/kafka), ` +
      `relaying to ${brokers.join(", ")}${upstream.length > 0 ? ` (${upstream.join(", ")})` : ""}, ` +
      `auth: ${auth}; stop with Ctrl-C or SIGTERM\n`,
  );
}

main().catch((err: unknown) => {
  // Only the message: a stack trace is not what a person starting a CLI needs, and the config
  // (with its secrets) never gets here.
  process.stderr.write(`${NAME}: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
