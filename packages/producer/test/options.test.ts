import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { ProducerError } from "../src/errors.js";
import { KAFKA_KEYS } from "../src/kafka-keys.js";
import {
  type CompressionCodec,
  nearestKey,
  OPTION_DEFAULTS,
  type ResolvedOptions,
  requireCodec,
  resolveOptions,
} from "../src/options.js";
import { PRESETS } from "../src/presets.js";
import type { TransportConnector } from "../src/transport/transport.js";

const B = "127.0.0.1:9092";

/** Asserts resolveOptions refuses `input` with INVALID_ARGUMENT and exactly `message`. */
function refuses(input: unknown, message: string): void {
  assert.throws(
    () => resolveOptions(input as Record<string, unknown>),
    (e: unknown) => {
      assert.ok(e instanceof ProducerError, `expected a ProducerError, got ${e}`);
      assert.equal(e.code, "INVALID_ARGUMENT");
      assert.equal(e.retriable, false);
      assert.equal(e.message, message);
      return true;
    },
  );
}

function resolve(extra: Record<string, unknown>): ResolvedOptions {
  return resolveOptions({ bootstrap: B, ...extra });
}

const lz4Codec: CompressionCodec = { id: 3, name: "lz4", compress: (data) => data };

describe("resolveOptions: defaults", () => {
  it("fills in the Java 4.x client's defaults (and ours where Java has none)", () => {
    assert.deepEqual(resolveOptions({ bootstrap: B }), {
      brokers: [{ host: "127.0.0.1", port: 9092 }],
      bootstrapUrls: [],
      clientId: "tributary",
      acks: -1,
      idempotent: true,
      lingerMs: 5,
      batchBytes: 16384,
      batchMessages: 10000,
      maxInFlight: 5,
      deliveryTimeoutMs: 120000,
      requestTimeoutMs: 30000,
      retryBackoffMs: 100,
      retryBackoffMaxMs: 1000,
      bufferBytes: 33554432,
      maxRequestBytes: 1048576,
      connectTimeoutMs: 10000,
      metadataMaxAgeMs: 300000,
      maxBlockMs: 60000,
      allowAutoTopicCreation: true,
      flushOnHide: true,
      compression: { name: "none", id: 0, codec: undefined },
      preset: undefined,
      transport: undefined,
      partitioner: "default",
      webSocket: undefined,
      gatewayToken: undefined,
      sasl: undefined,
      tls: undefined,
    });
  });

  it("returns a frozen object", () => {
    assert.ok(Object.isFrozen(resolveOptions({ bootstrap: B })));
  });

  it("treats a key whose value is undefined as not given", () => {
    assert.equal(resolve({ lingerMs: undefined, "linger.ms": undefined }).lingerMs, 5);
  });

  it("refuses anything but an object", () => {
    for (const input of [null, "127.0.0.1:9092", 5, [B]]) {
      const shown =
        input === null ? "null" : Array.isArray(input) ? "an array of 1" : JSON.stringify(input);
      refuses(
        input,
        `options: must be an object such as { bootstrap: "host:9092" }; received ${shown}`,
      );
    }
  });
});

