/**
 * Deterministic browser-telemetry records: what a web app ships to Kafka (page views, clicks,
 * web vitals, cart events, errors), one JSON event per record, keyed by session id, with
 * headers. The same seed always gives the same bytes, so figures from different runs and
 * machines compare.
 *
 * Built from a small pool of sessions so that user agents, URLs and viewports repeat the way
 * they do in a real batch; ids, timings and coordinates vary, which is what keeps the data from
 * compressing unrealistically well.
 */
import type { RecordInput } from "../../packages/protocol/src/records.js";
import { encodeRecords } from "../../packages/protocol/src/records.js";
import { prng } from "../../scripts/test-support/prng.js";

const USER_AGENTS = [
  "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
  "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15",
  "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1",
  "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.6778.81 Mobile Safari/537.36",
  "Mozilla/5.0 (X11; Linux x86_64; rv:132.0) Gecko/20100101 Firefox/132.0",
  "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36 Edg/130.0.2849.68",
  "Mozilla/5.0 (Linux; Android 13; SM-S911B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/26.0 Chrome/122.0.0.0 Mobile Safari/537.36",
];
const VIEWPORTS: readonly [number, number, number][] = [
  [1920, 1080, 1],
  [1440, 900, 2],
  [1536, 864, 1.25],
  [390, 844, 3],
  [412, 915, 2.625],
  [768, 1024, 2],
];
const LOCALES: readonly [string, string][] = [
  ["en-US", "America/New_York"],
  ["en-GB", "Europe/London"],
  ["de-DE", "Europe/Berlin"],
  ["fr-FR", "Europe/Paris"],
  ["ja-JP", "Asia/Tokyo"],
  ["pt-BR", "America/Sao_Paulo"],
];
const PATHS = [
  "/",
  "/search",
  "/products/trail-running-shoe-x2",
  "/products/merino-base-layer",
  "/products/ultralight-tent-2p",
  "/category/outdoor/camping",
  "/category/running",
  "/cart",
  "/checkout/shipping",
  "/checkout/payment",
  "/account/orders",
  "/blog/how-to-choose-a-sleeping-bag",
];
const REFERRERS = [
  "",
  "https://www.google.com/",
  "https://www.bing.com/",
  "https://t.co/",
  "https://news.ycombinator.com/",
  "https://shop.example.com/",
];
const CAMPAIGNS = [
  "",
  "?utm_source=newsletter&utm_medium=email&utm_campaign=autumn_sale",
  "?q=tent",
];
const EVENTS = [
  "page_view",
  "page_view",
  "click",
  "click",
  "click",
  "scroll_depth",
  "web_vitals",
  "add_to_cart",
  "search",
  "js_error",
] as const;
const SELECTORS = [
  "button#add-to-cart",
  "a.nav-link[href='/cart']",
  "div.product-card:nth-child(3) > a",
  "button.filter-toggle",
  "input#search",
  "a.footer-link",
];
const CONNECTIONS = ["4g", "4g", "4g", "3g", "wifi"];

interface Session {
  id: string;
  anonymousId: string;
  userId: string | null;
  ua: string;
  viewport: [number, number, number];
  locale: [string, string];
  connection: string;
  seq: number;
}

/** Generates telemetry records one at a time; each call to `next()` is one event. */
export class TelemetryGenerator {
  private readonly rand: () => number;
  private readonly sessions: Session[] = [];
  private clock = 1_730_000_000_000;
  private readonly encoder = new TextEncoder();
  private readonly headerValues = {
    contentType: this.encoder.encode("application/json"),
    schema: this.encoder.encode("web.event.v3"),
    client: this.encoder.encode("tributary-web/0.1.0"),
  };

  constructor(seed = 1) {
    this.rand = prng(seed);
    for (let i = 0; i < 40; i++) this.sessions.push(this.newSession());
  }

