/**
 * What the comparison run needs before it starts, done here so `npm run bench` works on a fresh
 * clone: the built gateway (proxy/dist, `tsc -b`), Debian's Chromium for the browser row and
 * Debian's kcat for the librdkafka row. Each step says what it does; each is a no-op when its
 * work is already done.
 */
import { spawnSync } from "node:child_process";
import { join } from "node:path";

export interface SetUpOptions {
  root: string;
  clients: string[];
  progress: (line: string) => void;
}

function run(root: string, what: string, cmd: string, args: string[]): void {
  const r = spawnSync(cmd, args, { cwd: root, stdio: ["ignore", "inherit", "inherit"] });
  if (r.status !== 0) {
    throw new Error(`${what}: ${cmd} ${args.join(" ")} exited with ${r.status ?? r.signal}`);
  }
}

export async function setUp({ root, clients, progress }: SetUpOptions): Promise<void> {
  progress("set-up: tsc -b (the gateway runs from proxy/dist; quick when nothing changed)");
  run(root, "build", "npx", ["tsc", "-b"]);
  if (clients.includes("tributary-chromium")) {
    progress("set-up: Debian's Chromium for the browser row (installed with apt-get if missing)");
    run(root, "chromium", process.execPath, [join(root, "e2e", "ensure-chromium.mjs")]);
  }
  if (clients.includes("kcat")) {
    progress("set-up: Debian's kcat for the librdkafka row (installed with apt-get if missing)");
    run(root, "kcat", process.execPath, [join(root, "scripts", "bench", "ensure-kcat.mjs")]);
  }
}