describe("resolveOptions: bootstrap", () => {
  it("is required", () => {
    refuses(
      { lingerMs: 5 },
      'bootstrap: is required: the brokers to start from, such as "127.0.0.1:9092" (Kafka-style: bootstrap.servers); received undefined',
    );
  });

  it("splits a comma-separated string, trims entries and drops repeats", () => {
    const r = resolveOptions({
      bootstrap: " a.example.com:9092, b-1.example.com:9093 ,a.example.com:9092",
    });
    assert.deepEqual(r.brokers, [
      { host: "a.example.com", port: 9092 },
      { host: "b-1.example.com", port: 9093 },
    ]);
  });

  it("takes an array and IPv6 in brackets (resolved without them)", () => {
    const r = resolveOptions({
      bootstrap: ["[::1]:9092", "[fe80::1%eth0]:19092", "10.0.0.7:1", "kafka_1:65535"],
    });
    assert.deepEqual(r.brokers, [
      { host: "::1", port: 9092 },
      { host: "fe80::1%eth0", port: 19092 },
      { host: "10.0.0.7", port: 1 },
      { host: "kafka_1", port: 65535 },
    ]);
    assert.deepEqual(r.bootstrapUrls, []);
  });

  it("keeps ws/wss gateway URLs as they are, each with the gateway's host and port", () => {
    const r = resolveOptions({
      bootstrap: ["ws://gw:8080/kafka", "wss://gw.example.com/kafka?x=1", "ws://[::1]/kafka"],
    });
    assert.deepEqual(r.bootstrapUrls, [
      "ws://gw:8080/kafka",
      "wss://gw.example.com/kafka?x=1",
      "ws://[::1]/kafka",
    ]);
    assert.deepEqual(r.brokers, [
      { host: "gw", port: 8080, url: "ws://gw:8080/kafka" },
      { host: "gw.example.com", port: 443, url: "wss://gw.example.com/kafka?x=1" },
      { host: "::1", port: 80, url: "ws://[::1]/kafka" },
    ]);
  });

  it("refuses host:port brokers and gateway URLs together, naming one of each", () => {
    refuses(
      { bootstrap: ["k1:9092", "ws://gw:8080/kafka"] },
      "bootstrap: must list either host:port brokers or ws:// / wss:// gateway URLs, not both (a gateway reaches the brokers itself): bootstrap[0] is host:port and bootstrap[1] a URL; received an array of 2",
    );
    refuses(
      { "bootstrap.servers": "wss://gw/kafka,k1:9092" },
      'bootstrap.servers: must list either host:port brokers or ws:// / wss:// gateway URLs, not both (a gateway reaches the brokers itself): bootstrap.servers[1] is host:port and bootstrap.servers[0] a URL; received "wss://gw/kafka,k1:9092"',
    );
  });

  it("accepts bootstrap.servers and librdkafka's metadata.broker.list", () => {
    assert.deepEqual(resolveOptions({ "bootstrap.servers": "k1:9092,k2:9092" }).brokers, [
      { host: "k1", port: 9092 },
      { host: "k2", port: 9092 },
    ]);
    assert.deepEqual(resolveOptions({ "metadata.broker.list": "k1:9092" }).brokers, [
      { host: "k1", port: 9092 },
    ]);
  });

  const bad: [unknown, string][] = [
    ["", 'bootstrap: must name at least one broker; received ""'],
    [[], "bootstrap: must name at least one broker; received an array of 0"],
    [
      9092,
      'bootstrap: must be "host:port", several of them comma-separated, an array of them, or ws:// / wss:// URLs; received 9092',
    ],
    ["kafka", 'bootstrap[0]: must be host:port (the port is required); received "kafka"'],
    ["a:1,,b:2", 'bootstrap[1]: must not be empty (a stray comma?); received ""'],
    [["a:1", 7], "bootstrap[1]: must be a string; received 7"],
    ["kafka:0", 'bootstrap[0]: must end with a port from 1 to 65535; received "kafka:0"'],
    ["kafka:65536", 'bootstrap[0]: must end with a port from 1 to 65535; received "kafka:65536"'],
    ["kafka:90a", 'bootstrap[0]: must end with a port from 1 to 65535; received "kafka:90a"'],
    ["kafka:", 'bootstrap[0]: must end with a port from 1 to 65535; received "kafka:"'],
    ["kafka:+1", 'bootstrap[0]: must end with a port from 1 to 65535; received "kafka:+1"'],
    [
      "::1:9092",
      'bootstrap[0]: must put an IPv6 address in brackets, such as [::1]:9092; received "::1:9092"',
    ],
    [
      "[::1]9092",
      'bootstrap[0]: must be [IPv6-address]:port, such as [::1]:9092; received "[::1]9092"',
    ],
    [
      "[::1:9092",
      'bootstrap[0]: must be [IPv6-address]:port, such as [::1]:9092; received "[::1:9092"',
    ],
    [
      "[kafka]:9092",
      'bootstrap[0]: must be [IPv6-address]:port, such as [::1]:9092; received "[kafka]:9092"',
    ],
    [
      "my host:9092",
      `bootstrap[0]: must start with a host name or IP address (letters, digits, '.', '-', '_'); received "my host:9092"`,
    ],
    [
      ":9092",
      `bootstrap[0]: must start with a host name or IP address (letters, digits, '.', '-', '_'); received ":9092"`,
    ],
    [
      "-kafka:9092",
      `bootstrap[0]: must start with a host name or IP address (letters, digits, '.', '-', '_'); received "-kafka:9092"`,
    ],
    [
      "http://gw:8080",
      'bootstrap[0]: must be host:port or a ws:// or wss:// URL; received "http://gw:8080"',
    ],
    [
      "PLAINTEXT://k:9092",
      'bootstrap[0]: must be host:port or a ws:// or wss:// URL; received "PLAINTEXT://k:9092"',
    ],
    ["ws://", 'bootstrap[0]: must be host:port or a ws:// or wss:// URL; received "ws://"'],
    [
      "ws://gw/kafka#x",
      'bootstrap[0]: must not have a #fragment (a WebSocket URL cannot); received "ws://gw/kafka#x"',
    ],
  ];
  for (const [value, message] of bad) {
    it(`refuses ${JSON.stringify(value)}`, () => refuses({ bootstrap: value }, message));
  }

  it("names the Kafka-style key in its errors", () => {
    refuses(
      { "bootstrap.servers": "k1:9092,k2" },
      'bootstrap.servers[1]: must be host:port (the port is required); received "k2"',
    );
  });
});

