import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { CONNECT_BUCKETS, Metrics } from "../src/metrics.js";

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/**
 * A strict reader of the Prometheus text format 0.0.4: every line is `# HELP`, `# TYPE` or a
 * sample; a sample's family must have been declared by TYPE before it.
 */
function parseExposition(text: string): {
  types: Map<string, string>;
  help: Map<string, string>;
  samples: Sample[];
} {
  assert.ok(text.endsWith("\n"), "ends with a newline");
  const types = new Map<string, string>();
  const help = new Map<string, string>();
  const samples: Sample[] = [];
  const name = "[a-zA-Z_:][a-zA-Z0-9_:]*";
  const sampleLine = new RegExp(`^(${name})(?:\\{(.*)\\})? (\\S+)$`);
  for (const line of text.slice(0, -1).split("\n")) {
    let m = new RegExp(`^# HELP (${name}) (.*)$`).exec(line);
    if (m) {
      help.set(m[1]!, m[2]!);
      continue;
    }
    m = new RegExp(`^# TYPE (${name}) (counter|gauge|histogram|summary|untyped)$`).exec(line);
    if (m) {
      assert.equal(types.has(m[1]!), false, `TYPE once per family: ${m[1]}`);
      types.set(m[1]!, m[2]!);
      continue;
    }
    m = sampleLine.exec(line);
    assert.ok(m, `not a valid line: ${JSON.stringify(line)}`);
    const labels: Record<string, string> = {};
    if (m[2] !== undefined && m[2] !== "") {
      const labelRe = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\\n]|\\[\\"n])*)"(,|$)/y;
      let at = 0;
      while (at < m[2].length) {
        labelRe.lastIndex = at;
        const lm = labelRe.exec(m[2]);
        assert.ok(lm, `bad labels in ${line}`);
        labels[lm[1]!] = lm[2]!;
        at = labelRe.lastIndex;
      }
    }
    const value = m[3] === "+Inf" ? Number.POSITIVE_INFINITY : Number(m[3]);
    assert.ok(!Number.isNaN(value), `bad value in ${line}`);
    const family = m[1]!.replace(/_(bucket|sum|count)$/, "");
    assert.ok(
      types.has(m[1]!) || types.get(family) === "histogram",
      `sample before its TYPE: ${line}`,
    );
    samples.push({ name: m[1]!, labels, value });
  }
  return { types, help, samples };
}

const find = (samples: Sample[], name: string, labels: Record<string, string> = {}) =>
  samples.find(
    (s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v),
  )?.value;

describe("Metrics.render", () => {
  it("is valid Prometheus text with HELP and TYPE for every family", () => {
    const { types, help } = parseExposition(new Metrics().render());
    for (const [family, type] of [
      ["tributary_proxy_sessions_open", "gauge"],
      ["tributary_proxy_sessions_total", "counter"],
      ["tributary_proxy_bytes_total", "counter"],
      ["tributary_proxy_requests_total", "counter"],
      ["tributary_proxy_rejections_total", "counter"],
      ["tributary_proxy_upstream_errors_total", "counter"],
      ["tributary_proxy_upstream_connect_seconds", "histogram"],
    ] as const) {
      assert.equal(types.get(family), type, family);
      assert.ok((help.get(family) ?? "").length > 0, `HELP for ${family}`);
    }
  });

  it("counts sessions (open gauge and total counter), bytes by direction", () => {
    const m = new Metrics();
    m.sessionOpened();
    m.sessionOpened();
    m.sessionClosed();
    m.bytes("to_broker", 100);
    m.bytes("to_client", 7);
    m.bytes("to_broker", 1);
    const { samples } = parseExposition(m.render());
    assert.equal(find(samples, "tributary_proxy_sessions_open"), 1);
    assert.equal(find(samples, "tributary_proxy_sessions_total"), 2);
    assert.equal(find(samples, "tributary_proxy_bytes_total", { direction: "to_broker" }), 101);
    assert.equal(find(samples, "tributary_proxy_bytes_total", { direction: "to_client" }), 7);
  });

  it("counts requests by api name and key; unknown keys fold into one series", () => {
    const m = new Metrics();
    m.request(0);
    m.request(0);
    m.request(3);
    m.request(31000);
    m.request(32000);
    const { samples } = parseExposition(m.render());
    assert.equal(find(samples, "tributary_proxy_requests_total", { api: "Produce", key: "0" }), 2);
    assert.equal(find(samples, "tributary_proxy_requests_total", { api: "Metadata", key: "3" }), 1);
    assert.equal(
      find(samples, "tributary_proxy_requests_total", { api: "unknown", key: "other" }),
      2,
    );
    assert.equal(samples.filter((s) => s.name === "tributary_proxy_requests_total").length, 3);
  });

  it("counts rejections by reason and upstream errors by kind, zeros included", () => {
    const m = new Metrics();
    m.rejection("topic");
    m.rejection("topic");
    m.rejection("unauthorized");
    m.upstreamError("connect_timeout");
    const { samples } = parseExposition(m.render());
    assert.equal(find(samples, "tributary_proxy_rejections_total", { reason: "topic" }), 2);
    assert.equal(find(samples, "tributary_proxy_rejections_total", { reason: "unauthorized" }), 1);
    assert.equal(find(samples, "tributary_proxy_rejections_total", { reason: "origin" }), 0);
    assert.equal(
      find(samples, "tributary_proxy_upstream_errors_total", { kind: "connect_timeout" }),
      1,
    );
    assert.equal(find(samples, "tributary_proxy_upstream_errors_total", { kind: "closed" }), 0);
  });

  it("the connect histogram has cumulative buckets ending in +Inf, then _sum and _count", () => {
    const m = new Metrics();
    const observed = [0.2, 3, 3, 40, 900, 60_000]; // ms; the last is past every bucket
    for (const ms of observed) m.connectLatency(ms);
    const { samples } = parseExposition(m.render());
    const base = "tributary_proxy_upstream_connect_seconds";
    const buckets = samples.filter((s) => s.name === `${base}_bucket`);
    assert.equal(buckets.length, CONNECT_BUCKETS.length + 1);
    assert.equal(buckets.at(-1)!.labels.le, "+Inf");
    let previous = 0;
    let previousLe = Number.NEGATIVE_INFINITY;
    for (const b of buckets) {
      const le = b.labels.le === "+Inf" ? Number.POSITIVE_INFINITY : Number(b.labels.le);
      assert.ok(le > previousLe, "le increases");
      assert.ok(b.value >= previous, "cumulative");
      // Each bucket counts exactly the observations at or below its bound.
      assert.equal(b.value, observed.filter((ms) => ms / 1000 <= le).length, `le=${b.labels.le}`);
      previous = b.value;
      previousLe = le;
    }
    assert.equal(buckets.at(-1)!.value, observed.length);
    assert.equal(find(samples, `${base}_count`), observed.length);
    const sum = find(samples, `${base}_sum`)!;
    assert.ok(Math.abs(sum - observed.reduce((a, b) => a + b, 0) / 1000) < 1e-9);
    // _sum and _count come after the buckets.
    const names = samples.map((s) => s.name);
    assert.ok(names.lastIndexOf(`${base}_bucket`) < names.indexOf(`${base}_sum`));
    assert.ok(names.indexOf(`${base}_sum`) < names.indexOf(`${base}_count`));
  });
});
