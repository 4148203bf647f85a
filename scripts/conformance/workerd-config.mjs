// @ts-check
/**
 * The capnp config `workerd serve` reads for the conformance Worker
 * (https://github.com/cloudflare/workerd/blob/main/src/workerd/server/workerd.capnp).
 *
 * - One HTTP socket on 127.0.0.1:<port>; the orchestrator sends one request per cell.
 * - The bundle is the main ES module; each .wasm esbuild copied beside it is a `wasm` module
 *   under the very name the bundle imports, so workerd compiles it when it loads the Worker.
 * - globalOutbound is a `network` service that allows only "local" (loopback) addresses.
 *   Without it a Worker's fetch, WebSocket and `connect()` go through workerd's default
 *   "internet" service, which allows public addresses only and refuses 127.0.0.1
 *   ("connecting to 127.0.0.1:9092 is not allowed"). Nothing else is reachable.
 * - No compatibility flags: the Worker must run without nodejs_compat.
 * - With `trust` (a plan with auth cells), that network also trusts the broker's CA
 *   (`tlsOptions = (trustedCertificates = [...])`): a Worker's socket takes no CA of its own, so
 *   this is where the producer's `tls: true` gets its trust. The same Worker runs a second time
 *   as the "untrusted" service, on its own port, whose network trusts only a CA that signed
 *   nothing the broker has: the tls+untrusted-ca cell runs there and must be refused.
 *   (A Worker that `inherit`s another with only globalOutbound changed would be the tidy way;
 *   this workerd aborts on it: "inherit should have been handled earlier".)
 * - `bindings` become text bindings, the Worker's `env` (the edge-function test passes the
 *   broker's address this way, as a deployed Worker gets its configuration).
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";

/** A date this workerd supports; newer behaviour is what Workers get by default today. */
export const COMPATIBILITY_DATE = "2026-11-01";

/**
 * @typedef {object} Trust
 * @property {string} ca PEM of the broker's CA
 * @property {string} unrelatedCa PEM of a CA that signed nothing the broker has
 * @property {number} untrustedPort where the "untrusted" service listens
 */

/**
 * @param {{ dir: string, main: string, wasm: string[], port: number, trust?: Trust | undefined, bindings?: Record<string, string> | undefined }} options
 * @returns {string} the config file's path
 */
export function writeWorkerdConfig({ dir, main, wasm, port, trust, bindings = {} }) {
  const modules = [
    `(name = ${quote(main)}, esModule = embed ${quote(main)})`,
    ...wasm.map((w) => `(name = ${quote(w)}, wasm = embed ${quote(w)})`),
  ].join(",\n    ");
  if (trust !== undefined) {
    writeFileSync(join(dir, "broker-ca.pem"), trust.ca);
    writeFileSync(join(dir, "unrelated-ca.pem"), trust.unrelatedCa);
  }
  /** @param {string} file */
  const trusting = (file) => `, tlsOptions = (trustedCertificates = [embed ${quote(file)}])`;
  const services = [
    `(name = "conformance", worker = .conformanceWorker)`,
    `(name = "loopback", network = (allow = ["local"]${trust ? trusting("broker-ca.pem") : ""}))`,
  ];
  const sockets = [
    `(name = "http", address = ${quote(`127.0.0.1:${port}`)}, http = (), service = "conformance")`,
  ];
  const env = Object.entries(bindings)
    .map(([name, text]) => `(name = ${quote(name)}, text = ${quoteText(text)})`)
    .join(", ");
  let workers = worker("conformanceWorker", modules, "loopback", env);
  if (trust !== undefined) {
    services.push(
      `(name = "untrusted", worker = .untrustedWorker)`,
      `(name = "loopback-untrusted", network = (allow = ["local"]${trusting("unrelated-ca.pem")}))`,
    );
    sockets.push(
      `(name = "http-untrusted", address = ${quote(`127.0.0.1:${trust.untrustedPort}`)}, http = (), service = "untrusted")`,
    );
    workers += worker("untrustedWorker", modules, "loopback-untrusted", env);
  }
  const text = `using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [
    ${services.join(",\n    ")},
  ],
  sockets = [
    ${sockets.join(",\n    ")},
  ],
);
${workers}`;
  const path = join(dir, "conformance.capnp");
  writeFileSync(path, text);
  return path;
}

/** @param {string} name @param {string} modules @param {string} outbound @param {string} env */
function worker(name, modules, outbound, env) {
  return `
const ${name} :Workerd.Worker = (
  modules = [
    ${modules},
  ],
  compatibilityDate = ${quote(COMPATIBILITY_DATE)},
  globalOutbound = ${quote(outbound)},${env === "" ? "" : `\n  bindings = [${env}],`}
);
`;
}

/**
 * A binding's value: printable ASCII without quote or backslash needs no escape in capnp
 * text, and nothing this config carries needs more (a broker list: hosts, ports, commas).
 * @param {string} s
 */
function quoteText(s) {
  if (!/^[\x20-\x7e]*$/.test(s) || /["\\]/.test(s)) {
    throw new Error(`unexpected characters for a capnp text binding: ${JSON.stringify(s)}`);
  }
  return `"${s}"`;
}

/** @param {string} s */
function quote(s) {
  if (!/^[\w.:/-]+$/.test(s)) throw new Error(`unexpected characters for a capnp string: ${s}`);
  return `"${s}"`;
}