describe("resolveOptions: single values", () => {
  it("takes every spelling of acks", () => {
    const cases: [unknown, number][] = [
      ["all", -1],
      [-1, -1],
      ["-1", -1],
      [0, 0],
      ["0", 0],
      [1, 1],
      ["1", 1],
    ];
    for (const [acks, want] of cases) assert.equal(resolve({ acks, idempotent: false }).acks, want);
    assert.equal(
      resolveOptions({ "bootstrap.servers": B, "request.required.acks": " ALL " }).acks,
      -1,
    );
    assert.equal(resolveOptions({ "bootstrap.servers": B, "request.required.acks": "1" }).acks, 1);
  });

  it("refuses other acks", () => {
    for (const [acks, shown] of [
      [2, "2"],
      ["2", '"2"'],
      ["ALL", '"ALL"'],
      [true, "true"],
    ] as const) {
      refuses(
        { bootstrap: B, acks },
        `acks: must be "all" (same as -1), 1 or 0; received ${shown}`,
      );
    }
  });

  it("checks clientId: a string, printable, at most 255 characters", () => {
    assert.equal(resolve({ clientId: "x".repeat(255) }).clientId, "x".repeat(255));
    assert.equal(resolve({ "client.id": "" }).clientId, "");
    refuses({ bootstrap: B, clientId: 7 }, "clientId: must be a string; received 7");
    refuses(
      { bootstrap: B, clientId: "x".repeat(256) },
      "clientId: must be at most 255 characters; received a string of 256 characters",
    );
    refuses(
      { bootstrap: B, "client.id": "a\nb" },
      'client.id: must be printable (a control character is at index 1); received "a\\nb"',
    );
    refuses(
      { bootstrap: B, clientId: "a\u0085" },
      'clientId: must be printable (a control character is at index 1); received "a\u0085"',
    );
  });

  /** Every integer option with its range and unit as the error states it. */
  const ranges: [string, number, number, string][] = [
    ["lingerMs", 0, 900000, " milliseconds"],
    ["batchMessages", 1, 1000000, ""],
    ["maxInFlight", 1, 1000, ""],
    ["requestTimeoutMs", 1, 2147483647, " milliseconds"],
    ["retryBackoffMs", 0, 2147483647, " milliseconds"],
    ["retryBackoffMaxMs", 0, 2147483647, " milliseconds"],
    ["bufferBytes", 1, Number.MAX_SAFE_INTEGER, " bytes"],
    ["maxRequestBytes", 1024, 2147483647, " bytes"],
    ["connectTimeoutMs", 1, 2147483647, " milliseconds"],
    ["metadataMaxAgeMs", 0, 2147483647, " milliseconds"],
    ["maxBlockMs", 0, 2147483647, " milliseconds"],
    ["batchBytes", 0, 2147483647, " bytes"],
    ["deliveryTimeoutMs", 1, 2147483647, " milliseconds"],
  ];
  for (const [name, min, max, unit] of ranges) {
    it(`checks ${name} is an integer from ${min} to ${max}`, () => {
      // Neighbours chosen so the cross-option rules stay satisfied at both ends.
      const room = {
        idempotent: false,
        maxRequestBytes: 2147483647,
        lingerMs: 0,
        requestTimeoutMs: 1,
      };
      const base = name in room ? { ...room, [name]: undefined } : room;
      assert.equal(
        (resolve({ ...base, [name]: min }) as unknown as Record<string, number>)[name],
        min,
      );
      assert.equal(
        (resolve({ ...base, [name]: max }) as unknown as Record<string, number>)[name],
        max,
      );
      const rule = `${name}: must be an integer from ${min} to ${max}${unit}; received`;
      for (const [bad, shown] of [
        [min - 1, String(min - 1)],
        [max + 1, String(max + 1)],
        [1.5, "1.5"],
        [Number.NaN, "NaN"],
        [Number.POSITIVE_INFINITY, "Infinity"],
        ["5", '"5"'],
        [null, "null"],
      ] as const) {
        if (name === "bufferBytes" && bad === max + 1) continue; // not an exact integer any more
        refuses({ bootstrap: B, ...base, [name]: bad }, `${rule} ${shown}`);
      }
    });
  }

  it("reads numbers from strings under Kafka-style keys, and refuses text that is not one", () => {
    assert.equal(resolve({ "linger.ms": " 20 " }).lingerMs, 20);
    assert.equal(resolve({ "linger.ms": "+20" }).lingerMs, 20);
    refuses(
      { bootstrap: B, "linger.ms": "20ms" },
      'linger.ms: must be an integer from 0 to 900000 milliseconds; received "20ms"',
    );
    refuses(
      { bootstrap: B, "linger.ms": "1e3" },
      'linger.ms: must be an integer from 0 to 900000 milliseconds; received "1e3"',
    );
    refuses(
      { bootstrap: B, "linger.ms": "" },
      'linger.ms: must be an integer from 0 to 900000 milliseconds; received ""',
    );
    refuses(
      { bootstrap: B, "linger.ms": "-1" },
      'linger.ms: must be an integer from 0 to 900000 milliseconds; received "-1"',
    );
  });

  it("counts queue.buffering.max.kbytes in KiB", () => {
    assert.equal(resolve({ "queue.buffering.max.kbytes": "1048576" }).bufferBytes, 1073741824);
    refuses(
      { bootstrap: B, "queue.buffering.max.kbytes": 0 },
      `queue.buffering.max.kbytes: must be an integer from 1 to ${Math.floor(Number.MAX_SAFE_INTEGER / 1024)} KiB; received 0`,
    );
  });

  it("reads booleans, and their strings under Kafka-style keys", () => {
    assert.equal(resolve({ allowAutoTopicCreation: false }).allowAutoTopicCreation, false);
    assert.equal(resolve({ "allow.auto.create.topics": "FALSE" }).allowAutoTopicCreation, false);
    assert.equal(resolve({ "enable.idempotence": " true" }).idempotent, true);
    refuses(
      { bootstrap: B, allowAutoTopicCreation: "false" },
      'allowAutoTopicCreation: must be true or false; received "false"',
    );
    refuses(
      { bootstrap: B, "enable.idempotence": "yes" },
      'enable.idempotence: must be true or false (or "true"/"false"); received "yes"',
    );
    refuses({ bootstrap: B, idempotent: 1 }, "idempotent: must be true or false; received 1");
  });

  it("takes a compression name, or a codec object whose id matches its name", () => {
    assert.deepEqual(resolve({ compression: "zstd" }).compression, {
      name: "zstd",
      id: 4,
      codec: undefined,
    });
    assert.deepEqual(resolve({ "compression.type": "gzip" }).compression, {
      name: "gzip",
      id: 1,
      codec: undefined,
    });
    assert.deepEqual(resolve({ "compression.codec": " Snappy" }).compression, {
      name: "snappy",
      id: 2,
      codec: undefined,
    });
    const r = resolve({ compression: lz4Codec });
    assert.deepEqual(r.compression, { name: "lz4", id: 3, codec: lz4Codec });
    assert.equal(r.compression.codec, lz4Codec);
  });

  it("refuses unknown compression and malformed codecs", () => {
    const rule =
      'must be "none", "gzip", "snappy", "lz4", "zstd" or a codec object { id, name, compress }';
    refuses({ bootstrap: B, compression: "LZ4" }, `compression: ${rule}; received "LZ4"`);
    refuses({ bootstrap: B, compression: "brotli" }, `compression: ${rule}; received "brotli"`);
    refuses({ bootstrap: B, compression: 3 }, `compression: ${rule}; received 3`);
    refuses(
      { bootstrap: B, compression: { ...lz4Codec, id: 5 } },
      "compression.id: must be 1 (gzip), 2 (snappy), 3 (lz4) or 4 (zstd); received 5",
    );
    refuses(
      { bootstrap: B, compression: { ...lz4Codec, id: 4 } },
      'compression.name: must be "zstd" for codec id 4; received "lz4"',
    );
    refuses(
      { bootstrap: B, "compression.type": { id: 1, name: "gzip" } },
      "compression.type.compress: must be a function (data: Uint8Array) => bytes; received undefined",
    );
  });

  it("passes a transport through as it is", () => {
    const transport: TransportConnector = {
      name: "test",
      connect: () => Promise.reject(new Error("unused")),
    };
    assert.equal(resolve({ transport }).transport, transport);
    const rule =
      "must be a TransportConnector: an object with name (a string) and connect(address, handlers, options)";
    refuses(
      { bootstrap: B, transport: { name: "x" } },
      `transport: ${rule}; received an object (Object)`,
    );
    refuses({ bootstrap: B, transport: "tcp" }, `transport: ${rule}; received "tcp"`);
  });

  it('takes partitioner "default" only', () => {
    assert.equal(resolve({ partitioner: "default" }).partitioner, "default");
    refuses(
      { bootstrap: B, partitioner: "murmur2_random" },
      'partitioner: must be "default" (murmur2 for keyed records, sticky otherwise); received "murmur2_random"',
    );
  });
});

