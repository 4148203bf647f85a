/**
 * One broker connection as the gateway opens it, for a relayed session (session.ts) and for
 * the directory's Metadata (metadata-client.ts) alike: TCP, or TLS with --upstream-tls (the
 * --upstream-tls-ca bundle instead of Node's roots, the broker's host or
 * --upstream-tls-servername as SNI and as the name verified); then, with --upstream-sasl,
 * ApiVersions and the SASL exchange with the gateway's own credentials, before any client byte
 * is relayed. connectTimeoutMs covers all of it.
 *
 * Failures come out as UpstreamError with a kind (the metric label), a message for the log
 * and a shorter reason for the client's close frame. Certificate errors and refused
 * credentials will not go away on a retry, so they say which setting to check.
 */
import { isIP, connect as netConnect, type Socket } from "node:net";
import { checkServerIdentity, type PeerCertificate, connect as tlsConnect } from "node:tls";
import {
  ApiKey,
  ApiVersionsApi,
  type ApiVersionsResponse,
  CLIENT_VERSIONS,
  type NegotiatedVersions,
  negotiateVersions,
} from "@tributary/protocol";
import { BrokerRequests } from "./broker-requests.js";
import type { GatewayConfig } from "./config.js";
import type { Logger } from "./log.js";
import type { Metrics, UpstreamErrorKind } from "./metrics.js";
import { authenticateUpstream, SaslRefused, type UpstreamSasl } from "./upstream-sasl.js";

export const CLIENT_ID = "tributary-proxy";
const CLIENT_SOFTWARE_VERSION = "0.1.0";

/** How the gateway reaches every broker: derived once from the config. */
export interface UpstreamSettings {
  tls: { ca: string | undefined; servername: string | undefined } | undefined;
  sasl: UpstreamSasl | undefined;
}

export function upstreamSettingsOf(config: GatewayConfig): UpstreamSettings {
  const { upstreamSasl, upstreamSaslUsername, upstreamSaslPassword } = config;
  return {
    tls: config.upstreamTls
      ? { ca: config.pem.upstreamCa, servername: config.upstreamTlsServername }
      : undefined,
    sasl:
      upstreamSasl !== undefined &&
      upstreamSaslUsername !== undefined &&
      upstreamSaslPassword !== undefined
        ? {
            mechanism: upstreamSasl,
            username: upstreamSaslUsername,
            password: upstreamSaslPassword,
          }
        : undefined,
  };
}

/** Where to connect: `address` (a checked IP literal) when known, else `host` is resolved. */
export interface UpstreamTarget {
  label: string;
  host: string;
  port: number;
  address?: string;
  family?: 4 | 6;
}

export type UpstreamFailureKind = Exclude<UpstreamErrorKind, "closed">;

export class UpstreamError extends Error {
  readonly kind: UpstreamFailureKind;
  readonly broker: string;
  /** For the client's close frame: short, without the user name. */
  readonly clientReason: string;
  /** Extra log fields: mechanism, user, Kafka's error name and message, TLS code, server name. */
  readonly fields: Readonly<Record<string, unknown>>;

  constructor(
    kind: UpstreamFailureKind,
    broker: string,
    message: string,
    clientReason: string,
    fields: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = "UpstreamError";
    this.kind = kind;
    this.broker = broker;
    this.clientReason = clientReason;
    this.fields = fields;
  }
}

/** A connection ready for requests or for the relay. */
export interface Upstream {
  readonly requests: BrokerRequests;
  /** What the broker speaks, when ApiVersions was asked (always with SASL). */
  readonly versions: NegotiatedVersions | undefined;
  /** KIP-368: the broker ends the authenticated session after this many ms; 0 = never. */
  readonly sessionLifetimeMs: number;
}

export interface ConnectOptions {
  timeoutMs: number;
  /** Ask ApiVersions even without SASL (the metadata client needs the versions). */
  apiVersions?: boolean;
  /** Aborting destroys the socket; the promise then rejects with the abort reason. */
  signal?: AbortSignal;
}

type Phase = "connect" | "tls" | "api_versions" | "sasl";
const PHASE_TEXT: Record<Phase, string> = {
  connect: "waiting for the TCP connection",
  tls: "in the TLS handshake",
  api_versions: "waiting for ApiVersions",
  sasl: "in the SASL exchange",
};

