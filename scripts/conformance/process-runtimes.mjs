// @ts-check
/**
 * The exact command lines of the runtimes whose driver is a plain process. Every one resolves
 * the workspace packages to their TypeScript (`source` condition), so the matrix never runs a
 * stale build, and each one's own export condition (node, deno, bun) picks its entry.
 */
import { runtimeBin } from "./paths.mjs";

const NODE_ARGS = ["--conditions=source", "--import", "tsx", "conformance/drivers/node.ts"];

/**
 * @param {string} id node20 | node26 | deno | bun
 * @param {{ kafka: string, gateway: string, listeners?: string[] }} targets host:port of each,
 *   for Deno's --allow-net; `listeners`: the SASL and TLS listeners of the auth cells
 * @returns {{ command: string, argsFor: (plan: string) => string[] }}
 */
export function processCommand(id, targets) {
  switch (id) {
    case "node20":
      // The Node running this script is the machine's Node (npm run uses the one on PATH).
      return { command: process.execPath, argsFor: (plan) => [...NODE_ARGS, plan] };
    case "node26":
      return { command: runtimeBin("node"), argsFor: (plan) => [...NODE_ARGS, plan] };
    case "deno":
      return {
        command: runtimeBin("deno"),
        argsFor: (plan) => [
          "run",
          "--quiet",
          "--no-prompt",
          // Deno has a --conditions flag; with `source` it loads the packages' .ts files, whose
          // relative imports end in .js (what tsc wants), which only --sloppy-imports maps to .ts.
          "--conditions",
          "source",
          "--sloppy-imports",
          // Only the broker (and its SASL and TLS listeners) and the gateway; no read, env or
          // other permission is needed: the static module graph, which includes import() of
          // literal specifiers (the codec loader), loads without --allow-read
          // (https://docs.deno.com/runtime/fundamentals/security/#key-principles), the codecs'
          // WASM is embedded in JS, and the CA arrives as text in the plan.
          `--allow-net=${[...new Set([targets.kafka, ...(targets.listeners ?? []), targets.gateway])].join(",")}`,
          "conformance/drivers/deno.ts",
          plan,
        ],
      };
    case "bun":
      return {
        command: runtimeBin("bun"),
        argsFor: (plan) => ["--conditions=source", "conformance/drivers/bun.ts", plan],
      };
    default:
      throw new Error(`no process command for runtime ${id}`);
  }
}
