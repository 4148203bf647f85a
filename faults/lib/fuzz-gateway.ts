/**
 * Fuzz target (faults/fuzz.ts): the gateway's request inspector (tributary-proxy) fed valid,
 * mutated, header-edited, spliced and random request streams in every chunking, checked against
 * the gateway's topic policy restated independently of the inspector: what it must forward,
 * what it must refuse, with which rejection, on which push.
 */
import {
  ApiKey,
  decodeRequestFrame,
  decodeRequestHeader,
  MetadataApi,
  ProduceApi,
  ZERO_UUID,
} from "@tributary/protocol";
import { type InspectResult, RequestInspector, TopicPolicy } from "@tributary/proxy";
import { boundariesOf, concat, prefixed, readBE, sameBytes } from "./bytes.js";
import { chunk } from "./chunk.js";
import {
  countKind,
  errorText,
  type Input,
  OK,
  type Outcome,
  type Target,
  TYPED,
} from "./fuzz-outcome.js";
import { referenceSplit } from "./fuzz-splitter.js";
import { mutate, splice } from "./mutators.js";
import {
  FAILING_TOPIC_ID,
  KNOWN_TOPIC_IDS,
  type RequestKind,
  requestFrame,
} from "./seed-requests.js";

type GatewayMode = "valid" | "mutated" | "header" | "spliced" | "random";

interface GatewayInput extends Input {
  chunks: Uint8Array[];
  maxRequestBytes: number;
  saslPassthrough: boolean;
  /** Push every chunk at once (results must keep their order) instead of awaiting each. */
  eager: boolean;
}

const TOPIC_NAMES = new Map([...KNOWN_TOPIC_IDS].map(([name, id]) => [id, name]));
/** The gateway's own allowlist code with `--allow-topics 'ok-*'`, as the inspector gets it. */
const POLICY = new TopicPolicy(["ok-*"]);
/** The same rule restated for the oracle. */
const topicAllowed = (topic: string): boolean => topic.startsWith("ok-");
const ALWAYS_ALLOWED = new Set<number>([
  ApiKey.ApiVersions,
  ApiKey.Metadata,
  ApiKey.Produce,
  ApiKey.InitProducerId,
]);
const SASL_APIS = new Set<number>([ApiKey.SaslHandshake, ApiKey.SaslAuthenticate]);
const REJECTIONS = new Set(["api", "topic", "frame_size"]);

async function topicNameForId(id: string): Promise<string | undefined> {
  if (id === FAILING_TOPIC_ID) throw new Error("metadata lookup failed");
  return TOPIC_NAMES.get(id);
}

function idAllowed(id: string): boolean {
  const name = TOPIC_NAMES.get(id);
  return name !== undefined && topicAllowed(name);
}

/**
 * The gateway's policy restated independently of inspect.ts: "pass", or the rejection a frame
 * (without its size prefix) must get.
 */
function policyVerdict(body: Uint8Array, sasl: boolean): "pass" | "api" | "topic" {
  let apiKey: number;
  let version: number;
  try {
    ({ apiKey, apiVersion: version } = decodeRequestHeader(body));
  } catch {
    return "api";
  }
  if (!ALWAYS_ALLOWED.has(apiKey) && !(sasl && SASL_APIS.has(apiKey))) return "api";
  if (apiKey === ApiKey.Produce) {
    if (version < ProduceApi.minVersion || version > ProduceApi.maxVersion) return "api";
    let topics: { name?: string; topicId?: string }[];
    try {
      topics = decodeRequestFrame(ProduceApi, body).body.topicData;
    } catch {
      return "api";
    }
    const ok = topics.every((t) =>
      version >= 13 ? idAllowed(t.topicId ?? ZERO_UUID) : topicAllowed(t.name ?? ""),
    );
    return ok ? "pass" : "topic";
  }
  if (apiKey === ApiKey.Metadata) {
    if (version < MetadataApi.minVersion || version > MetadataApi.maxVersion) return "api";
    let topics: { name: string | null; topicId?: string }[] | null;
    try {
      topics = decodeRequestFrame(MetadataApi, body).body.topics;
    } catch {
      return "api";
    }
    if (topics === null) return "topic";
    const ok = topics.every((t) => {
      const id = t.topicId ?? ZERO_UUID;
      if (t.name === null && id === ZERO_UUID) return false;
      if (t.name !== null && !topicAllowed(t.name)) return false;
      return id === ZERO_UUID || idAllowed(id);
    });
    return ok ? "pass" : "topic";
  }
  return "pass";
}

