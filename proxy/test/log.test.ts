import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { createLogger, REDACTED } from "../src/log.js";

function capture(level: "debug" | "info" | "warn" | "error", secrets?: string[]) {
  const lines: string[] = [];
  const log = createLogger({
    level,
    write: (line) => lines.push(line),
    ...(secrets ? { secrets } : {}),
  });
  return { log, lines };
}

const CANARY = "canary-7f3e9b2c41d8a6e5";

describe("createLogger", () => {
  it("writes one JSON object per line with time, level and event first", () => {
    const { log, lines } = capture("debug");
    log.info("session.open", { principal: "token:abc", bytes: 12, nested: { a: [1, 2] } });
    log.warn("multi\nline", { text: "a\nb" });
    assert.equal(lines.length, 2);
    for (const line of lines) {
      assert.equal(line.includes("\n"), false, "a line holds no raw newline");
      const record = JSON.parse(line);
      assert.deepEqual(Object.keys(record).slice(0, 3), ["time", "level", "event"]);
      assert.equal(new Date(record.time).toISOString(), record.time);
    }
    assert.deepEqual(JSON.parse(lines[0]!), {
      time: JSON.parse(lines[0]!).time,
      level: "info",
      event: "session.open",
      principal: "token:abc",
      bytes: 12,
      nested: { a: [1, 2] },
    });
  });

  it("drops lines below the configured level", () => {
    const { log, lines } = capture("warn");
    log.debug("d");
    log.info("i");
    log.warn("w");
    log.error("e");
    assert.deepEqual(
      lines.map((l) => JSON.parse(l).event),
      ["w", "e"],
    );
    const all = capture("debug");
    all.log.debug("d");
    assert.equal(all.lines.length, 1);
  });

  it("redacts fields by name, at any depth", () => {
    const { log, lines } = capture("info");
    log.info("x", {
      token: "t1",
      jwtSecret: "s1",
      headers: { Authorization: "Bearer t2", cookie: "c", accept: "ok" },
      list: [{ password: "p" }],
      apiToken: 42,
      JWT: { sub: "x" },
    });
    const record = JSON.parse(lines[0]!);
    assert.equal(record.token, REDACTED);
    assert.equal(record.jwtSecret, REDACTED);
    assert.equal(record.headers.Authorization, REDACTED);
    assert.equal(record.headers.cookie, REDACTED);
    assert.equal(record.headers.accept, "ok");
    assert.equal(record.list[0].password, REDACTED);
    assert.equal(record.apiToken, REDACTED);
    assert.equal(record.JWT, REDACTED);
    for (const value of ["t1", "s1", "Bearer t2", '"p"'])
      assert.equal(lines[0]!.includes(value), false, value);
  });

  it("a configured secret never appears in the output, wherever it hides", () => {
    const { log, lines } = capture("debug", [CANARY]);
    const err = new Error(`upstream said ${CANARY}`);
    log.error(`event-${CANARY}`, {
      url: `/kafka?t=${CANARY}`,
      detail: { deeper: [`x${CANARY}y`] },
      err,
      [`key-${CANARY}`]: 1,
      protocols: ["tributary.v1", `bearer.${CANARY}`],
    });
    assert.equal(lines.length, 1);
    assert.equal(lines[0]!.includes(CANARY), false, lines[0]);
    // Split across fields it is not the secret, but the redaction marker shows where it was.
    const record = JSON.parse(lines[0]!);
    assert.equal(record.url, `/kafka?t=${REDACTED}`);
    assert.equal(record.protocols[1], `bearer.${REDACTED}`);
    assert.equal(record.err.message, `upstream said ${REDACTED}`);
  });

  it("cuts out the longer of two overlapping secrets whole", () => {
    const { log, lines } = capture("info", ["abcd", "abcdefgh"]);
    log.info("x", { v: "--abcdefgh--" });
    assert.equal(JSON.parse(lines[0]!).v, `--${REDACTED}--`);
  });

  it("survives values JSON cannot hold: bigint, cycles, buffers", () => {
    const { log, lines } = capture("info");
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = cyclic;
    log.info("x", { big: 10n, cyclic, bytes: new Uint8Array(3) });
    const record = JSON.parse(lines[0]!);
    assert.equal(record.big, "10");
    assert.equal(record.bytes, "Uint8Array(3)");
  });

  it("fields cannot overwrite time, level or event", () => {
    const { log, lines } = capture("info");
    log.info("real", { level: "debug", event: "fake", time: "never" });
    const record = JSON.parse(lines[0]!);
    assert.equal(record.level, "info");
    assert.equal(record.event, "real");
    assert.notEqual(record.time, "never");
  });
});
