/**
 * The rules SASL credentials must meet, with no crypto attached: createProducer() checks them
 * (sasl-option.ts) so bad credentials fail at once, and every conversation checks them again
 * (mechanisms.ts). The password is described by its type and length only.
 */
import { describeSecret, invalidArgument, ProducerError, ProducerErrorCode } from "../errors.js";

export type SaslMechanismName = "PLAIN" | "SCRAM-SHA-256" | "SCRAM-SHA-512";

export const SASL_MECHANISMS: readonly SaslMechanismName[] = Object.freeze([
  "PLAIN",
  "SCRAM-SHA-256",
  "SCRAM-SHA-512",
]);

/** Throws INVALID_ARGUMENT naming sasl.mechanism, sasl.username or sasl.password. */
export function checkSaslCredentials(
  mechanism: SaslMechanismName,
  credentials: { username: string; password: string },
): void {
  if (!(SASL_MECHANISMS as readonly unknown[]).includes(mechanism)) {
    throw invalidArgument(
      "sasl.mechanism",
      `must be one of ${SASL_MECHANISMS.join(", ")}`,
      mechanism,
    );
  }
  if (typeof credentials !== "object" || credentials === null) {
    throw invalidArgument("sasl", "must be an object { username, password }", credentials);
  }
  const { username, password } = credentials;
  if (typeof username !== "string" || username === "") {
    throw invalidArgument("sasl.username", "must be a non-empty string", username);
  }
  if (hasLoneSurrogate(username)) {
    throw invalidArgument(
      "sasl.username",
      "must be well-formed Unicode (no lone surrogate)",
      username,
    );
  }
  if (typeof password !== "string" || password === "") {
    // Kafka's own clients refuse an empty password too (PlainSaslServer; an HMAC with an empty
    // key throws in Java), so it is refused here rather than by the broker.
    throw secretError("must be a non-empty string", password);
  }
  if (hasLoneSurrogate(password)) {
    // TextEncoder would turn it into U+FFFD silently, and Java into "?": neither would match.
    throw secretError("must be well-formed Unicode (no lone surrogate)", password);
  }
  if (mechanism === "PLAIN") {
    // RFC 4616 section 2: NUL separates the fields, so neither may contain one.
    if (username.includes("\0")) {
      throw invalidArgument("sasl.username", "must not contain NUL (U+0000) with PLAIN", username);
    }
    if (password.includes("\0"))
      throw secretError("must not contain NUL (U+0000) with PLAIN", password);
  }
}

function secretError(rule: string, password: unknown): ProducerError {
  return new ProducerError(
    ProducerErrorCode.InvalidArgument,
    `sasl.password: ${rule}; received ${describeSecret(password)}`,
  );
}

function hasLoneSurrogate(text: string): boolean {
  return /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(text);
}
