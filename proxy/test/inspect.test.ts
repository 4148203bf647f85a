import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  ApiVersionsApi,
  apiName,
  encodeRequestFrame,
  InitProducerIdApi,
  KAFKA_APIS,
  MetadataApi,
  ProduceApi,
  SaslAuthenticateApi,
  SaslHandshakeApi,
  Writer,
  writeRequestHeader,
} from "@tributary/protocol";
import fc from "fast-check";
import { type InspectResult, RequestInspector, topicReason } from "../src/inspect.js";

const MAX = 64 * 1024;
/** Topic ids the fake cluster knows: two allowed topics and one the allowlist refuses. */
const IDS: Record<string, string> = {
  "ok-orders": "b3JkZXJzLW9yZGVycy1pZA",
  "ok-clicks": "Y2xpY2tzLWNsaWNrcy1pZA",
  secret: "c2VjcmV0LXNlY3JldC1pZA",
};
const NAMES = new Map(Object.entries(IDS).map(([name, id]) => [id, name]));
const UNKNOWN_ID = "dW5rbm93bi11bmtub3duLQ";
/** The client's parser for a refused topic (DESIGN.md: keep this exact shape). */
const TOPIC_IN_REASON = /topic "((?:[^"\\]|\\.)*)"/;

interface Options {
  saslPassthrough?: boolean;
  lookupDelayMs?: number;
  onRequest?: (apiKey: number) => void;
  max?: number;
}

function inspector(options: Options = {}): RequestInspector {
  return new RequestInspector({
    maxRequestBytes: options.max ?? MAX,
    saslPassthrough: options.saslPassthrough ?? false,
    topicAllowed: (t) => t.startsWith("ok-"),
    topicNameForId: async (id) => {
      if (options.lookupDelayMs) await new Promise((r) => setTimeout(r, options.lookupDelayMs));
      return NAMES.get(id);
    },
    ...(options.onRequest ? { onRequest: options.onRequest } : {}),
  });
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  return new Uint8Array(Buffer.concat(parts));
}

function produce(version: number, topics: string[], correlationId = 1): Uint8Array {
  return encodeRequestFrame(
    ProduceApi,
    version,
    { correlationId, clientId: "inspect-test" },
    {
      transactionalId: null,
      acks: -1,
      timeoutMs: 1000,
      topicData: topics.map((name) => ({
        name,
        topicId: IDS[name] ?? UNKNOWN_ID,
        partitionData: [{ index: 0, records: new Uint8Array([1, 2, 3, version]) }],
      })),
    },
  );
}

function metadata(
  version: number,
  topics: string[] | null,
  byId = false,
  correlationId = 2,
): Uint8Array {
  return encodeRequestFrame(
    MetadataApi,
    version,
    { correlationId, clientId: "inspect-test" },
    {
      topics:
        topics === null
          ? null
          : topics.map((name) =>
              byId ? { name: null, topicId: IDS[name] ?? UNKNOWN_ID } : { name },
            ),
      ...(version >= 4 ? { allowAutoTopicCreation: false } : {}),
    },
  );
}

function apiVersions(version: number, correlationId = 3): Uint8Array {
  return encodeRequestFrame(
    ApiVersionsApi,
    version,
    { correlationId, clientId: "inspect-test" },
    { clientSoftwareName: "tributary", clientSoftwareVersion: "0.1.0" },
  );
}

function initProducerId(version: number, correlationId = 4): Uint8Array {
  return encodeRequestFrame(
    InitProducerIdApi,
    version,
    { correlationId, clientId: "inspect-test" },
    { transactionalId: null, transactionTimeoutMs: 60_000 },
  );
}

/** A frame with only a header (v1) and a few body bytes: enough to be refused by API key. */
function headerOnly(apiKey: number, apiVersion = 0): Uint8Array {
  const w = new Writer(64);
  const at = w.skip(4);
  writeRequestHeader(w, 1, { apiKey, apiVersion, correlationId: 9, clientId: "x" });
  w.raw(new Uint8Array([0, 0, 0, 0]));
  w.setInt32At(at, w.length - 4);
  return w.finish();
}

function sizePrefix(size: number): Uint8Array {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setInt32(0, size);
  return b;
}

