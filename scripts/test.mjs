// @ts-check
/**
 * `npm test`: the one command that proves the tree on a fresh clone. It installs what it needs,
 * lints, builds, type-checks, starts a real Kafka (unless one is already up, which it then
 * leaves running), runs every test file, and stops the broker it started. A green exit means
 * every step ran and every test passed; any failure exits non-zero.
 *
 *   npm test                      everything
 *   npm test -- --no-kafka        unit tests only (no broker; for quick local loops, never CI)
 *   npm test -- <file> [...]      only these test files (the broker still starts; no browser tests)
 *
 * After the Node tests, the browser suite (e2e/, Playwright driving Debian's Chromium, which is
 * installed with apt-get when missing) and the conformance matrix (scripts/conformance.mjs:
 * Node 20 and 26, Deno, Bun, workerd and Chromium x every transport x every codec) run against
 * the same Kafka; then the short faults suite (scripts/faults.mjs --short), which starts and
 * stops its own three-node cluster.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { installRuntimes, runtimesNeedInstall } from "./conformance/setup.mjs";

const root = fileURLToPath(new URL("..", import.meta.url));
const args = process.argv.slice(2);
const noKafka = args.includes("--no-kafka");
const only = args.filter((a) => !a.startsWith("--"));
const started = Date.now();

/** @param {string} title */
function step(title) {
  const s = ((Date.now() - started) / 1000).toFixed(0).padStart(4);
  console.log(`\n[test ${s}s] ${title}`);
}

/**
 * Runs a command in the repo root with inherited output; exits the whole run if it fails.
 * @param {string} cmd @param {string[]} argv @param {NodeJS.ProcessEnv} [env]
 */
function run(cmd, argv, env) {
  const r = spawnSync(cmd, argv, { cwd: root, stdio: "inherit", env: env ?? process.env });
  if (r.status !== 0) {
    console.error(`\n[test] FAILED: ${cmd} ${argv.join(" ")} exited with ${r.status ?? r.signal}`);
    return false;
  }
  return true;
}

