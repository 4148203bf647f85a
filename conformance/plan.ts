/**
 * What the orchestrator (scripts/conformance.mjs) asks a driver to run, and what a driver prints
 * back. The plan travels as JSON (argv, an HTTP body, a URL query); results come back one JSON
 * object per line (stdout, an HTTP response, the page console), so every runtime speaks the same
 * tiny protocol whatever the channel.
 */
import {
  type CellResult,
  CODEC_NAMES,
  type CodecName,
  TRANSPORT_NAMES,
  type TransportName,
} from "./cell.js";
import { LISTENERS, type ListenerName, SECURITY_NAMES, type SecurityName } from "./security.mjs";

export interface PlannedCell {
  transport: TransportName;
  codec: CodecName;
  /** An auth cell (security.mjs): over tcp, codec none. */
  security?: SecurityName;
}

/** What the auth cells connect to and trust. */
export interface PlanSecurity {
  /** host:port of each of the broker's SASL and TLS listeners. */
  bootstrap: Record<ListenerName, string>;
  /** PEM of the CA that signed the broker's certificate. */
  ca: string;
  /** PEM of a CA made for this run, which signed nothing the broker has. */
  unrelatedCa: string;
}

export interface Plan {
  /** The row label, e.g. "node20" or "workerd"; the first part of every cell name. */
  runtime: string;
  topic: string;
  /** Records per cell; auth cells produce fewer (security.mjs recordsFor). */
  records: number;
  /** Where each transport connects: Kafka's host:port, and the gateway's ws:// URL. */
  bootstrap: { tcp: string; websocket: string };
  /** Needed once the plan has an auth cell. */
  security?: PlanSecurity;
  cells: PlannedCell[];
}

/** First line of a driver: which file "@tributary/producer" resolved to in this runtime. */
export interface HelloLine {
  kind: "hello";
  runtime: string;
  /** The resolved URL or path; the orchestrator checks it names the runtime's own entry. */
  entry: string;
  /** The runtime's own account of its version. */
  version: string;
}

export interface CellLine extends CellResult {
  kind: "cell";
  /** How the codec was handed to the producer: by name (the entry's loader) or as an object. */
  compression: "name" | "object";
  /** Which WebSocket constructor the websocket cells used: "global" or a package name. */
  webSocket: string | null;
}

/** Last line: the driver ran every planned cell. */
export interface EndLine {
  kind: "end";
}

export type DriverLine = HelloLine | CellLine | EndLine;

/** Reads and checks a plan; every rejection names the field and what it received. */
export function parsePlan(text: string): Plan {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new Error(`the plan is not JSON (${String(err)}); received ${text.slice(0, 80)}`);
  }
  const o = record(raw, "plan");
  const bootstrap = record(o.bootstrap, "plan.bootstrap");
  const cells = o.cells;
  if (!Array.isArray(cells))
    throw new Error(`plan.cells must be an array; received ${show(cells)}`);
  const records = o.records;
  if (typeof records !== "number" || !Number.isInteger(records) || records < 1) {
    throw new Error(`plan.records must be a positive integer; received ${show(records)}`);
  }
  const planned = cells.map((c, i): PlannedCell => {
    const cell = record(c, `plan.cells[${i}]`);
    const transport = oneOf(cell.transport, TRANSPORT_NAMES, `plan.cells[${i}].transport`);
    const codec = oneOf(cell.codec, CODEC_NAMES, `plan.cells[${i}].codec`);
    if (cell.security === undefined) return { transport, codec };
    return {
      transport,
      codec,
      security: oneOf(cell.security, SECURITY_NAMES, `plan.cells[${i}].security`),
    };
  });
  const security =
    o.security === undefined ? undefined : parseSecurity(record(o.security, "plan.security"));
  if (security === undefined && planned.some((c) => c.security !== undefined)) {
    throw new Error("plan.security is required when a cell has a security; received none");
  }
  return {
    runtime: text1(o.runtime, "plan.runtime"),
    topic: text1(o.topic, "plan.topic"),
    records,
    bootstrap: {
      tcp: text1(bootstrap.tcp, "plan.bootstrap.tcp"),
      websocket: text1(bootstrap.websocket, "plan.bootstrap.websocket"),
    },
    ...(security === undefined ? {} : { security }),
    cells: planned,
  };
}

function parseSecurity(o: Record<string, unknown>): PlanSecurity {
  const bootstrap = record(o.bootstrap, "plan.security.bootstrap");
  const listeners = Object.keys(LISTENERS) as ListenerName[];
  return {
    bootstrap: Object.fromEntries(
      listeners.map((l) => [l, text1(bootstrap[l], `plan.security.bootstrap.${l}`)]),
    ) as Record<ListenerName, string>,
    ca: text1(o.ca, "plan.security.ca"),
    unrelatedCa: text1(o.unrelatedCa, "plan.security.unrelatedCa"),
  };
}

function record(value: unknown, field: string): Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new Error(`${field} must be an object; received ${show(value)}`);
  }
  return value as Record<string, unknown>;
}

function text1(value: unknown, field: string): string {
  if (typeof value !== "string" || value === "") {
    throw new Error(`${field} must be a non-empty string; received ${show(value)}`);
  }
  return value;
}

function oneOf<T extends string>(value: unknown, allowed: readonly T[], field: string): T {
  if (typeof value === "string" && (allowed as readonly string[]).includes(value))
    return value as T;
  throw new Error(`${field} must be one of ${allowed.join(", ")}; received ${show(value)}`);
}

function show(value: unknown): string {
  return JSON.stringify(value) ?? String(value);
}
