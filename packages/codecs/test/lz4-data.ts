import type { RecordInput } from "@tributary/protocol";
import { prng } from "../../../scripts/test-support/prng.js";

export { prng };

/** Bytes that do not compress: LZ4 stores such blocks as they are. */
export function randomBytes(length: number, seed = 7): Uint8Array {
  const next = prng(seed);
  return Uint8Array.from({ length }, () => Math.floor(next() * 256));
}

const text = new TextEncoder();
const PAGES = ["/", "/search", "/cart", "/checkout/payment", "/products/ultralight-tent-2p"];
const EVENTS = ["page_view", "click", "scroll_depth", "web_vitals", "add_to_cart"];
const AGENTS = [
  "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
  "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1",
  "Mozilla/5.0 (X11; Linux x86_64; rv:132.0) Gecko/20100101 Firefox/132.0",
];

/**
 * `count` browser-telemetry records: a session id as key, a JSON event as value (ids, timings
 * and coordinates vary; agents, pages and field names repeat, as in a real batch), and headers,
 * one of them with a null value and one with non-UTF-8 bytes.
 */
export function telemetryRecords(count: number, seed = 1, baseTimestamp = 1_730_000_000_000) {
  const next = prng(seed);
  const int = (n: number) => Math.floor(next() * n);
  const hex = (n: number) => Array.from({ length: n }, () => "0123456789abcdef"[int(16)]).join("");
  const sessions = Array.from({ length: 25 }, () => `${hex(8)}-${hex(4)}-4${hex(3)}-${hex(12)}`);
  const records: RecordInput[] = [];
  for (let i = 0; i < count; i++) {
    const session = sessions[int(sessions.length)]!;
    const event = {
      event: EVENTS[int(EVENTS.length)],
      messageId: `${hex(8)}-${hex(4)}-${hex(4)}-${hex(12)}`,
      sessionId: session,
      seq: i,
      page: {
        path: PAGES[int(PAGES.length)],
        referrer: int(3) === 0 ? "https://www.google.com/" : "",
      },
      context: {
        userAgent: AGENTS[int(AGENTS.length)],
        viewport: { width: 360 + int(1600), height: 640 + int(600) },
        locale: "en-US",
      },
      properties: { x: int(1920), y: int(4000), loadTimeMs: Math.round(next() * 300000) / 100 },
      note: i % 97 === 0 ? "ünïcödé ✓ 日本語" : undefined,
    };
    records.push({
      key: text.encode(session),
      value: text.encode(JSON.stringify(event)),
      headers: [
        { key: "content-type", value: text.encode("application/json") },
        {
          key: "trace",
          value: i % 5 === 0 ? null : Uint8Array.of(0xff, i & 0xff, (i >> 8) & 0xff),
        },
      ],
      timestamp: baseTimestamp + i * 3,
    });
  }
  return records;
}

/** The JSON values of `telemetryRecords`, joined into one payload of at least `bytes` bytes. */
export function telemetryJson(bytes: number, seed = 1): Uint8Array {
  const out = new Uint8Array(bytes);
  let at = 0;
  for (const r of telemetryRecords(Math.ceil(bytes / 300) + 1, seed)) {
    const v = r.value!;
    const n = Math.min(v.length, bytes - at);
    out.set(v.subarray(0, n), at);
    at += n;
    if (at === bytes) break;
  }
  return out;
}
