/**
 * 10,000 sessions opened and closed through the gateway, each carrying one ApiVersions round
 * trip to the real broker, must leave nothing behind: no sessions, no sockets, no timers.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import {
  ApiVersionsApi,
  decodeResponseFrame,
  encodeRequestFrame,
  FrameSplitter,
} from "@tributary/protocol";
import { WebSocket } from "ws";
import { bootstrapServers } from "../../../scripts/kafka/helpers.mjs";
import { createGateway, createLogger, type Gateway, loadConfig, Metrics } from "../../src/index.js";

const TOKEN = "cycles-token-7f3a9c";
const CYCLES = 10_000;
const CONCURRENCY = 25;

/** Counts of the live libuv handles and requests by kind ("TCPSocketWrap", "Timeout", …). */
function resources(): Map<string, number> {
  const counts = new Map<string, number>();
  for (const kind of process.getActiveResourcesInfo())
    counts.set(kind, (counts.get(kind) ?? 0) + 1);
  return counts;
}

/** One session: open, one ApiVersions request and its answer, close; resolves when closed. */
function cycle(url: string, correlationId: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, ["tributary.v1", `bearer.${TOKEN}`]);
    ws.binaryType = "arraybuffer";
    const splitter = new FrameSplitter();
    const timer = setTimeout(() => {
      ws.terminate();
      reject(new Error(`cycle ${correlationId}: no answer within 10 s`));
    }, 10_000);
    ws.on("open", () => {
      ws.send(
        encodeRequestFrame(
          ApiVersionsApi,
          3,
          { correlationId, clientId: "cycles" },
          {
            clientSoftwareName: "tributary-test",
            clientSoftwareVersion: "0.1.0",
          },
        ),
      );
    });
    ws.on("message", (data: ArrayBuffer) => {
      for (const frame of splitter.push(new Uint8Array(data))) {
        const answer = decodeResponseFrame(ApiVersionsApi, 3, frame);
        if (answer.correlationId !== correlationId || answer.body.errorCode !== 0) {
          reject(
            new Error(
              `cycle ${correlationId}: unexpected answer ${JSON.stringify(answer.correlationId)}`,
            ),
          );
        }
        ws.close(1000);
      }
    });
    ws.on("error", (err) => {
      clearTimeout(timer);
      reject(err);
    });
    ws.on("close", (code) => {
      clearTimeout(timer);
      if (code === 1000) resolve();
      else reject(new Error(`cycle ${correlationId}: closed with ${code}`));
    });
  });
}

describe("open/close cycles through the gateway", () => {
  let gateway: Gateway;
  let metrics: Metrics;
  let url: string;

  before(async () => {
    const config = loadConfig(
      [
        "--port",
        "0",
        "--bootstrap",
        bootstrapServers(),
        "--allow-topics",
        "cycles-*",
        "--token",
        TOKEN,
        "--max-connections-per-client",
        String(CONCURRENCY * 2),
        "--log-level",
        "warn",
      ],
      {},
    );
    metrics = new Metrics();
    gateway = createGateway(config, {
      log: createLogger({ level: "warn", write: () => {} }),
      metrics,
    });
    const { port } = await gateway.listen();
    url = `ws://127.0.0.1:${port}/kafka`;
  });

  after(() => gateway.shutdown());

  it(`${CYCLES.toLocaleString("en-US")} sessions, ${CONCURRENCY} at a time, each relaying ApiVersions: afterwards no session, socket or timer is left`, async () => {
    await cycle(url, 0); // the first connection sets up lazily created state (metadata, pools)
    await new Promise((r) => setTimeout(r, 200));
    const baseline = resources();
    const started = Date.now();
    let next = 1;
    const worker = async () => {
      while (next <= CYCLES) {
        assert.ok(Date.now() - started < 240_000, "the cycles took longer than 240 s");
        await cycle(url, next++);
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    const seconds = (Date.now() - started) / 1000;
    console.log(
      `  ${CYCLES} cycles in ${seconds.toFixed(1)} s (${(CYCLES / seconds).toFixed(0)}/s)`,
    );

    // Sessions end asynchronously (the broker's side of each TCP connection closes after ours).
    const deadline = Date.now() + 10_000;
    const settled = () => {
      const now = resources();
      return (
        gateway.sessions === 0 &&
        (now.get("TCPSocketWrap") ?? 0) <= (baseline.get("TCPSocketWrap") ?? 0)
      );
    };
    while (!settled() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    const now = resources();
    assert.equal(gateway.sessions, 0, "no session is left open");
    for (const kind of ["TCPSocketWrap", "Timeout", "TCPServerWrap"]) {
      assert.ok(
        (now.get(kind) ?? 0) <= (baseline.get(kind) ?? 0),
        `${kind}: ${now.get(kind) ?? 0} live now, ${baseline.get(kind) ?? 0} before the cycles`,
      );
    }
    assert.match(metrics.render(), /sessions_open\s+0\b/, "the sessions gauge is back to 0");
  });
});
