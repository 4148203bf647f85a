/**
 * BrokerDirectory against the real broker (127.0.0.1:9092 by default, KAFKA_BOOTSTRAP to
 * change): discovery through Metadata, advertised brokers allowed, unknown targets refused
 * before any connection, topic ids for Produce v13, periodic refresh.
 *
 * The "bootstrap" in most tests is a small TCP forwarder in front of the real broker, so the
 * test can see the requests the directory sends and tell the bootstrap address from the address
 * the cluster advertises.
 */
import assert from "node:assert/strict";
import { connect, createServer, type Server, type Socket } from "node:net";
import { after, before, describe, it } from "node:test";
import {
  ApiKey,
  ApiVersionsApi,
  decodeRequestFrame,
  decodeRequestHeader,
  FrameSplitter,
  MetadataApi,
  negotiateVersions,
} from "@tributary/protocol";
import { BrokerConnection } from "../../../packages/protocol/test/integration/broker-connection.js";
import {
  bootstrapServers,
  createTopic,
  deleteTopic,
  randomTopicName,
} from "../../../scripts/kafka/helpers.mjs";
import { BrokerDirectory, TargetRefused } from "../../src/brokers.js";
import type { HostPort } from "../../src/config.js";
import { createLogger } from "../../src/log.js";

const [brokerHost, brokerPortText] = bootstrapServers().split(",")[0]!.split(":") as [
  string,
  string,
];
const BROKER: HostPort = { host: brokerHost, port: Number(brokerPortText) };
const log = createLogger({ level: "error", write: () => {} });

interface Seen {
  apiKey: number;
  apiVersion: number;
  allTopics?: boolean;
}

