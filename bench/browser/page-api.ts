/**
 * The names the bench page and its runner (bench/peers/chromium.ts) agree on: the object the
 * page puts on `globalThis`, and the binding the runner adds to the page (CDP
 * Runtime.addBinding) to hear marks and progress as they happen. A binding call is one message
 * from the page to the runner, sent at once and without a reply, so a mark costs the measured
 * phase next to nothing and arrives while the page is still busy.
 */
import type { RunResult, RunSpec } from "../peers/contract.js";

/** globalThis[PAGE_API] is the page's BenchPageApi once its module has run. */
export const PAGE_API = "tributaryBench";
/** globalThis[HOOK_BINDING](`${kind}:${text}`): the runner's binding (one string argument). */
export const HOOK_BINDING = "__tributaryBenchHook";

/** "mark": text is "start" or "end"; "progress": a line for stderr. */
export type HookKind = "mark" | "progress";
export type Hook = (message: string) => void;

/** The binding's message for a hook call. */
export function hookMessage(kind: HookKind, text: string): string {
  return `${kind}:${text}`;
}

/** The hook call a binding message stands for. */
export function parseHookMessage(message: string): { kind: HookKind; text: string } | undefined {
  const colon = message.indexOf(":");
  const kind = message.slice(0, colon);
  if (kind !== "mark" && kind !== "progress") return undefined;
  return { kind, text: message.slice(colon + 1) };
}

export interface BenchPageApi {
  /** Keeps the payload (base64 of the payload file) as values; returns how many lines it has. */
  load(base64: string, lines: number): number;
  /** Runs the workload on the loaded values; the result's settings are the runner's to fill. */
  run(spec: RunSpec): Promise<RunResult>;
}
