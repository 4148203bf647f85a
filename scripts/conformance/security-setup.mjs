// @ts-check
/**
 * What the auth cells (conformance/security.mjs) need before any runtime runs them: the
 * broker's SASL_PLAINTEXT, SSL and SASL_SSL listeners, the CA that signed its certificate, and a
 * CA made now that signed nothing the broker has. When any is missing (a broker started without
 * --sasl, say) the auth cells fail with the reason: they are never quietly skipped.
 *
 * Addresses come from KAFKA_SASL_BOOTSTRAP, KAFKA_SSL_BOOTSTRAP and KAFKA_SASL_SSL_BOOTSTRAP (npm
 * test sets them), else the ports `npm run kafka -- start --sasl` opens; the CA from
 * KAFKA_TLS_CA_FILE, else the single node's .kafka/single/tls/ca.pem.
 */
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { connect } from "node:net";
import { join } from "node:path";
import { LISTENERS } from "../../conformance/security.mjs";
import { makeSelfSignedCa, tlsFiles } from "../kafka/tls.mjs";

const PROBE_TIMEOUT_MS = 3_000;

/** @typedef {import("../../conformance/plan.js").PlanSecurity} PlanSecurity */
/** @typedef {import("../../conformance/security.mjs").ListenerName} ListenerName */

/**
 * @param {{ workDir: string }} options a directory for the unrelated CA
 * @returns {Promise<{ security: PlanSecurity, notes: string[] } | { problem: string }>}
 */
export async function prepareSecurity({ workDir }) {
  const listeners = /** @type {ListenerName[]} */ (Object.keys(LISTENERS));
  /** @type {Record<string, string>} */
  const bootstrap = {};
  const notes = [];
  for (const name of listeners) {
    const { protocol, env, fallback } = LISTENERS[name];
    const address = process.env[env] || fallback;
    bootstrap[name] = address;
    notes.push(`${protocol} ${address} (${process.env[env] ? env : `default; ${env} unset`})`);
    const first = address.split(",")[0] ?? address;
    const refused = await probe(first);
    if (refused !== undefined) {
      return {
        problem:
          `the broker has no ${protocol} listener at ${first} (${refused}); the auth cells need ` +
          "Kafka started with `npm run kafka -- start --sasl` (or " +
          `${env} naming its ${protocol} listener)`,
      };
    }
  }
  const caFile = process.env.KAFKA_TLS_CA_FILE || tlsFiles("single").ca;
  const ca = existsSync(caFile) ? readFileSync(caFile, "utf8") : "";
  if (!ca.includes("-----BEGIN CERTIFICATE-----")) {
    return {
      problem:
        `no CA certificate in ${caFile} (KAFKA_TLS_CA_FILE${process.env.KAFKA_TLS_CA_FILE ? "" : " unset"}); ` +
        "`npm run kafka -- start --sasl` writes the CA that signed the broker's certificate there",
    };
  }
  notes.push(`CA ${caFile}`);
  let unrelatedCa;
  try {
    unrelatedCa = makeUnrelatedCa(workDir);
  } catch (err) {
    return {
      problem: `openssl could not make the unrelated CA: ${err instanceof Error ? err.message : err}`,
    };
  }
  return {
    security: {
      bootstrap: /** @type {Record<ListenerName, string>} */ (bootstrap),
      ca,
      unrelatedCa,
    },
    notes,
  };
}

/**
 * A self-signed CA made for this run, which signed nothing: trusting only it, a TLS connect to
 * the broker must fail. Its key is never used again.
 * @param {string} dir
 * @returns {string} its certificate (PEM)
 */
function makeUnrelatedCa(dir) {
  const at = join(dir, "unrelated-ca");
  mkdirSync(at, { recursive: true });
  const cert = join(at, "ca.pem");
  makeSelfSignedCa({
    certFile: cert,
    keyFile: join(at, "ca.key"),
    subject: "Tributary conformance unrelated CA (signed nothing)",
  });
  return readFileSync(cert, "utf8");
}

/**
 * Whether something accepts TCP connections at host:port.
 * @param {string} address host:port ([v6]:port too)
 * @returns {Promise<string | undefined>} why not, or undefined when it does
 */
function probe(address) {
  const m = /^\[?(.*?)\]?:(\d+)$/.exec(address);
  if (m === null) return Promise.resolve(`${JSON.stringify(address)} is not host:port`);
  const [, host = "", port = ""] = m;
  return new Promise((resolve) => {
    const socket = connect({ host, port: Number(port) });
    const done = (/** @type {string | undefined} */ why) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(why);
    };
    const timer = setTimeout(
      () => done(`no answer within ${PROBE_TIMEOUT_MS} ms`),
      PROBE_TIMEOUT_MS,
    );
    socket.once("connect", () => done(undefined));
    socket.once("error", (err) =>
      done(`connect: ${/** @type {{ code?: string }} */ (err).code ?? err.message}`),
    );
  });
}
