import { ProducerError, ProducerErrorCode } from "../errors.js";
import type { SaslExchange } from "./mechanisms.js";

/**
 * SASL SCRAM (RFC 5802) with SHA-256 / SHA-512 (RFC 7677), as Kafka speaks it (KIP-84:
 * https://cwiki.apache.org/confluence/display/KAFKA/KIP-84%3A+Support+SASL+SCRAM+mechanisms).
 * Only web-standard APIs (WebCrypto, TextEncoder, atob/btoa), so it runs in browsers, Workers,
 * Deno, Bun and Node alike. Browsers expose `crypto.subtle` in secure contexts only (https or
 * localhost).
 *
 * Secrets: the password, the salted password, the keys and the proof stay inside the exchange;
 * no error message carries any of them (or the messages that carry the proof).
 */

export type ScramMechanismName = "SCRAM-SHA-256" | "SCRAM-SHA-512";

const HASHES: Readonly<Record<ScramMechanismName, { hash: string; bits: number }>> = {
  "SCRAM-SHA-256": { hash: "SHA-256", bits: 256 },
  "SCRAM-SHA-512": { hash: "SHA-512", bits: 512 },
};

/**
 * Kafka's bounds on the iteration count (ScramMechanism.java: 4096 to 16384). The Java client
 * refuses a server that asks for fewer than the minimum; we also refuse more than the maximum,
 * which a Kafka broker never stores, so that a hostile server cannot make PBKDF2 spin for minutes.
 * https://github.com/apache/kafka/blob/trunk/clients/src/main/java/org/apache/kafka/common/security/scram/internals/ScramMechanism.java
 */
export const SCRAM_MIN_ITERATIONS = 4096;
export const SCRAM_MAX_ITERATIONS = 16384;

/** Kafka uses no channel binding: the GS2 header is "n,," and its base64 "biws" (RFC 5802 s7). */
const GS2_HEADER = "n,,";
const CHANNEL_BINDING = btoa(GS2_HEADER);

const utf8 = new TextEncoder();
const strictUtf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

type State = "initial" | "awaiting-server-first" | "awaiting-server-final" | "complete" | "failed";

/** Secrets kept between server-first and server-final: only what verifying the server needs. */
interface Pending {
  readonly saltedPassword: Uint8Array<ArrayBuffer>;
  readonly authMessage: Uint8Array<ArrayBuffer>;
}

export class ScramExchange implements SaslExchange {
  readonly mechanism: ScramMechanismName;
  readonly #username: string;
  // Kept as a string only until server-first arrives; then dropped.
  #password: string | undefined;
  readonly #clientNonce: string;
  #state: State = "initial";
  #clientFirstBare = "";
  #pending: Pending | undefined;

  constructor(mechanism: ScramMechanismName, username: string, password: string, nonce: string) {
    this.mechanism = mechanism;
    this.#username = username;
    this.#password = password;
    this.#clientNonce = nonce;
  }