describe("resolveOptions: Kafka-style keys", () => {
  /** A non-default value for every mapped option, and what it resolves to. */
  const samples: { [option: string]: [unknown, unknown] } = {
    bootstrap: ["k9:9999", [{ host: "k9", port: 9999 }]],
    clientId: ["app-7", "app-7"],
    acks: ["all", -1],
    idempotent: ["false", false],
    lingerMs: ["17", 17],
    batchBytes: ["32768", 32768],
    batchMessages: ["500", 500],
    maxInFlight: ["3", 3],
    deliveryTimeoutMs: ["60000", 60000],
    requestTimeoutMs: ["20000", 20000],
    retryBackoffMs: ["250", 250],
    retryBackoffMaxMs: ["5000", 5000],
    bufferBytes: ["2048", 2048],
    maxRequestBytes: ["2097152", 2097152],
    connectTimeoutMs: ["3000", 3000],
    metadataMaxAgeMs: ["60000", 60000],
    maxBlockMs: ["1000", 1000],
    allowAutoTopicCreation: ["false", false],
    compression: ["zstd", { name: "zstd", id: 4, codec: undefined }],
  };
  for (const [key, { option, factor }] of Object.entries(KAFKA_KEYS)) {
    it(`${key} sets ${option}`, () => {
      const sample = samples[option];
      assert.ok(sample, `no sample for ${option}`);
      const [raw, want] = sample;
      const input: Record<string, unknown> = { [key]: factor === undefined ? raw : "2" };
      if (option !== "bootstrap") input.bootstrap = B;
      const r = resolveOptions(input) as unknown as Record<string, unknown>;
      const field = option === "bootstrap" ? "brokers" : option;
      assert.deepEqual(r[field], factor === undefined ? want : 2 * factor);
    });
  }

  it("a Java properties file ports by name", () => {
    const r = resolveOptions({
      "bootstrap.servers": "broker1:9092,broker2:9092",
      "client.id": "orders-service",
      acks: "1",
      "enable.idempotence": "false",
      "linger.ms": "50",
      "batch.size": "131072",
      "buffer.memory": "67108864",
      "compression.type": "none",
      "max.in.flight.requests.per.connection": "10",
      "delivery.timeout.ms": "300000",
      "request.timeout.ms": "40000",
    });
    assert.equal(r.acks, 1);
    assert.equal(r.idempotent, false);
    assert.equal(r.lingerMs, 50);
    assert.equal(r.batchBytes, 131072);
    assert.equal(r.bufferBytes, 67108864);
    assert.equal(r.maxInFlight, 10);
    assert.equal(r.deliveryTimeoutMs, 300000);
  });

  it("accepts one setting under two names when the values agree", () => {
    const r = resolve({ lingerMs: 20, "linger.ms": "20", "queue.buffering.max.ms": 20 });
    assert.equal(r.lingerMs, 20);
    assert.equal(resolve({ acks: "all", "request.required.acks": -1 }).acks, -1);
    assert.equal(resolve({ bufferBytes: 2048, "queue.buffering.max.kbytes": 2 }).bufferBytes, 2048);
    assert.equal(
      resolveOptions({ bootstrap: "a:1,b:2", "bootstrap.servers": ["a:1", "b:2"] }).brokers.length,
      2,
    );
  });

  it("refuses one setting under two names with different values, naming both", () => {
    refuses(
      { bootstrap: B, "linger.ms": "5", lingerMs: 10 },
      'lingerMs: names the same option as linger.ms with a different value; set it once; received 10, while linger.ms is "5"',
    );
    refuses(
      { bootstrap: B, "max.in.flight.requests.per.connection": 5, "max.in.flight": 4 },
      "max.in.flight: names the same option as max.in.flight.requests.per.connection with a different value; set it once; received 4, while max.in.flight.requests.per.connection is 5",
    );
    refuses(
      { bootstrap: B, compression: lz4Codec, "compression.type": "lz4" },
      'compression.type: names the same option as compression with a different value; set it once; received "lz4", while compression is an object (Object)',
    );
  });
});

