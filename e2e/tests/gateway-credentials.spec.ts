/**
 * Gateway-held credentials in real Chromium: a page served over https by the gateway itself
 * holds only a short-lived JWT whose `topics` claim allows one topic glob. The gateway (its own
 * child process, not global-setup's) serves wss with the broker's test certificate, and
 * authenticates every Kafka connection as user `gateway` with SCRAM-SHA-512 over TLS to the
 * SASL_SSL listener. Records to the allowed topic land (Kafka's console consumer judges); a
 * topic outside the claim is refused with a clear error on its receipts; the upstream password
 * (a canary) reaches neither the page nor the gateway's output.
 *
 * Chromium trusts the gateway's certificate honestly: by pinning exactly that certificate's
 * public key (--ignore-certificate-errors-spki-list), not by ignoring HTTPS errors.
 */
import { createHash, X509Certificate } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Browser, chromium, expect, type Page, test } from "@playwright/test";
import * as esbuild from "esbuild";
import { SignJWT } from "jose";
import {
  AS_GATEWAY_OVER_TLS,
  type GatewayProcess,
  REPO,
  startGatewayProcess,
} from "../../proxy/test/integration/gateway-process.js";
import {
  consume,
  createTopic,
  deleteTopic,
  randomTopicName,
} from "../../scripts/kafka/helpers.mjs";
import type { PageReceipt, ProduceRequest } from "../gateway-credentials-page.js";
import { PAGE_BUILD, pageEntry } from "../page-bundle.js";

const TLS_DIR = join(REPO, ".kafka", "single", "tls");
const SASL_SSL = process.env.KAFKA_SASL_SSL_BOOTSTRAP ?? "127.0.0.1:9096";
/** The broker's password for user "gateway" (scripts/kafka/config.mjs): the canary. */
const CANARY = "gw-canary-Q4mT8zR2";
const JWT_SECRET = "e2e-gateway-credentials-jwt-secret-5b1d";
const RECORDS = 200;

const prefix = randomTopicName("gwbrowser");
const allowed = `${prefix}-allowed`;
const refused = `${prefix}-refused`;

test.describe.configure({ mode: "serial", timeout: 60_000 });

let staticDir: string;
let gateway: GatewayProcess;
let browser: Browser;
let page: Page;
const consoleText: string[] = [];

/** base64 of the SHA-256 of the certificate's SubjectPublicKeyInfo: what Chromium pins. */
function spkiHash(certPem: string): string {
  const der = new X509Certificate(certPem).publicKey.export({ type: "spki", format: "der" });
  return createHash("sha256").update(der).digest("base64");
}

async function jwt(topics: string[]): Promise<string> {
  return new SignJWT({ topics })
    .setProtectedHeader({ alg: "HS256" })
    .setAudience("tributary")
    .setSubject("browser-e2e")
    .setIssuedAt()
    .setExpirationTime("2m")
    .sign(new TextEncoder().encode(JWT_SECRET));
}

function produceInPage(request: ProduceRequest): Promise<PageReceipt[]> {
  return page.evaluate((r) => window.produceThroughGateway(r), request);
}

test.beforeAll(async () => {
  staticDir = mkdtempSync(join(tmpdir(), "tributary-gwcred-page-"));
  await esbuild.build({
    ...PAGE_BUILD,
    entryPoints: { page: pageEntry("gateway-credentials-page.ts") },
    outdir: staticDir,
  });
  writeFileSync(
    join(staticDir, "index.html"),
    '<!doctype html><html lang="en"><head><meta charset="utf-8"><link rel="icon" href="data:,">' +
      '<title>gateway credentials</title><script type="module" src="./page.js"></script></head>' +
      "<body><p>Holds a gateway token only.</p></body></html>",
  );

  await Promise.all([createTopic(allowed, { partitions: 3 }), createTopic(refused)]);

  gateway = await startGatewayProcess(
    [
      "--bootstrap",
      SASL_SSL,
      "--allow-topics",
      `${prefix}-*`,
      "--jwt-secret",
      JWT_SECRET,
      "--static",
      staticDir,
      "--tls-cert",
      join(TLS_DIR, "broker.pem"),
      "--tls-key",
      join(TLS_DIR, "broker.key"),
      ...AS_GATEWAY_OVER_TLS,
      "--log-level",
      "debug",
      "--shutdown-grace-ms",
      "200",
    ],
    { TRIBUTARY_PROXY_UPSTREAM_SASL_PASSWORD: CANARY },
  );

  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    headless: true,
    timeout: 30_000,
    args: [
      `--ignore-certificate-errors-spki-list=${spkiHash(readFileSync(join(TLS_DIR, "broker.pem"), "utf8"))}`,
    ],
  });
  page = await browser.newPage();
  page.on("console", (m) => consoleText.push(`${m.type()}: ${m.text()}`));
  page.on("pageerror", (e) => consoleText.push(`uncaught: ${e.message}`));
});

