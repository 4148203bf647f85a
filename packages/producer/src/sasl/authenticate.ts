/**
 * SASL authentication of one connection, run by Connection.open after version negotiation and
 * before the connection is handed out: SaslHandshake v1 names the mechanism, then the
 * mechanism's messages travel in SaslAuthenticate requests (KIP-152), until the mechanism is
 * done. https://kafka.apache.org/protocol#sasl_handshake
 *
 * Failures are AUTHENTICATION_FAILED, not retriable: the same credentials will be refused again,
 * so records waiting for this cluster fail at once instead of waiting out maxBlockMs (Java's
 * producer treats SaslAuthenticationException as fatal the same way). Messages name the broker,
 * the mechanism and the user, never the password.
 */
import { errorName, SaslAuthenticateApi, SaslHandshakeApi } from "@tributary/protocol";
import type { Connection } from "../connection.js";
import { ProducerError, ProducerErrorCode } from "../errors.js";
import { createSaslExchange } from "./mechanisms.js";
import type { ResolvedSasl, SaslAuthenticatorFactory } from "./sasl-option.js";

/** PLAIN takes one round, SCRAM two; anything longer is a broker we do not understand. */
const MAX_ROUNDS = 4;

export const saslAuthenticator: SaslAuthenticatorFactory = (sasl: ResolvedSasl, where: string) => {
  const who = `SASL ${sasl.mechanism} as user ${JSON.stringify(sasl.username)} to ${where}`;
  const failed = (why: string, kafkaCode?: number) =>
    new ProducerError(ProducerErrorCode.AuthenticationFailed, `${who}: ${why}`, {
      retriable: false,
      ...(kafkaCode === undefined ? {} : { kafkaCode }),
    });

  return async (conn: Connection): Promise<void> => {
    const hs = await conn.request(SaslHandshakeApi, { mechanism: sasl.mechanism }, { version: 1 });
    if (hs.errorCode !== 0) {
      const offered = hs.mechanisms.length > 0 ? hs.mechanisms.join(", ") : "none";
      throw failed(
        `the broker refused the mechanism (${errorName(hs.errorCode)}); this listener offers ${offered}`,
        hs.errorCode,
      );
    }
    const exchange = createSaslExchange(sasl.mechanism, {
      username: sasl.username,
      password: sasl.password(),
    });
    let out: Uint8Array | undefined = await exchange.start();
    for (let round = 0; out !== undefined; round++) {
      if (round === MAX_ROUNDS) throw failed(`no outcome after ${MAX_ROUNDS} rounds`);
      const res = await conn.request(SaslAuthenticateApi, { authBytes: out });
      if (res.errorCode !== 0) {
        const said = res.errorMessage === null ? "" : `: ${res.errorMessage}`;
        throw failed(
          `the broker refused the credentials (${errorName(res.errorCode)})${said}`,
          res.errorCode,
        );
      }
      try {
        out = await exchange.next(res.authBytes);
      } catch (err) {
        // The mechanism's own refusal (a server signature that does not match, say): add where.
        if (err instanceof ProducerError) throw failed(err.message);
        throw err;
      }
    }
  };
};