describe("resolveOptions: unknown keys", () => {
  it("names an unknown key and suggests the nearest known one", () => {
    refuses(
      { bootstrap: B, lingerMS: 5 },
      'lingerMS: is not a known producer option (did you mean "lingerMs"?); received 5',
    );
    refuses(
      { bootstrap: B, linger_ms: 5 },
      'linger_ms: is not a known producer option (did you mean "linger.ms"?); received 5',
    );
    refuses(
      { bootstrap: B, batchSize: 5 },
      'batchSize: is not a known producer option (did you mean "batch.size"?); received 5',
    );
    refuses(
      { bootstrap: B, colour: "red" },
      'colour: is not a known producer option; received "red"',
    );
  });

  it("suggests within a few edits only", () => {
    assert.equal(nearestKey("compresion"), "compression");
    assert.equal(nearestKey("bootstrap.server"), "bootstrap.servers");
    assert.equal(nearestKey("enable.idempotency"), "enable.idempotence");
    assert.equal(nearestKey("deliveryTimeout"), "deliveryTimeoutMs");
    assert.equal(nearestKey("timeout"), undefined);
    assert.equal(nearestKey("zzz"), undefined);
  });

  it("explains Kafka-style keys that have no equivalent", () => {
    refuses(
      { bootstrap: B, "key.serializer": "org.apache.kafka.common.serialization.StringSerializer" },
      'key.serializer: has no equivalent: keys and values are strings (sent as UTF-8) or Uint8Array; serialize before produce(); received "org.apache.kafka.common.serialization.StringSerializer"',
    );
    refuses(
      { bootstrap: B, retries: "2147483647" },
      'retries: has no equivalent: retriable errors are retried until deliveryTimeoutMs (delivery.timeout.ms), as Kafka recommends; received "2147483647"',
    );
  });
});

