/**
 * The directory's view of the cluster, asked of the cluster itself: a one-shot connection
 * (upstream.ts: TCP or TLS, and the gateway's own SASL when configured) that negotiates versions
 * with ApiVersions, then asks Metadata for all topics (topics: null), whose answer carries each
 * topic's id for Produce v13 (KIP-516).
 */
import { ApiKey, MetadataApi, type MetadataResponse } from "@tributary/protocol";
import type { HostPort } from "./config.js";
import { labelOf } from "./host-patterns.js";
import { connectUpstream, type UpstreamSettings } from "./upstream.js";

/** One-shot: connect (and authenticate), ApiVersions, Metadata (all topics), close. */
export async function fetchMetadata(
  broker: HostPort,
  settings: UpstreamSettings,
  connectTimeoutMs: number,
  signal?: AbortSignal,
): Promise<MetadataResponse> {
  const upstream = await connectUpstream(
    { label: labelOf(broker), host: broker.host, port: broker.port },
    settings,
    { timeoutMs: connectTimeoutMs, apiVersions: true, ...(signal ? { signal } : {}) },
  );
  const socket = upstream.requests.socket;
  const onAbort = () => socket.destroy();
  signal?.addEventListener("abort", onAbort, { once: true });
  try {
    const version = upstream.versions!.version(ApiKey.Metadata);
    const metadata = await upstream.requests.request(MetadataApi, version, {
      topics: null,
      allowAutoTopicCreation: false,
    });
    if (metadata.errorCode !== 0)
      throw new Error(`Metadata answered error code ${metadata.errorCode}`);
    return metadata;
  } finally {
    signal?.removeEventListener("abort", onAbort);
    socket.destroy();
  }
}
