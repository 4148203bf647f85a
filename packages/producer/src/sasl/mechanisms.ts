import { invalidArgument } from "../errors.js";
import { checkSaslCredentials, type SaslMechanismName } from "./credentials.js";
import { isValidNonce, randomNonce, ScramExchange, saslFailure } from "./scram.js";

/**
 * The SASL mechanisms Tributary speaks, as pure conversations: bytes in, bytes out. The
 * connection carries them in SaslHandshake / SaslAuthenticate (KIP-152); nothing here touches a
 * socket or a Node API, so the same code runs in browsers, Workers, Deno, Bun and Node.
 */
export { SASL_MECHANISMS, type SaslMechanismName } from "./credentials.js";

/** One authentication conversation; a fresh one per connection. */
export interface SaslExchange {
  readonly mechanism: SaslMechanismName;
  /** The client's first message (PLAIN: its only one). */
  start(): Promise<Uint8Array>;
  /**
   * The broker's message in, the client's next message out; `undefined` once the conversation
   * is complete on the client's side (SCRAM: after the server's final message verified).
   */
  next(server: Uint8Array): Promise<Uint8Array | undefined>;
}

/**
 * A new conversation for `mechanism`. Throws INVALID_ARGUMENT for an unknown mechanism, an empty
 * username, a password that is not a non-empty string, or a bad test nonce; the password is
 * described by its type and length only.
 */
export function createSaslExchange(
  mechanism: SaslMechanismName,
  credentials: { username: string; password: string },
  /** For tests: the client nonce (SCRAM); default 24 random bytes base64. */
  nonce?: string,
): SaslExchange {
  checkSaslCredentials(mechanism, credentials);
  const { username, password } = credentials;
  if (mechanism === "PLAIN") return new PlainExchange(username, password);
  if (nonce !== undefined && (typeof nonce !== "string" || !isValidNonce(nonce))) {
    throw invalidArgument(
      "nonce",
      'must be printable ASCII without "," (RFC 5802 section 7)',
      nonce,
    );
  }
  return new ScramExchange(mechanism, username, password, nonce ?? randomNonce());
}

/**
 * SASL PLAIN (RFC 4616): one message, `authzid NUL authcid NUL passwd`, with an empty authzid
 * as Kafka's clients send it. The broker answers with empty bytes when it accepts; a refusal
 * comes as SaslAuthenticate's error code, not in these bytes, so any answer completes it.
 */
class PlainExchange implements SaslExchange {
  readonly mechanism = "PLAIN" as const;
  #message: Uint8Array | undefined;
  #state: "initial" | "sent" | "complete" = "initial";

  constructor(username: string, password: string) {
    this.#message = new TextEncoder().encode(`\0${username}\0${password}`);
  }

  async start(): Promise<Uint8Array> {
    const message = this.#message;
    if (this.#state !== "initial" || message === undefined) {
      throw saslFailure(
        this.mechanism,
        "start() was called twice; an exchange serves one conversation",
      );
    }
    // Handed over, not kept: the exchange holds the password no longer than it needs to.
    this.#message = undefined;
    this.#state = "sent";
    return message;
  }

  async next(_server: Uint8Array): Promise<Uint8Array | undefined> {
    if (this.#state !== "sent") {
      throw saslFailure(
        this.mechanism,
        `next() was called when the conversation ${this.#state === "initial" ? "had not started" : "was already complete"}`,
      );
    }
    this.#state = "complete";
    return undefined;
  }
}