/** Pushes chunks in order, awaiting promised results; stops at the first violation. */
async function run(
  insp: RequestInspector,
  chunks: readonly Uint8Array[],
): Promise<{
  forwarded: Uint8Array[];
  violation: Extract<InspectResult, { ok: false }> | undefined;
  pushedAfter: number;
}> {
  const forwarded: Uint8Array[] = [];
  for (let i = 0; i < chunks.length; i++) {
    const result = await insp.push(chunks[i]!);
    if (!result.ok) {
      // The stream cannot be trusted after a violation: every later push answers the same.
      for (const later of chunks.slice(i + 1)) {
        const again = await insp.push(later);
        assert.equal(again.ok, false);
      }
      return { forwarded, violation: result, pushedAfter: chunks.length - i - 1 };
    }
    forwarded.push(...result.frames);
  }
  return { forwarded, violation: undefined, pushedAfter: 0 };
}

/** Cuts bytes at the given (sorted, deduplicated) offsets. */
function cut(bytes: Uint8Array, offsets: readonly number[]): Uint8Array[] {
  const points = [...new Set(offsets.map((o) => o % (bytes.length + 1)))].sort((a, b) => a - b);
  const chunks: Uint8Array[] = [];
  let from = 0;
  for (const p of points) {
    if (p > from) chunks.push(bytes.slice(from, p));
    from = Math.max(from, p);
  }
  if (from < bytes.length) chunks.push(bytes.slice(from));
  return chunks;
}

const allowedTopic = fc.constantFrom("ok-orders", "ok-clicks");
const allowedFrame: fc.Arbitrary<Uint8Array> = fc.oneof(
  fc.integer({ min: 0, max: 4 }).map((v) => apiVersions(v)),
  fc.integer({ min: 0, max: 5 }).map((v) => initProducerId(v)),
  fc
    .tuple(fc.integer({ min: 3, max: 13 }), fc.array(allowedTopic, { minLength: 1, maxLength: 3 }))
    .map(([v, topics]) => produce(v, topics)),
  fc
    .tuple(fc.integer({ min: 1, max: 13 }), fc.array(allowedTopic, { maxLength: 3 }), fc.boolean())
    .map(([v, topics, byId]) => metadata(v, topics, byId && v >= 10)),
);
/** Frames that must be refused, with the words the reason must contain. */
const refusedFrame: fc.Arbitrary<{ frame: Uint8Array; reason: string }> = fc.oneof(
  fc.integer({ min: 3, max: 12 }).map((v) => ({
    frame: produce(v, ["ok-orders", "secret"]),
    reason: 'topic "secret" is not allowed',
  })),
  fc.constant({
    frame: produce(13, ["ok-orders", "secret"]),
    reason: 'topic "secret" is not allowed',
  }),
  fc.constant({ frame: produce(13, ["not-in-cluster"]), reason: `topic id "${UNKNOWN_ID}"` }),
  fc.integer({ min: 1, max: 13 }).map((v) => ({
    frame: metadata(v, null),
    reason: "Metadata for all topics is not allowed",
  })),
  fc.integer({ min: 10, max: 13 }).map((v) => ({
    frame: metadata(v, ["secret"], true),
    reason: 'topic "secret" is not allowed',
  })),
  fc.constant({ frame: headerOnly(20, 4), reason: "api DeleteTopics (20) is not allowed" }),
  fc.constant({ frame: headerOnly(1, 12), reason: "api Fetch (1) is not allowed" }),
  fc.constant({
    frame: concat([sizePrefix(-1), new Uint8Array(8)]),
    reason: `request size -1 is out of range (max ${MAX})`,
  }),
  fc.constant({
    frame: concat([sizePrefix(MAX + 1), new Uint8Array(8)]),
    reason: `request size ${MAX + 1} is out of range (max ${MAX})`,
  }),
);
const cutPoints = fc.array(fc.nat(), { maxLength: 40 });

