import assert from "node:assert/strict";
import { ProtocolDecodeError, ProtocolEncodeError } from "../src/errors.js";

/** Asserts `fn` refuses its input with a ProtocolEncodeError naming `field` (and matching `rule`). */
export function throwsEncodeError(fn: () => unknown, field: string, rule?: RegExp): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof ProtocolEncodeError, `expected ProtocolEncodeError, got ${e}`);
    assert.equal(e.field, field);
    if (rule) assert.match(e.message, rule);
    return true;
  });
}

/** Asserts `fn` raises ProtocolDecodeError (and not RangeError or anything else). */
export function throwsDecodeError(fn: () => unknown, message?: RegExp): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof ProtocolDecodeError, `expected ProtocolDecodeError, got ${e}`);
    if (message) assert.match(e.message, message);
    return true;
  });
}
