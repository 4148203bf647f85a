/**
 * The Node driver (Node 20 and Node 26 alike): reads the plan from argv[2], runs its cells with
 * the `node` entry of @tributary/producer (node:net TCP, codecs loaded by name) and prints one
 * JSON line per result on stdout.
 *
 *   node --conditions=source --import tsx conformance/drivers/node.ts '<plan json>'
 *
 * Node 20 has no global WebSocket (it arrived unflagged in Node 22), so there the websocket
 * cells pass the `ws` package's constructor as `webSocket`; Node 22+ uses the global one.
 */
import { createProducer } from "@tributary/producer";
import type { DriverLine } from "../plan.js";
import { parsePlan } from "../plan.js";
import { runPlan } from "../run-plan.js";

const print = (line: DriverLine) => process.stdout.write(`${JSON.stringify(line)}\n`);

const plan = parsePlan(process.argv[2] ?? "");
print({
  kind: "hello",
  runtime: plan.runtime,
  entry: import.meta.resolve("@tributary/producer"),
  version: process.version,
});

const globalWebSocket = (globalThis as { WebSocket?: unknown }).WebSocket;
const webSocket = globalWebSocket ?? (await import("ws")).WebSocket;

await runPlan(
  plan,
  {
    createProducer,
    compression: (codec) => ({ value: codec, form: "name" }),
    transportOptions: (transport) =>
      transport === "websocket" && globalWebSocket === undefined ? { webSocket } : {},
    webSocketName: globalWebSocket === undefined ? "ws (package)" : "global",
    tlsOption: (ca) => ({ ca }),
  },
  print,
);
print({ kind: "end" });