describe("RequestInspector: reassembly", () => {
  it("any sequence of allowed frames, cut at any points, comes out byte for byte", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(allowedFrame, { minLength: 1, maxLength: 12 }),
        cutPoints,
        async (frames, points) => {
          const input = concat(frames);
          const { forwarded, violation } = await run(inspector(), cut(input, points));
          assert.equal(violation, undefined);
          assert.deepEqual(concat(forwarded), input);
          // Only whole frames go on: each output is one frame with its own size prefix.
          assert.equal(forwarded.length, frames.length);
          for (const f of forwarded) {
            assert.equal(new DataView(f.buffer, f.byteOffset).getInt32(0), f.length - 4);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it("a refused frame anywhere is a violation, and nothing of it or after it is forwarded", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(allowedFrame, { maxLength: 6 }),
        refusedFrame,
        fc.array(allowedFrame, { maxLength: 6 }),
        cutPoints,
        async (before, bad, afterFrames, points) => {
          const prefix = concat(before);
          const input = concat([prefix, bad.frame, ...afterFrames]);
          const { forwarded, violation } = await run(inspector(), cut(input, points));
          assert.ok(violation, "expected a violation");
          assert.equal(violation.code, 1008);
          assert.ok(violation.reason.includes(bad.reason), violation.reason);
          // What went through is whole frames from before the refused one (a chunk that also
          // held the refused frame is dropped with it).
          const out = concat(forwarded);
          assert.ok(out.length <= prefix.length);
          assert.deepEqual(out, prefix.subarray(0, out.length));
        },
      ),
      { numRuns: 300 },
    );
  });

  it("a chunk that is exactly one frame is forwarded as the same buffer", () => {
    const frame = produce(9, ["ok-orders"]);
    const result = inspector().push(frame);
    assert.ok(!(result instanceof Promise) && result.ok);
    assert.equal(result.frames.length, 1);
    assert.equal(result.frames[0], frame);
  });

  it("frames inside one chunk are views of it, not copies", () => {
    const a = apiVersions(3);
    const b = produce(9, ["ok-clicks"]);
    const chunk = concat([a, b]);
    const result = inspector().push(chunk);
    assert.ok(!(result instanceof Promise) && result.ok);
    for (const f of result.frames) assert.equal(f.buffer, chunk.buffer);
  });

  it("holds at most the bytes of the one partial frame", () => {
    const insp = inspector();
    const frame = produce(9, ["ok-orders"]);
    for (let i = 0; i < frame.length - 1; i++) {
      const r = insp.push(frame.subarray(i, i + 1));
      assert.ok(!(r instanceof Promise) && r.ok && r.frames.length === 0);
      assert.equal(insp.buffered, i + 1);
    }
    const last = insp.push(frame.subarray(frame.length - 1));
    assert.ok(!(last instanceof Promise) && last.ok);
    assert.deepEqual(last.frames[0], frame);
    assert.equal(insp.buffered, 0);
  });
});

describe("RequestInspector: size prefixes", () => {
  for (const size of [-1, -2147483648, 0x7fffffff, MAX + 1]) {
    it(`size ${size} is refused as soon as its 4 bytes are in, before any body byte`, () => {
      const whole = inspector().push(sizePrefix(size));
      assert.deepEqual(whole, {
        ok: false,
        code: 1008,
        reason: `request size ${size} is out of range (max ${MAX})`,
        rejection: "frame_size",
      });
      // Byte by byte: the first three are held, the fourth decides.
      const insp = inspector();
      const prefix = sizePrefix(size);
      for (let i = 0; i < 3; i++) {
        const r = insp.push(prefix.subarray(i, i + 1));
        assert.ok(!(r instanceof Promise) && r.ok && r.frames.length === 0);
      }
      const r = insp.push(prefix.subarray(3));
      assert.ok(!(r instanceof Promise) && !r.ok && r.rejection === "frame_size");
    });
  }

  it("a refused size after allowed frames in the same chunk drops the chunk", () => {
    const r = inspector().push(concat([apiVersions(3), sizePrefix(-1)]));
    assert.ok(!(r instanceof Promise) && !r.ok && r.rejection === "frame_size");
  });

  it("a request of exactly maxRequestBytes passes; one byte more does not", () => {
    const max = 4096;
    // Grow the records until the frame body (without the prefix) is exactly max bytes.
    const body = (n: number): Uint8Array =>
      encodeRequestFrame(
        ProduceApi,
        9,
        { correlationId: 1, clientId: null },
        {
          transactionalId: null,
          acks: 1,
          timeoutMs: 1000,
          topicData: [
            { name: "ok-orders", partitionData: [{ index: 0, records: new Uint8Array(n) }] },
          ],
        },
      );
    const overhead = body(0).length - 4;
    // The compact-bytes length varint grows from 1 to 2 bytes past 126 bytes.
    const exact = body(max - overhead - 1);
    assert.equal(exact.length - 4, max);
    const ok = inspector({ max }).push(exact);
    assert.ok(!(ok instanceof Promise) && ok.ok);
    assert.equal(ok.frames[0], exact);
    const over = body(max - overhead);
    assert.equal(over.length - 4, max + 1);
    const refused = inspector({ max }).push(over);
    assert.ok(!(refused instanceof Promise) && !refused.ok);
    assert.equal(refused.reason, `request size ${max + 1} is out of range (max ${max})`);
  });

  it("a zero-size frame has no header to read and is refused", () => {
    const r = inspector().push(sizePrefix(0));
    assert.ok(!(r instanceof Promise) && !r.ok);
    assert.equal(r.code, 1008);
    assert.match(r.reason, /request header is malformed/);
  });
});