const REQUEST_KINDS: readonly (readonly [number, RequestKind])[] = [
  [35, "Produce"],
  [25, "Metadata"],
  [10, "ApiVersions"],
  [10, "InitProducerId"],
  [4, "SaslHandshake"],
  [4, "SaslAuthenticate"],
  [12, "other"],
];

export const gatewayTarget: Target<GatewayInput> = {
  name: "gateway request inspector",
  share: 0.2,
  generate(rng) {
    const saslPassthrough = rng.chance(0.5);
    const maxRequestBytes = rng.weighted<() => number>([
      [7, () => 1024 * 1024],
      [2, () => 64 * 1024],
      [1, () => rng.range(16, 400)],
    ])();
    const kinds = Array.from({ length: rng.range(1, 4) }, () => rng.weighted(REQUEST_KINDS));
    const frames = kinds.map((k) => requestFrame(rng, k));
    const mode = rng.weighted<GatewayMode>([
      [20, "valid"],
      [45, "mutated"],
      [10, "header"],
      [15, "spliced"],
      [5, "random"],
    ]);
    let note = "";
    if (mode === "mutated") {
      if (rng.chance(0.5)) {
        const i = rng.int(frames.length);
        const m = mutate(rng, frames[i]!.subarray(4));
        // Half the time the size prefix is made to fit the damaged body, so it gets decoded.
        frames[i] = rng.chance(0.5)
          ? prefixed(m.bytes.length, m.bytes)
          : concat([frames[i]!.subarray(0, 4), m.bytes]);
        note = `frame ${i} body mutated: ${m.applied.join(", ")}`;
      }
    } else if (mode === "header") {
      const i = rng.int(frames.length);
      const f = frames[i]!.slice();
      const view = new DataView(f.buffer);
      if (f.length >= 8) {
        if (rng.chance(0.5)) view.setInt16(4, rng.pick([0, 3, 17, 18, 22, 36, rng.int16()]));
        view.setInt16(6, rng.chance(0.5) ? rng.int16() : rng.range(-1, 15));
      }
      frames[i] = f;
      note = `frame ${i} header key/version rewritten`;
    }
    let stream = concat(frames);
    if (mode === "mutated" && note === "") {
      const m = mutate(rng, stream);
      stream = m.bytes;
      note = `stream mutated: ${m.applied.join(", ")}`;
    } else if (mode === "spliced") {
      const s = splice(rng, stream, requestFrame(rng, rng.weighted(REQUEST_KINDS)));
      stream = s.bytes;
      note = `spliced at ${s.cutA}/${s.cutB}`;
    } else if (mode === "random") {
      const body = rng.bytes(rng.size(300));
      stream = rng.chance(0.5) ? prefixed(body.length, body) : body;
      note = "random bytes";
    }
    const { chunks, style } = chunk(rng, stream, boundariesOf(frames));
    const eager = rng.chance(0.3);
    return {
      bytes: stream,
      chunks,
      maxRequestBytes,
      saslPassthrough,
      eager,
      describe: `${kinds.join(" + ")} (${mode}${note ? `; ${note}` : ""}); ${chunks.length} ${style} chunks${eager ? " pushed at once" : ""}; maxRequestBytes ${maxRequestBytes}, saslPassthrough ${saslPassthrough}`,
    };
  },
  check: checkGateway,
};

/** How long a push() promise may take to settle (the id lookup here answers at once). */
const PUSH_SETTLE_MS = 5_000;

function settleWithin<T>(p: Promise<T>, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`${what} did not settle in ${PUSH_SETTLE_MS} ms`)),
      PUSH_SETTLE_MS,
    );
  });
  return Promise.race([p, late]).finally(() => clearTimeout(timer));
}

