import { CLIENT_VERSIONS, type VersionRange } from "@tributary/protocol";

/**
 * The ApiVersions answer of a test broker that speaks exactly the versions the client does, for
 * the in-memory brokers the unit tests talk to (sequence-broker.ts, fake-gateway.ts).
 */
export function everyClientVersion() {
  return {
    errorCode: 0,
    apiKeys: Object.entries(CLIENT_VERSIONS as Record<number, VersionRange>).map(([k, r]) => ({
      apiKey: Number(k),
      minVersion: r.min,
      maxVersion: r.max,
    })),
    throttleTimeMs: 0,
    supportedFeatures: [],
    finalizedFeaturesEpoch: -1n,
    finalizedFeatures: [],
    zkMigrationReady: false,
  };
}
