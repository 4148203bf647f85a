import type { VersionRange } from "./api-keys.js";
import { apiName, CLIENT_VERSIONS } from "./api-keys.js";
import { TributaryError } from "./errors.js";
import type { ApiVersionsResponse, ApiVersionsResponseKey } from "./messages/api-versions.js";

/**
 * Version negotiation: per API, the highest version both this client and the broker speak
 * (https://kafka.apache.org/protocol#api_versions). The broker's ranges come from its
 * ApiVersions response; ours from CLIENT_VERSIONS.
 */

/** No version of an API that both sides speak; names the API and both ranges. */
export class UnsupportedVersionError extends TributaryError {
  readonly apiKey: number;
  readonly apiName: string;
  readonly clientVersions: VersionRange;
  /** null when the broker does not offer the API at all. */
  readonly brokerVersions: VersionRange | null;

  constructor(apiKey: number, client: VersionRange, broker: VersionRange | null) {
    const name = apiName(apiKey);
    const ours = `this client speaks ${name} v${client.min}-v${client.max}`;
    const theirs =
      broker === null
        ? "the broker does not offer it"
        : `the broker speaks v${broker.min}-v${broker.max}`;
    super(
      "UNSUPPORTED_VERSION",
      `No common version of ${name} (key ${apiKey}): ${ours}, ${theirs}`,
    );
    this.apiKey = apiKey;
    this.apiName = name;
    this.clientVersions = client;
    this.brokerVersions = broker;
  }
}

/** The highest version in both ranges, or null if they do not overlap. */
export function highestCommonVersion(client: VersionRange, broker: VersionRange): number | null {
  const max = Math.min(client.max, broker.max);
  return max >= Math.max(client.min, broker.min) ? max : null;
}

/**
 * Picks the version to use for one API. Throws UnsupportedVersionError when the broker does not
 * offer the API or the ranges do not overlap.
 */
export function negotiateVersion(
  apiKey: number,
  broker: readonly ApiVersionsResponseKey[],
  client: VersionRange | undefined = (CLIENT_VERSIONS as Record<number, VersionRange>)[apiKey],
): number {
  if (client === undefined) {
    throw new TributaryError(
      "INVALID_ARGUMENT",
      `No client version range for ${apiName(apiKey)} (key ${apiKey}); pass one`,
    );
  }
  const offered = broker.find((k) => k.apiKey === apiKey);
  const range = offered === undefined ? null : { min: offered.minVersion, max: offered.maxVersion };
  const version = range === null ? null : highestCommonVersion(client, range);
  if (version === null) throw new UnsupportedVersionError(apiKey, client, range);
  return version;
}

/**
 * The outcome of negotiating every API the client speaks against one broker. Lookups of an API
 * without a common version throw, so a connection that never needs (say) SASL is not refused
 * for lacking it.
 *
 * When the broker answered UNSUPPORTED_VERSION (35) to our ApiVersions request, its apiKeys list
 * holds just its ApiVersions range: `version(ApiKey.ApiVersions)` is then the version to retry
 * with (KIP-511).
 */
export class NegotiatedVersions {
  readonly #chosen = new Map<number, number>();
  readonly #failures = new Map<number, UnsupportedVersionError>();

  constructor(
    response: Pick<ApiVersionsResponse, "apiKeys">,
    client: Readonly<Record<number, VersionRange>> = CLIENT_VERSIONS,
  ) {
    for (const [key, range] of Object.entries(client)) {
      const apiKey = Number(key);
      try {
        this.#chosen.set(apiKey, negotiateVersion(apiKey, response.apiKeys, range));
      } catch (error) {
        if (!(error instanceof UnsupportedVersionError)) throw error;
        this.#failures.set(apiKey, error);
      }
    }
  }

  /** The version to send for this API; throws UnsupportedVersionError if there is none. */
  version(apiKey: number): number {
    const v = this.#chosen.get(apiKey);
    if (v !== undefined) return v;
    const failure = this.#failures.get(apiKey);
    if (failure !== undefined) throw failure;
    throw new TributaryError(
      "INVALID_ARGUMENT",
      `${apiName(apiKey)} (key ${apiKey}) was not negotiated: it has no client version range`,
    );
  }

  /** Whether the API has a version both sides speak. */
  supports(apiKey: number): boolean {
    return this.#chosen.has(apiKey);
  }

  /** The chosen version per API key, for logs and the demo console. */
  entries(): [apiKey: number, version: number][] {
    return [...this.#chosen.entries()];
  }
}

/** Negotiates every API in CLIENT_VERSIONS (or the given ranges) against a broker's answer. */
export function negotiateVersions(
  response: Pick<ApiVersionsResponse, "apiKeys">,
  client?: Readonly<Record<number, VersionRange>>,
): NegotiatedVersions {
  return new NegotiatedVersions(response, client);
}
