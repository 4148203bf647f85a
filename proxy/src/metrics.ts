/**
 * Gateway counters in the Prometheus text exposition format 0.0.4
 * (https://prometheus.io/docs/instrumenting/exposition_formats/#text-based-format), served on
 * /metrics. Hand-written rather than a client library: seven series, no dependency.
 *
 * Label values come only from closed sets (directions, rejection reasons, upstream error kinds,
 * the API keys Kafka defines), so no client can grow the number of series: an API key Kafka
 * does not define is counted as key="other".
 */
import { apiName, KAFKA_APIS } from "@tributary/protocol";

export type RejectionReason =
  | "unauthorized"
  | "origin"
  | "bad_request"
  | "not_found"
  | "target"
  | "capacity"
  | "shutting_down"
  | "api"
  | "topic"
  | "frame_size"
  | "message_too_big"
  | "text_frame";

/**
 * tls_failed: the broker's certificate or the handshake (a setting to fix, not the network);
 * auth_failed: the broker refused the gateway's own SASL credentials (--upstream-sasl).
 */
export type UpstreamErrorKind =
  | "connect_timeout"
  | "connect_failed"
  | "tls_failed"
  | "auth_failed"
  | "closed";

const REJECTION_REASONS: readonly RejectionReason[] = [
  "unauthorized",
  "origin",
  "bad_request",
  "not_found",
  "target",
  "capacity",
  "shutting_down",
  "api",
  "topic",
  "frame_size",
  "message_too_big",
  "text_frame",
];
const UPSTREAM_KINDS: readonly UpstreamErrorKind[] = [
  "connect_timeout",
  "connect_failed",
  "tls_failed",
  "auth_failed",
  "closed",
];

/** Upper bounds in seconds: from a loopback connect (~0.1 ms) to the 10 s default timeout. */
export const CONNECT_BUCKETS: readonly number[] = [
  0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
];

const PREFIX = "tributary_proxy_";

export class Metrics {
  #sessionsOpen = 0;
  #sessionsTotal = 0;
  readonly #bytes = { to_broker: 0, to_client: 0 };
  readonly #requests = new Map<number | "other", number>();
  readonly #rejections = new Map<RejectionReason, number>(REJECTION_REASONS.map((r) => [r, 0]));
  readonly #upstream = new Map<UpstreamErrorKind, number>(UPSTREAM_KINDS.map((k) => [k, 0]));
  /** Non-cumulative counts per bucket; the last slot is +Inf. */
  readonly #latencyBuckets = new Array<number>(CONNECT_BUCKETS.length + 1).fill(0);
  #latencySum = 0;
  #latencyCount = 0;

  sessionOpened(): void {
    this.#sessionsOpen++;
    this.#sessionsTotal++;
  }

  sessionClosed(): void {
    if (this.#sessionsOpen > 0) this.#sessionsOpen--;
  }

  bytes(direction: "to_broker" | "to_client", n: number): void {
    if (n > 0) this.#bytes[direction] += n;
  }

  /** One request seen from a client, by API key. */
  request(apiKey: number): void {
    const key = KAFKA_APIS.has(apiKey) ? apiKey : "other";
    this.#requests.set(key, (this.#requests.get(key) ?? 0) + 1);
  }

  rejection(reason: RejectionReason): void {
    this.#rejections.set(reason, (this.#rejections.get(reason) ?? 0) + 1);
  }

  upstreamError(kind: UpstreamErrorKind): void {
    this.#upstream.set(kind, (this.#upstream.get(kind) ?? 0) + 1);
  }

  /** Time from starting a broker connection until it is ready to relay (TCP, TLS, SASL), in ms. */
  connectLatency(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) return;
    const seconds = ms / 1000;
    let i = CONNECT_BUCKETS.findIndex((le) => seconds <= le);
    if (i < 0) i = CONNECT_BUCKETS.length;
    this.#latencyBuckets[i]!++;
    this.#latencySum += seconds;
    this.#latencyCount++;
  }

  render(): string {
    const out: string[] = [];
    const family = (name: string, type: string, help: string) => {
      out.push(`# HELP ${PREFIX}${name} ${help}`, `# TYPE ${PREFIX}${name} ${type}`);
    };
    const sample = (name: string, labels: Record<string, string>, value: number) => {
      const pairs = Object.entries(labels).map(([k, v]) => `${k}="${escapeLabel(v)}"`);
      const text = pairs.length > 0 ? `{${pairs.join(",")}}` : "";
      out.push(`${PREFIX}${name}${text} ${formatValue(value)}`);
    };

    family("sessions_open", "gauge", "WebSocket sessions relaying to a broker now.");
    sample("sessions_open", {}, this.#sessionsOpen);
    family("sessions_total", "counter", "WebSocket sessions opened since start.");
    sample("sessions_total", {}, this.#sessionsTotal);

    family("bytes_total", "counter", "Bytes relayed, by direction.");
    sample("bytes_total", { direction: "to_broker" }, this.#bytes.to_broker);
    sample("bytes_total", { direction: "to_client" }, this.#bytes.to_client);

    family("requests_total", "counter", "Kafka requests read from clients, by API.");
    const keys = [...this.#requests.keys()].sort((a, b) =>
      a === "other" ? 1 : b === "other" ? -1 : a - b,
    );
    for (const key of keys) {
      const api = key === "other" ? "unknown" : apiName(key);
      sample("requests_total", { api, key: String(key) }, this.#requests.get(key)!);
    }

    family("rejections_total", "counter", "Requests and connections refused, by reason.");
    for (const [reason, n] of this.#rejections) sample("rejections_total", { reason }, n);

    family("upstream_errors_total", "counter", "Broker connection failures, by kind.");
    for (const [kind, n] of this.#upstream) sample("upstream_errors_total", { kind }, n);

    const h = "upstream_connect_seconds";
    family(
      h,
      "histogram",
      "Time to open a broker connection ready to relay: TCP, then TLS and SASL when configured.",
    );
    let cumulative = 0;
    CONNECT_BUCKETS.forEach((le, i) => {
      cumulative += this.#latencyBuckets[i]!;
      sample(`${h}_bucket`, { le: formatValue(le) }, cumulative);
    });
    sample(`${h}_bucket`, { le: "+Inf" }, this.#latencyCount);
    sample(`${h}_sum`, {}, this.#latencySum);
    sample(`${h}_count`, {}, this.#latencyCount);
    return `${out.join("\n")}\n`;
  }
}

/** The content type Prometheus expects for this format. */
export const METRICS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

function escapeLabel(value: string): string {
  return value.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");
}

function formatValue(n: number): string {
  if (Number.isNaN(n)) return "NaN";
  if (n === Number.POSITIVE_INFINITY) return "+Inf";
  if (n === Number.NEGATIVE_INFINITY) return "-Inf";
  return String(n);
}