  private int(n: number): number {
    return Math.floor(this.rand() * n);
  }
  private pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }
  private hex(n: number): string {
    let s = "";
    for (let i = 0; i < n; i++) s += "0123456789abcdef"[this.int(16)];
    return s;
  }
  private uuid(): string {
    return `${this.hex(8)}-${this.hex(4)}-4${this.hex(3)}-${"89ab"[this.int(4)]}${this.hex(3)}-${this.hex(12)}`;
  }
  private round(x: number, digits: number): number {
    const f = 10 ** digits;
    return Math.round(x * f) / f;
  }

  private newSession(): Session {
    return {
      id: this.uuid(),
      anonymousId: this.uuid(),
      userId: this.rand() < 0.4 ? `u_${100000 + this.int(900000)}` : null,
      ua: this.pick(USER_AGENTS),
      viewport: this.pick(VIEWPORTS),
      locale: this.pick(LOCALES),
      connection: this.pick(CONNECTIONS),
      seq: 0,
    };
  }

  private properties(event: (typeof EVENTS)[number], s: Session): Record<string, unknown> {
    const [w, h] = s.viewport;
    switch (event) {
      case "page_view":
        return {
          title: "Outdoor gear for every trail | Example Shop",
          loadTimeMs: this.round(300 + this.rand() * 2500, 1),
          navigationType: this.pick(["navigate", "reload", "back_forward"]),
        };
      case "click":
        return {
          selector: this.pick(SELECTORS),
          text: this.pick(["Add to cart", "Checkout", "Next", "Filters", "Search", "Orders"]),
          x: this.int(w),
          y: this.int(h * 3),
          button: 0,
        };
      case "scroll_depth":
        return { percent: this.pick([25, 50, 75, 90, 100]), maxY: this.int(h * 6) };
      case "web_vitals":
        return {
          lcp: this.round(800 + this.rand() * 3200, 1),
          fcp: this.round(400 + this.rand() * 1600, 1),
          cls: this.round(this.rand() * 0.25, 4),
          inp: this.int(400) + 16,
          ttfb: this.round(50 + this.rand() * 600, 1),
          rating: this.pick(["good", "good", "needs-improvement", "poor"]),
        };
      case "add_to_cart": {
        const quantity = 1 + this.int(3);
        const price = this.round(9.99 + this.rand() * 290, 2);
        return {
          sku: `SKU-${10000 + this.int(90000)}`,
          price,
          currency: s.locale[0] === "en-US" ? "USD" : "EUR",
          quantity,
          cart: {
            items: 1 + this.int(6),
            value: this.round(price * quantity + this.rand() * 200, 2),
          },
        };
      }
      case "search":
        return {
          query: this.pick(["tent", "rain jacket", "trail shoes", "stove", "sleeping bag 0c"]),
          results: this.int(240),
          filters: { inStock: this.rand() < 0.5, sort: this.pick(["relevance", "price_asc"]) },
        };
      case "js_error":
        return {
          message: "TypeError: Cannot read properties of undefined (reading 'price')",
          source: "https://shop.example.com/assets/app.4f9c2e1a.js",
          line: 1 + this.int(4000),
          column: 1 + this.int(200),
          stack: `at renderCart (https://shop.example.com/assets/app.4f9c2e1a.js:${1 + this.int(4000)}:${1 + this.int(200)})\nat HTMLButtonElement.onClick (https://shop.example.com/assets/app.4f9c2e1a.js:${1 + this.int(4000)}:${1 + this.int(200)})`,
        };
    }
  }

  /** The next event as a record: key = session id, value = the JSON event, three headers. */
  next(): RecordInput {
    // Sessions end and new ones start, so ids keep changing across a long batch.
    const slot = this.int(this.sessions.length);
    if (this.rand() < 0.02) this.sessions[slot] = this.newSession();
    const s = this.sessions[slot]!;
    this.clock += this.int(40);
    const event = this.pick(EVENTS);
    const path = this.pick(PATHS);
    const [width, height, dpr] = s.viewport;
    const body = {
      event,
      messageId: this.uuid(),
      timestamp: new Date(this.clock).toISOString(),
      sentAt: this.clock + 5 + this.int(900),
      sessionId: s.id,
      anonymousId: s.anonymousId,
      userId: s.userId,
      seq: s.seq++,
      page: {
        url: `https://shop.example.com${path}${this.pick(CAMPAIGNS)}`,
        path,
        referrer: this.pick(REFERRERS),
      },
      context: {
        userAgent: s.ua,
        locale: s.locale[0],
        timezone: s.locale[1],
        viewport: { width, height },
        screen: { width, height: height + 80, dpr },
        connection: {
          effectiveType: s.connection,
          rtt: 50 * (1 + this.int(6)),
          downlink: this.round(0.5 + this.rand() * 9.5, 1),
        },
        library: { name: "tributary-web", version: "0.1.0" },
      },
      properties: this.properties(event, s),
    };
    return {
      key: this.encoder.encode(s.id),
      value: this.encoder.encode(JSON.stringify(body)),
      headers: [
        { key: "content-type", value: this.headerValues.contentType },
        { key: "schema", value: this.headerValues.schema },
        { key: "client", value: this.headerValues.client },
      ],
      timestamp: this.clock,
    };
  }
}

/** `count` telemetry records from `seed`. */
export function telemetryRecords(count: number, seed = 1): RecordInput[] {
  const gen = new TelemetryGenerator(seed);
  return Array.from({ length: count }, () => gen.next());
}

export interface TelemetrySection {
  /** The records section (encodeRecords output): the bytes a producer hands to its codec. */
  section: Uint8Array;
  records: number;
  baseTimestamp: number;
}

/**
 * A records section of whole telemetry records, as large as fits in `maxBytes` (within one
 * record of it): what the producer compresses for a batch of that size.
 */
export function telemetrySection(maxBytes: number, seed = 1): TelemetrySection {
  const gen = new TelemetryGenerator(seed);
  const records: RecordInput[] = [];
  // A record's encoded size is its key, value and headers plus a few bytes of varints.
  let estimate = 0;
  while (estimate < maxBytes) {
    const r = gen.next();
    records.push(r);
    estimate += (r.key?.length ?? 0) + (r.value?.length ?? 0) + 12;
    for (const h of r.headers ?? []) estimate += h.key.length + (h.value?.length ?? 0) + 2;
  }
  const baseTimestamp = records[0]!.timestamp!;
  let section = encodeRecords(records, baseTimestamp);
  // The estimate is off by a record or two; drop from the end until it fits.
  while (section.length > maxBytes && records.length > 1) {
    records.pop();
    section = encodeRecords(records, baseTimestamp);
  }
  return { section, records: records.length, baseTimestamp };
}
