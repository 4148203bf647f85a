/**
 * The workerd driver: a real ES-module Worker. The orchestrator bundles it with esbuild under
 * the `workerd` export condition, serves it with `workerd serve` (scripts/conformance/workerd.mjs
 * writes the capnp config) and sends one HTTP request per cell:
 *
 *   GET  /hello                  -> {"kind":"hello",…} once the Worker answers
 *   POST /cell {plan, index}     -> one CellLine as JSON
 *
 * Each request creates and closes its own producer, so that every cell starts clean; a
 * producer reused across requests is conformance/edge/worker.ts. A Worker's sockets, WebSockets
 * and timers belong to the request that opened them and cannot outlive it
 * (https://developers.cloudflare.com/workers/runtime-apis/request/#the-request-context).
 * Codecs are passed as objects: the bundle must carry them, and lz4/zstd bring their .wasm as
 * modules compiled at load time, since workerd refuses to compile WebAssembly from bytes.
 *
 * Auth cells pass `tls: true`: workerd takes no CA per socket, it trusts what the Worker's
 * network service trusts. The config runs this same Worker twice: as "conformance", whose
 * network trusts the broker's CA, and as "untrusted", whose network trusts only a CA that
 * signed nothing the broker has; the tls+untrusted-ca cell is sent to the second.
 */
import { createProducer } from "@tributary/producer";
import { CODEC_OBJECTS } from "../codec-objects.js";
import { parsePlan } from "../plan.js";
import { runPlanCell } from "../run-plan.js";

export default {
  async fetch(request: Request): Promise<Response> {
    const url = new URL(request.url);
    if (url.pathname === "/hello") {
      return Response.json({ kind: "hello", runtime: "workerd", entry: "bundle", version: "" });
    }
    if (url.pathname === "/cell" && request.method === "POST") {
      const body = (await request.json()) as { plan?: unknown; index?: unknown };
      const index = typeof body.index === "number" ? body.index : -1;
      const plan = parsePlan(JSON.stringify(body.plan));
      const line = await runPlanCell(plan, index, {
        createProducer,
        compression: (codec) => ({ value: CODEC_OBJECTS[codec], form: "object" }),
        webSocketName: "global",
        // A Worker's socket trusts what its network trusts: the orchestrator's capnp config
        // gives each Worker service the CA its cells need (workerd-config.mjs).
        tlsOption: () => true,
      });
      return Response.json(line);
    }
    return new Response(`no route for ${request.method} ${url.pathname}`, { status: 404 });
  },
};
