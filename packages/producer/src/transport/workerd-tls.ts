import { invalidArgument } from "../errors.js";
import type { TlsSettings } from "./transport.js";

/**
 * What TLS a Worker's socket can do, checked at createProducer (workerdTcp.checkTls). Kept out of
 * workerd-tcp.ts so that it can be tested without cloudflare:sockets.
 *
 * `connect()` from cloudflare:sockets takes no CA and no server name
 * (https://developers.cloudflare.com/workers/runtime-apis/tcp-sockets/):
 * - Trust is the runtime's. On Cloudflare, the public CAs. In workerd, the network service the
 *   Worker reaches out through (its `globalOutbound`) decides, in the capnp config:
 *   `network = (allow = [...], tlsOptions = (trustedCertificates = [embed "ca.pem"]))`
 *   (https://github.com/cloudflare/workerd/blob/main/src/workerd/server/workerd.capnp).
 * - The certificate is checked against the host the socket connects to. startTls() has an
 *   `expectedServerHostname` option, but workerd logs it as unsupported and has an autogate
 *   (STARTTLS_REJECT_EXPECTED_SERVER_HOSTNAME) that rejects it, so it is not used.
 * Refusing both, with where the trust comes from instead, beats a producer that silently
 * verifies against something other than what its options say.
 */
export function refuseWorkerdTls(tls: TlsSettings): void {
  if (tls.ca !== undefined) {
    throw invalidArgument(
      "tls.ca",
      "cannot be set in workerd: a Worker's sockets trust what its runtime trusts (on Cloudflare the " +
        "public CAs; in workerd the network service of the Worker's globalOutbound, " +
        "`tlsOptions = (trustedCertificates = [...])` in its capnp config), so put the broker's CA " +
        "there and pass tls: true",
      `${tls.ca.length} PEM certificate(s)`,
    );
  }
  if (tls.servername !== undefined) {
    throw invalidArgument(
      "tls.servername",
      "cannot be set in workerd: the certificate is checked against the host the socket connects " +
        "to (the bootstrap or the broker's advertised host), so bootstrap from, and advertise, a " +
        "name the broker's certificate holds, and drop servername",
      tls.servername,
    );
  }
}
