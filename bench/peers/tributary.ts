/**
 * Runner: Tributary from Node, over direct TCP (client "tributary-tcp") or over WebSocket through
 * the gateway (client "tributary-ws", the `ws` package as Node 20 has no global WebSocket).
 * Codecs are passed as objects, as a browser app would; the workload itself is
 * tributary-workload.ts, shared with the Chromium page.
 */
import { lz4 } from "@tributary/codecs/lz4";
import { zstd } from "@tributary/codecs/zstd";
import { createProducer } from "@tributary/producer";
import { WebSocket } from "ws";
import type { Compression } from "./contract.js";
import { markEnd, markStart, payloadValues, progress, readSpec, runMain } from "./runner-io.js";
import { runTributaryWorkload, tributaryOptions, tributarySettings } from "./tributary-workload.js";

const CODECS = { none: "none", lz4, zstd } as const satisfies Record<Compression, unknown>;

const spec = readSpec();
runMain(spec, async () => {
  const overGateway = spec.client.endsWith("-ws");
  const values = payloadValues(spec);
  const producer = createProducer({
    ...tributaryOptions(spec, overGateway ? spec.gatewayUrl : spec.bootstrap),
    compression: CODECS[spec.compression],
    ...(overGateway ? { webSocket: WebSocket } : {}),
  });
  const result = await runTributaryWorkload(producer, spec, values, {
    progress: (line) => progress(spec, line),
    mark: (which) => (which === "start" ? markStart() : markEnd()),
  });
  const transport = overGateway ? "WebSocket (ws) through tributary-proxy" : "node:net TCP";
  return { ...result, settings: tributarySettings(spec, transport) };
});