describe("RequestInspector: APIs", () => {
  const allowed = new Set([0, 3, 18, 22]);
  it("refuses every other API Kafka defines, by name and key", () => {
    for (const [key, api] of KAFKA_APIS) {
      if (allowed.has(key)) continue;
      const r = inspector().push(headerOnly(key, api.versions?.min ?? 0));
      assert.ok(!(r instanceof Promise) && !r.ok, `${api.name} passed`);
      assert.equal(r.reason, `api ${api.name} (${key}) is not allowed`);
      assert.equal(r.rejection, "api");
      assert.equal(r.apiKey, key);
    }
  });

  it("refuses an API key Kafka does not define", () => {
    const r = inspector().push(headerOnly(1000));
    assert.ok(!(r instanceof Promise) && !r.ok);
    assert.equal(r.reason, `api ${apiName(1000)} (1000) is not allowed`);
  });

  it("lets SaslHandshake and SaslAuthenticate through only with SASL pass-through", () => {
    const frames = [
      encodeRequestFrame(
        SaslHandshakeApi,
        1,
        { correlationId: 1, clientId: "c" },
        { mechanism: "PLAIN" },
      ),
      encodeRequestFrame(
        SaslAuthenticateApi,
        2,
        { correlationId: 2, clientId: "c" },
        { authBytes: new Uint8Array([0, 97, 0, 98]) },
      ),
    ];
    for (const frame of frames) {
      const off = inspector().push(frame);
      assert.ok(!(off instanceof Promise) && !off.ok);
      assert.match(off.reason, /^api Sasl(Handshake|Authenticate) \((17|36)\) is not allowed$/);
      const on = inspector({ saslPassthrough: true }).push(frame);
      assert.ok(!(on instanceof Promise) && on.ok);
      assert.equal(on.frames[0], frame);
    }
  });

  it("passes ApiVersions v0-v4 and InitProducerId v0-v5", () => {
    for (const frame of [0, 1, 2, 3, 4].map((v) => apiVersions(v))) {
      const r = inspector().push(frame);
      assert.ok(!(r instanceof Promise) && r.ok && r.frames[0] === frame);
    }
    for (const frame of [0, 1, 2, 3, 4, 5].map((v) => initProducerId(v))) {
      const r = inspector().push(frame);
      assert.ok(!(r instanceof Promise) && r.ok && r.frames[0] === frame);
    }
  });

  it("calls onRequest once per forwarded request, and not for a refused chunk", async () => {
    const seen: number[] = [];
    const insp = inspector({ onRequest: (k) => seen.push(k) });
    await insp.push(
      concat([apiVersions(3), metadata(12, ["ok-orders"]), produce(13, ["ok-clicks"])]),
    );
    assert.deepEqual(seen, [18, 3, 0]);
    await insp.push(concat([initProducerId(4), produce(9, ["secret"])]));
    assert.deepEqual(seen, [18, 3, 0]);
  });
});

