import type { BrokerAddress } from "./transport/transport.js";

/**
 * A bootstrap entry. One written as a ws:// or wss:// URL of a Tributary gateway carries that
 * URL in `url` (and the gateway's own host and port in `host`/`port`): a transport connects to
 * the URL as it is and the gateway picks one of its bootstrap brokers. Brokers the cluster
 * advertises never carry a url.
 */
export interface BootstrapAddress extends BrokerAddress {
  readonly url?: string | undefined;
}

/** The gateway URL an address carries, if it is a gateway bootstrap entry. */
export function gatewayUrlOf(address: BrokerAddress): string | undefined {
  const url = (address as BootstrapAddress).url;
  return typeof url === "string" ? url : undefined;
}

/**
 * "host:port" for messages and logs; an IPv6 literal gets brackets ("[::1]:9092") so the port
 * cannot be mistaken for part of the address. A gateway bootstrap entry prints as its URL.
 */
export function formatBrokerAddress(address: BrokerAddress): string {
  const url = gatewayUrlOf(address);
  if (url !== undefined) return redactUrl(url);
  return formatHostPort(address.host, address.port);
}

/** "host:port", with brackets around an IPv6 literal. */
export function formatHostPort(host: string, port: number): string {
  return host.includes(":") && !host.startsWith("[") ? `[${host}]:${port}` : `${host}:${port}`;
}

/**
 * A URL as messages may show it: without user info and without its query, which is
 * where people put credentials when a gateway is fronted by something that wants them there.
 */
export function redactUrl(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return "(an unparsable URL)";
  }
  url.username = "";
  url.password = "";
  const query = url.search !== "";
  url.search = "";
  url.hash = "";
  return query ? `${url.href}?…` : url.href;
}