test.afterAll(async () => {
  await browser?.close();
  await gateway?.stop();
  if (staticDir) rmSync(staticDir, { recursive: true, force: true });
  await deleteTopic(`${prefix}-.*`);
});

test("the page loads over https from the gateway, whose startup line says wss://", async () => {
  expect(gateway.wsUrl).toMatch(/^wss:\/\/127\.0\.0\.1:\d+\/kafka$/);
  expect(gateway.stderr()).toContain(`(WebSocket ${gateway.wsUrl})`);
  expect(gateway.stderr()).toContain('(TLS, SASL SCRAM-SHA-512 as "gateway")');
  const response = await page.goto(`${gateway.origin}/index.html`, { timeout: 10_000 });
  expect(response?.ok()).toBe(true);
  // Chromium accepted the certificate (the broker's test certificate, CN broker) over TLS.
  const security = await response?.securityDetails();
  expect(security?.protocol).toMatch(/^TLS/);
  await expect(page.locator("body")).toHaveAttribute("data-ready", "true", { timeout: 10_000 });
});

test("with a JWT allowing one topic glob, every record to the allowed topic is delivered and lands", async () => {
  const token = await jwt([`${prefix}-allowed*`]);
  const receipts = await produceInPage({
    url: gateway.wsUrl,
    token,
    topic: allowed,
    count: RECORDS,
  });
  expect(receipts.filter((r) => !r.success)).toEqual([]);
  const landed = await consume(allowed, { max: RECORDS, timeoutMs: 15_000 });
  expect(landed.map((r) => r.value).sort()).toEqual(
    receipts.map((_, i) => `${allowed}-${i}`).sort(),
  );
  // Each receipt's partition and offset are where the console consumer found its record.
  const where = new Set(landed.map((r) => `${r.partition}/${r.offset}`));
  for (const r of receipts) expect(where.has(`${r.partition}/${r.offset}`)).toBe(true);
});

test("a topic outside the JWT's claim is refused with GATEWAY_REFUSED naming it, and nothing lands", async () => {
  const token = await jwt([`${prefix}-allowed*`]);
  const receipts = await produceInPage({ url: gateway.wsUrl, token, topic: refused, count: 3 });
  for (const r of receipts) {
    expect(r.success).toBe(false);
    expect(r.errorCode).toBe("GATEWAY_REFUSED");
    expect(r.errorMessage).toContain(`topic "${refused}" is not allowed`);
  }
  expect(await consume(refused, { max: 1, timeoutMs: 3000 })).toEqual([]);
});

test("the upstream password reached neither the page nor the gateway's output", async () => {
  const html = await page.content();
  // Fetched by the page itself, over the same pinned TLS.
  const fetchText = (path: string) => page.evaluate((p) => fetch(p).then((r) => r.text()), path);
  const bundle = await fetchText("/page.js");
  expect(bundle).toContain("produceThroughGateway");
  const metrics = await fetchText("/metrics");
  expect(metrics).toContain("tributary_proxy_sessions_total");
  const pageSide = [html, bundle, ...consoleText].join("\n");
  expect(pageSide.includes(CANARY)).toBe(false);
  expect(consoleText.filter((t) => t.startsWith("error") || t.startsWith("uncaught"))).toEqual([]);

  const gatewaySide = [gateway.stdout(), gateway.stderr(), metrics].join("\n");
  // The capture is real: the gateway did write about its upstream user.
  expect(gatewaySide).toContain('"user":"gateway"');
  expect(gatewaySide.includes(CANARY)).toBe(false);
});
