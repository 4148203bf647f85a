import type { BrokerAddress } from "./transport/transport.js";

/**
 * "host:port" for messages and logs; an IPv6 literal gets brackets ("[::1]:9092") so the port
 * cannot be mistaken for part of the address.
 */
export function formatBrokerAddress(address: BrokerAddress): string {
  const { host, port } = address;
  return host.includes(":") && !host.startsWith("[") ? `[${host}]:${port}` : `${host}:${port}`;
}