describe("resolveOptions: presets", () => {
  it("applies a preset's values", () => {
    const ht = resolve({ preset: "high-throughput" });
    assert.equal(ht.preset, "high-throughput");
    assert.equal(ht.lingerMs, 20);
    assert.equal(ht.batchBytes, 262144);
    assert.equal(ht.batchMessages, 10000);
    assert.equal(ht.acks, 1);
    assert.equal(ht.idempotent, false);
    assert.deepEqual(ht.compression, { name: "lz4", id: 3, codec: undefined });
    const ll = resolve({ preset: "low-latency" });
    assert.deepEqual([ll.lingerMs, ll.acks, ll.idempotent, ll.batchBytes], [0, 1, false, 16384]);
    const rel = resolve({ preset: "reliable" });
    assert.deepEqual(
      [rel.acks, rel.idempotent, rel.maxInFlight, rel.deliveryTimeoutMs, rel.lingerMs],
      [-1, true, 5, 120000, 5],
    );
  });

  it("lets explicit options win over the preset", () => {
    const r = resolve({
      preset: "high-throughput",
      lingerMs: 50,
      compression: lz4Codec,
      "batch.size": "65536",
    });
    assert.equal(r.lingerMs, 50);
    assert.equal(r.batchBytes, 65536);
    assert.equal(r.compression.codec, lz4Codec);
    assert.equal(r.acks, 1);
  });

  it("sets only options that exist, to values the resolver accepts", () => {
    for (const [name, values] of Object.entries(PRESETS)) {
      const r = resolve({ preset: name }) as unknown as Record<string, unknown>;
      for (const [option, value] of Object.entries(values)) {
        if (option === "compression") assert.equal((r.compression as { name: string }).name, value);
        else assert.equal(r[option], value, `${name}.${option}`);
      }
    }
  });

  it("refuses an unknown preset", () => {
    refuses(
      { bootstrap: B, preset: "fast" },
      'preset: must be "high-throughput", "low-latency" or "reliable"; received "fast"',
    );
  });

  it("caps a preset's batch size at maxRequestBytes, but refuses an explicit one above it", () => {
    assert.equal(
      resolve({ preset: "high-throughput", maxRequestBytes: 100000 }).batchBytes,
      100000,
    );
    refuses(
      { bootstrap: B, batchBytes: 2000000 },
      "batchBytes: must be at most maxRequestBytes (1048576, the default): no request can carry a larger batch; received 2000000",
    );
    refuses(
      { bootstrap: B, "batch.size": "70000", "max.request.size": "65536" },
      "batch.size: must be at most max.request.size (65536): no request can carry a larger batch; received 70000",
    );
  });
});