export async function connectUpstream(
  target: UpstreamTarget,
  settings: UpstreamSettings,
  options: ConnectOptions,
): Promise<Upstream> {
  const { timeoutMs, signal } = options;
  signal?.throwIfAborted();
  let phase: Phase = "connect";
  let timedOut = false;
  const socket = openSocket(target, settings, () => {
    phase = "tls";
  });
  const timer = setTimeout(() => {
    timedOut = true;
    socket.destroy();
  }, timeoutMs);
  const onAbort = () => socket.destroy();
  signal?.addEventListener("abort", onAbort, { once: true });
  try {
    await ready(socket, settings.tls !== undefined);
    const requests = new BrokerRequests(socket, CLIENT_ID);
    let versions: NegotiatedVersions | undefined;
    let sessionLifetimeMs = 0;
    if (options.apiVersions === true || settings.sasl !== undefined) {
      phase = "api_versions";
      versions = negotiateVersions(await askApiVersions(requests, timeoutMs));
    }
    if (settings.sasl !== undefined && versions !== undefined) {
      phase = "sasl";
      ({ sessionLifetimeMs } = await authenticateUpstream(
        requests,
        settings.sasl,
        versions,
        timeoutMs,
      ));
    }
    return { requests, versions, sessionLifetimeMs };
  } catch (err) {
    socket.destroy();
    if (signal?.aborted) throw signal.reason;
    if (timedOut) {
      throw new UpstreamError(
        "connect_timeout",
        target.label,
        `broker ${target.label}: no connection ready within ${timeoutMs} ms (stuck ${PHASE_TEXT[phase]})`,
        phase === "connect"
          ? `broker ${target.label} did not accept a connection within ${timeoutMs} ms`
          : `broker ${target.label}: no connection ready within ${timeoutMs} ms (stuck ${PHASE_TEXT[phase]})`,
        { phase },
      );
    }
    throw classify(err, phase, target, settings);
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener("abort", onAbort);
  }
}

/**
 * ApiVersions at our highest version; an older broker answers UNSUPPORTED_VERSION with its own
 * range, and we ask again at the version both speak (KIP-511).
 */
async function askApiVersions(
  requests: BrokerRequests,
  timeoutMs: number,
): Promise<ApiVersionsResponse> {
  const body = { clientSoftwareName: CLIENT_ID, clientSoftwareVersion: CLIENT_SOFTWARE_VERSION };
  let versions = await requests.request(
    ApiVersionsApi,
    CLIENT_VERSIONS[ApiKey.ApiVersions].max,
    body,
    timeoutMs,
  );
  if (versions.errorCode === 35) {
    const retry = negotiateVersions(versions).version(ApiKey.ApiVersions);
    versions = await requests.request(ApiVersionsApi, retry, body, timeoutMs);
  }
  if (versions.errorCode !== 0) {
    throw new Error(`ApiVersions answered error code ${versions.errorCode}`);
  }
  return versions;
}

function openSocket(target: UpstreamTarget, settings: UpstreamSettings, onTcp: () => void): Socket {
  const host = target.address ?? target.host;
  const family = target.family === undefined ? {} : { family: target.family };
  const tls = settings.tls;
  if (tls === undefined) return netConnect({ host, port: target.port, ...family });
  // The name checked in the certificate: the override, else the broker's host as the cluster or
  // the client named it (not the address it resolved to). SNI cannot carry an IP literal
  // (RFC 6066 section 3), so then none is sent and the IP is checked against the IP SANs.
  const verifyName = tls.servername ?? target.host;
  const socket = tlsConnect({
    host,
    port: target.port,
    ...family,
    ...(isIP(verifyName) === 0 ? { servername: verifyName } : {}),
    ...(tls.ca === undefined ? {} : { ca: tls.ca }),
    checkServerIdentity: (_host: string, cert: PeerCertificate) =>
      checkServerIdentity(verifyName, cert),
  });
  socket.once("connect", onTcp);
  return socket;
}

/** Resolves on connect (TCP) or secureConnect (TLS); rejects on error or close before it. */
function ready(socket: Socket, tls: boolean): Promise<void> {
  return new Promise((resolve, reject) => {
    const event = tls ? "secureConnect" : "connect";
    const done = (err?: Error) => {
      socket.off(event, onReady);
      socket.off("error", onError);
      socket.off("close", onClose);
      if (err === undefined) resolve();
      else reject(err);
    };
    const onReady = () => done();
    const onError = (err: Error) => done(err);
    const onClose = () => done(new Error("the connection closed before it was ready"));
    socket.once(event, onReady);
    socket.once("error", onError);
    socket.once("close", onClose);
  });
}

