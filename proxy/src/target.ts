/**
 * Which broker a WebSocket asks for, read from the URL path:
 *   /kafka                 → one of the gateway's bootstrap brokers
 *   /kafka/<host>:<port>   → that broker; IPv6 literals in brackets: /kafka/[::1]:9092
 *
 * The parser is a strict allowlist of what a real broker address looks like, because the path
 * is chosen by the client and the gateway must never read it two ways (once when checking it,
 * once when connecting). Decisions, with the WHATWG URL parser (https://url.spec.whatwg.org/#host-parsing)
 * and inet_aton(3) as the reference for what other software would make of the same text:
 *
 * - No percent-encoding at all. No valid host or port needs it, and decoding it gives a second
 *   reading of the path (`%2F` → another segment, `%40` → userinfo, `%3A` → another port,
 *   `%2e%2e` → a dot segment, `%25` → an IPv6 zone id).
 * - No userinfo (`user@host`): a URL parser would take the part after `@` as the host.
 * - A host whose last label is numeric (digits, or `0x` hex) is an IPv4 address to URL parsers
 *   and to inet_aton, which also read `2130706433`, `0x7f.0.0.1`, `0177.0.0.1` and `127.1` as
 *   127.0.0.1. Only the dotted-decimal form with four labels of 0-255 and no leading zeros is
 *   accepted, so one address has one spelling.
 * - Hostnames are LDH labels (RFC 1123 §2.1), plus `_` because container and service names use
 *   it; at most 253 characters, labels 1-63, no label starting or ending with `-`. They are
 *   lowercased (DNS is case-insensitive, RFC 4343), no trailing dot.
 * - IPv6 only in brackets, without a zone id, written back in the canonical form of RFC 5952 so
 *   `[0:0:0:0:0:0:0:1]` and `[::1]` name the same allowed broker.
 * - Ports are 1-65535 in plain decimal: no sign, no leading zero, no missing port.
 * - Exactly one segment after `/kafka`: no trailing slash, no `..`, no further path.
 *
 * The caller passes the raw path (the request target up to `?`), not one a URL parser has
 * already normalised: `new URL()` would resolve `/kafka/x/../host:1` to `/kafka/host:1`.
 */
import { isIPv6 } from "node:net";

export type Target = { kind: "bootstrap" } | { kind: "broker"; host: string; port: number };

/** A path that does not name a usable target; the message is safe to send to the client. */
export class TargetError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "TargetError";
  }
}

const PREFIX = "/kafka";
const MAX_HOSTNAME = 253;
const LABEL = /^[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?$/;
const NUMERIC_LABEL = /^(?:0x[0-9a-f]*|[0-9]+)$/;
const DECIMAL_OCTET = /^(?:0|[1-9][0-9]{0,2})$/;
const PORT = /^[1-9][0-9]{0,4}$/;
const TARGET_CHARS = /^[A-Za-z0-9._\-:[\]]*$/;

/** Reads the target from a request path already stripped of its query. Throws TargetError. */
export function parseTargetPath(pathname: string): Target {
  if (pathname === PREFIX) return { kind: "bootstrap" };
  if (!pathname.startsWith(`${PREFIX}/`)) {
    throw new TargetError(`path ${quote(pathname)} is not /kafka or /kafka/<host>:<port>`);
  }
  const target = pathname.slice(PREFIX.length + 1);
  const fail = (rule: string): never => {
    throw new TargetError(`broker target ${quote(target)}: ${rule}`);
  };
  if (target === "") fail("is empty (use /kafka or /kafka/<host>:<port>)");
  if (target.includes("@")) fail("userinfo (@) is not allowed");
  if (target.includes("%")) fail("percent-encoding is not allowed");
  if (target.includes("/")) fail("must be a single path segment");
  if (!TARGET_CHARS.test(target))
    fail("only letters, digits, '.', '-', '_', ':', '[', ']' are allowed");

  let host: string;
  let portText: string;
  if (target.startsWith("[")) {
    const close = target.indexOf("]");
    if (close < 0) fail("IPv6 address has no closing ']'");
    host = target.slice(1, close);
    const rest = target.slice(close + 1);
    if (!rest.startsWith(":")) fail("expected ':<port>' after the IPv6 address");
    portText = rest.slice(1);
    if (!isIPv6(host)) fail("is not a valid IPv6 address");
    host = canonicalIPv6(host);
  } else {
    const colon = target.lastIndexOf(":");
    if (colon < 0) fail("port is missing (expected <host>:<port>)");
    host = target.slice(0, colon).toLowerCase();
    portText = target.slice(colon + 1);
    if (host === "") fail("host is empty");
    if (host.includes(":")) fail("IPv6 addresses must be in brackets, e.g. [::1]:9092");
    if (host.includes("[") || host.includes("]")) fail("brackets are only for IPv6 addresses");
    const problem = hostProblem(host);
    if (problem !== undefined) fail(problem);
  }
  if (!PORT.test(portText)) fail("port must be 1-65535 in plain decimal");
  const port = Number(portText);
  if (port > 65535) fail("port must be 1-65535 in plain decimal");
  return { kind: "broker", host, port };
}

/** Why `host` (lowercase, no brackets) is not a hostname or dotted-quad IPv4, or undefined. */
function hostProblem(host: string): string | undefined {
  if (host.length > MAX_HOSTNAME) return `host is longer than ${MAX_HOSTNAME} characters`;
  const labels = host.split(".");
  if (labels.some((l) => l === ""))
    return "host has an empty label (leading, trailing or double dot)";
  if (NUMERIC_LABEL.test(labels[labels.length - 1]!)) {
    // URL parsers and inet_aton read this as an IPv4 address: accept only its one plain spelling.
    const plain =
      labels.length === 4 && labels.every((l) => DECIMAL_OCTET.test(l) && Number(l) <= 255);
    return plain
      ? undefined
      : "IPv4 addresses must be four decimal numbers 0-255 without leading zeros";
  }
  if (!labels.every((l) => LABEL.test(l))) {
    return "host labels must be 1-63 letters, digits, '-' or '_', not starting or ending with '-'";
  }
  return undefined;
}

/** RFC 5952 form (lowercase, longest zero run compressed), as the URL serializer writes it. */
function canonicalIPv6(host: string): string {
  return new URL(`http://[${host}]/`).hostname.slice(1, -1);
}

/** The received text for a message: JSON-quoted, cut short so a reason stays small. */
function quote(text: string): string {
  return JSON.stringify(text.length > 48 ? `${text.slice(0, 45)}...` : text);
}