async function checkGateway(input: GatewayInput): Promise<Outcome> {
  const seen: number[] = [];
  let inspector: RequestInspector;
  try {
    inspector = new RequestInspector({
      maxRequestBytes: input.maxRequestBytes,
      saslPassthrough: input.saslPassthrough,
      topicAllowed: (topic) => POLICY.allows(topic),
      topicNameForId,
      onRequest: (apiKey) => seen.push(apiKey),
    });
  } catch (err) {
    return `constructor: ${errorText(err)}`;
  }
  const results: InspectResult[] = [];
  try {
    if (input.eager) {
      const pending = input.chunks.map((c) => inspector.push(c));
      for (const r of pending)
        results.push(r instanceof Promise ? await settleWithin(r, "push()") : r);
    } else {
      for (const c of input.chunks) {
        const r = inspector.push(c);
        results.push(r instanceof Promise ? await settleWithin(r, "push()") : r);
      }
    }
  } catch (err) {
    return `push() raised instead of returning a verdict: ${errorText(err)}`;
  }

  // What the inspector answered.
  const forwarded: Uint8Array[] = [];
  let violation: Extract<InspectResult, { ok: false }> | undefined;
  let violationAt = -1;
  for (let i = 0; i < results.length; i++) {
    const r = results[i]!;
    if (violation !== undefined) {
      if (r.ok || r.reason !== violation.reason)
        return `push ${i} after a refusal answered differently`;
      continue;
    }
    if (r.ok) {
      if (!Array.isArray(r.frames)) return `push ${i}: ok without a frames array`;
      forwarded.push(...r.frames);
      continue;
    }
    if (r.code !== 1008 && r.code !== 1009) return `push ${i}: refusal with close code ${r.code}`;
    if (typeof r.reason !== "string" || r.reason === "")
      return `push ${i}: refusal without a reason`;
    if (!REJECTIONS.has(r.rejection)) return `push ${i}: unknown rejection ${r.rejection}`;
    violation = r;
    violationAt = i;
  }
  for (const f of forwarded) {
    if (f.length < 4 || readBE(f, 0, 4) !== f.length - 4)
      return "forwarded a piece that is not one whole frame";
  }

  // What it should have answered.
  const expected = expectedVerdict(input);
  const sent = concat(forwarded);
  if (!sameBytes(sent, input.bytes.subarray(0, expected.forwardedBytes))) {
    return `forwarded ${sent.length} bytes; expected the stream's first ${expected.forwardedBytes} unchanged`;
  }
  if (expected.rejection === undefined) {
    if (violation)
      return `refused (${violation.rejection}: ${violation.reason}) a stream the policy allows`;
    if (inspector.buffered !== input.bytes.length - expected.forwardedBytes) {
      return `buffered ${inspector.buffered}, expected ${input.bytes.length - expected.forwardedBytes}`;
    }
  } else {
    if (!violation) return `did not refuse a ${expected.rejection} violation`;
    if (violation.rejection !== expected.rejection || violationAt !== expected.chunk) {
      return `refused with ${violation.rejection} at push ${violationAt}; expected ${expected.rejection} at push ${expected.chunk}`;
    }
  }
  const keys = forwarded.map((f) => readBE(f, 4, 2));
  if (seen.length !== keys.length || seen.some((k, i) => k !== keys[i])) {
    return `onRequest saw [${seen.join(",")}] for forwarded API keys [${keys.join(",")}]`;
  }
  countKind(violation ? `refused: ${violation.rejection}` : "forwarded all");
  return violation ? TYPED : OK;
}

/**
 * The verdict a correct inspector reaches. A push is refused whole: with frame_size when its
 * bytes complete a bad size prefix (the splitter reads the whole chunk before any frame in it is
 * checked, so this wins over a bad frame earlier in the same chunk), otherwise with the first
 * refused frame it completes. Only frames completed by earlier pushes go through.
 */
function expectedVerdict(input: GatewayInput): {
  forwardedBytes: number;
  rejection: "api" | "topic" | "frame_size" | undefined;
  chunk: number;
} {
  const stream = input.bytes;
  const ref = referenceSplit(stream, input.maxRequestBytes);
  const passedEnds: number[] = [];
  let refused: { end: number; verdict: "api" | "topic" } | undefined;
  for (const f of ref.frames) {
    const verdict = policyVerdict(stream.subarray(f.start, f.end), input.saslPassthrough);
    if (verdict !== "pass") {
      refused = { end: f.end, verdict };
      break;
    }
    passedEnds.push(f.end);
  }
  const starts: number[] = [];
  let at = 0;
  for (const c of input.chunks) {
    starts.push(at);
    at += c.length;
  }
  /** The push whose bytes include stream offset `pos` - 1 (the one that brings byte pos in). */
  const pushOf = (pos: number): number => {
    for (let i = starts.length - 1; i >= 0; i--) {
      if (pos > starts[i]! && pos <= starts[i]! + input.chunks[i]!.length) return i;
    }
    return -1;
  };
  const sizePush = ref.error === undefined ? -1 : pushOf(ref.error.detectAt);
  const framePush = refused === undefined ? -1 : pushOf(refused.end);
  let push = -1;
  let rejection: "api" | "topic" | "frame_size" | undefined;
  if (sizePush >= 0 && (framePush < 0 || sizePush <= framePush)) {
    push = sizePush;
    rejection = "frame_size";
  } else if (framePush >= 0) {
    push = framePush;
    rejection = refused!.verdict;
  }
  if (rejection === undefined) {
    return { forwardedBytes: passedEnds.at(-1) ?? 0, rejection: undefined, chunk: -1 };
  }
  const before = passedEnds.filter((e) => e <= starts[push]!);
  return { forwardedBytes: before.at(-1) ?? 0, rejection, chunk: push };
}
