/**
 * Which brokers the gateway will connect to: its bootstrap brokers plus the brokers that
 * cluster advertises in its own Metadata, optionally narrowed by --allow-hosts, and nothing
 * else. A gateway that connects wherever a client points it is an open relay into the private
 * network (websockify's maintainers call a client-chosen target "a HUGE security risk"), so
 * every refusal here happens before any TCP connection to the target.
 *
 * Names are resolved once, here, and the gateway connects to the address that was checked
 * (ResolvedTarget.address), so DNS cannot answer differently between the check and the connect.
 *
 * The directory learns advertised brokers and topic ids by asking the cluster itself
 * (metadata-client.ts): a one-shot connection that sends ApiVersions, negotiates versions, then
 * Metadata for all topics (topics: null), whose answer carries each topic's id for Produce v13
 * (KIP-516). --allow-hosts patterns are parsed and matched in host-patterns.ts.
 */
import { lookup as dnsLookup } from "node:dns/promises";
import { isIP } from "node:net";
import { type MetadataResponse, ZERO_UUID } from "@tributary/protocol";
import type { HostPort } from "./config.js";
import { HostFilter, ipFamily, labelOf } from "./host-patterns.js";
import type { Logger } from "./log.js";
import { fetchMetadata } from "./metadata-client.js";
import type { Metrics } from "./metrics.js";
import type { Target } from "./target.js";
import { reportUpstreamFailure, UpstreamError, type UpstreamSettings } from "./upstream.js";

export interface ResolvedTarget {
  /** host:port as the client named it, IPv6 in brackets; for logs and close reasons. */
  label: string;
  host: string;
  port: number;
  /** The IP literal to connect to: the address that passed the checks. */
  address: string;
  family: 4 | 6;
}

/** A target the gateway will not connect to; the message is safe to send to the client. */
export class TargetRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = "TargetRefused";
  }
}

export type Lookup = (host: string) => Promise<{ address: string; family: 4 | 6 }[]>;

export interface BrokerDirectoryOptions {
  bootstrap: HostPort[];
  allowHosts: string[];
  metadataRefreshMs: number;
  connectTimeoutMs: number;
  log: Logger;
  lookup?: Lookup;
  /** TLS and the gateway's own SASL for the Metadata connections; default plain TCP. */
  upstream?: UpstreamSettings;
  /** Counts the Metadata connections' TLS and SASL failures, as a session's are counted. */
  metrics?: Metrics;
}

/** How long a bootstrap broker that failed is passed over by round robin. */
const RECENT_FAILURE_MS = 10_000;
/** A topic-id miss refreshes Metadata at most this often. */
const MISS_REFRESH_MS = 1000;

export class BrokerDirectory {
  readonly #bootstrap: HostPort[];
  readonly #filter: HostFilter;
  readonly #refreshMs: number;
  readonly #connectTimeoutMs: number;
  readonly #log: Logger;
  readonly #lookup: Lookup;

  #advertised = new Map<string, HostPort>();
  #topicNames = new Map<string, string>();
  readonly #failedAt = new Map<string, number>();
  #nextBootstrap = 0;
  #refreshing: Promise<void> | undefined;
  #missRefresh: Promise<void> | undefined;
  #lastRefreshStart = Number.NEGATIVE_INFINITY;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #stopped = false;
  readonly #upstream: UpstreamSettings;
  readonly #metrics: Metrics | undefined;
  /** Aborted by stop(): cuts Metadata connections under way. */
  #abort = new AbortController();

  constructor(options: BrokerDirectoryOptions) {
    this.#bootstrap = options.bootstrap.map((b) => ({ host: normaliseHost(b.host), port: b.port }));
    this.#filter = new HostFilter(options.allowHosts);
    this.#refreshMs = options.metadataRefreshMs;
    this.#connectTimeoutMs = options.connectTimeoutMs;
    this.#upstream = options.upstream ?? { tls: undefined, sasl: undefined };
    this.#metrics = options.metrics;
    this.#log = options.log;
    this.#lookup = options.lookup ?? defaultLookup;
  }

