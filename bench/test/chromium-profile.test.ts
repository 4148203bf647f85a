/**
 * The pure parts of the Chromium runner: the self-time arithmetic of a CDP CPU profile summary
 * and the binding messages between the page and the runner.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { hookMessage, parseHookMessage } from "../browser/page-api.js";
import { type CdpProfile, summarizeProfile } from "../browser/profile.js";

const frame = (functionName: string, url = "", lineNumber = 0) => ({
  functionName,
  url,
  lineNumber,
  columnNumber: 0,
});

describe("summarizeProfile", () => {
  // Samples at t = 0, 100, 400, 500 µs (deltas 0, 100, 300, 100); the profile ends at 600.
  // Sample i lasts until sample i+1: a 100, b 300, a 100, idle 100 (until endTime).
  const profile: CdpProfile = {
    nodes: [
      { id: 1, callFrame: frame("(root)") },
      { id: 2, callFrame: frame("a", "http://h/x.js", 9) },
      { id: 3, callFrame: frame("b", "http://h/y.js", 19) },
      { id: 4, callFrame: frame("(idle)") },
    ],
    startTime: 1000,
    endTime: 1600,
    samples: [2, 3, 2, 4],
    timeDeltas: [0, 100, 300, 100],
  };

  it("gives each sample the time until the next one, and the last until endTime", () => {
    const s = summarizeProfile(profile);
    assert.equal(s.totalMs, 0.6);
    assert.equal(s.idleMs, 0.1);
    assert.deepEqual(
      s.byFunction.map((r) => [r.name, r.selfMs]),
      [
        ["b (http://h/y.js:20)", 0.3],
        ["a (http://h/x.js:10)", 0.2],
        ["(idle)", 0.1],
      ],
    );
    assert.deepEqual(
      s.byFile.map((r) => r.name),
      ["http://h/y.js", "http://h/x.js", "(idle)"],
    );
    assert.equal(s.byFunction[0]?.share, 0.5);
  });
});

describe("hook messages", () => {
  it("round-trip a mark and a progress line that holds a colon", () => {
    assert.deepEqual(parseHookMessage(hookMessage("mark", "start")), {
      kind: "mark",
      text: "start",
    });
    assert.deepEqual(parseHookMessage(hookMessage("progress", "warm-up: 10 records")), {
      kind: "progress",
      text: "warm-up: 10 records",
    });
  });

  it("refuse a message of another kind", () => {
    assert.equal(parseHookMessage("other:x"), undefined);
    assert.equal(parseHookMessage("no colon"), undefined);
  });
});
