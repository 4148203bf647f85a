/**
 * The `sasl` option: which mechanism, user and password a connection authenticates with after
 * version negotiation (authenticate.ts). Checked once here, by the same rules the mechanisms
 * apply, so bad credentials fail createProducer() rather than the first connection. The
 * password is kept inside a function, as the gateway token is, so printing or serializing the
 * resolved options cannot show it, and every rejection describes it by type and length only.
 */
import type { Connection } from "../connection.js";
import { describeValue, ProducerError, ProducerErrorCode } from "../errors.js";
import { checkSaslCredentials, type SaslMechanismName } from "./credentials.js";

export type { SaslMechanismName };

export interface SaslOptions {
  mechanism: SaslMechanismName;
  username: string;
  password: string;
}

export interface ResolvedSasl {
  readonly mechanism: SaslMechanismName;
  readonly username: string;
  /** The password, behind a call so that it is not a property anyone can print. */
  readonly password: () => string;
}

export function parseSasl(raw: unknown, key: string): ResolvedSasl {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
    throw new ProducerError(
      ProducerErrorCode.InvalidArgument,
      `${key}: must be { mechanism, username, password }; received ${describeValue(raw)}`,
    );
  }
  const { mechanism, username, password } = raw as SaslOptions;
  checkSaslCredentials(mechanism, { username, password });
  return Object.freeze({ mechanism, username, password: () => password });
}

/**
 * Makes the authentication step for connections to `where`. The Node, Deno, Bun and workerd
 * entries supply it (authenticate.ts); the browser entry does not, so a page's bundle carries no
 * SASL code, and a page never holds Kafka credentials: the gateway authenticates instead.
 */
export type SaslAuthenticatorFactory = (
  sasl: ResolvedSasl,
  where: string,
) => (conn: Connection) => Promise<void>;
