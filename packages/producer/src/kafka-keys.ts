/**
 * Kafka-style option names, so a configuration written for the Java client
 * (https://kafka.apache.org/documentation/#producerconfigs), librdkafka
 * (https://github.com/confluentinc/librdkafka/blob/master/CONFIGURATION.md) or an OpenEdge
 * `SetProducerOption` call (which passes librdkafka's names) ports over by name. Each maps onto
 * one of our own options; values may be strings, as they are in a properties file.
 */

/** The options a Kafka-style key can set (a subset of ProducerOptions' names). */
export type MappedOption =
  | "bootstrap"
  | "clientId"
  | "acks"
  | "idempotent"
  | "lingerMs"
  | "batchBytes"
  | "batchMessages"
  | "maxInFlight"
  | "deliveryTimeoutMs"
  | "requestTimeoutMs"
  | "retryBackoffMs"
  | "retryBackoffMaxMs"
  | "bufferBytes"
  | "maxRequestBytes"
  | "connectTimeoutMs"
  | "metadataMaxAgeMs"
  | "maxBlockMs"
  | "allowAutoTopicCreation"
  | "compression";

export interface KafkaKey {
  readonly option: MappedOption;
  /** The key's value times this is ours (librdkafka counts queue.buffering.max.kbytes in KiB). */
  readonly factor?: number;
}

export const KAFKA_KEYS: { readonly [key: string]: KafkaKey } = {
  "bootstrap.servers": { option: "bootstrap" },
  // librdkafka's original name for bootstrap.servers
  "metadata.broker.list": { option: "bootstrap" },
  "client.id": { option: "clientId" },
  acks: { option: "acks" },
  "request.required.acks": { option: "acks" },
  "enable.idempotence": { option: "idempotent" },
  "linger.ms": { option: "lingerMs" },
  "queue.buffering.max.ms": { option: "lingerMs" },
  "batch.size": { option: "batchBytes" },
  "batch.num.messages": { option: "batchMessages" },
  "max.in.flight.requests.per.connection": { option: "maxInFlight" },
  "max.in.flight": { option: "maxInFlight" },
  "delivery.timeout.ms": { option: "deliveryTimeoutMs" },
  "message.timeout.ms": { option: "deliveryTimeoutMs" },
  "request.timeout.ms": { option: "requestTimeoutMs" },
  "retry.backoff.ms": { option: "retryBackoffMs" },
  "retry.backoff.max.ms": { option: "retryBackoffMaxMs" },
  "buffer.memory": { option: "bufferBytes" },
  "queue.buffering.max.kbytes": { option: "bufferBytes", factor: 1024 },
  "max.request.size": { option: "maxRequestBytes" },
  "message.max.bytes": { option: "maxRequestBytes" },
  "socket.connection.setup.timeout.ms": { option: "connectTimeoutMs" },
  "metadata.max.age.ms": { option: "metadataMaxAgeMs" },
  "max.block.ms": { option: "maxBlockMs" },
  "allow.auto.create.topics": { option: "allowAutoTopicCreation" },
  "compression.type": { option: "compression" },
  "compression.codec": { option: "compression" },
};

const SASL_TOGETHER =
  "is not read: give the mechanism, user and password together as the sasl option ({ mechanism, username, password })";
const TLS_CA = "is not read: pass the CA certificates' PEM text as tls.ca ({ tls: { ca } })";

/**
 * Kafka-style keys that common configurations carry but that have no meaning here. They are
 * refused like any unknown key — a setting is never dropped silently — but with the reason and
 * what to do instead.
 */

export const UNSUPPORTED_KAFKA_KEYS: { readonly [key: string]: string } = {
  "key.serializer":
    "has no equivalent: keys and values are strings (sent as UTF-8) or Uint8Array; serialize before produce()",
  "value.serializer":
    "has no equivalent: keys and values are strings (sent as UTF-8) or Uint8Array; serialize before produce()",
  retries:
    "has no equivalent: retriable errors are retried until deliveryTimeoutMs (delivery.timeout.ms), as Kafka recommends",
  "message.send.max.retries":
    "has no equivalent: retriable errors are retried until deliveryTimeoutMs (delivery.timeout.ms), as Kafka recommends",
  "transactional.id": "is not supported: Tributary has no transactions (idempotence is supported)",
  "partitioner.class": 'is not supported: the partitioner option takes "default" only for now',
  "security.protocol":
    "is not read: SSL is the tls option (true, or { ca, servername }), SASL_PLAINTEXT the sasl option, SASL_SSL both",
  "sasl.mechanism": SASL_TOGETHER,
  "sasl.mechanisms": SASL_TOGETHER,
  "sasl.jaas.config": SASL_TOGETHER,
  "sasl.username": SASL_TOGETHER,
  "sasl.password": SASL_TOGETHER,
  "ssl.ca.location": TLS_CA,
  "ssl.ca.pem": TLS_CA,
  "ssl.truststore.location": TLS_CA,
  "ssl.truststore.certificates": TLS_CA,
  "ssl.endpoint.identification.algorithm":
    "is not read: the broker's certificate is always checked against its host name; tls.servername names another host to check",
  "enable.ssl.certificate.verification":
    "is not read: certificates are always verified; trust a private CA with tls.ca instead",
};

/**
 * The name in `known` closest to a mistyped key, ignoring case and separators (so "lingerMS" and
 * "linger_ms" are exact), within two or three edits. On a tie, a dotted key prefers a dotted
 * answer and any other key prefers one of our camelCase names.
 */
export function nearestName(key: string, known: readonly string[]): string | undefined {
  const wanted = squash(key);
  const dotted = /[._]/.test(key);
  const limit = wanted.length > 12 ? 3 : 2;
  let best: string | undefined;
  let bestScore = Number.POSITIVE_INFINITY;
  for (const name of known) {
    const distance = editDistance(wanted, squash(name));
    if (distance > limit) continue;
    const score = distance * 2 + (name.includes(".") === dotted ? 0 : 1);
    if (score < bestScore) {
      best = name;
      bestScore = score;
    }
  }
  return best;
}

function squash(key: string): string {
  return key.toLowerCase().replace(/[._-]/g, "");
}

/** Levenshtein distance; the keys are short, so the plain two-row version is plenty. */
function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a.charCodeAt(i - 1) === b.charCodeAt(j - 1) ? 0 : 1;
      row.push(Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + cost));
    }
    prev = row;
  }
  return prev[b.length]!;
}