describe("resolveOptions: idempotence (Kafka's ProducerConfig rules)", () => {
  it("turns default idempotence off quietly for acks 0 or 1", () => {
    assert.equal(resolve({ acks: 1 }).idempotent, false);
    assert.equal(resolve({ acks: 0 }).idempotent, false);
    assert.equal(resolve({ acks: "all" }).idempotent, true);
  });

  it("refuses idempotence the caller asked for together with acks 0 or 1, naming both", () => {
    refuses(
      { bootstrap: B, idempotent: true, acks: 0 },
      'idempotent: requires acks "all" (-1), but acks is 0; set acks to "all" or turn idempotence off; received true',
    );
    refuses(
      { bootstrap: B, "enable.idempotence": "true", "request.required.acks": "1" },
      'enable.idempotence: requires acks "all" (-1), but request.required.acks is 1; set acks to "all" or turn idempotence off; received true',
    );
    refuses(
      { bootstrap: B, preset: "reliable", acks: 1 },
      'idempotent: requires acks "all" (-1), but acks is 1; set acks to "all" or turn idempotence off; received true',
    );
    refuses(
      { bootstrap: B, preset: "high-throughput", idempotent: true },
      'idempotent: requires acks "all" (-1), but acks is 1, from preset "high-throughput"; set acks to "all" or turn idempotence off; received true',
    );
  });

  it("refuses more than 5 in flight with idempotence on, even by default (Java 4.x)", () => {
    refuses(
      { bootstrap: B, maxInFlight: 6 },
      "maxInFlight: must be at most 5 while idempotence is on (idempotence is on by default; set idempotent to false to allow more); received 6",
    );
    refuses(
      { bootstrap: B, "max.in.flight": "6", "enable.idempotence": true },
      "max.in.flight: must be at most 5 while idempotence is on (enable.idempotence is true; set idempotent to false to allow more); received 6",
    );
    assert.equal(resolve({ maxInFlight: 6, idempotent: false }).maxInFlight, 6);
  });

  it("allows more than 5 in flight once acks 0 or 1 has turned default idempotence off", () => {
    const r = resolve({ maxInFlight: 10, acks: 1 });
    assert.deepEqual([r.maxInFlight, r.idempotent], [10, false]);
  });
});

describe("resolveOptions: delivery timeout (KafkaProducer.configureDeliveryTimeout)", () => {
  it("refuses an explicit deliveryTimeoutMs below lingerMs + requestTimeoutMs", () => {
    refuses(
      { bootstrap: B, deliveryTimeoutMs: 30004 },
      "deliveryTimeoutMs: must be at least lingerMs + requestTimeoutMs (5 + 30000 = 30005); received 30004",
    );
    refuses(
      { bootstrap: B, "message.timeout.ms": 1000, "linger.ms": 10 },
      "message.timeout.ms: must be at least linger.ms + requestTimeoutMs (10 + 30000 = 30010); received 1000",
    );
    assert.equal(resolve({ deliveryTimeoutMs: 30005 }).deliveryTimeoutMs, 30005);
  });

  it("raises a default deliveryTimeoutMs to lingerMs + requestTimeoutMs", () => {
    assert.equal(resolve({ requestTimeoutMs: 200000, lingerMs: 100 }).deliveryTimeoutMs, 200100);
    assert.equal(
      resolve({ preset: "reliable", requestTimeoutMs: 150000 }).deliveryTimeoutMs,
      150005,
    );
  });
});

describe("resolveOptions: properties", () => {
  it("an integer reads the same from a number under our name and from its text under a Kafka-style name", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 900000 }),
        fc.integer({ min: 1, max: 1000000 }),
        (linger, count) => {
          const a = resolve({
            lingerMs: linger,
            batchMessages: count,
            deliveryTimeoutMs: 2147483647,
          });
          const b = resolve({
            "linger.ms": String(linger),
            "batch.num.messages": `${count}`,
            "delivery.timeout.ms": "2147483647",
          });
          assert.deepEqual(a, b);
        },
      ),
      { numRuns: 200 },
    );
  });

  it("every default is accepted when given explicitly", () => {
    const explicit: Record<string, unknown> = { bootstrap: B, ...OPTION_DEFAULTS };
    assert.deepEqual(resolveOptions(explicit), resolveOptions({ bootstrap: B }));
  });
});

