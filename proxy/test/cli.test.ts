import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { request } from "node:http";
import { createServer } from "node:net";
import { after, describe, it } from "node:test";
import { fileURLToPath } from "node:url";

const REPO = fileURLToPath(new URL("../../", import.meta.url));
const TOKEN = "cli-canary-token-5e8a1f0c93";
const STARTUP_MS = 20_000;

const children = new Set<ChildProcess>();
after(() => {
  for (const child of children) child.kill("SIGKILL");
});

interface Run {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function run(args: string[], env: Record<string, string> = {}): Run {
  const child = spawn(
    process.execPath,
    ["--conditions=source", "--import", "tsx", "proxy/src/cli.ts", ...args],
    {
      cwd: REPO,
      env: { PATH: process.env.PATH ?? "", ...env },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  children.add(child);
  let out = "";
  let err = "";
  child.stdout!.on("data", (c: Buffer) => {
    out += c;
  });
  child.stderr!.on("data", (c: Buffer) => {
    err += c;
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on("exit", (code, signal) => {
      children.delete(child);
      resolve({ code, signal });
    }),
  );
  return { child, stdout: () => out, stderr: () => err, exited };
}

/** Waits for the human startup line on stderr and returns the port it names. */
async function boundPort(r: Run): Promise<number> {
  const deadline = Date.now() + STARTUP_MS;
  while (Date.now() < deadline) {
    const m = /listening on http:\/\/127\.0\.0\.1:(\d+) /.exec(r.stderr());
    if (m) return Number(m[1]);
    if (r.child.exitCode !== null) break;
    await new Promise((res) => setTimeout(res, 50));
  }
  assert.fail(`no startup line; stdout: ${r.stdout()} stderr: ${r.stderr()}`);
}

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

function getJson(port: number, path: string): Promise<{ status: number; body: unknown }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, path }, (res) => {
      let text = "";
      res.on("data", (c: Buffer) => {
        text += c;
      });
      res.on("end", () => resolve({ status: res.statusCode!, body: JSON.parse(text) }));
    });
    req.on("error", reject);
    req.end();
  });
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took more than ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

describe("tributary-proxy CLI", () => {
  it("starts on an OS-chosen port, answers /healthz, and exits 0 on SIGTERM", async () => {
    // No broker needed: a bootstrap that refuses connections only makes the first Metadata fetch fail.
    const broker = `127.0.0.1:${await closedPort()}`;
    const r = run([
      "--port",
      "0",
      "--bootstrap",
      broker,
      "--allow-topics",
      "*",
      "--token",
      TOKEN,
      "--shutdown-grace-ms",
      "100",
    ]);
    const port = await boundPort(r);
    assert.match(r.stderr(), new RegExp(`relaying to ${broker.replace(/\./g, "\\.")}`));
    assert.match(r.stderr(), /stop with Ctrl-C or SIGTERM/);
    const health = await getJson(port, "/healthz");
    assert.equal(health.status, 200);
    assert.deepEqual(health.body, { status: "ok", sessions: 0 });
    r.child.kill("SIGTERM");
    const { code, signal } = await withTimeout(r.exited, 10_000, "shutdown");
    assert.equal(signal, null);
    assert.equal(code, 0);
    // stdout holds JSON log lines only, and the token appears nowhere.
    for (const line of r.stdout().trim().split("\n")) JSON.parse(line);
    assert.match(r.stdout(), /"event":"metadata\.error"/);
    assert.equal(r.stdout().includes(TOKEN) || r.stderr().includes(TOKEN), false);
  });

  it("reads its config from the environment too", async () => {
    const r = run(["--port", "0"], {
      TRIBUTARY_PROXY_BOOTSTRAP: `127.0.0.1:${await closedPort()}`,
      TRIBUTARY_PROXY_ALLOW_TOPICS: "*",
      TRIBUTARY_PROXY_NO_AUTH: "true",
    });
    const port = await boundPort(r);
    assert.match(r.stderr(), /auth: NO AUTH/);
    assert.equal((await getJson(port, "/healthz")).status, 200);
    r.child.kill("SIGINT");
    assert.equal((await withTimeout(r.exited, 10_000, "shutdown")).code, 0);
  });

  it("a bad flag exits 2 with the message and a pointer to --help", async () => {
    const r = run([
      "--bootstrap",
      "127.0.0.1:9092",
      "--allow-topics",
      "*",
      "--token",
      TOKEN,
      "--prot",
      "80",
    ]);
    const { code } = await withTimeout(r.exited, STARTUP_MS, "exit");
    assert.equal(code, 2);
    assert.match(r.stderr(), /tributary-proxy: unknown option --prot; see --help/);
    assert.match(r.stderr(), /see tributary-proxy --help/);
  });

  it("a missing required value exits 2 naming the field, without echoing a secret", async () => {
    const r = run([
      "--bootstrap",
      "127.0.0.1:9092",
      "--allow-topics",
      "*",
      "--jwt-secret",
      "short-secret-x",
    ]);
    const { code } = await withTimeout(r.exited, STARTUP_MS, "exit");
    assert.equal(code, 2);
    assert.match(r.stderr(), /--jwt-secret: must be at least 32 bytes/);
    assert.equal(r.stderr().includes("short-secret-x"), false);
  });

  it("--help prints the usage on stdout and exits 0", async () => {
    const r = run(["--help"]);
    const { code } = await withTimeout(r.exited, STARTUP_MS, "exit");
    assert.equal(code, 0);
    assert.match(r.stdout(), /^Usage: tributary-proxy /);
    assert.match(r.stdout(), /TRIBUTARY_PROXY_ALLOW_TOPICS/);
  });

  it("a port already in use exits 1 with the reason", async () => {
    const holder = createServer();
    await new Promise<void>((resolve) => holder.listen(0, "127.0.0.1", resolve));
    const taken = (holder.address() as { port: number }).port;
    try {
      const r = run([
        "--port",
        String(taken),
        "--bootstrap",
        `127.0.0.1:${await closedPort()}`,
        "--allow-topics",
        "*",
        "--no-auth",
      ]);
      const { code } = await withTimeout(r.exited, STARTUP_MS, "exit");
      assert.equal(code, 1);
      assert.match(
        r.stderr(),
        new RegExp(`cannot listen on 127\\.0\\.0\\.1:${taken} \\(EADDRINUSE\\)`),
      );
    } finally {
      await new Promise<void>((resolve) => holder.close(() => resolve()));
    }
  });
});