describe("RequestInspector: Produce topics", () => {
  for (let v = 3; v <= 13; v++) {
    it(`Produce v${v}: allowed topics pass unchanged, a refused topic is named`, async () => {
      const ok = produce(v, ["ok-orders", "ok-clicks"]);
      const passed = await inspector().push(ok);
      assert.ok(passed.ok);
      assert.equal(passed.frames[0], ok);
      const refused = await inspector().push(produce(v, ["ok-orders", "secret"]));
      assert.ok(!refused.ok);
      assert.equal(refused.code, 1008);
      assert.equal(refused.reason, 'topic "secret" is not allowed');
      assert.equal(refused.rejection, "topic");
      assert.equal(refused.topic, "secret");
      assert.equal(refused.apiKey, 0);
    });
  }

  it("Produce v13 with a topic id the cluster does not know is refused", async () => {
    const r = await inspector().push(produce(13, ["nowhere"]));
    assert.ok(!r.ok);
    assert.equal(r.reason, `topic id "${UNKNOWN_ID}" is not known to the gateway`);
  });

  it("a topic-id lookup that fails is a refusal, not a crash", async () => {
    const insp = new RequestInspector({
      maxRequestBytes: MAX,
      saslPassthrough: false,
      topicAllowed: () => true,
      topicNameForId: () => Promise.reject(new Error("directory down")),
    });
    const r = await insp.push(produce(13, ["ok-orders"]));
    assert.ok(!r.ok && r.code === 1008);
  });

  it("Produce v2 and v14 cannot be read, so they are refused", () => {
    for (const v of [2, 14]) {
      const frame = produce(9, ["ok-orders"]);
      // Patch the header's version field (bytes 6-7 after the size prefix).
      new DataView(frame.buffer, frame.byteOffset).setInt16(6, v);
      const r = inspector().push(frame);
      assert.ok(!(r instanceof Promise) && !r.ok);
      assert.equal(r.reason, `Produce v${v} is not allowed (the gateway reads v3-v13)`);
    }
  });

  it("a malformed Produce body is refused naming the API", () => {
    const good = produce(9, ["ok-orders"]);
    const body = good.slice(0, good.length - 6);
    new DataView(body.buffer).setInt32(0, body.length - 4);
    const r = inspector().push(body);
    assert.ok(!(r instanceof Promise) && !r.ok);
    assert.match(r.reason, /^Produce v9 request is malformed/);
    assert.equal(r.rejection, "api");
  });

  it("a refused topic name too long for a close reason still parses, shortened", () => {
    const name = `x${"é".repeat(200)}"quoted"`;
    const reason = topicReason(name);
    assert.ok(Buffer.byteLength(reason) <= 123, `${Buffer.byteLength(reason)} bytes`);
    const m = TOPIC_IN_REASON.exec(reason);
    assert.ok(m);
    const parsed = JSON.parse(`"${m[1]}"`) as string;
    assert.ok(parsed.endsWith("…"));
    assert.ok(name.startsWith(parsed.slice(0, -1)));
    // A short name keeps its exact shape.
    assert.equal(topicReason('a"b'), 'topic "a\\"b" is not allowed');
  });

  it("results of chunks pushed during a topic-id lookup keep their order", async () => {
    const insp = inspector({ lookupDelayMs: 20 });
    const first = produce(13, ["ok-orders"], 1);
    const second = apiVersions(3, 2);
    const third = produce(13, ["ok-clicks"], 3);
    const order: number[] = [];
    const results = [first, second, third].map((f, i) =>
      Promise.resolve(insp.push(f)).then((r) => {
        order.push(i);
        return r;
      }),
    );
    const settled = await Promise.all(results);
    assert.deepEqual(order, [0, 1, 2]);
    assert.deepEqual(
      settled.map((r) => (r.ok ? r.frames[0] : undefined)),
      [first, second, third],
    );
  });
});

describe("RequestInspector: Metadata topics", () => {
  for (let v = 1; v <= 13; v++) {
    it(`Metadata v${v}: named allowed topics pass, all-topics and refused names do not`, async () => {
      const ok = metadata(v, ["ok-orders", "ok-clicks"]);
      const passed = await inspector().push(ok);
      assert.ok(passed.ok && passed.frames[0] === ok);
      const none = await inspector().push(metadata(v, []));
      assert.ok(none.ok, "an empty list (brokers only) passes");
      const all = await inspector().push(metadata(v, null));
      assert.ok(!all.ok);
      assert.equal(all.reason, "Metadata for all topics is not allowed");
      const refused = await inspector().push(metadata(v, ["ok-orders", "secret"]));
      assert.ok(!refused.ok);
      assert.equal(refused.reason, 'topic "secret" is not allowed');
      if (v >= 10) {
        const byId = metadata(v, ["ok-orders"], true);
        const idOk = await inspector().push(byId);
        assert.ok(idOk.ok && idOk.frames[0] === byId);
        const idRefused = await inspector().push(metadata(v, ["secret"], true));
        assert.ok(!idRefused.ok);
        assert.equal(idRefused.reason, 'topic "secret" is not allowed');
        const unknown = await inspector().push(metadata(v, ["nowhere"], true));
        assert.ok(!unknown.ok);
        assert.equal(unknown.reason, `topic id "${UNKNOWN_ID}" is not known to the gateway`);
      }
    });
  }

  it("Metadata v0 (empty list meant all topics) is refused", () => {
    const frame = metadata(1, ["ok-orders"]);
    new DataView(frame.buffer, frame.byteOffset).setInt16(6, 0);
    const r = inspector().push(frame);
    assert.ok(!(r instanceof Promise) && !r.ok);
    assert.equal(r.reason, "Metadata v0 is not allowed (the gateway reads v1-v13)");
  });

  it("an id beside an allowed name is checked too", async () => {
    const frame = encodeRequestFrame(
      MetadataApi,
      12,
      { correlationId: 1, clientId: null },
      { topics: [{ name: "ok-orders", topicId: IDS.secret! }] },
    );
    const r = await inspector().push(frame);
    assert.ok(!r.ok);
    assert.equal(r.reason, 'topic "secret" is not allowed');
  });
});
