// @ts-check
/**
 * Runs the built gateway (proxy/dist/cli.js) as a child process serving the demo console, and
 * resolves once it listens. Used by `npm run demo` and by the browser tests (with port 0).
 */
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../..", import.meta.url));
export const GATEWAY_CLI = join(root, "proxy", "dist", "cli.js");
export const DEMO_DIST = join(root, "web-demo", "dist");

/**
 * @typedef {object} GatewayOptions
 * @property {string} bootstrap
 * @property {string} allowTopics topic globs, comma-separated
 * @property {string} [host] default 127.0.0.1
 * @property {number} [port] default 0 (a free port)
 * @property {string} [staticDir] default web-demo/dist
 * @property {string} [logLevel] default warn (the gateway's JSON log lines go to our stdout)
 * @property {string} [allowOrigin] another page origin to admit (default: same origin only)
 * @property {number} [startTimeoutMs] default 20000
 */

/**
 * @typedef {object} RunningGateway
 * @property {string} url http://host:port/ (the console)
 * @property {string} wsUrl ws://host:port/kafka
 * @property {number} port
 * @property {import("node:child_process").ChildProcess} child
 * @property {Promise<number | null>} exited resolves with the exit code
 * @property {() => Promise<void>} stop SIGTERM, then SIGKILL after 10 s
 */

/**
 * @param {GatewayOptions} options
 * @returns {Promise<RunningGateway>}
 */
export function startGateway({
  bootstrap,
  allowTopics,
  host = "127.0.0.1",
  port = 0,
  staticDir = DEMO_DIST,
  logLevel = "warn",
  allowOrigin,
  startTimeoutMs = 20_000,
}) {
  if (!existsSync(GATEWAY_CLI)) {
    return Promise.reject(new Error(`${GATEWAY_CLI} does not exist: run \`npx tsc -b\` first`));
  }
  const args = [
    GATEWAY_CLI,
    "--bootstrap",
    bootstrap,
    "--allow-topics",
    allowTopics,
    "--no-auth",
    "--static",
    staticDir,
    "--host",
    host,
    "--port",
    String(port),
    "--log-level",
    logLevel,
    "--shutdown-grace-ms",
    "2000",
    ...(allowOrigin === undefined ? [] : ["--allow-origin", allowOrigin]),
  ];
  const child = spawn(process.execPath, args, { stdio: ["ignore", "inherit", "pipe"] });
  /** @type {Promise<number | null>} */
  const exited = new Promise((resolve) => child.once("exit", (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    let err = "";
    let listening = false;
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(
        new Error(`the gateway did not report listening within ${startTimeoutMs} ms:\n${err}`),
      );
    }, startTimeoutMs);
    child.stderr?.setEncoding("utf8");
    child.stderr?.on("data", (/** @type {string} */ chunk) => {
      process.stderr.write(chunk);
      if (listening) return;
      err += chunk;
      const m = /listening on http:\/\/(\S+):(\d+) /.exec(err);
      if (m) {
        listening = true;
        clearTimeout(timer);
        const hostPort = `${m[1]}:${m[2]}`;
        resolve({
          url: `http://${hostPort}/`,
          wsUrl: `ws://${hostPort}/kafka`,
          port: Number(m[2]),
          child,
          exited,
          stop: async () => {
            if (child.exitCode !== null || child.signalCode !== null) return;
            child.kill("SIGTERM");
            const kill = setTimeout(() => child.kill("SIGKILL"), 10_000);
            await exited;
            clearTimeout(kill);
          },
        });
      }
    });
    exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`the gateway exited with ${code} before listening:\n${err}`));
    });
  });
}

/**
 * `preferred` if nothing listens there on `host`, else 0 (the OS picks a free port).
 * @param {string} host @param {number} preferred
 * @returns {Promise<number>}
 */
export function freePortOr0(host, preferred) {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once("error", () => resolve(0));
    probe.listen(preferred, host, () => probe.close(() => resolve(preferred)));
  });
}
