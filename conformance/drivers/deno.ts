/**
 * The Deno driver: reads the plan from Deno.args[0], runs its cells with the `deno` entry of
 * @tributary/producer (Deno.connect TCP, codecs loaded by name; the global WebSocket for the
 * gateway) and prints one JSON line per result on stdout. scripts/conformance/deno.mjs has the
 * exact command line and the permissions it grants.
 */
import { createProducer } from "@tributary/producer";
import type { DriverLine } from "../plan.js";
import { parsePlan } from "../plan.js";
import { runPlan } from "../run-plan.js";

/** The two members of Deno's namespace this file reads (no @types package for Deno). */
declare const Deno: { readonly args: readonly string[]; readonly version: { deno: string } };

const print = (line: DriverLine) => console.log(JSON.stringify(line));

const plan = parsePlan(Deno.args[0] ?? "");
print({
  kind: "hello",
  runtime: plan.runtime,
  entry: import.meta.resolve("@tributary/producer"),
  version: Deno.version.deno,
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
