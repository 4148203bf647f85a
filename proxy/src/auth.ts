/**
 * Who is connecting, decided before the WebSocket upgrade completes (ws: authenticate in the
 * `upgrade` handler, before handleUpgrade), so a refused client costs no broker connection.
 *
 * Where the token travels. Browsers cannot set headers on a WebSocket, but they can offer
 * subprotocols, so a browser offers `tributary.v1` plus `bearer.<token>` in Sec-WebSocket-Protocol
 * (RFC 6455 §4.1); the gateway answers with `tributary.v1` only, never echoing the token.
 * Non-browser clients may send `Authorization: Bearer <token>` instead (RFC 6750 §2.1).
 *
 * What a token can be:
 * - a static token from --token, compared in constant time: both sides are hashed with SHA-256
 *   and compared with timingSafeEqual, so neither the length nor the first differing byte of a
 *   configured token leaks through timing; every configured token is compared, no early exit;
 * - an HS256 JWT signed with --jwt-secret (jose), with `exp` required and `exp`, `nbf` and `aud`
 *   checked, and an optional `topics` claim (an array of topic globs) that narrows the
 *   gateway's topic allowlist for this client.
 *
 * A principal's id goes into logs and per-client connection caps, so it never holds the token:
 * "token:" + 12 hex digits of its SHA-256, "jwt:" + the `sub` claim (or that hash), or
 * "ip:<address>" with --no-auth.
 */
import { createHash, timingSafeEqual } from "node:crypto";
import type { IncomingMessage } from "node:http";
import { errors as joseErrors, jwtVerify } from "jose";
import type { GatewayConfig } from "./config.js";

export const SUBPROTOCOL = "tributary.v1";
const BEARER_PREFIX = "bearer.";
const JWT_ALGORITHMS = ["HS256"];
// A `sub` goes into logs as is only when it is short, printable ASCII; else the hash stands in.
const SAFE_SUB = /^[\x21-\x7e]{1,64}$/;

export interface Principal {
  id: string;
  topics: string[] | undefined;
}

export type AuthResult =
  | { ok: true; principal: Principal }
  | { ok: false; status: 400 | 401; reason: string };

/** The subprotocols a client offered, in order (the header may be repeated or comma-joined). */
export function offeredSubprotocols(req: IncomingMessage): string[] {
  const header = req.headers["sec-websocket-protocol"];
  if (header === undefined) return [];
  const text = Array.isArray(header) ? header.join(",") : header;
  return text
    .split(",")
    .map((p) => p.trim())
    .filter((p) => p !== "");
}

export class Authenticator {
  readonly #tokenDigests: Buffer[];
  readonly #jwtKey: Uint8Array | undefined;
  readonly #audience: string;
  readonly #noAuth: boolean;

  constructor(config: Pick<GatewayConfig, "tokens" | "jwtSecret" | "jwtAudience" | "noAuth">) {
    this.#tokenDigests = config.tokens.map(sha256);
    this.#jwtKey =
      config.jwtSecret === undefined ? undefined : new TextEncoder().encode(config.jwtSecret);
    this.#audience = config.jwtAudience;
    this.#noAuth = config.noAuth;
  }

  async authenticate(req: IncomingMessage): Promise<AuthResult> {
    const offered = offeredSubprotocols(req);
    if (offered.length > 0 && !offered.includes(SUBPROTOCOL)) {
      return refuse(400, `subprotocol ${SUBPROTOCOL} was not offered`);
    }
    if (this.#noAuth) {
      return {
        ok: true,
        principal: { id: `ip:${req.socket.remoteAddress ?? "unknown"}`, topics: undefined },
      };
    }

    const fromProtocol = offered.filter((p) => p.startsWith(BEARER_PREFIX));
    if (fromProtocol.length > 1)
      return refuse(400, "more than one bearer.<token> subprotocol offered");
    const fromHeader = bearerFromAuthorization(req.headers.authorization);
    if (fromHeader === null) return refuse(401, "Authorization header is not 'Bearer <token>'");
    if (fromProtocol.length > 0 && fromHeader !== undefined) {
      return refuse(
        400,
        "send the token once: in Sec-WebSocket-Protocol or in Authorization, not both",
      );
    }
    const token =
      fromProtocol.length > 0 ? fromProtocol[0]!.slice(BEARER_PREFIX.length) : fromHeader;
    if (token === undefined || token === "") {
      return refuse(
        401,
        "a bearer token is required (subprotocol bearer.<token> or Authorization: Bearer)",
      );
    }

    const digest = sha256(token);
    if (this.#matchesStaticToken(digest)) {
      return {
        ok: true,
        principal: { id: `token:${digest.toString("hex", 0, 6)}`, topics: undefined },
      };
    }
    if (this.#jwtKey !== undefined && token.split(".").length === 3) {
      return this.#verifyJwt(token, digest);
    }
    return refuse(401, "token not accepted");
  }

  /** Compares against every configured token, whatever matches, so timing says nothing. */
  #matchesStaticToken(digest: Buffer): boolean {
    let match = false;
    for (const expected of this.#tokenDigests) {
      if (timingSafeEqual(expected, digest)) match = true;
    }
    return match;
  }

  async #verifyJwt(token: string, digest: Buffer): Promise<AuthResult> {
    let payload: Record<string, unknown>;
    try {
      ({ payload } = await jwtVerify(token, this.#jwtKey!, {
        algorithms: JWT_ALGORITHMS,
        audience: this.#audience,
        requiredClaims: ["exp"],
      }));
    } catch (err) {
      return refuse(401, jwtFailure(err));
    }
    const topics = payload.topics;
    if (
      topics !== undefined &&
      !(Array.isArray(topics) && topics.every((t) => typeof t === "string"))
    ) {
      return refuse(401, "JWT claim topics must be an array of strings");
    }
    const sub = payload.sub;
    const id =
      typeof sub === "string" && SAFE_SUB.test(sub)
        ? `jwt:${sub}`
        : `jwt:${digest.toString("hex", 0, 6)}`;
    return { ok: true, principal: { id, topics: topics as string[] | undefined } };
  }
}

/** undefined: no header; null: a header that is not a Bearer credential. */
function bearerFromAuthorization(header: string | undefined): string | undefined | null {
  if (header === undefined) return undefined;
  const match = /^Bearer +([^\s]+) *$/i.exec(header);
  return match === null ? null : match[1];
}

/** A reason for a refused JWT that says what failed, never the token or its claims' values. */
function jwtFailure(err: unknown): string {
  if (err instanceof joseErrors.JWTExpired) return "JWT has expired (exp)";
  if (err instanceof joseErrors.JWTClaimValidationFailed) {
    if (err.claim === "nbf") return "JWT is not valid yet (nbf)";
    if (err.claim === "aud") return "JWT audience (aud) does not match";
    return `JWT claim ${err.claim} is missing or invalid`;
  }
  if (err instanceof joseErrors.JOSEAlgNotAllowed)
    return "JWT algorithm is not allowed (HS256 only)";
  if (err instanceof joseErrors.JWSSignatureVerificationFailed)
    return "JWT signature does not verify";
  return "JWT is malformed";
}

function refuse(status: 400 | 401, reason: string): AuthResult {
  return { ok: false, status, reason };
}

function sha256(text: string): Buffer {
  return createHash("sha256").update(text).digest();
}
