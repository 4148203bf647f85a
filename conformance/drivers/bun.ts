/**
 * The Bun driver: reads the plan from Bun.argv[2], runs its cells with the `bun` entry of
 * @tributary/producer (Bun's TCP, codecs loaded by name; the global WebSocket for the gateway)
 * and prints one JSON line per result on stdout.
 *
 *   bun --conditions=source conformance/drivers/bun.ts '<plan json>'
 */
import { createProducer } from "@tributary/producer";
import type { DriverLine } from "../plan.js";
import { parsePlan } from "../plan.js";
import { runPlan } from "../run-plan.js";

/** The two members of Bun's namespace this file reads (no @types package for Bun). */
declare const Bun: { readonly argv: readonly string[]; readonly version: string };

const print = (line: DriverLine) => console.log(JSON.stringify(line));

const plan = parsePlan(Bun.argv[2] ?? "");
print({
  kind: "hello",
  runtime: plan.runtime,
  entry: import.meta.resolve("@tributary/producer"),
  version: Bun.version,
});
await runPlan(
  plan,
  {
    createProducer,
    compression: (codec) => ({ value: codec, form: "name" }),
    webSocketName: "global",
    tlsOption: (ca) => ({ ca }),
  },
  print,
);
print({ kind: "end" });
