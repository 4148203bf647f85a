// JsonLinesFormatter prints exact bytes: checked with records no console producer can write.
// Needs the Kafka jars (fetched by `npm run kafka -- start`), not a running broker.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { test } from "node:test";
import { classpath } from "../../fetch.mjs";
import { ensureFormatter } from "../../formatter.mjs";
import type { ConsumedRecord } from "../../helpers.mjs";
import { jdkTool } from "../../java.mjs";

function formatFixtureRecords(): ConsumedRecord[] {
  const source = join(import.meta.dirname, "FormatterCheck.java");
  const r = spawnSync(jdkTool("java"), ["-cp", `${ensureFormatter()}:${classpath()}`, source], {
    encoding: "utf8",
    timeout: 60_000,
  });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout
    .trimEnd()
    .split("\n")
    .map((line) => JSON.parse(line) as ConsumedRecord);
}

const b64 = (bytes: number[]) => Buffer.from(bytes).toString("base64");

test("JsonLinesFormatter keeps exact bytes and marks what is not UTF-8", () => {
  const [nulls, binary, unicode, cesu] = formatFixtureRecords();

  assert.deepEqual(nulls, {
    topic: 't"opic',
    partition: 7,
    offset: 0,
    timestamp: 1700000000000,
    timestampType: "CreateTime",
    key: null,
    keyBase64: null,
    value: null,
    valueBase64: null,
    headers: [],
    headersBase64: [],
  });

  assert.equal(binary?.key, "k1");
  assert.equal(binary?.value, null, "invalid UTF-8 has no text form");
  assert.equal(binary?.valueBase64, b64([0xff, 0x00, 0xc3]));
  assert.deepEqual(binary?.headers, [
    ["h-null", null],
    ["h-bin", null],
    ["h-text", 'ü\n"\\\t\u0001 😀'],
  ]);
  assert.deepEqual(binary?.headersBase64, [
    ["h-null", null],
    ["h-bin", b64([0x80])],
    ["h-text", Buffer.from('ü\n"\\\t\u0001 😀').toString("base64")],
  ]);

  assert.equal(unicode?.key, "", "an empty key is not a null key");
  assert.equal(unicode?.keyBase64, "");
  assert.equal(unicode?.value, "\u2028 😀");
  assert.deepEqual(unicode?.headers, [["\ud800x", "v"]], "a lone surrogate survives as an escape");

  assert.equal(cesu?.key, null, "an encoded surrogate is not valid UTF-8");
  assert.equal(cesu?.keyBase64, b64([0xed, 0xa0, 0x80]));
  assert.equal(cesu?.value, "");
});