  async start(): Promise<Uint8Array> {
    if (this.#state !== "initial") throw this.#fail(`start() was called when the ${this.#stage()}`);
    // Fail before sending anything when this runtime cannot compute the proof.
    subtleOf(this.mechanism);
    // RFC 5802 section 7: client-first-message = gs2-header client-first-message-bare.
    this.#clientFirstBare = `n=${saslName(this.#username)},r=${this.#clientNonce}`;
    this.#state = "awaiting-server-first";
    return utf8.encode(GS2_HEADER + this.#clientFirstBare);
  }

  async next(server: Uint8Array): Promise<Uint8Array | undefined> {
    try {
      if (this.#state === "awaiting-server-first") return await this.#onServerFirst(server);
      if (this.#state === "awaiting-server-final") {
        await this.#onServerFinal(server);
        return undefined;
      }
    } catch (error) {
      this.#forget();
      this.#state = "failed";
      throw error;
    }
    throw this.#fail(`next() was called when the ${this.#stage()}`);
  }

  async #onServerFirst(server: Uint8Array): Promise<Uint8Array> {
    const serverFirst = this.#text(server, "server-first");
    const { nonce, salt, iterations } = this.#parseServerFirst(serverFirst);
    const password = this.#password ?? "";
    this.#password = undefined;
    const { hash, bits } = HASHES[this.mechanism];
    const subtle = subtleOf(this.mechanism);
    // Kafka's Java client uses the password's UTF-8 as it is, without SASLprep (RFC 4013), so we
    // do the same: a normalized password would not match the credential the broker stored.
    // https://github.com/apache/kafka/blob/trunk/clients/src/main/java/org/apache/kafka/common/security/scram/internals/ScramFormatter.java
    // (normalize() is a plain UTF-8 encoding).
    const saltedPassword = await pbkdf2(
      subtle,
      hash,
      bits,
      utf8.encode(password),
      salt,
      iterations,
    );
    const clientKey = await hmac(subtle, hash, saltedPassword, utf8.encode("Client Key"));
    const storedKey = new Uint8Array(await subtle.digest(hash, clientKey));
    const withoutProof = `c=${CHANNEL_BINDING},r=${nonce}`;
    const authMessage = utf8.encode(`${this.#clientFirstBare},${serverFirst},${withoutProof}`);
    const clientSignature = await hmac(subtle, hash, storedKey, authMessage);
    const proof = xor(clientKey, clientSignature);
    this.#pending = { saltedPassword, authMessage };
    this.#state = "awaiting-server-final";
    const clientFinal = utf8.encode(`${withoutProof},p=${toBase64(proof)}`);
    clientKey.fill(0);
    storedKey.fill(0);
    proof.fill(0);
    return clientFinal;
  }

  async #onServerFinal(server: Uint8Array): Promise<void> {
    const serverFinal = this.#text(server, "server-final");
    // RFC 5802 section 7: server-final-message = (server-error / verifier) ["," extensions].
    const first = serverFinal.split(",", 1)[0] ?? "";
    if (first.startsWith("e=")) {
      throw this.#fail(`the server refused the authentication with error ${quote(first.slice(2))}`);
    }
    if (!first.startsWith("v=")) {
      throw this.#fail(
        "the server-final message has neither a verifier (v=) nor an error (e=) first (RFC 5802 section 7)",
      );
    }
    const received = fromBase64(first.slice(2));
    if (received === undefined) {
      throw this.#fail("the server signature (v=) is not valid base64");
    }
    const pending = this.#pending;
    if (pending === undefined) throw this.#fail("no server-first message was handled");
    const { hash } = HASHES[this.mechanism];
    const subtle = subtleOf(this.mechanism);
    const serverKey = await hmac(subtle, hash, pending.saltedPassword, utf8.encode("Server Key"));
    const expected = await hmac(subtle, hash, serverKey, pending.authMessage);
    serverKey.fill(0);
    const same = equalBytes(received, expected);
    expected.fill(0);
    this.#forget();
    if (!same) {
      // RFC 5802 section 9: a client must verify the server, or it cannot tell it from an
      // impostor that merely relayed our proof.
      throw this.#fail(
        "the server signature (v=) does not match: the server does not hold our credential, or the messages were altered",
      );
    }
    this.#state = "complete";
  }

  #parseServerFirst(text: string): {
    nonce: string;
    salt: Uint8Array<ArrayBuffer>;
    iterations: number;
  } {
    // RFC 5802 section 7: server-first-message =
    //   [reserved-mext ","] nonce "," salt "," iteration-count ["," extensions]
    const parts = text.split(",");
    if (parts[0]?.startsWith("m=")) {
      throw this.#fail(
        "the server-first message requires an extension (m=) we do not support (RFC 5802 section 5.1)",
      );
    }
    const nonce = attribute(parts[0], "r");
    const saltText = attribute(parts[1], "s");
    const iterationText = attribute(parts[2], "i");
    if (nonce === undefined || saltText === undefined || iterationText === undefined) {
      throw this.#fail(
        "the server-first message is not r=<nonce>,s=<salt>,i=<iterations> (RFC 5802 section 7)",
      );
    }
    if (!nonce.startsWith(this.#clientNonce)) {
      throw this.#fail(
        "the server nonce (r=) does not start with the client nonce (RFC 5802 section 5.1)",
      );
    }
    const salt = fromBase64(saltText);
    if (salt === undefined || salt.length === 0) {
      throw this.#fail("the salt (s=) is not non-empty base64");
    }
    const iterations = /^[1-9][0-9]{0,9}$/.test(iterationText) ? Number(iterationText) : Number.NaN;
    if (!Number.isSafeInteger(iterations)) {
      throw this.#fail(
        `the iteration count (i=) is not a positive integer: ${quote(iterationText)}`,
      );
    }
    if (iterations < SCRAM_MIN_ITERATIONS || iterations > SCRAM_MAX_ITERATIONS) {
      throw this.#fail(
        `the server asks for ${iterations} iterations; Kafka allows ${SCRAM_MIN_ITERATIONS} to ${SCRAM_MAX_ITERATIONS}`,
      );
    }
    return { nonce, salt, iterations };
  }

  #text(bytes: Uint8Array, what: string): string {
    try {
      return strictUtf8.decode(bytes);
    } catch {
      throw this.#fail(`the ${what} message is not valid UTF-8`);
    }
  }

  #stage(): string {
    switch (this.#state) {
      case "initial":
        return "conversation had not started";
      case "awaiting-server-first":
        return "conversation awaited the server-first message";
      case "awaiting-server-final":
        return "conversation awaited the server-final message";
      case "complete":
        return "conversation was already complete";
      case "failed":
        return "conversation had already failed";
    }
  }

  #forget(): void {
    this.#password = undefined;
    this.#pending?.saltedPassword.fill(0);
    this.#pending = undefined;
  }

  #fail(rule: string): ProducerError {
    return saslFailure(this.mechanism, rule);
  }
}

