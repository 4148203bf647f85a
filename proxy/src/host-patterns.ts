/**
 * --allow-hosts: the hostname globs and CIDRs that narrow which brokers the gateway connects
 * to, and the host helpers the broker checks share (an address's IP family, a host:port label).
 */
import { BlockList, isIP } from "node:net";
import type { HostPort } from "./config.js";
import { globMatches } from "./topics.js";

export type HostPattern =
  | { kind: "glob"; glob: string }
  | { kind: "cidr"; address: string; prefix: number; family: 4 | 6 };

const HOST_GLOB = /^[a-z0-9._*?-]+$/;

/**
 * One --allow-hosts entry: a CIDR (`10.0.0.0/8`, `::1/128`), an IP literal (a one-address CIDR)
 * or a hostname glob (`*.kafka.internal`). Throws an Error whose message is the rule broken.
 */
export function parseHostPattern(text: string): HostPattern {
  const slash = text.indexOf("/");
  const addressText = (slash < 0 ? text : text.slice(0, slash)).replace(/^\[(.*)\]$/, "$1");
  const family = ipFamily(addressText);
  if (slash >= 0) {
    const prefixText = text.slice(slash + 1);
    const max = family === 6 ? 128 : 32;
    if (family === 0) throw new Error("a CIDR must start with an IPv4 or IPv6 address");
    if (!/^(?:0|[1-9][0-9]{0,2})$/.test(prefixText) || Number(prefixText) > max) {
      throw new Error(`a CIDR prefix length must be 0-${max}`);
    }
    return { kind: "cidr", address: addressText, prefix: Number(prefixText), family };
  }
  if (family !== 0)
    return { kind: "cidr", address: addressText, prefix: family === 6 ? 128 : 32, family };
  const glob = text.toLowerCase();
  if (!HOST_GLOB.test(glob)) {
    throw new Error(
      "a host pattern is a CIDR, an IP address or a hostname glob of [a-z0-9.-_] with * and ?",
    );
  }
  return { kind: "glob", glob };
}

/**
 * --allow-hosts as one check. A target passes when its host (as named) matches a glob, or the
 * address it resolves to lies in a CIDR. With no patterns every address passes.
 */
export class HostFilter {
  readonly #globs: string[] = [];
  readonly #cidrs = new BlockList();
  readonly #hasCidrs: boolean;
  readonly narrows: boolean;

  constructor(patterns: readonly string[]) {
    let cidrs = 0;
    for (const text of patterns) {
      const p = parseHostPattern(text);
      if (p.kind === "glob") this.#globs.push(p.glob);
      else {
        this.#cidrs.addSubnet(p.address, p.prefix, p.family === 6 ? "ipv6" : "ipv4");
        cidrs++;
      }
    }
    this.#hasCidrs = cidrs > 0;
    this.narrows = patterns.length > 0;
  }

  hostMatches(host: string): boolean {
    return !this.narrows || this.#globs.some((g) => globMatches(g, host));
  }

  addressMatches(address: string, family: 4 | 6): boolean {
    return this.#hasCidrs && this.#cidrs.check(address, family === 6 ? "ipv6" : "ipv4");
  }
}

/** 4 or 6 for an IP literal, 0 for anything else (a hostname). */
export function ipFamily(text: string): 0 | 4 | 6 {
  const family = isIP(text);
  return family === 4 || family === 6 ? family : 0;
}

/** host:port for logs and messages, IPv6 in brackets. */
export function labelOf(b: HostPort): string {
  return isIP(b.host) === 6 ? `[${b.host}]:${b.port}` : `${b.host}:${b.port}`;
}
