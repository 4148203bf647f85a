/**
 * @tributary/producer/telemetry: `track(event, properties)` for pages. One import and one call:
 *
 *   import { createTelemetry } from "@tributary/producer/telemetry";
 *   const { track } = createTelemetry({ bootstrap: "wss://gw.example.com/kafka", topic: "events" });
 *   track("signup", { plan: "pro" });
 *
 * Each event becomes one record: the session id as key (a session's events stay in order on one
 * partition), a JSON value with the event, its properties, the time, the page URL, the session
 * id and the user agent, and an `event` header. Events are batched (lingerMs 1000 unless set)
 * and kept in the durable queue (IndexedDB) until the broker acknowledges them.
 */
import type { TributaryError } from "@tributary/protocol";
import type { DurableOptions } from "../durable/durable-options.js";
import { createDurableProducer, type DurableProducerOptions } from "../durable/index.js";
import { invalidArgument } from "../errors.js";
import { createProducer } from "../index.js";
import type { Producer } from "../producer.js";
import { DeliveryReceipt } from "../receipt.js";
import { tabSessionId } from "./session.js";

export interface TelemetryOptions extends Omit<DurableProducerOptions, "durable"> {
  /** The topic every event goes to. */
  topic: string;
  /** Durable-queue options, or false for memory only. Default: the durable queue's defaults. */
  durable?: DurableOptions | false | undefined;
  /** Default: one per tab, kept in sessionStorage across reloads. */
  sessionId?: string | undefined;
}

export interface Telemetry {
  /** Queues one event; returns its receipt at once. Bad input fails the receipt, never throws. */
  track(event: string, properties?: Record<string, unknown>): DeliveryReceipt;
  readonly sessionId: string;
  readonly producer: Producer;
  flush(): Promise<void>;
  close(): Promise<void>;
}

/** What one event's record value holds (JSON). */
export interface TelemetryEvent {
  event: string;
  properties: Record<string, unknown>;
  /** ISO 8601, the time track() was called. */
  timestamp: string;
  url: string | undefined;
  sessionId: string;
  userAgent: string | undefined;
}

export function createTelemetry(options: TelemetryOptions): Telemetry {
  const { topic, durable, sessionId: given, ...producerOptions } = options;
  if (typeof topic !== "string" || topic.length === 0) {
    throw invalidArgument("topic", "must name the topic events go to", topic);
  }
  const settings = { lingerMs: 1000, ...producerOptions };
  const producer: Producer =
    durable === false
      ? createProducer(settings)
      : createDurableProducer({ ...settings, durable: durable ?? {} });
  const sessionId = given ?? tabSessionId();
  const page = globalThis as { location?: { href?: string }; navigator?: { userAgent?: string } };

  const track = (event: string, properties: Record<string, unknown> = {}): DeliveryReceipt => {
    const now = Date.now();
    let value: string;
    try {
      if (typeof event !== "string" || event.length === 0) {
        throw invalidArgument("event", "must be a non-empty string", event);
      }
      if (typeof properties !== "object" || properties === null || Array.isArray(properties)) {
        throw invalidArgument("properties", "must be an object", properties);
      }
      const body: TelemetryEvent = {
        event,
        properties,
        timestamp: new Date(now).toISOString(),
        url: page.location?.href,
        sessionId,
        userAgent: page.navigator?.userAgent,
      };
      value = stringify(body);
    } catch (err) {
      // Bad input fails its receipt at once, as produce() does; nothing is queued.
      const failed = new DeliveryReceipt(topic);
      failed.reject(err as TributaryError);
      return failed;
    }
    return producer.produce(topic, {
      key: sessionId,
      value,
      headers: { event },
      timestamp: now,
    });
  };

  return {
    track,
    sessionId,
    producer,
    flush: () => producer.flush(),
    close: () => producer.close(),
  };
}

function stringify(body: TelemetryEvent): string {
  try {
    return JSON.stringify(body);
  } catch (err) {
    throw invalidArgument(
      "properties",
      `must be JSON-serialisable (${(err as Error).message})`,
      body.properties,
    );
  }
}
