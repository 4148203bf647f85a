import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { PAYLOAD_LINES, valueBytes, writePayloads } from "../lib/payloads.js";

describe("payload files", () => {
  const dir = mkdtempSync(join(tmpdir(), "payloads-test-"));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const files = writePayloads(dir);

  it("writes one value per line, no trailing newline, the same bytes on every call", () => {
    for (const f of Object.values(files)) {
      const text = readFileSync(f.path, "utf8");
      assert.equal(text.split("\n").length, PAYLOAD_LINES);
      assert.ok(!text.endsWith("\n"));
    }
    const again = writePayloads(join(dir, "again"));
    assert.deepEqual(readFileSync(again.telemetry.path), readFileSync(files.telemetry.path));
    assert.deepEqual(
      readFileSync(again["random-100"].path),
      readFileSync(files["random-100"].path),
    );
  });

  it("makes W1's values 100 printable bytes and the telemetry values JSON of about 1 KB", () => {
    const lines = readFileSync(files["random-100"].path, "latin1").split("\n");
    assert.ok(lines.every((l) => l.length === 100 && /^[\x20-\x7e]+$/.test(l)));
    const json = readFileSync(files.telemetry.path, "utf8").split("\n");
    for (const l of json.slice(0, 50)) JSON.parse(l);
    const mean = json.reduce((s, l) => s + Buffer.byteLength(l), 0) / json.length;
    assert.ok(mean > 700 && mean < 1300, `mean ${mean}`);
  });

  it("adds up a run's value bytes the way runners cycle through the lines", () => {
    const f = files.telemetry;
    const count = PAYLOAD_LINES * 2 + 7;
    let expected = 0;
    for (let i = 0; i < count; i++) expected += f.lengths[i % f.lines]!;
    assert.equal(valueBytes(f, count), expected);
    assert.equal(valueBytes(files["random-100"], 12_345), 1_234_500);
  });
});