describe("requireCodec", () => {
  it("passes no compression and a supplied codec", () => {
    requireCodec(resolve({}));
    requireCodec(resolve({ compression: "none" }));
    requireCodec(resolve({ preset: "high-throughput", compression: lz4Codec }));
  });

  it("refuses a codec named without its implementation, saying where the name came from", () => {
    assert.throws(
      () => requireCodec(resolve({ preset: "high-throughput" })),
      (e: unknown) => {
        assert.ok(e instanceof ProducerError);
        assert.equal(e.code, "INVALID_ARGUMENT");
        assert.equal(
          e.message,
          'compression: "lz4" (from preset "high-throughput") needs its codec: import it from @tributary/codecs/lz4 and pass it as compression, or set compression to "none"; received "lz4"',
        );
        return true;
      },
    );
    assert.throws(() => requireCodec(resolve({ "compression.type": "gzip" })), {
      message:
        'compression: "gzip" needs its codec: import it from @tributary/codecs/gzip and pass it as compression, or set compression to "none"; received "gzip"',
    });
  });
});

describe("resolveOptions: gateway options (webSocket, gatewayToken)", () => {
  const G = "ws://127.0.0.1:8080/kafka";
  /** A constructor shape; resolveOptions only checks that it is a function. */
  class FakeWebSocket {}

  it("takes a WebSocket constructor and passes it through", () => {
    const r = resolveOptions({ bootstrap: G, webSocket: FakeWebSocket });
    assert.equal(r.webSocket, FakeWebSocket);
  });

  it("refuses a webSocket that is not a constructor", () => {
    refuses(
      { bootstrap: G, webSocket: "ws" },
      'webSocket: must be a WebSocket constructor, such as WebSocket from the ws package (Node 20) or globalThis.WebSocket; received "ws"',
    );
  });

  it("keeps a string token inside a function, so that printing the options cannot show it", async () => {
    const token = "eyJhbGciOiJIUzI1NiJ9.e30.sig-_~";
    const r = resolveOptions({ bootstrap: G, gatewayToken: token });
    assert.equal(typeof r.gatewayToken, "function");
    assert.equal(await r.gatewayToken!(), token);
    assert.ok(!JSON.stringify(r).includes(token));
    const fn = () => Promise.resolve("t");
    assert.equal(resolveOptions({ bootstrap: G, gatewayToken: fn }).gatewayToken, fn);
  });

  it("refuses a token that cannot travel in Sec-WebSocket-Protocol, without showing it", () => {
    const rule =
      "gatewayToken: must be a non-empty string of RFC 7230 token characters (letters, digits and !#$%&'*+-.^_`|~), because it travels in the Sec-WebSocket-Protocol header as bearer.<token>, or a function returning one; received";
    for (const [token, shown] of [
      ["a secret", "a string of 8 characters (not shown: it is a secret)"],
      ["tok,en", "a string of 6 characters (not shown: it is a secret)"],
      ["tök", "a string of 3 characters (not shown: it is a secret)"],
      ["", "a string of 0 characters (not shown: it is a secret)"],
      [42, "42"],
    ] as const) {
      refuses({ bootstrap: G, gatewayToken: token }, `${rule} ${shown}`);
    }
  });

  it("refuses webSocket and gatewayToken where they would do nothing", () => {
    refuses(
      { bootstrap: B, gatewayToken: "s3cr3t" },
      "gatewayToken: applies only to ws:// or wss:// gateway URLs in bootstrap, and bootstrap has none; received a string of 6 characters (not shown: it is a secret)",
    );
    refuses(
      { bootstrap: B, webSocket: FakeWebSocket },
      "webSocket: applies only to ws:// or wss:// gateway URLs in bootstrap, and bootstrap has none; received a function (FakeWebSocket)",
    );
    const transport: TransportConnector = {
      name: "test",
      connect: () => Promise.reject(new Error("unused")),
    };
    refuses(
      { bootstrap: G, transport, gatewayToken: "s3cr3t" },
      "gatewayToken: is not used when transport is given; pass token to webSocketConnector instead; received a string of 6 characters (not shown: it is a secret)",
    );
    refuses(
      { bootstrap: G, transport, webSocket: FakeWebSocket },
      "webSocket: is not used when transport is given; pass WebSocket to webSocketConnector instead; received a function (FakeWebSocket)",
    );
  });

  it("does not echo the value of a mistyped or unsupported key that looks like a secret", () => {
    refuses(
      { bootstrap: G, gatewayTokn: "s3cr3t" },
      'gatewayTokn: is not a known producer option (did you mean "gatewayToken"?); received a string of 6 characters (not shown: it is a secret)',
    );
    assert.throws(
      () => resolveOptions({ bootstrap: B, "sasl.jaas.config": 'password="hunter2";' }),
      (e: unknown) => e instanceof ProducerError && !e.message.includes("hunter2"),
    );
  });
});
