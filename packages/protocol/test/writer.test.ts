import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Writer } from "../src/index.js";

describe("Writer", () => {
  it("writes int32 big-endian", () => {
    assert.deepEqual(new Writer().int32(0x01020304).finish(), Uint8Array.of(1, 2, 3, 4));
  });
});