/** A TCP forwarder to the real broker that records request headers; off = refuses connections. */
async function startForwarder(): Promise<{
  server: Server;
  at: HostPort;
  seen: Seen[];
  setEnabled(on: boolean): void;
  close(): Promise<void>;
}> {
  const seen: Seen[] = [];
  const sockets = new Set<Socket>();
  let enabled = true;
  const server = createServer((client) => {
    sockets.add(client);
    client.on("close", () => sockets.delete(client));
    if (!enabled) {
      client.destroy();
      return;
    }
    const upstream = connect(BROKER.port, BROKER.host);
    sockets.add(upstream);
    upstream.on("close", () => sockets.delete(upstream));
    const splitter = new FrameSplitter();
    client.on("data", (chunk: Buffer) => {
      for (const frame of splitter.push(new Uint8Array(chunk))) {
        const header = decodeRequestHeader(frame);
        const entry: Seen = { apiKey: header.apiKey, apiVersion: header.apiVersion };
        if (header.apiKey === ApiKey.Metadata)
          entry.allTopics = decodeRequestFrame(MetadataApi, frame).body.topics === null;
        seen.push(entry);
      }
      upstream.write(chunk);
    });
    upstream.pipe(client);
    client.on("error", () => upstream.destroy());
    upstream.on("error", () => client.destroy());
    client.on("close", () => upstream.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const at = { host: "127.0.0.1", port: (server.address() as { port: number }).port };
  return {
    server,
    at,
    seen,
    setEnabled: (on) => {
      enabled = on;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const key = (b: HostPort) => `${b.host}:${b.port}`;

describe("BrokerDirectory with the real broker", () => {
  let forwarder: Awaited<ReturnType<typeof startForwarder>>;
  let dir: BrokerDirectory;

  before(async () => {
    forwarder = await startForwarder();
    dir = new BrokerDirectory({
      bootstrap: [forwarder.at],
      allowHosts: [],
      metadataRefreshMs: 60_000,
      connectTimeoutMs: 5000,
      log,
    });
    await dir.start();
  });
  after(async () => {
    dir.stop();
    await forwarder.close();
  });

  it("discovers the advertised brokers via Metadata: ApiVersions first, then Metadata for all topics at the negotiated version", async () => {
    const conn = await BrokerConnection.open(key(BROKER));
    let expectedMetadataVersion: number;
    try {
      const versions = await conn.request(ApiVersionsApi, 3, {
        clientSoftwareName: "it",
        clientSoftwareVersion: "1",
      });
      expectedMetadataVersion = negotiateVersions(versions).version(ApiKey.Metadata);
    } finally {
      conn.close();
    }
    assert.deepEqual(
      forwarder.seen.slice(0, 2).map((s) => [s.apiKey, s.apiVersion >= 0]),
      [
        [ApiKey.ApiVersions, true],
        [ApiKey.Metadata, true],
      ],
    );
    const metadata = forwarder.seen[1]!;
    assert.equal(metadata.apiVersion, expectedMetadataVersion);
    assert.equal(metadata.allTopics, true, "asks for all topics (topics: null)");
    assert.deepEqual(dir.allowed().map(key).sort(), [key(forwarder.at), key(BROKER)].sort());
  });

  it("allows a broker the cluster advertises, though it is not a bootstrap broker", async () => {
    const r = await dir.resolve({ kind: "broker", host: BROKER.host, port: BROKER.port });
    assert.equal(r.address, BROKER.host);
    assert.equal(r.port, BROKER.port);
  });

  it("refuses an unknown host:port before any TCP connection to it", async () => {
    let accepted = 0;
    const listener = createServer((s) => {
      accepted++;
      s.destroy();
    });
    await new Promise<void>((resolve) => listener.listen(0, "127.0.0.1", resolve));
    const port = (listener.address() as { port: number }).port;
    try {
      await assert.rejects(
        dir.resolve({ kind: "broker", host: "127.0.0.1", port }),
        (err: unknown) => err instanceof TargetRefused && err.message.includes(`127.0.0.1:${port}`),
      );
      await sleep(100);
      assert.equal(accepted, 0);
    } finally {
      await new Promise<void>((resolve) => listener.close(() => resolve()));
    }
  });

  it("topicNameForId finds a topic created after start (a miss refreshes Metadata)", async () => {
    const topic = randomTopicName("proxy-dir");
    await createTopic(topic, { partitions: 1 });
    try {
      const conn = await BrokerConnection.open(key(BROKER));
      let id: string;
      try {
        const answer = await conn.request(MetadataApi, 12, {
          topics: [{ name: topic }],
          allowAutoTopicCreation: false,
        });
        id = answer.topics[0]!.topicId;
      } finally {
        conn.close();
      }
      let name: string | undefined;
      // The broker may need a moment to publish the new topic; misses refresh at most 1/s.
      for (let attempt = 0; attempt < 15 && name === undefined; attempt++) {
        name = await dir.topicNameForId(id);
        if (name === undefined) await sleep(1100);
      }
      assert.equal(name, topic);
      assert.equal(
        await dir.topicNameForId("AAAAAAAAAAAAAAAAAAAAAA"),
        undefined,
        "the zero id names no topic",
      );
    } finally {
      await deleteTopic(topic);
    }
  });

  it("periodic refresh picks up the advertised brokers once the bootstrap answers", async () => {
    const late = await startForwarder();
    late.setEnabled(false);
    const d = new BrokerDirectory({
      bootstrap: [late.at],
      allowHosts: [],
      metadataRefreshMs: 200,
      connectTimeoutMs: 2000,
      log,
    });
    try {
      await d.start();
      assert.deepEqual(d.allowed().map(key), [key(late.at)], "only the bootstrap while it is down");
      late.setEnabled(true);
      const deadline = Date.now() + 10_000;
      while (Date.now() < deadline && d.allowed().length < 2) await sleep(50);
      assert.deepEqual(d.allowed().map(key).sort(), [key(late.at), key(BROKER)].sort());
      assert.ok(late.seen.some((s) => s.apiKey === ApiKey.Metadata));
    } finally {
      d.stop();
      await late.close();
    }
  });
});
