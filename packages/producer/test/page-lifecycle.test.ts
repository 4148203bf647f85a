/**
 * watchPageHide's rules with stand-in page events (Node has no document). The real thing, a
 * pagehide in Chromium flushing a 60 s linger, is e2e/tests/durable-queue.spec.ts; headless
 * Chromium never hides a page, so visibilitychange is covered here only.
 */
import assert from "node:assert/strict";
import { afterEach, beforeEach, describe, it } from "node:test";
import { watchPageHide } from "../src/page-lifecycle.js";

type Global = {
  document?: EventTarget & { visibilityState: string };
  addEventListener?: EventTarget["addEventListener"];
  removeEventListener?: EventTarget["removeEventListener"];
};
const g = globalThis as Global;
let win: EventTarget;
let doc: EventTarget & { visibilityState: string };

beforeEach(() => {
  win = new EventTarget();
  doc = Object.assign(new EventTarget(), { visibilityState: "visible" });
  g.document = doc;
  g.addEventListener = win.addEventListener.bind(win);
  g.removeEventListener = win.removeEventListener.bind(win);
});

afterEach(() => {
  delete g.document;
  delete g.addEventListener;
  delete g.removeEventListener;
});

describe("watchPageHide", () => {
  it("calls back on visibilitychange to hidden and on pagehide, not when the page becomes visible", () => {
    let calls = 0;
    watchPageHide(() => calls++);
    doc.dispatchEvent(new Event("visibilitychange"));
    assert.equal(calls, 0, "visible: no flush");
    doc.visibilityState = "hidden";
    doc.dispatchEvent(new Event("visibilitychange"));
    assert.equal(calls, 1);
    win.dispatchEvent(new Event("pagehide"));
    assert.equal(calls, 2);
  });

  it("stops when told to (a closed producer is not kept alive by the page)", () => {
    let calls = 0;
    const stop = watchPageHide(() => calls++);
    stop();
    doc.visibilityState = "hidden";
    doc.dispatchEvent(new Event("visibilitychange"));
    win.dispatchEvent(new Event("pagehide"));
    assert.equal(calls, 0);
  });

  it("does nothing outside a page", () => {
    delete g.document;
    let calls = 0;
    const stop = watchPageHide(() => calls++);
    win.dispatchEvent(new Event("pagehide"));
    assert.equal(calls, 0);
    stop();
  });
});
