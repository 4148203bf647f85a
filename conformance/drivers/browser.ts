/**
 * The Chromium driver: a module the page conformance/browser/index.html loads. It reads the
 * plan from the page's `?plan=` query, runs each cell with the `browser` entry of
 * @tributary/producer (no TCP in a page: the global WebSocket through the gateway, codecs as
 * objects) and reports every line through console.log, prefixed with LINE_PREFIX, which
 * the orchestrator (scripts/conformance/chromium.mjs, Playwright) reads off the page console.
 */
import { createProducer } from "@tributary/producer";
import { errorText } from "../cell.js";
import { CODEC_OBJECTS } from "../codec-objects.js";
import type { DriverLine } from "../plan.js";
import { parsePlan } from "../plan.js";
import { runPlan } from "../run-plan.js";

/** Console lines from the driver start with this; anything else on the console is the page's. */
const LINE_PREFIX = "conformance ";

const print = (line: DriverLine | { kind: "fatal"; error: string }) =>
  console.log(`${LINE_PREFIX}${JSON.stringify(line)}`);

async function main(): Promise<void> {
  const plan = parsePlan(new URL(location.href).searchParams.get("plan") ?? "");
  print({ kind: "hello", runtime: plan.runtime, entry: "bundle", version: navigator.userAgent });
  await runPlan(
    plan,
    {
      createProducer,
      compression: (codec) => ({ value: CODEC_OBJECTS[codec], form: "object" }),
      webSocketName: "global",
      // No TCP in a page, so no auth cells: the gateway holds Kafka's credentials.
      tlsOption: () => {
        throw new Error("the browser has no auth cells");
      },
    },
    print,
  );
  print({ kind: "end" });
}

main().catch((err: unknown) => print({ kind: "fatal", error: errorText(err) }));
