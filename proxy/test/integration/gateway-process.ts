/**
 * The real `tributary-proxy` CLI as a child process (from its TypeScript source, as the tests
 * run the rest of the tree), with everything it writes captured: its JSON log lines on stdout
 * and the line for a person on stderr. The tests that check a secret never shows up read these
 * bytes, not an in-process logger's view of them. Used by the gateway-credentials Node tests
 * and the browser spec (e2e/tests/gateway-credentials.spec.ts).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export const REPO = fileURLToPath(new URL("../../../", import.meta.url));
/** The CA of the test broker's SSL listeners (made at each `npm run kafka -- start --sasl`). */
export const CA_FILE =
  process.env.KAFKA_TLS_CA_FILE ?? join(REPO, ".kafka", "single", "tls", "ca.pem");
/** The gateway's own SASL_SSL identity: SCRAM-SHA-512 as user gateway, trusting the test CA. */
export const AS_GATEWAY_OVER_TLS: readonly string[] = [
  "--upstream-sasl",
  "SCRAM-SHA-512",
  "--upstream-sasl-username",
  "gateway",
  "--upstream-tls",
  "--upstream-tls-ca",
  CA_FILE,
];
const STARTUP_MS = 30_000;
const STOP_MS = 10_000;

export interface GatewayProcess {
  readonly child: ChildProcess;
  /** http(s)://127.0.0.1:<port> */
  readonly origin: string;
  /** ws(s)://127.0.0.1:<port>/kafka */
  readonly wsUrl: string;
  readonly port: number;
  stdout(): string;
  stderr(): string;
  /** Parsed JSON log lines from stdout. */
  events(): Record<string, unknown>[];
  /** SIGTERM, SIGKILL after 10 s; resolves once the process has exited. */
  stop(): Promise<void>;
}

/**
 * Starts the CLI with `args` (and `env`, on top of PATH only: nothing from the test's own
 * environment leaks in) and resolves once its startup line names the port.
 */
export async function startGatewayProcess(
  args: readonly string[],
  env: Record<string, string> = {},
): Promise<GatewayProcess> {
  const child = spawn(
    process.execPath,
    ["--conditions=source", "--import", "tsx", "proxy/src/cli.ts", "--port", "0", ...args],
    {
      cwd: REPO,
      env: { PATH: process.env.PATH ?? "", ...env },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  let out = "";
  let err = "";
  child.stdout!.on("data", (c: Buffer) => {
    out += c;
  });
  child.stderr!.on("data", (c: Buffer) => {
    err += c;
  });
  // "close", not "exit": it comes after the last bytes of stdout and stderr.
  const exited = new Promise<void>((resolve) => child.once("close", () => resolve()));

  const deadline = Date.now() + STARTUP_MS;
  let match: RegExpExecArray | null = null;
  while (Date.now() < deadline && child.exitCode === null) {
    match = /listening on (https?):\/\/127\.0\.0\.1:(\d+) /.exec(err);
    if (match) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  if (!match) {
    child.kill("SIGKILL");
    await exited;
    const why =
      child.exitCode === null
        ? `did not start within ${STARTUP_MS} ms`
        : `exited with ${child.exitCode} before listening`;
    throw new Error(`the gateway ${why}:\n${err}\n${out}`);
  }
  const scheme = match[1]!;
  const port = Number(match[2]);
  return {
    child,
    origin: `${scheme}://127.0.0.1:${port}`,
    wsUrl: `${scheme === "https" ? "wss" : "ws"}://127.0.0.1:${port}/kafka`,
    port,
    stdout: () => out,
    stderr: () => err,
    events: () =>
      out
        .split("\n")
        .filter((l) => l.startsWith("{"))
        .map((l) => JSON.parse(l) as Record<string, unknown>),
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), STOP_MS);
      await exited;
      clearTimeout(timer);
    },
  };
}