/** Test files live in each package's test/ folder, proxy/test and scripts/kafka/test. */
function findTests() {
  /** @type {string[]} */
  const files = [];
  /** @param {string} dir */
  const walk = (dir) => {
    if (!existsSync(dir)) return;
    for (const name of readdirSync(dir)) {
      if (name === "node_modules" || name === "dist") continue;
      const p = join(dir, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (name.endsWith(".test.ts")) files.push(relative(root, p));
    }
  };
  for (const pkg of readdirSync(join(root, "packages"))) walk(join(root, "packages", pkg, "test"));
  walk(join(root, "proxy", "test"));
  walk(join(root, "scripts", "kafka", "test"));
  walk(join(root, "conformance", "test"));
  walk(join(root, "faults", "test"));
  walk(join(root, "bench", "test"));
  return files.sort();
}

/** @returns {boolean} */
function needsInstall() {
  const lock = join(root, "package-lock.json");
  const stamp = join(root, "node_modules", ".package-lock.json");
  if (!existsSync(stamp)) return true;
  return existsSync(lock) && statSync(lock).mtimeMs > statSync(stamp).mtimeMs;
}

async function main() {
  step("npm install (skipped when node_modules matches the lockfile)");
  // Playwright's own browsers are never downloaded: the browser tests use Debian's Chromium.
  const installEnv = { ...process.env, PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD: "1" };
  if (needsInstall() && !run("npm", ["install", "--no-audit", "--no-fund"], installEnv)) return 1;

  step("lint and format check (biome)");
  if (!run("npx", ["biome", "check", "."])) return 1;

  step("build (tsc -b) and type-check tests and scripts");
  if (!run("npx", ["tsc", "-b"])) return 1;
  if (!run("npx", ["tsc", "-p", "tsconfig.check.json"])) return 1;

  step("browser bundles: sizes, and no Node built-ins in them (npm run size)");
  if (!run("node", ["scripts/size.mjs"])) return 1;

  step("demo console: type-check and build (web-demo)");
  if (!run("npx", ["tsc", "-p", "web-demo/tsconfig.json"])) return 1;

  step("conformance suite: type-check (conformance/)");
  if (!run("npx", ["tsc", "-p", "conformance/tsconfig.json"])) return 1;

  step("faults suite: type-check (faults/)");
  if (!run("npx", ["tsc", "-p", "faults/tsconfig.json"])) return 1;
  if (!run("node", ["web-demo/build.mjs"])) return 1;

  let files = only.length > 0 ? only : findTests();
  if (noKafka) files = files.filter((f) => !f.includes("/integration/"));
  if (files.length === 0) {
    console.error("[test] FAILED: no test files found");
    return 1;
  }

  /** @type {typeof import("./kafka/cluster.mjs") | undefined} */
  let cluster;
  let weStarted = false;
  const env = { ...process.env };
  if (!noKafka) {
    step(
      "start Apache Kafka (single node, 127.0.0.1:9092; SASL 9094, SSL 9095, SASL_SSL 9096; first run downloads jars)",
    );
    cluster = await import("./kafka/cluster.mjs");
    try {
      // Refuses a broker on 9092 that this checkout did not start: tests judge only a Kafka
      // whose version and settings come from this tree.
      // With the SASL_PLAINTEXT listener too (9094): the SASL tests authenticate there.
      const r = await cluster.start({ nodes: 1, sasl: true, quiet: false });
      weStarted = !r.alreadyRunning;
      env.KAFKA_BOOTSTRAP = r.bootstrap;
      // SASL_PLAINTEXT, SSL and SASL_SSL listeners, and the throw-away CA their certificate
      // chains to (made by this start): the SASL, TLS and gateway-credential tests use them.
      if (r.saslBootstrap !== undefined) env.KAFKA_SASL_BOOTSTRAP = r.saslBootstrap;
      if (r.sslBootstrap !== undefined) env.KAFKA_SSL_BOOTSTRAP = r.sslBootstrap;
      if (r.saslSslBootstrap !== undefined) env.KAFKA_SASL_SSL_BOOTSTRAP = r.saslSslBootstrap;
      if (r.caFile !== undefined) env.KAFKA_TLS_CA_FILE = r.caFile;
    } catch (err) {
      console.error("[test] FAILED: Kafka did not start:", err);
      return 1;
    }
  }

  let code = 1;
  try {
    if (!noKafka) {
      step("Debian's chromium and kcat for the benchmark runners' tests (apt-get when missing)");
      if (
        !run("node", ["e2e/ensure-chromium.mjs"], env) ||
        !run("node", ["scripts/bench/ensure-kcat.mjs"], env)
      ) {
        console.error("[test] FAILED: chromium or kcat could not be installed");
        return 1;
      }
      // The edge-function test (conformance/test/integration/edge-workerd.test.ts) serves a
      // Worker with workerd, one of the runtimes the conformance matrix installs for itself.
      const why = runtimesNeedInstall();
      if (why !== undefined) {
        step(`conformance runtimes: npm install in conformance/runtimes (${why}; about 300 MB)`);
        if (!installRuntimes()) {
          console.error("[test] FAILED: npm install in conformance/runtimes failed");
          return 1;
        }
      }
    }
    step(`run ${files.length} test files`);
    const tap = join(mkdtempSync(join(tmpdir(), "tributary-test-")), "results.tap");
    const ok = run(
      process.execPath,
      [
        "--conditions=source",
        "--import",
        "tsx",
        "--test",
        "--test-timeout=300000",
        "--test-reporter=spec",
        "--test-reporter-destination=stdout",
        "--test-reporter=tap",
        `--test-reporter-destination=${tap}`,
        ...files,
      ],
      env,
    );
    const summary = readFileSync(tap, "utf8");
    const count = (/** @type {string} */ key) =>
      Number(new RegExp(`^# ${key} (\\d+)$`, "m").exec(summary)?.[1] ?? "0");
    const pass = count("pass");
    const fail = count("fail");
    const skipped = count("skipped") + count("todo");
    const secs = ((Date.now() - started) / 1000).toFixed(0);
    console.log(`\n[test] ${files.length} files, ${secs}s in all`);
    console.log(`tests: ${pass} passed, ${fail} failed, ${skipped} skipped`);
    code = ok && fail === 0 && pass > 0 && skipped === 0 ? 0 : 1;
    if (skipped > 0) console.error("[test] FAILED: skipped or todo tests are not allowed");

    // The browser suite needs the broker and runs only for the whole tree, not for named files.
    if (!noKafka && only.length === 0) {
      step(
        "browser tests (e2e/: Playwright + Debian's Chromium, demo console through the gateway)",
      );
      const e2e = runBrowserTests(env);
      console.log(
        `browser tests: ${e2e.pass} passed, ${e2e.fail} failed, ${e2e.skipped} skipped (artifacts in e2e/results/)`,
      );
      if (!e2e.ok || e2e.fail > 0 || e2e.skipped > 0 || e2e.pass === 0) {
        console.error("[test] FAILED: the browser tests did not all run and pass");
        code = 1;
      }

      step("conformance matrix (npm run conformance: every runtime x transport x codec)");
      // Exit 0 only when every cell ran and passed, confirmed by the console consumer.
      if (!run("node", ["scripts/conformance.mjs"], env)) {
        console.error("[test] FAILED: the conformance matrix did not pass in every cell");
        code = 1;
      }

      step("benchmark smoke run (npm run bench -- --smoke: every client and workload, tiny sizes)");
      // Proves the comparison command works end to end (runners, peers, report); its figures
      // are too small to mean anything. Exit 0 only when every run a client supports succeeded.
      if (!run("node", ["scripts/bench.mjs", "--smoke"], env)) {
        console.error("[test] FAILED: the benchmark smoke run had a failed run");
        code = 1;
      }

      step("faults, short run (npm run faults -- --short: broker/gateway faults, memory, fuzz)");
      // Last, on its own: it kills and freezes brokers of the three-node cluster it starts, and
      // throttles a client of the single node, so nothing else may be running against them.
      if (!run("node", ["scripts/faults.mjs", "--short"], env)) {
        console.error("[test] FAILED: the faults suite found a broken invariant");
        code = 1;
      }
    }
  } finally {
    if (cluster && weStarted) {
      step("stop the Kafka this run started");
      await cluster.stop({ which: 1 });
    }
  }
  return code;
}

/**
 * Runs the Playwright suite and counts its results from the JSON report, so that a skipped or
 * never-run browser test fails the run just as a Node one does.
 * @param {NodeJS.ProcessEnv} env
 */
function runBrowserTests(env) {
  const report = join(mkdtempSync(join(tmpdir(), "tributary-e2e-")), "report.json");
  const ok =
    run("node", ["e2e/ensure-chromium.mjs"], env) &&
    run("npx", ["playwright", "test", "-c", "e2e/playwright.config.ts"], {
      ...env,
      PLAYWRIGHT_JSON_OUTPUT_FILE: report,
    });
  /** @type {{ stats?: { expected?: number, unexpected?: number, flaky?: number, skipped?: number } }} */
  let parsed = {};
  try {
    parsed = JSON.parse(readFileSync(report, "utf8"));
  } catch {
    console.error(`[test] the browser tests wrote no report at ${report}`);
  }
  const stats = parsed.stats ?? {};
  return {
    ok,
    pass: stats.expected ?? 0,
    // A flaky test passed only on a retry; retries are off, but count it as a failure anyway.
    fail: (stats.unexpected ?? 0) + (stats.flaky ?? 0),
    skipped: stats.skipped ?? 0,
  };
}

process.exitCode = await main();
