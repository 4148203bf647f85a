// The kafka CLI's argument rules, and that every rejection names the flag and what was received.
import assert from "node:assert/strict";
import { test } from "node:test";
import { parseArgs, UsageError } from "../args.mjs";

test("start defaults to one node without SASL", () => {
  assert.deepEqual(parseArgs(["start"]), { command: "start", nodes: 1, sasl: false });
  assert.deepEqual(parseArgs(["start", "--nodes", "3", "--sasl"]), {
    command: "start",
    nodes: 3,
    sasl: true,
  });
  assert.deepEqual(parseArgs(["start", "--nodes=3"]), { command: "start", nodes: 3, sasl: false });
});

test("stop defaults to everything it started", () => {
  assert.deepEqual(parseArgs(["stop"]), { command: "stop", which: "all" });
  assert.deepEqual(parseArgs(["stop", "--all"]), { command: "stop", which: "all" });
  assert.deepEqual(parseArgs(["stop", "--nodes", "1"]), { command: "stop", which: 1 });
});

test("consume takes a topic and optional bounds", () => {
  assert.deepEqual(parseArgs(["consume", "orders"]), {
    command: "consume",
    topic: "orders",
    max: undefined,
    timeoutMs: 10_000,
    bootstrap: undefined,
  });
  assert.deepEqual(
    parseArgs(["consume", "orders", "--max", "5", "--timeout-ms=2000", "--bootstrap", "h:1,g:2"]),
    { command: "consume", topic: "orders", max: 5, timeoutMs: 2000, bootstrap: "h:1,g:2" },
  );
});

test("help in any position", () => {
  assert.deepEqual(parseArgs([]), { command: "help" });
  assert.deepEqual(parseArgs(["start", "--help"]), { command: "help" });
  assert.deepEqual(parseArgs(["-h"]), { command: "help" });
});

test("bad arguments say which flag, which rule and what was received", () => {
  const cases: Array<[string[], RegExp]> = [
    [["launch"], /unknown command "launch"; expected one of start, stop/],
    [["start", "--nodes", "2"], /--nodes must be 1 or 3; received "2"/],
    [["start", "--nodes"], /--nodes needs a value/],
    [["start", "--sasl=yes"], /--sasl takes no value; received "--sasl=yes"/],
    [["start", "--max", "1"], /start: unknown option --max; it accepts --nodes, --sasl/],
    [["stop", "--nodes", "3", "--all"], /either --nodes or --all/],
    [["status", "now"], /status: unexpected argument "now"/],
    [["consume"], /needs exactly one topic name; received none/],
    [["consume", "a", "b"], /received "a" "b"/],
    [["consume", "t", "--max", "0"], /--max must be a positive whole number; received "0"/],
    [["consume", "t", "--timeout-ms", "1.5"], /--timeout-ms must be a positive whole number/],
    [["consume", "t", "--bootstrap", "nohost"], /--bootstrap must be host:port/],
    [["consume", "t", "--max", "1", "--max", "2"], /--max is given twice/],
  ];
  for (const [argv, message] of cases) {
    assert.throws(
      () => parseArgs(argv),
      (err: unknown) => {
        assert.ok(err instanceof UsageError, `${argv.join(" ")}: a UsageError`);
        assert.match(err.message, message);
        return true;
      },
    );
  }
});
