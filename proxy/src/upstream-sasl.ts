/**
 * The gateway authenticating its own broker connection: SaslHandshake v1 names the mechanism,
 * then the mechanism's messages travel in SaslAuthenticate requests until it is done (KIP-152,
 * https://kafka.apache.org/protocol#sasl_handshake). The conversations themselves (PLAIN,
 * SCRAM-SHA-256/512) are the producer's, pure and shared: @tributary/producer/sasl.
 *
 * Messages name the mechanism, the user and what Kafka said, never the password.
 */

import { createSaslExchange, type SaslMechanismName } from "@tributary/producer/sasl";
import {
  ApiKey,
  errorName,
  type NegotiatedVersions,
  SaslAuthenticateApi,
  SaslHandshakeApi,
} from "@tributary/protocol";
import type { BrokerRequests } from "./broker-requests.js";

export interface UpstreamSasl {
  mechanism: SaslMechanismName;
  username: string;
  password: string;
}

/** A refusal, with Kafka's own error name and message where the broker gave them. */
export class SaslRefused extends Error {
  /** What was refused: the mechanism (SaslHandshake) or the credentials (SaslAuthenticate). */
  readonly refused: "mechanism" | "credentials";
  readonly kafkaError: string | undefined;
  readonly kafkaMessage: string | undefined;

  constructor(
    refused: "mechanism" | "credentials",
    message: string,
    kafkaError?: string,
    kafkaMessage?: string,
  ) {
    super(message);
    this.name = "SaslRefused";
    this.refused = refused;
    this.kafkaError = kafkaError;
    this.kafkaMessage = kafkaMessage;
  }
}

/** PLAIN takes one round, SCRAM two; anything longer is a broker we do not understand. */
const MAX_ROUNDS = 4;

/**
 * Runs the whole exchange on `requests`. Resolves with the session lifetime the broker gave
 * (KIP-368, SaslAuthenticate v1+; 0 when it asks for no re-authentication). Rejects with
 * SaslRefused when the broker or the mechanism says no; other errors (a closed socket, a
 * timeout) pass through as they are.
 */
export async function authenticateUpstream(
  requests: BrokerRequests,
  sasl: UpstreamSasl,
  versions: NegotiatedVersions,
  timeoutMs: number,
): Promise<{ sessionLifetimeMs: number }> {
  const handshakeVersion = versions.supports(ApiKey.SaslHandshake)
    ? versions.version(ApiKey.SaslHandshake)
    : -1;
  // v0 sends the mechanism's bytes raw, outside Kafka framing; only v1 carries them in
  // SaslAuthenticate requests, which is all the gateway speaks (KIP-152, Kafka 1.0+).
  if (handshakeVersion < 1 || !versions.supports(ApiKey.SaslAuthenticate)) {
    throw new SaslRefused(
      "mechanism",
      "the broker does not offer SaslHandshake v1 and SaslAuthenticate (KIP-152): is this a SASL listener of Kafka 1.0 or later?",
    );
  }
  const hs = await requests.request(SaslHandshakeApi, 1, { mechanism: sasl.mechanism }, timeoutMs);
  if (hs.errorCode !== 0) {
    const offered =
      hs.mechanisms.length > 0
        ? `this listener offers ${hs.mechanisms.join(", ")}`
        : "this listener offers none: is it a SASL listener (SASL_PLAINTEXT or SASL_SSL)?";
    throw new SaslRefused(
      "mechanism",
      `the broker refused the mechanism (${errorName(hs.errorCode)}); ${offered}`,
      errorName(hs.errorCode),
    );
  }
  const authVersion = versions.version(ApiKey.SaslAuthenticate);
  const exchange = createSaslExchange(sasl.mechanism, {
    username: sasl.username,
    password: sasl.password,
  });
  let lifetime = 0n;
  let out: Uint8Array | undefined = await exchange.start();
  for (let round = 0; out !== undefined; round++) {
    if (round === MAX_ROUNDS) {
      throw new SaslRefused("credentials", `no outcome after ${MAX_ROUNDS} rounds`);
    }
    const res = await requests.request(
      SaslAuthenticateApi,
      authVersion,
      { authBytes: out },
      timeoutMs,
    );
    if (res.errorCode !== 0) {
      const name = errorName(res.errorCode);
      const said = res.errorMessage ?? undefined;
      throw new SaslRefused(
        "credentials",
        `the broker refused the credentials (${name})${said === undefined ? "" : `: ${said}`}`,
        name,
        said,
      );
    }
    lifetime = res.sessionLifetimeMs;
    try {
      out = await exchange.next(res.authBytes);
    } catch (err) {
      // The mechanism's own refusal: a SCRAM server signature that does not match, say.
      throw new SaslRefused("credentials", err instanceof Error ? err.message : String(err));
    }
  }
  return { sessionLifetimeMs: lifetime > BigInt(Number.MAX_SAFE_INTEGER) ? 0 : Number(lifetime) };
}
