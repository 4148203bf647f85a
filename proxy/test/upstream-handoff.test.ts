/**
 * What the real broker cannot be made to do on demand, against a scripted one: a SASL PLAIN
 * broker written with the protocol package's own codecs that gives a short session lifetime
 * (KIP-368; the test Kafka runs with connections.max.reauth.ms=0, no expiry, and is shared),
 * or sends bytes after its last SaslAuthenticate answer. The gateway runs in process.
 *
 * Checked: the gateway's own ApiVersions/SaslHandshake/SaslAuthenticate answers never reach the
 * client (its first frame is the answer to its own request); the session closes before the
 * broker's session lifetime ends; unasked bytes end the session instead of being misread.
 */
import assert from "node:assert/strict";
import { once } from "node:events";
import { createServer, type Server, type Socket } from "node:net";
import { after, describe, it } from "node:test";
import {
  ApiKey,
  ApiVersionsApi,
  CLIENT_VERSIONS,
  decodeRequestFrame,
  decodeRequestHeader,
  encodeRequestFrame,
  encodeResponseFrame,
  FrameSplitter,
  peekResponseCorrelationId,
  SaslAuthenticateApi,
  SaslHandshakeApi,
} from "@tributary/protocol";
import { WebSocket } from "ws";
import { BrokerDirectory } from "../src/brokers.js";
import { loadConfig } from "../src/config.js";
import { createLogger } from "../src/log.js";
import { Metrics } from "../src/metrics.js";
import { createGateway, type Gateway } from "../src/server.js";
import { LIFETIME_SHARE } from "../src/session.js";

const PASSWORD = "scripted-pw-Hy2Qm";
const CLIENT_CORRELATION_ID = 7777;

interface Script {
  sessionLifetimeMs: bigint;
  /** Bytes written right behind the last SaslAuthenticate answer, in the same write. */
  trailing?: Uint8Array;
}

/** A broker that speaks just enough: ApiVersions, SaslHandshake v1 (PLAIN), SaslAuthenticate. */
async function scriptedBroker(script: Script): Promise<{
  port: number;
  /** API keys of the requests each connection received, in order. */
  seen: number[][];
  close(): Promise<void>;
}> {
  const seen: number[][] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    socket.on("error", () => {});
    const keys: number[] = [];
    seen.push(keys);
    const splitter = new FrameSplitter();
    socket.on("data", (chunk: Buffer) => {
      for (const frame of splitter.push(new Uint8Array(chunk))) {
        const header = decodeRequestHeader(frame);
        keys.push(header.apiKey);
        const id = header.correlationId;
        if (header.apiKey === ApiKey.ApiVersions) {
          socket.write(
            encodeResponseFrame(ApiVersionsApi, header.apiVersion, id, {
              errorCode: 0,
              apiKeys: [ApiKey.ApiVersions, ApiKey.SaslHandshake, ApiKey.SaslAuthenticate].map(
                (k) => ({ apiKey: k, ...rangeOf(k) }),
              ),
              throttleTimeMs: 0,
              supportedFeatures: [],
              finalizedFeaturesEpoch: -1n,
              finalizedFeatures: [],
              zkMigrationReady: false,
            }),
          );
        } else if (header.apiKey === ApiKey.SaslHandshake) {
          socket.write(
            encodeResponseFrame(SaslHandshakeApi, 1, id, { errorCode: 0, mechanisms: ["PLAIN"] }),
          );
        } else if (header.apiKey === ApiKey.SaslAuthenticate) {
          const { body } = decodeRequestFrame(SaslAuthenticateApi, frame);
          const ok = new TextDecoder().decode(body.authBytes) === `\0gateway\0${PASSWORD}`;
          const answer = encodeResponseFrame(SaslAuthenticateApi, header.apiVersion, id, {
            errorCode: ok ? 0 : 58,
            errorMessage: ok ? null : "Authentication failed: Invalid username or password",
            authBytes: new Uint8Array(0),
            sessionLifetimeMs: script.sessionLifetimeMs,
          });
          socket.write(script.trailing ? Buffer.concat([answer, script.trailing]) : answer);
        }
      }
    });
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  return {
    port: (server.address() as { port: number }).port,
    seen,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise((r) => server.close(r));
    },
  };
}

function rangeOf(apiKey: number): { minVersion: number; maxVersion: number } {
  const range = CLIENT_VERSIONS[apiKey as keyof typeof CLIENT_VERSIONS];
  return { minVersion: range.min, maxVersion: range.max };
}

