// @ts-check
/**
 * The auth cells: every runtime with a TCP transport produces through the broker's SASL
 * and TLS listeners (`npm run kafka -- start --sasl`), and proves that its transport really
 * verifies the certificate and really authenticates by being refused when it should be.
 * Plain JavaScript, shared by the cell (every runtime) and the orchestrator (Node), like
 * record-layout.mjs.
 *
 * A cell's name is `<runtime>/<route>/<codec>`, where the route is the transport and, for an
 * auth cell, its security: `deno/tcp+tls+scram-sha-512/none` produces over TLS with SCRAM-SHA-512.
 */

/** The broker's listeners an auth cell bootstraps from (scripts/kafka/config.mjs). */
export const LISTENERS = /** @type {const} */ ({
  sasl: { protocol: "SASL_PLAINTEXT", env: "KAFKA_SASL_BOOTSTRAP", fallback: "127.0.0.1:9094" },
  ssl: { protocol: "SSL", env: "KAFKA_SSL_BOOTSTRAP", fallback: "127.0.0.1:9095" },
  saslSsl: { protocol: "SASL_SSL", env: "KAFKA_SASL_SSL_BOOTSTRAP", fallback: "127.0.0.1:9096" },
});

/** @typedef {keyof typeof LISTENERS} ListenerName */

/** A user every mechanism knows (scripts/kafka/config.mjs SASL_USERS). */
export const SASL_USER = Object.freeze({ username: "alice", password: "alice-secret" });

/**
 * The password of the wrong-password cell. A canary: the verdict fails the cell if it shows up
 * in any error message.
 */
export const WRONG_PASSWORD = "conformance-wrong-pw-Zq7Lm2";

/** A refusal must settle every receipt well before the cell's deliveryTimeoutMs (20 s). */
export const REFUSED_WITHIN_MS = 5_000;

/**
 * @typedef {object} Refusal what every receipt of a cell that must be refused fails with
 * @property {string} code the receipt's errorCode
 * @property {RegExp} message what its errorMessage must say
 * @property {string} says the same, in words, for a failing verdict
 */

/**
 * @typedef {object} Security
 * @property {ListenerName} listener
 * @property {"PLAIN" | "SCRAM-SHA-256" | "SCRAM-SHA-512" | null} mechanism null: no SASL
 * @property {"right" | "wrong"} password
 * @property {"none" | "broker" | "unrelated"} ca none: no TLS; broker: trust the CA that
 *   signed the broker's certificate; unrelated: trust only a CA made at run time, which did not
 * @property {"all" | "sample" | "refused"} records all: the run's records per cell; sample:
 *   SAMPLE_RECORDS at most (the SASL cells: they prove the handshake, not throughput); refused:
 *   REFUSED_RECORDS at most, none of which may land
 * @property {Refusal | null} refusal null: every record must be delivered and land
 */

/** @type {Refusal} */
const WRONG_PASSWORD_REFUSAL = {
  code: "AUTHENTICATION_FAILED",
  message: /SASL SCRAM-SHA-512/,
  says: "AUTHENTICATION_FAILED naming SASL SCRAM-SHA-512",
};

/** @type {Refusal} */
const UNTRUSTED_CA_REFUSAL = {
  code: "CONNECTION_FAILED",
  message: /over TLS: .*certificate/,
  says: "CONNECTION_FAILED over TLS naming the certificate",
};

/** Every auth cell, by the route suffix its name carries after `tcp+`. */
export const SECURITIES = /** @type {const} */ ({
  plain: sasl("sasl", "PLAIN"),
  "scram-sha-256": sasl("sasl", "SCRAM-SHA-256"),
  "scram-sha-512": sasl("sasl", "SCRAM-SHA-512"),
  tls: {
    listener: "ssl",
    mechanism: null,
    password: "right",
    ca: "broker",
    records: "all",
    refusal: null,
  },
  "tls+plain": sasl("saslSsl", "PLAIN"),
  "tls+scram-sha-256": sasl("saslSsl", "SCRAM-SHA-256"),
  "tls+scram-sha-512": sasl("saslSsl", "SCRAM-SHA-512"),
  "scram-sha-512+wrong-password": {
    listener: "sasl",
    mechanism: "SCRAM-SHA-512",
    password: "wrong",
    ca: "none",
    records: "refused",
    refusal: WRONG_PASSWORD_REFUSAL,
  },
  "tls+untrusted-ca": {
    listener: "ssl",
    mechanism: null,
    password: "right",
    ca: "unrelated",
    records: "refused",
    refusal: UNTRUSTED_CA_REFUSAL,
  },
});

/** @typedef {keyof typeof SECURITIES} SecurityName */

/** @type {SecurityName[]} */
export const SECURITY_NAMES = /** @type {SecurityName[]} */ (Object.keys(SECURITIES));

export const SAMPLE_RECORDS = 1_000;
export const REFUSED_RECORDS = 100;

/**
 * @param {ListenerName} listener
 * @param {"PLAIN" | "SCRAM-SHA-256" | "SCRAM-SHA-512"} mechanism
 * @returns {Security}
 */
function sasl(listener, mechanism) {
  return {
    listener,
    mechanism,
    password: "right",
    ca: listener === "saslSsl" ? "broker" : "none",
    records: "sample",
    refusal: null,
  };
}

/**
 * @param {SecurityName} name
 * @returns {Security}
 */
export function securityOf(name) {
  return SECURITIES[name];
}

/**
 * How many records a cell produces: the run's count, or fewer for the auth cells.
 * @param {SecurityName | undefined} security
 * @param {number} records the run's records per cell
 */
export function recordsFor(security, records) {
  if (security === undefined) return records;
  const kind = SECURITIES[security].records;
  if (kind === "sample") return Math.min(records, SAMPLE_RECORDS);
  if (kind === "refused") return Math.min(records, REFUSED_RECORDS);
  return records;
}

/**
 * How many records of a cell must land: recordsFor, or none for a cell that must be refused.
 * @param {SecurityName | undefined} security
 * @param {number} records
 */
export function landingFor(security, records) {
  if (security !== undefined && SECURITIES[security].refusal !== null) return 0;
  return recordsFor(security, records);
}

/**
 * The route part of a cell name: "tcp", "websocket", or "tcp+<security>".
 * @param {{ transport: string, security?: SecurityName | undefined }} cell
 */
export function routeOf(cell) {
  return cell.security === undefined ? cell.transport : `${cell.transport}+${cell.security}`;
}

/**
 * `<runtime>/<route>/<codec>`: the cell's name, and the `cell` header of its records.
 * @param {{ runtime: string, transport: string, security?: SecurityName | undefined, codec: string }} cell
 */
export function cellName(cell) {
  return `${cell.runtime}/${routeOf(cell)}/${cell.codec}`;
}