  /** First Metadata fetch; never rejects (a failure is logged and retried on the timer). */
  async start(): Promise<void> {
    this.#stopped = false;
    if (this.#abort.signal.aborted) this.#abort = new AbortController();
    await this.#refresh();
    this.#schedule();
  }

  stop(): void {
    this.#stopped = true;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#abort.abort(new Error("the broker directory stopped"));
  }

  /** Bootstrap brokers and the brokers the cluster advertises, without duplicates. */
  allowed(): HostPort[] {
    const all = new Map<string, HostPort>();
    for (const b of this.#bootstrap) all.set(keyOf(b), b);
    for (const [key, b] of this.#advertised) all.set(key, b);
    return [...all.values()];
  }

  /**
   * The address to connect to for a client's target, or TargetRefused. `/kafka` picks the next
   * bootstrap broker (round robin, passing over ones that failed recently).
   */
  async resolve(target: Target): Promise<ResolvedTarget> {
    if (target.kind === "bootstrap") return this.#resolveBootstrap();
    const wanted = { host: normaliseHost(target.host), port: target.port };
    if (!this.#isKnown(wanted)) {
      // A broker may have joined since the last refresh; ask at most once a second.
      await this.#refreshIfStale();
      if (!this.#isKnown(wanted)) {
        throw new TargetRefused(
          `broker ${labelOf(wanted)} is not one of this gateway's Kafka brokers`,
        );
      }
    }
    return this.#check(wanted);
  }

  /** Tells the directory a connection to this target failed, so round robin passes it over. */
  markFailed(target: Pick<ResolvedTarget, "host" | "port">): void {
    this.#failedAt.set(keyOf({ host: normaliseHost(target.host), port: target.port }), Date.now());
  }

  /** The topic name for a Produce v13 topic id; a miss refreshes Metadata at most once a second. */
  async topicNameForId(id: string): Promise<string | undefined> {
    const known = this.#topicNames.get(id);
    if (known !== undefined || id === ZERO_UUID) return known;
    await this.#refreshIfStale();
    return this.#topicNames.get(id);
  }

  async #resolveBootstrap(): Promise<ResolvedTarget> {
    const n = this.#bootstrap.length;
    const start = this.#nextBootstrap;
    this.#nextBootstrap = (start + 1) % n;
    const now = Date.now();
    // Round-robin order from `start`, brokers that failed recently last (oldest failure first).
    const order = Array.from({ length: n }, (_, i) => this.#bootstrap[(start + i) % n]!);
    const failedAt = (b: HostPort) => this.#failedAt.get(keyOf(b)) ?? Number.NEGATIVE_INFINITY;
    const fresh = order.filter((b) => now - failedAt(b) >= RECENT_FAILURE_MS);
    const stale = order
      .filter((b) => now - failedAt(b) < RECENT_FAILURE_MS)
      .sort((a, b) => failedAt(a) - failedAt(b));
    let lastRefusal: TargetRefused | undefined;
    for (const broker of [...fresh, ...stale]) {
      try {
        return await this.#check(broker);
      } catch (err) {
        if (!(err instanceof TargetRefused)) throw err;
        this.markFailed(broker);
        lastRefusal = err;
      }
    }
    throw lastRefusal ?? new TargetRefused("no bootstrap broker is configured");
  }

  /** --allow-hosts and name resolution for a broker already known to the directory. */
  async #check(broker: HostPort): Promise<ResolvedTarget> {
    const label = labelOf(broker);
    const hostOk = this.#filter.hostMatches(broker.host);
    const literal = ipFamily(broker.host);
    if (literal !== 0) {
      if (!hostOk && !this.#filter.addressMatches(broker.host, literal)) {
        throw new TargetRefused(`broker ${label} is outside --allow-hosts`);
      }
      return { label, host: broker.host, port: broker.port, address: broker.host, family: literal };
    }
    let addresses: { address: string; family: 4 | 6 }[];
    try {
      addresses = await this.#lookup(broker.host);
    } catch (err) {
      const code = (err as { code?: unknown }).code;
      throw new TargetRefused(
        `broker ${label}: cannot resolve ${broker.host}${typeof code === "string" ? ` (${code})` : ""}`,
      );
    }
    const usable = addresses.filter(
      (a) =>
        isIP(a.address) === a.family &&
        (hostOk || this.#filter.addressMatches(a.address, a.family)),
    );
    const chosen = usable[0];
    if (chosen === undefined) {
      throw new TargetRefused(
        addresses.length === 0
          ? `broker ${label}: ${broker.host} resolves to no address`
          : `broker ${label} resolves only to addresses outside --allow-hosts`,
      );
    }
    return {
      label,
      host: broker.host,
      port: broker.port,
      address: chosen.address,
      family: chosen.family,
    };
  }

  #isKnown(broker: HostPort): boolean {
    const key = keyOf(broker);
    return this.#advertised.has(key) || this.#bootstrap.some((b) => keyOf(b) === key);
  }

  #schedule(): void {
    if (this.#stopped) return;
    this.#timer = setTimeout(() => {
      void this.#refresh().finally(() => this.#schedule());
    }, this.#refreshMs);
    // The refresh timer alone must not keep the process alive.
    this.#timer.unref();
  }

  /**
   * A refresh for something the last Metadata did not know (a topic id, a broker). At most one
   * a second, so unknown ids from a client cannot hammer the cluster; but a miss is never
   * answered from stale data: one soon after the last refresh waits for the next slot. (A topic
   * created a moment ago has an id the last refresh could not have seen.) Misses that arrive
   * while one waits share it.
   */
  #refreshIfStale(): Promise<void> {
    if (this.#stopped) return Promise.resolve();
    this.#missRefresh ??= (async () => {
      // A refresh under way may have been sent before the thing we miss existed.
      if (this.#refreshing !== undefined) await this.#refreshing;
      const wait = this.#lastRefreshStart + MISS_REFRESH_MS - Date.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      if (!this.#stopped) await this.#refresh();
    })().finally(() => {
      this.#missRefresh = undefined;
    });
    return this.#missRefresh;
  }