async function gatewayFor(brokerPort: number): Promise<{ gateway: Gateway; url: string }> {
  const config = loadConfig(
    [
      "--port",
      "0",
      "--bootstrap",
      `127.0.0.1:${brokerPort}`,
      "--allow-topics",
      "*",
      "--no-auth",
      "--upstream-sasl",
      "PLAIN",
      "--upstream-sasl-username",
      "gateway",
      "--connect-timeout-ms",
      "3000",
      "--shutdown-grace-ms",
      "0",
    ],
    { TRIBUTARY_PROXY_UPSTREAM_SASL_PASSWORD: PASSWORD },
  );
  const log = createLogger({ level: "error", write: () => {} });
  // A directory that never asks for Metadata: the scripted broker does not speak it.
  const directory = new BrokerDirectory({
    bootstrap: config.bootstrap,
    allowHosts: [],
    metadataRefreshMs: 60_000,
    connectTimeoutMs: config.connectTimeoutMs,
    log,
  });
  const gateway = createGateway(config, { log, metrics: new Metrics(), directory });
  const { port } = await gateway.listen();
  return { gateway, url: `ws://127.0.0.1:${port}/kafka` };
}

/** A client that keeps every frame it receives and how its WebSocket closed. */
async function rawClient(url: string): Promise<{
  frames: Uint8Array[];
  ws: WebSocket;
  closed: Promise<{ code: number; reason: string; atMs: number }>;
}> {
  const ws = new WebSocket(url, ["tributary.v1"]);
  const splitter = new FrameSplitter();
  const frames: Uint8Array[] = [];
  const opened = performance.now();
  ws.on("message", (data: Buffer) => frames.push(...splitter.push(new Uint8Array(data))));
  const closed = new Promise<{ code: number; reason: string; atMs: number }>((resolve) =>
    ws.on("close", (code, reason) =>
      resolve({ code, reason: reason.toString(), atMs: performance.now() - opened }),
    ),
  );
  await once(ws, "open");
  return { frames, ws, closed };
}

const cleanups: (() => Promise<void>)[] = [];
after(async () => {
  for (const c of cleanups.reverse()) await c();
});

/** Every test's own bound: a close that never comes fails the test instead of hanging it. */
const BOUND = { timeout: 10_000 };

describe("the gateway's own SASL exchange, against a scripted broker", () => {
  it(
    "the client's first frame is the answer to its own request: none of the gateway's ApiVersions/SASL answers reach it",
    BOUND,
    async () => {
      const broker = await scriptedBroker({ sessionLifetimeMs: 0n });
      const { gateway, url } = await gatewayFor(broker.port);
      cleanups.push(broker.close, () => gateway.shutdown());

      const client = await rawClient(url);
      client.ws.send(
        encodeRequestFrame(
          ApiVersionsApi,
          3,
          { correlationId: CLIENT_CORRELATION_ID, clientId: "handoff-test" },
          { clientSoftwareName: "handoff-test", clientSoftwareVersion: "1" },
        ),
      );
      const deadline = Date.now() + 5000;
      while (client.frames.length === 0 && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 10));
      }
      // Give a stray frame time to show up behind the first.
      await new Promise((r) => setTimeout(r, 100));
      assert.deepEqual(
        client.frames.map((f) => peekResponseCorrelationId(f)),
        [CLIENT_CORRELATION_ID],
      );
      assert.deepEqual(broker.seen, [
        [ApiKey.ApiVersions, ApiKey.SaslHandshake, ApiKey.SaslAuthenticate, ApiKey.ApiVersions],
      ]);
      client.ws.close();
      await client.closed;
    },
  );

  it(
    `a broker session lifetime (KIP-368) closes the session with 1000 at ${LIFETIME_SHARE * 100}% of it, before the broker would`,
    BOUND,
    async () => {
      const lifetimeMs = 800;
      const broker = await scriptedBroker({ sessionLifetimeMs: BigInt(lifetimeMs) });
      const { gateway, url } = await gatewayFor(broker.port);
      cleanups.push(broker.close, () => gateway.shutdown());

      const client = await rawClient(url);
      const { code, reason, atMs } = await client.closed;
      assert.equal(code, 1000);
      assert.match(reason, /SASL session with the broker is about to expire; reconnect/);
      assert.ok(
        atMs >= lifetimeMs * LIFETIME_SHARE - 50 && atMs < lifetimeMs,
        `closed after ${Math.round(atMs)} ms of a ${lifetimeMs} ms lifetime`,
      );
    },
  );

  it(
    "bytes the broker sends after its last SASL answer, unasked, end the session with 1014 instead of reaching the client",
    BOUND,
    async () => {
      const broker = await scriptedBroker({
        sessionLifetimeMs: 0n,
        trailing: new Uint8Array([0, 0, 0, 9, 1, 2]),
      });
      const { gateway, url } = await gatewayFor(broker.port);
      cleanups.push(broker.close, () => gateway.shutdown());

      const client = await rawClient(url);
      const { code, reason } = await client.closed;
      assert.equal(code, 1014);
      assert.match(reason, /failed before the session could start/);
      assert.equal(client.frames.length, 0);
    },
  );
});
