import {
  ApiKey,
  type ApiVersionsResponse,
  CLIENT_VERSIONS,
  errorName,
  kafkaErrorFromCode,
  type NegotiatedVersions,
  negotiateVersions,
} from "@tributary/protocol";
import { ProducerError, ProducerErrorCode } from "./errors.js";

/**
 * Version negotiation, the first exchange on every connection
 * (https://kafka.apache.org/protocol#api_versions): ask the broker which versions it speaks,
 * then use per API the highest version both sides know.
 */

/** What ApiVersions v3+ tells the broker about us (KIP-511); it shows up in broker metrics. */
export const DEFAULT_CLIENT_SOFTWARE_NAME = "tributary";
export const DEFAULT_CLIENT_SOFTWARE_VERSION = "0.1.0";

const UNSUPPORTED_VERSION = 35;

/** The one request negotiation needs: an ApiVersions request at an explicit version. */
export type ApiVersionsCall = (
  version: number,
  body: { clientSoftwareName: string; clientSoftwareVersion: string },
) => Promise<ApiVersionsResponse>;

export interface Negotiated {
  versions: NegotiatedVersions;
  /** The ApiVersions version the broker finally answered (lower than ours after a fallback). */
  apiVersionsVersion: number;
}

/**
 * Sends ApiVersions at the highest version this client speaks. A broker that does not know that
 * version answers UNSUPPORTED_VERSION at v0 and, since Kafka 2.4, lists its own ApiVersions range
 * (KIP-511); we retry once at the highest version in both ranges, or v0 when it lists none, as
 * Kafka's NetworkClient does. Any other error, or a second refusal, fails the connection.
 */
export async function negotiate(
  call: ApiVersionsCall,
  where: string,
  software: { clientSoftwareName: string; clientSoftwareVersion: string },
): Promise<Negotiated> {
  const ours = CLIENT_VERSIONS[ApiKey.ApiVersions];
  let version = ours.max;
  let response = await call(version, software);
  if (response.errorCode === UNSUPPORTED_VERSION && version > ours.min) {
    const offered = response.apiKeys.find((k) => k.apiKey === ApiKey.ApiVersions);
    const retry = offered === undefined ? 0 : Math.min(offered.maxVersion, ours.max);
    // A broker that claims the version it just refused would send us round in circles.
    if (retry < version && retry >= ours.min) {
      version = retry;
      response = await call(version, software);
    }
  }
  if (response.errorCode !== 0) {
    const cause = kafkaErrorFromCode(response.errorCode, { operation: `ApiVersions v${version}` });
    throw new ProducerError(
      ProducerErrorCode.ConnectionFailed,
      `broker ${where} refused ApiVersions v${version} with ${errorName(response.errorCode)}: ` +
        "cannot learn which request versions it speaks",
      { cause, retriable: cause.retriable },
    );
  }
  return { versions: negotiateVersions(response), apiVersionsVersion: version };
}
