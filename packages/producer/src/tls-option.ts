/**
 * The `tls` option: TLS on every direct TCP connection to the cluster, as Kafka's
 * security.protocol SSL / SASL_SSL does. `true` trusts the runtime's own CA roots and checks the
 * certificate against the broker's host; an object may name the CA certificates to trust instead
 * (PEM text, the way a private cluster's CA is usually handed out) and the server name to send
 * and check. Verification cannot be turned off: a producer that talks to whoever answers is not
 * what anyone asking for TLS wants.
 */
import { invalidArgument } from "./errors.js";
import type { TlsSettings } from "./transport/transport.js";

export type { TlsSettings };

export interface TlsOptions {
  /** PEM CA certificate(s) to trust instead of the runtime's roots; one string may hold several. */
  ca?: string | readonly string[] | undefined;
  /** Server name for SNI and certificate checking; default each broker's advertised host. */
  servername?: string | undefined;
}

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;
/** A DNS name (RFC 1123 labels) or an IPv4/IPv6 literal, as certificate SANs hold them. */
const SERVER_NAME =
  /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.?$|^[0-9A-Fa-f:.]+$/;

export function parseTls(raw: unknown, key: string): TlsSettings | undefined {
  if (raw === false) return undefined;
  if (raw === true) return Object.freeze({ ca: undefined, servername: undefined });
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
    throw invalidArgument(key, "must be true, false or { ca?, servername? }", raw);
  }
  const { ca, servername, ...rest } = raw as TlsOptions & Record<string, unknown>;
  const unknown = Object.keys(rest);
  if (unknown.length > 0) {
    // rejectUnauthorized and friends land here on purpose: see the file comment.
    throw invalidArgument(
      `${key}.${unknown[0]}`,
      "is not a tls setting (tls takes ca and servername; certificate checks cannot be turned off)",
      rest[unknown[0] as string],
    );
  }
  return Object.freeze({
    ca: ca === undefined ? undefined : parseCa(ca, `${key}.ca`),
    servername: servername === undefined ? undefined : parseServername(servername, key),
  });
}

/** Splits PEM text into one string per certificate, refusing anything that holds none. */
function parseCa(raw: unknown, key: string): readonly string[] {
  const texts = typeof raw === "string" ? [raw] : Array.isArray(raw) ? raw : undefined;
  if (texts === undefined || texts.length === 0) {
    throw invalidArgument(key, "must be PEM text or a non-empty array of PEM texts", raw);
  }
  const certificates: string[] = [];
  texts.forEach((text: unknown, i) => {
    const field = typeof raw === "string" ? key : `${key}[${i}]`;
    if (typeof text !== "string") throw invalidArgument(field, "must be PEM text", text);
    const found = text.match(PEM_CERTIFICATE);
    if (found === null) {
      throw invalidArgument(
        field,
        "must hold a PEM certificate (-----BEGIN CERTIFICATE-----); pass the file's text, not its path",
        text,
      );
    }
    certificates.push(...found);
  });
  return Object.freeze(certificates);
}

function parseServername(raw: unknown, key: string): string {
  if (typeof raw !== "string" || raw.length > 253 || !SERVER_NAME.test(raw)) {
    throw invalidArgument(
      `${key}.servername`,
      "must be a host name (or IP address) of at most 253 characters",
      raw,
    );
  }
  return raw;
}
