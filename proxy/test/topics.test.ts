import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { compileGlobs, globMatches, TopicPolicy } from "../src/topics.js";

/** A straightforward reference: the glob as an anchored regex with everything else escaped. */
function referenceMatch(glob: string, name: string): boolean {
  const source = [...glob]
    .map((c) =>
      c === "*" ? "[\\s\\S]*" : c === "?" ? "[\\s\\S]" : c.replace(/[.*+?^${}()|[\]\\/-]/g, "\\$&"),
    )
    .join("");
  return new RegExp(`^${source}$`).test(name);
}

describe("compileGlobs", () => {
  it("matches whole names only (anchored)", () => {
    const allowed = compileGlobs(["events"]);
    assert.equal(allowed("events"), true);
    assert.equal(allowed("events-2"), false);
    assert.equal(allowed("my-events"), false);
  });

  it("'*' matches any run, also an empty one", () => {
    const allowed = compileGlobs(["events-*"]);
    assert.equal(allowed("events-"), true);
    assert.equal(allowed("events-clicks.v2"), true);
    assert.equal(allowed("events"), false);
    assert.equal(compileGlobs(["*"])("anything at all"), true);
    assert.equal(compileGlobs(["a*b*c"])("abc"), true);
    assert.equal(compileGlobs(["a*b*c"])("aXbYbZc"), true);
    assert.equal(compileGlobs(["a*b*c"])("aXbYcZ"), false);
  });

  it("'?' matches exactly one character", () => {
    const allowed = compileGlobs(["t?"]);
    assert.equal(allowed("t1"), true);
    assert.equal(allowed("t"), false);
    assert.equal(allowed("t12"), false);
  });

  it("regex metacharacters are literal (no regex injection)", () => {
    assert.equal(compileGlobs(["a.b"])("axb"), false);
    assert.equal(compileGlobs(["a.b"])("a.b"), true);
    assert.equal(compileGlobs(["a+"])("aa"), false);
    assert.equal(compileGlobs(["(a|b)"])("a"), false);
    assert.equal(compileGlobs(["[ab]"])("a"), false);
    assert.equal(compileGlobs(["^.*$"])("x"), false);
  });

  it("any of several globs may match; an empty list matches nothing", () => {
    const allowed = compileGlobs(["a-*", "b-?"]);
    assert.equal(allowed("a-1"), true);
    assert.equal(allowed("b-2"), true);
    assert.equal(allowed("c-3"), false);
    assert.equal(compileGlobs([])("a"), false);
  });

  it("agrees with an escaped, anchored regex on random globs and names", () => {
    const alphabet = fc.constantFrom("a", "b", ".", "-", "*", "?");
    const glob = fc.array(alphabet, { maxLength: 8 }).map((cs) => cs.join(""));
    const name = fc
      .array(fc.constantFrom("a", "b", ".", "-", "*", "?"), { maxLength: 10 })
      .map((cs) => cs.join(""));
    fc.assert(
      fc.property(glob, name, (g, n) => {
        assert.equal(globMatches(g, n), referenceMatch(g, n), `${g} vs ${n}`);
      }),
      { numRuns: 5000 },
    );
  });

  it("stays fast on many stars against a long name that almost matches", () => {
    const glob = `${"*a".repeat(12)}*b`;
    const name = "a".repeat(249); // Kafka's longest topic name
    const start = performance.now();
    assert.equal(globMatches(glob, name), false);
    // A backtracking regex takes ages here; the two-pointer matcher is O(name × glob).
    assert.ok(performance.now() - start < 200, "took too long");
  });
});

describe("TopicPolicy", () => {
  const policy = new TopicPolicy(["events-*", "audit"]);

  it("allows topics matching the configured globs", () => {
    assert.equal(policy.allows("events-a"), true);
    assert.equal(policy.allows("audit"), true);
    assert.equal(policy.allows("secret"), false);
  });

  it("a JWT topics claim narrows the allowlist: both must match", () => {
    assert.equal(policy.allows("events-a", ["events-a"]), true);
    assert.equal(policy.allows("events-b", ["events-a"]), false);
    assert.equal(policy.allows("events-b", ["events-*"]), true);
    // The claim cannot widen what the gateway allows.
    assert.equal(policy.allows("secret", ["*"]), false);
    assert.equal(policy.allows("events-a", []), false);
  });
});
