// @ts-check
/**
 * `npm run demo`: the demo console on a real Kafka in one command. Installs and builds what is
 * missing or stale, gets a single-node Kafka (reusing one that runs; see demo/kafka.mjs),
 * creates the demo topic, and starts the gateway serving the console. Ctrl-C stops the gateway
 * and the Kafka this run started (one it found running is left running).
 *
 *   npm run demo [-- --port 8080] [-- --topic demo-events]
 */
import { spawnSync } from "node:child_process";
import { existsSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { freePortOr0, startGateway } from "./demo/gateway.mjs";
import { acquireKafka } from "./demo/kafka.mjs";

const root = fileURLToPath(new URL("..", import.meta.url));
const HOST = "127.0.0.1";
const USAGE = "usage: npm run demo [-- --port N] [-- --topic NAME]";

let port = 8080;
let topic = "demo-events";
{
  const argv = process.argv.slice(2);
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const v = argv[i + 1];
    if (a === "--port" && v !== undefined && /^\d{1,5}$/.test(v) && Number(v) <= 65535) {
      port = Number(v);
      i++;
    } else if (a === "--topic" && v !== undefined && /^demo-[A-Za-z0-9._-]{1,200}$/.test(v)) {
      topic = v;
      i++;
    } else if (a === "--help" || a === "-h") {
      console.log(USAGE);
      process.exit(0);
    } else {
      console.error(
        `demo: ${JSON.stringify(a)}${v === undefined ? "" : ` ${JSON.stringify(v)}`} is not an option this script takes (--port 0-65535; --topic demo-<name>, which the gateway allows)\n${USAGE}`,
      );
      process.exit(2);
    }
  }
}

/** @param {string} title */
const step = (title) => console.log(`\n[demo] ${title}`);

/** @param {string} cmd @param {string[]} args */
function run(cmd, args) {
  // Playwright's browsers are never downloaded (the browser tests use Debian's Chromium).
  const env = { ...process.env, PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD: "1" };
  const r = spawnSync(cmd, args, { cwd: root, stdio: "inherit", env });
  if (r.status !== 0) {
    throw new Error(`${cmd} ${args.join(" ")} exited with ${r.status ?? r.signal}`);
  }
}

/** Same rule as scripts/test.mjs: install when node_modules is missing or older than the lockfile. */
function needsInstall() {
  const lock = join(root, "package-lock.json");
  const stamp = join(root, "node_modules", ".package-lock.json");
  if (!existsSync(stamp)) return true;
  return existsSync(lock) && statSync(lock).mtimeMs > statSync(stamp).mtimeMs;
}

async function main() {
  if (needsInstall()) {
    step("npm install");
    run("npm", ["install", "--no-audit", "--no-fund"]);
  }
  step("build: tsc -b (the gateway runs from proxy/dist) and the console (web-demo/build.mjs)");
  run("npx", ["tsc", "-b"]);
  run(process.execPath, [join(root, "web-demo", "build.mjs")]);

  step("Kafka (single node; the first run downloads the jars, about a minute)");
  const kafka = await acquireKafka();
  console.log(`[demo] ${kafka.origin}`);

  let stopping = false;
  /** @type {import("./demo/gateway.mjs").RunningGateway | undefined} */
  let gateway;
  const shutdown = async (/** @type {number} */ code) => {
    if (stopping) return;
    stopping = true;
    step("stopping");
    await gateway?.stop();
    if (kafka.started) console.log("[demo] stopping the Kafka this run started");
    await kafka.stop();
    process.exit(code);
  };
  process.on("SIGINT", () => void shutdown(0));
  process.on("SIGTERM", () => void shutdown(0));

  try {
    step(`topic ${topic} (3 partitions, created when missing)`);
    const { createTopic } = await import("./kafka/helpers.mjs");
    await createTopic(topic, { partitions: 3, bootstrap: kafka.bootstrap });

    step("gateway (tributary-proxy) serving the console");
    const chosen = await freePortOr0(HOST, port);
    if (chosen !== port) console.log(`[demo] port ${port} is taken; using a free one`);
    gateway = await startGateway({
      bootstrap: kafka.bootstrap,
      allowTopics: "demo-*",
      host: HOST,
      port: chosen,
    });
  } catch (err) {
    console.error(`[demo] FAILED: ${err instanceof Error ? err.message : String(err)}`);
    await shutdown(1);
    return;
  }

  console.log(`
  Tributary demo console: ${gateway.url}

  Gateway ${gateway.wsUrl} -> Kafka ${kafka.bootstrap}; allowed topics demo-*; no auth
  (listening on ${HOST} only). Produce to "${topic}" from the page, then see what landed:
    npm run kafka -- consume ${topic} --max 20

  Stop with Ctrl-C (stops the gateway${kafka.started ? " and the Kafka this run started" : "; the Kafka it found running stays up"}).
`);
  const code = await gateway.exited;
  if (!stopping) {
    console.error(`[demo] the gateway exited on its own (code ${code})`);
    await shutdown(code === 0 ? 0 : 1);
  }
}

await main();
