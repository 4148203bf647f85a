/**
 * Which web pages may open a WebSocket to the gateway. Browsers send the page's origin in the
 * `Origin` header of the upgrade request (RFC 6455 §4.1, §10.2) and WebSockets are not covered
 * by CORS, so this check is what stops any site a user visits from using the gateway.
 *
 * - No `Origin` header: not a browser (a browser always sends one on a WebSocket handshake);
 *   such clients are held back by auth, not by this check.
 * - `*` in the allowlist: any origin, "null" included. It has to be written out.
 * - Otherwise the origin must equal an allowlist entry (config normalises entries to the
 *   serialised form browsers send, e.g. `https://app.example.com` or `http://localhost:5173`),
 *   or be the gateway's own origin: the scheme it is reached by and the `Host` header, so a page
 *   the gateway serves itself (--static) works without configuration.
 * - "null" (sandboxed frames, file: and data: pages; https://html.spec.whatwg.org/#ascii-serialisation-of-an-origin)
 *   is never same-origin: it is accepted only when listed.
 */
export function originAllowed(
  allowOrigins: readonly string[],
  origin: string | undefined,
  host: string | undefined,
  secure: boolean,
): boolean {
  if (origin === undefined) return true;
  if (allowOrigins.includes("*")) return true;
  if (allowOrigins.includes(origin)) return true;
  if (origin === "null" || host === undefined || host === "") return false;
  const own = ownOrigin(host, secure);
  // Exact text: a browser sends the serialised form, so anything else is not a browser page.
  return own !== undefined && own === origin;
}

/** The gateway's own origin as a browser would serialise it, from the Host header. */
function ownOrigin(host: string, secure: boolean): string | undefined {
  // A Host header is host[:port] only; anything that would change the URL's meaning is refused.
  if (/[/?#@\\\s]/.test(host)) return undefined;
  return serialise(`${secure ? "https" : "http"}://${host}`);
}

function serialise(text: string): string | undefined {
  try {
    const url = new URL(text);
    return url.origin === "null" ? undefined : url.origin;
  } catch {
    return undefined;
  }
}
