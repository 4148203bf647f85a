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
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";

/** A date this workerd supports; newer behaviour is what Workers get by default today. */
export const COMPATIBILITY_DATE = "2026-11-01";

/**
 * @param {{ dir: string, main: string, wasm: string[], port: number }} options
 * @returns {string} the config file's path
 */
export function writeWorkerdConfig({ dir, main, wasm, port }) {
  const modules = [
    `(name = ${quote(main)}, esModule = embed ${quote(main)})`,
    ...wasm.map((w) => `(name = ${quote(w)}, wasm = embed ${quote(w)})`),
  ];
  const text = `using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [
    (name = "conformance", worker = .conformanceWorker),
    (name = "loopback", network = (allow = ["local"])),
  ],
  sockets = [
    (name = "http", address = ${quote(`127.0.0.1:${port}`)}, http = (), service = "conformance"),
  ],
);

const conformanceWorker :Workerd.Worker = (
  modules = [
    ${modules.join(",\n    ")},
  ],
  compatibilityDate = ${quote(COMPATIBILITY_DATE)},
  globalOutbound = "loopback",
);
`;
  const path = join(dir, "conformance.capnp");
  writeFileSync(path, text);
  return path;
}

/** @param {string} s */
function quote(s) {
  if (!/^[\w.:/-]+$/.test(s)) throw new Error(`unexpected characters for a capnp string: ${s}`);
  return `"${s}"`;
}