  /** One Metadata round: asks each known broker in turn until one answers. Never rejects. */
  #refresh(): Promise<void> {
    if (this.#refreshing !== undefined) return this.#refreshing;
    this.#lastRefreshStart = Date.now();
    const run = async () => {
      const candidates = [...this.#bootstrap, ...this.#advertised.values()];
      const seen = new Set<string>();
      for (const broker of candidates) {
        if (this.#stopped) return;
        if (seen.has(keyOf(broker))) continue;
        seen.add(keyOf(broker));
        try {
          const metadata = await fetchMetadata(
            broker,
            this.#upstream,
            this.#connectTimeoutMs,
            this.#abort.signal,
          );
          this.#apply(metadata, broker);
          return;
        } catch (err) {
          if (this.#stopped) return;
          this.#log.warn("metadata.error", { broker: labelOf(broker), error: err });
          // A setting to fix (a certificate, the gateway's credentials): said as a session says it.
          if (
            err instanceof UpstreamError &&
            (err.kind === "auth_failed" || err.kind === "tls_failed")
          ) {
            reportUpstreamFailure(this.#log, this.#metrics, err, { during: "metadata" });
          }
        }
      }
    };
    this.#refreshing = run().finally(() => {
      this.#refreshing = undefined;
    });
    return this.#refreshing;
  }

  #apply(metadata: MetadataResponse, from: HostPort): void {
    const advertised = new Map<string, HostPort>();
    for (const b of metadata.brokers) {
      const hp = { host: normaliseHost(b.host), port: b.port };
      advertised.set(keyOf(hp), hp);
    }
    const names = new Map<string, string>();
    for (const t of metadata.topics) {
      if (t.name !== null && t.topicId !== ZERO_UUID) names.set(t.topicId, t.name);
    }
    const changed = [...advertised.keys()].join() !== [...this.#advertised.keys()].join();
    this.#advertised = advertised;
    this.#topicNames = names;
    // Info when the set of brokers changes, debug for the routine refresh.
    this.#log[changed ? "info" : "debug"]("metadata.refresh", {
      from: labelOf(from),
      brokers: [...advertised.values()].map(labelOf),
      topics: names.size,
    });
  }
}

async function defaultLookup(host: string): Promise<{ address: string; family: 4 | 6 }[]> {
  const answers = await dnsLookup(host, { all: true, verbatim: true });
  return answers.map((a) => ({ address: a.address, family: a.family === 6 ? 6 : 4 }));
}

/** Lowercase names; IPv6 in the canonical RFC 5952 form, as target.ts writes it. */
function normaliseHost(host: string): string {
  const bare = host.replace(/^\[(.*)\]$/, "$1");
  if (isIP(bare) === 6) return new URL(`http://[${bare}]/`).hostname.slice(1, -1);
  return bare.toLowerCase();
}

function keyOf(b: HostPort): string {
  return labelOf(b);
}