/** The error for a SASL conversation that broke a rule; `rule` must never hold a secret. */
export function saslFailure(mechanism: string, rule: string): ProducerError {
  return new ProducerError(
    ProducerErrorCode.AuthenticationFailed,
    `SASL ${mechanism} authentication failed: ${rule}`,
  );
}

/** RFC 5802 section 5.1: in a saslname, "=" is written "=3D" and "," is written "=2C". */
export function saslName(username: string): string {
  return username.replaceAll("=", "=3D").replaceAll(",", "=2C");
}

/** A nonce as RFC 5802 section 7 allows it: printable ASCII except ",". */
export function isValidNonce(nonce: string): boolean {
  return /^[\x21-\x2b\x2d-\x7e]+$/.test(nonce);
}

/** 24 random bytes (192 bits) in base64: 32 characters, none of them ",". */
export function randomNonce(): string {
  return toBase64(globalThis.crypto.getRandomValues(new Uint8Array(24)));
}

export function toBase64(bytes: Uint8Array): string {
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}

/**
 * Strict base64 (RFC 4648 section 4, padded, canonical as in section 3.5): atob forgives
 * whitespace, missing padding and set padding bits, so the shape is checked first and the
 * result re-encoded. Undefined when `text` is not base64.
 */
export function fromBase64(text: string): Uint8Array<ArrayBuffer> | undefined {
  if (!/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(text))
    return undefined;
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return toBase64(bytes) === text ? bytes : undefined;
}

function attribute(part: string | undefined, name: string): string | undefined {
  return part?.startsWith(`${name}=`) ? part.slice(name.length + 1) : undefined;
}

/** A server-sent text for a message: JSON-quoted and cut short, so it cannot flood a log. */
function quote(text: string): string {
  return JSON.stringify(text.length > 100 ? `${text.slice(0, 100)}...` : text);
}

function subtleOf(mechanism: string): SubtleCrypto {
  const subtle = globalThis.crypto?.subtle;
  if (subtle === undefined) {
    throw saslFailure(
      mechanism,
      "WebCrypto (globalThis.crypto.subtle) is not available here; browsers offer it only on https or localhost pages",
    );
  }
  return subtle;
}

async function pbkdf2(
  subtle: SubtleCrypto,
  hash: string,
  bits: number,
  password: Uint8Array<ArrayBuffer>,
  salt: Uint8Array<ArrayBuffer>,
  iterations: number,
): Promise<Uint8Array<ArrayBuffer>> {
  // RFC 5802 section 2.2: Hi() is PBKDF2 with HMAC-H and an output of H's length.
  const key = await subtle.importKey("raw", password, "PBKDF2", false, ["deriveBits"]);
  password.fill(0);
  return new Uint8Array(
    await subtle.deriveBits({ name: "PBKDF2", hash, salt, iterations }, key, bits),
  );
}

async function hmac(
  subtle: SubtleCrypto,
  hash: string,
  keyBytes: Uint8Array<ArrayBuffer>,
  data: Uint8Array<ArrayBuffer>,
): Promise<Uint8Array<ArrayBuffer>> {
  const key = await subtle.importKey("raw", keyBytes, { name: "HMAC", hash }, false, ["sign"]);
  return new Uint8Array(await subtle.sign("HMAC", key, data));
}

function xor(a: Uint8Array, b: Uint8Array): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = (a[i] ?? 0) ^ (b[i] ?? 0);
  return out;
}

/** Compares every byte whatever the first difference, so timing tells nothing about where. */
function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= (a[i] ?? 0) ^ (b[i] ?? 0);
  return diff === 0;
}
