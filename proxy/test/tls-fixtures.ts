/**
 * Throw-away certificates for the gateway's TLS tests, made by the openssl command line
 * (scripts/kafka/tls.mjs) in a temporary directory: a self-signed CA (EC P-256, valid two days) whose files are real PEM, so
 * the config checks and Node's TLS read them exactly as they would an operator's.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { makeSelfSignedCa } from "../../scripts/kafka/tls.mjs";

export interface SelfSigned {
  /** Paths of the PEM files. */
  certFile: string;
  keyFile: string;
  cert: string;
  key: string;
}

export interface TlsScratch {
  dir: string;
  /** A fresh self-signed certificate and key; `sans` like "IP:127.0.0.1,DNS:localhost". */
  selfSigned(name: string, sans?: string): SelfSigned;
  remove(): void;
}

export function tlsScratch(): TlsScratch {
  const dir = mkdtempSync(join(tmpdir(), "tributary-proxy-tls-"));
  return {
    dir,
    selfSigned(name, sans = "IP:127.0.0.1,DNS:localhost") {
      const certFile = join(dir, `${name}.pem`);
      const keyFile = join(dir, `${name}.key`);
      makeSelfSignedCa({ certFile, keyFile, subject: name, days: 2, sans });
      return {
        certFile,
        keyFile,
        cert: readFileSync(certFile, "utf8"),
        key: readFileSync(keyFile, "utf8"),
      };
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
