// @ts-check
// The certificates of the SSL and SASL_SSL listeners, made fresh at every `start --sasl` with the
// machine's openssl: a throw-away CA and a broker certificate it signs, valid for 127.0.0.1, ::1
// and localhost. Clients trust the CA file (ca.pem); nothing here is a real secret, but the CA
// key is thrown away once the broker certificate is signed, so no one can mint more.
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { clusterDir } from "./paths.mjs";

/** Days the certificates are valid: longer than any test run, short enough to be plainly throw-away. */
const VALID_DAYS = 30;

/** What the broker certificate is valid for (subjectAltName), as clients reach it. */
export const BROKER_NAMES = Object.freeze(["127.0.0.1", "::1", "localhost"]);

/** @param {string} clusterName */
export function tlsFiles(clusterName) {
  const dir = join(clusterDir(clusterName), "tls");
  return {
    dir,
    /** The CA certificate clients trust (PEM). */
    ca: join(dir, "ca.pem"),
    /** The broker's certificate (PEM), signed by the CA. */
    cert: join(dir, "broker.pem"),
    /** The broker's private key (PKCS#8 PEM, unencrypted). */
    key: join(dir, "broker.key"),
    /** Key, certificate and CA in one file: Kafka's PEM keystore (KIP-651). */
    keystore: join(dir, "broker-keystore.pem"),
  };
}

/**
 * Writes a new CA and broker certificate for `clusterName`, replacing any earlier ones.
 * @param {string} clusterName
 */
export function makeTlsMaterial(clusterName) {
  const files = tlsFiles(clusterName);
  rmSync(files.dir, { recursive: true, force: true });
  mkdirSync(files.dir, { recursive: true });
  const caKey = join(files.dir, "ca.key");
  const csr = join(files.dir, "broker.csr");
  const ext = join(files.dir, "broker.ext");
  makeSelfSignedCa({
    certFile: files.ca,
    keyFile: caKey,
    subject: "Tributary test CA (throw-away)",
    days: VALID_DAYS,
  });
  openssl(["req", ...EC_KEY, "-keyout", files.key, "-out", csr, "-subj", "/CN=localhost"]);
  const san = BROKER_NAMES.map((n) => (/^[0-9.:]+$/.test(n) ? `IP:${n}` : `DNS:${n}`)).join(",");
  writeFileSync(
    ext,
    [
      `subjectAltName=${san}`,
      "basicConstraints=CA:FALSE",
      "keyUsage=critical,digitalSignature",
      "extendedKeyUsage=serverAuth",
      "",
    ].join("\n"),
  );
  openssl([
    "x509",
    "-req",
    "-in",
    csr,
    "-CA",
    files.ca,
    "-CAkey",
    caKey,
    "-CAcreateserial",
    "-out",
    files.cert,
    "-days",
    String(VALID_DAYS),
    "-extfile",
    ext,
  ]);
  writeFileSync(
    files.keystore,
    [files.key, files.cert, files.ca].map((f) => readFileSync(f, "utf8")).join(""),
  );
  for (const f of [caKey, csr, ext, join(files.dir, "ca.srl")]) rmSync(f, { force: true });
  return files;
}

const EC_KEY = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"];

/**
 * A self-signed CA certificate (EC P-256) and its unencrypted key. The tests also make ones that
 * signed nothing the broker has, to show that a TLS client refuses the broker when it trusts
 * only those.
 * @param {{ certFile: string, keyFile: string, subject: string, days?: number, sans?: string }} spec
 *   `sans` e.g. "IP:127.0.0.1,DNS:localhost" when the certificate also serves as a server's
 */
export function makeSelfSignedCa({ certFile, keyFile, subject, days = 1, sans }) {
  openssl([
    "req",
    "-x509",
    ...EC_KEY,
    "-keyout",
    keyFile,
    "-out",
    certFile,
    "-days",
    String(days),
    "-subj",
    `/CN=${subject}`,
    ...(sans === undefined ? [] : ["-addext", `subjectAltName=${sans}`]),
    "-addext",
    "basicConstraints=critical,CA:TRUE",
    "-addext",
    "keyUsage=critical,keyCertSign,cRLSign,digitalSignature",
  ]);
}

/** @param {string[]} args */
function openssl(args) {
  try {
    execFileSync("openssl", args, { stdio: ["ignore", "ignore", "pipe"], timeout: 30_000 });
  } catch (err) {
    const e = /** @type {{ stderr?: Buffer, code?: string, message: string }} */ (err);
    const why =
      e.code === "ENOENT" ? "openssl is not installed" : (e.stderr?.toString() ?? e.message);
    throw new Error(`making the test TLS certificates failed (openssl ${args[0]}): ${why}`);
  }
}
