/**
 * The Chromium bench page: the same workload as the Node runners (bench/peers/tributary-workload.ts)
 * with the producer's browser entry, whose transport is the page's global WebSocket to the
 * gateway that served this page. The runner (bench/peers/chromium.ts) drives it through
 * globalThis[PAGE_API]: load() the payload, then run() the spec; marks and progress go back
 * through the binding it added as globalThis[HOOK_BINDING].
 *
 * Codecs are imported statically as objects, as an app that ships them would (build.ts says why
 * one bundle).
 */
import { lz4 } from "@tributary/codecs/lz4";
import { zstd } from "@tributary/codecs/zstd";
import { createProducer } from "@tributary/producer";
import type { Compression, RunResult, RunSpec } from "../peers/contract.js";
import { runTributaryWorkload, tributaryOptions } from "../peers/tributary-workload.js";
import { type BenchPageApi, HOOK_BINDING, type Hook, hookMessage, PAGE_API } from "./page-api.js";

const CODECS = { none: "none", lz4, zstd } as const satisfies Record<Compression, unknown>;
const NEWLINE = 0x0a;

let values: Uint8Array[] | undefined;

/** Views into one buffer, one per line, as runner-io.ts payloadValues() makes them on Node. */
function load(base64: string, lines: number): number {
  const text = atob(base64);
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  const out: Uint8Array[] = [];
  let start = 0;
  for (let i = 0; i <= bytes.length; i++) {
    if (i === bytes.length || bytes[i] === NEWLINE) {
      out.push(bytes.subarray(start, i));
      start = i + 1;
    }
  }
  if (out.length !== lines) {
    throw new Error(`the payload has ${out.length} lines; the spec says ${lines}`);
  }
  values = out;
  return out.length;
}

function hook(): Hook {
  const fn = (globalThis as unknown as Record<string, unknown>)[HOOK_BINDING];
  if (typeof fn !== "function") {
    throw new Error(
      `${HOOK_BINDING} is missing: the runner adds the binding before loading the page`,
    );
  }
  return fn as Hook;
}

async function run(spec: RunSpec): Promise<RunResult> {
  if (values === undefined) throw new Error("run() before load(): the page has no payload");
  const send = hook();
  const producer = createProducer({
    ...tributaryOptions(spec, spec.gatewayUrl),
    compression: CODECS[spec.compression],
  });
  return runTributaryWorkload(producer, spec, values, {
    progress: (line) => send(hookMessage("progress", line)),
    mark: (which) => send(hookMessage("mark", which)),
  });
}

const api: BenchPageApi = { load, run };
(globalThis as unknown as Record<string, unknown>)[PAGE_API] = api;