/** Certificate problems Node reports by OpenSSL's verify codes; none goes away on a retry. */
const UNTRUSTED = new Set([
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "UNABLE_TO_GET_ISSUER_CERT",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
  "SELF_SIGNED_CERT_IN_CHAIN",
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "CERT_UNTRUSTED",
  "CERT_SIGNATURE_FAILURE",
]);

function classify(
  err: unknown,
  phase: Phase,
  target: UpstreamTarget,
  settings: UpstreamSettings,
): UpstreamError {
  const broker = target.label;
  const code = (err as { code?: unknown }).code;
  const codeText = typeof code === "string" ? code : undefined;
  const message = err instanceof Error ? err.message : String(err);
  if (phase === "connect") {
    return new UpstreamError(
      "connect_failed",
      broker,
      `broker ${broker} is unreachable: ${codeText ?? message}`,
      `broker ${broker} is unreachable: ${codeText ?? message}`,
      { phase },
    );
  }
  if (phase === "tls") {
    const verifyName = settings.tls?.servername ?? target.host;
    let why: string;
    let hint: string;
    if (codeText !== undefined && UNTRUSTED.has(codeText)) {
      why = "its certificate is not signed by a trusted CA";
      hint = "check --upstream-tls-ca";
    } else if (codeText === "CERT_HAS_EXPIRED" || codeText === "CERT_NOT_YET_VALID") {
      why = `its certificate is ${codeText === "CERT_HAS_EXPIRED" ? "expired" : "not yet valid"}`;
      hint = "renew the broker's certificate";
    } else if (codeText === "ERR_TLS_CERT_ALTNAME_INVALID") {
      why = `its certificate is not valid for ${verifyName}`;
      hint = "check --upstream-tls-servername";
    } else {
      why = "the TLS handshake failed";
      hint = `is port ${target.port} a TLS listener (SSL or SASL_SSL)?`;
    }
    return new UpstreamError(
      "tls_failed",
      broker,
      `TLS to broker ${broker} failed: ${why} (${codeText ?? "no code"}: ${message}); ${hint}`,
      `TLS to broker ${broker} failed: ${why}${codeText === undefined ? "" : ` (${codeText})`}`,
      { phase, code: codeText, servername: verifyName },
    );
  }
  const sasl = settings.sasl;
  if (phase === "sasl" && sasl !== undefined) {
    const refused = err instanceof SaslRefused;
    return new UpstreamError(
      "auth_failed",
      broker,
      `SASL ${sasl.mechanism} as user ${JSON.stringify(sasl.username)} to broker ${broker}: ${message}`,
      !refused
        ? `the gateway's SASL ${sasl.mechanism} authentication to broker ${broker} failed`
        : err.refused === "credentials"
          ? `the gateway's own SASL ${sasl.mechanism} credentials were refused by broker ${broker}`
          : `broker ${broker} refused the gateway's SASL mechanism ${sasl.mechanism}`,
      {
        phase,
        mechanism: sasl.mechanism,
        user: sasl.username,
        kafkaError: refused ? err.kafkaError : undefined,
        kafkaMessage: refused ? err.kafkaMessage : undefined,
      },
    );
  }
  // The protocol's frame splitter recognises a TLS record where a Kafka size prefix should be.
  const hint =
    settings.tls === undefined && /speaks TLS/.test(message) ? "; give --upstream-tls" : "";
  return new UpstreamError(
    "connect_failed",
    broker,
    `broker ${broker}: ${message} (${PHASE_TEXT[phase]})${hint}`,
    `broker ${broker} failed before the session could start`,
    { phase },
  );
}

/**
 * Logs and counts one failure the same way wherever it happened: `upstream.auth_failed`,
 * `upstream.tls_failed` (error: a setting to fix) or `upstream.failed` (warn: the network).
 */
export function reportUpstreamFailure(
  log: Logger,
  metrics: Metrics | undefined,
  err: UpstreamError,
  context: Record<string, unknown>,
): void {
  metrics?.upstreamError(err.kind);
  const fields = {
    ...context,
    broker: err.broker,
    kind: err.kind,
    ...err.fields,
    reason: err.message,
  };
  if (err.kind === "auth_failed") log.error("upstream.auth_failed", fields);
  else if (err.kind === "tls_failed") log.error("upstream.tls_failed", fields);
  else log.warn("upstream.failed", fields);
}
