import assert from "node:assert/strict";
import { createServer, type Server } from "node:net";
import { after, before, describe, it } from "node:test";
import { BrokerDirectory, TargetRefused } from "../src/brokers.js";
import type { HostPort } from "../src/config.js";
import { parseHostPattern } from "../src/host-patterns.js";
import { createLogger, type Logger } from "../src/log.js";

/** A port nothing listens on: bound once by the OS, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

function recordingLog(): { log: Logger; events: { level: string; event: string }[] } {
  const events: { level: string; event: string }[] = [];
  const log = createLogger({ level: "debug", write: (line) => events.push(JSON.parse(line)) });
  return { log, events };
}

type Answer = { address: string; family: 4 | 6 }[];

function directory(
  bootstrap: HostPort[],
  extra: { allowHosts?: string[]; lookup?: (host: string) => Promise<Answer>; log?: Logger } = {},
) {
  return new BrokerDirectory({
    bootstrap,
    allowHosts: extra.allowHosts ?? [],
    metadataRefreshMs: 60_000,
    connectTimeoutMs: 1000,
    log: extra.log ?? recordingLog().log,
    ...(extra.lookup ? { lookup: extra.lookup } : {}),
  });
}

async function refused(promise: Promise<unknown>, reason: RegExp): Promise<void> {
  await assert.rejects(
    promise,
    (err: unknown) => err instanceof TargetRefused && reason.test(err.message),
  );
}

/** A lookup from a fixed table that counts its calls. */
function fakeDns(table: Record<string, Answer | Error>) {
  const calls: string[] = [];
  const lookup = async (host: string): Promise<Answer> => {
    calls.push(host);
    const answer = table[host];
    if (answer === undefined)
      throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: "ENOTFOUND" });
    if (answer instanceof Error) throw answer;
    return answer;
  };
  return { lookup, calls };
}

describe("parseHostPattern", () => {
  it("reads CIDRs, IP literals and host globs", () => {
    assert.deepEqual(parseHostPattern("127.0.0.0/8"), {
      kind: "cidr",
      address: "127.0.0.0",
      prefix: 8,
      family: 4,
    });
    assert.deepEqual(parseHostPattern("::1/128"), {
      kind: "cidr",
      address: "::1",
      prefix: 128,
      family: 6,
    });
    assert.deepEqual(parseHostPattern("[fd00::]/8"), {
      kind: "cidr",
      address: "fd00::",
      prefix: 8,
      family: 6,
    });
    assert.deepEqual(parseHostPattern("10.1.2.3"), {
      kind: "cidr",
      address: "10.1.2.3",
      prefix: 32,
      family: 4,
    });
    assert.deepEqual(parseHostPattern("*.Kafka.internal"), {
      kind: "glob",
      glob: "*.kafka.internal",
    });
  });

  it("refuses prefixes out of range and junk", () => {
    assert.throws(() => parseHostPattern("10.0.0.0/33"), /0-32/);
    assert.throws(() => parseHostPattern("::/129"), /0-128/);
    assert.throws(() => parseHostPattern("10.0.0.0/08"), /0-32/);
    assert.throws(() => parseHostPattern("name/8"), /must start with an IPv4 or IPv6/);
    assert.throws(() => parseHostPattern("a b"), /hostname glob/);
  });
});

describe("BrokerDirectory.resolve: no open relay", () => {
  let listener: Server;
  let listenerPort: number;
  let accepted = 0;
  let deadPort: number;

  before(async () => {
    deadPort = await closedPort();
    listener = createServer((socket) => {
      accepted++;
      socket.destroy();
    });
    await new Promise<void>((resolve) => listener.listen(0, "127.0.0.1", resolve));
    listenerPort = (listener.address() as { port: number }).port;
  });
  after(() => new Promise<void>((resolve) => listener.close(() => resolve())));

  it("refuses a host:port that is neither bootstrap nor advertised, without connecting to it", async () => {
    const { log, events } = recordingLog();
    const dir = directory([{ host: "127.0.0.1", port: deadPort }], { log });
    await dir.start(); // the bootstrap is down: start() still resolves
    try {
      await refused(
        dir.resolve({ kind: "broker", host: "127.0.0.1", port: listenerPort }),
        new RegExp(
          `broker 127\\.0\\.0\\.1:${listenerPort} is not one of this gateway's Kafka brokers`,
        ),
      );
      await refused(
        dir.resolve({ kind: "broker", host: "localhost", port: listenerPort }),
        /is not one of/,
      );
      // Give a stray connection attempt time to land before counting.
      await new Promise((r) => setTimeout(r, 100));
      assert.equal(accepted, 0, "no TCP connection reached the target");
      assert.ok(
        events.some((e) => e.event === "metadata.error"),
        "the failed Metadata fetch was logged",
      );
    } finally {
      dir.stop();
    }
  });

  it("allows the configured bootstrap brokers, IPv6 in any spelling", async () => {
    const dir = directory([
      { host: "127.0.0.1", port: listenerPort },
      { host: "::1", port: 9092 },
    ]);
    const r = await dir.resolve({ kind: "broker", host: "127.0.0.1", port: listenerPort });
    assert.deepEqual(r, {
      label: `127.0.0.1:${listenerPort}`,
      host: "127.0.0.1",
      port: listenerPort,
      address: "127.0.0.1",
      family: 4,
    });
    const v6 = await dir.resolve({ kind: "broker", host: "0:0:0:0:0:0:0:1", port: 9092 });
    assert.deepEqual(v6, {
      label: "[::1]:9092",
      host: "::1",
      port: 9092,
      address: "::1",
      family: 6,
    });
    assert.equal(accepted, 0, "resolving connects to nothing");
    await refused(dir.resolve({ kind: "broker", host: "127.0.0.1", port: 9092 }), /is not one of/);
  });
});

describe("BrokerDirectory.resolve: --allow-hosts narrowing", () => {
  it("by host glob", async () => {
    const { lookup } = fakeDns({
      "kafka-a.internal": [{ address: "10.0.0.1", family: 4 }],
      "kafka.example": [{ address: "10.0.0.2", family: 4 }],
    });
    const dir = directory(
      [
        { host: "kafka-a.internal", port: 9092 },
        { host: "kafka.example", port: 9092 },
      ],
      { allowHosts: ["*.internal"], lookup },
    );
    assert.equal(
      (await dir.resolve({ kind: "broker", host: "kafka-a.internal", port: 9092 })).address,
      "10.0.0.1",
    );
    await refused(
      dir.resolve({ kind: "broker", host: "kafka.example", port: 9092 }),
      /outside --allow-hosts/,
    );
  });

  it("by IPv4 CIDR", async () => {
    const dir = directory(
      [
        { host: "127.0.0.1", port: 9092 },
        { host: "10.1.2.3", port: 9092 },
      ],
      { allowHosts: ["127.0.0.0/8"] },
    );
    assert.equal((await dir.resolve({ kind: "broker", host: "127.0.0.1", port: 9092 })).family, 4);
    await refused(
      dir.resolve({ kind: "broker", host: "10.1.2.3", port: 9092 }),
      /broker 10\.1\.2\.3:9092 is outside --allow-hosts/,
    );
  });

  it("by IPv6 CIDR", async () => {
    const dir = directory(
      [
        { host: "::1", port: 9092 },
        { host: "fe80::1", port: 9092 },
      ],
      { allowHosts: ["::1/128"] },
    );
    assert.equal((await dir.resolve({ kind: "broker", host: "::1", port: 9092 })).address, "::1");
    await refused(
      dir.resolve({ kind: "broker", host: "fe80::1", port: 9092 }),
      /\[fe80::1\]:9092 is outside --allow-hosts/,
    );
  });

  it("a glob and a CIDR together: either one lets a target through", async () => {
    const { lookup } = fakeDns({
      "a.internal": [{ address: "192.0.2.1", family: 4 }],
      "b.example": [{ address: "10.9.9.9", family: 4 }],
      "c.example": [{ address: "192.0.2.2", family: 4 }],
    });
    const dir = directory(
      ["a.internal", "b.example", "c.example"].map((host) => ({ host, port: 1 })),
      { allowHosts: ["*.internal", "10.0.0.0/8"], lookup },
    );
    await dir.resolve({ kind: "broker", host: "a.internal", port: 1 });
    await dir.resolve({ kind: "broker", host: "b.example", port: 1 });
    await refused(
      dir.resolve({ kind: "broker", host: "c.example", port: 1 }),
      /resolves only to addresses outside --allow-hosts/,
    );
  });
});

describe("BrokerDirectory.resolve: names resolve once, to the address that is checked", () => {
  it("returns the resolved address and looks the name up exactly once per resolve", async () => {
    const { lookup, calls } = fakeDns({ "broker.test": [{ address: "127.0.0.9", family: 4 }] });
    const dir = directory([{ host: "broker.test", port: 9092 }], { lookup });
    const r = await dir.resolve({ kind: "broker", host: "BROKER.test", port: 9092 });
    assert.deepEqual(r, {
      label: "broker.test:9092",
      host: "broker.test",
      port: 9092,
      address: "127.0.0.9",
      family: 4,
    });
    assert.deepEqual(calls, ["broker.test"]);
  });

  it("with a CIDR, picks the allowed address and never a disallowed one", async () => {
    const { lookup } = fakeDns({
      "mixed.test": [
        { address: "10.0.0.5", family: 4 },
        { address: "::1", family: 6 },
        { address: "127.0.0.2", family: 4 },
      ],
    });
    const dir = directory([{ host: "mixed.test", port: 9092 }], {
      allowHosts: ["127.0.0.0/8"],
      lookup,
    });
    const r = await dir.resolve({ kind: "broker", host: "mixed.test", port: 9092 });
    assert.equal(r.address, "127.0.0.2");
    assert.equal(r.family, 4);
  });

  it("refuses a name that resolves only to a disallowed address (DNS rebinding)", async () => {
    const { lookup } = fakeDns({ "rebind.test": [{ address: "169.254.169.254", family: 4 }] });
    const dir = directory([{ host: "rebind.test", port: 80 }], {
      allowHosts: ["127.0.0.0/8", "::1/128"],
      lookup,
    });
    await refused(
      dir.resolve({ kind: "broker", host: "rebind.test", port: 80 }),
      /outside --allow-hosts/,
    );
  });

  it("refuses a name that resolves to nothing, or not at all", async () => {
    const { lookup } = fakeDns({ "empty.test": [] });
    const dir = directory(
      [
        { host: "empty.test", port: 1 },
        { host: "gone.test", port: 1 },
      ],
      { lookup },
    );
    await refused(
      dir.resolve({ kind: "broker", host: "empty.test", port: 1 }),
      /empty\.test resolves to no address/,
    );
    await refused(
      dir.resolve({ kind: "broker", host: "gone.test", port: 1 }),
      /cannot resolve gone\.test \(ENOTFOUND\)/,
    );
  });

  it("ignores lookup answers whose address does not match its family", async () => {
    const { lookup } = fakeDns({ "odd.test": [{ address: "not-an-ip", family: 4 }] });
    const dir = directory([{ host: "odd.test", port: 1 }], { lookup });
    await refused(
      dir.resolve({ kind: "broker", host: "odd.test", port: 1 }),
      /outside --allow-hosts|no address/,
    );
  });
});

describe("BrokerDirectory.resolve: /kafka picks a bootstrap broker", () => {
  const bootstrap = [1, 2, 3].map((i) => ({ host: `127.0.0.${i}`, port: 9092 }));

  it("round robin over the bootstrap brokers", async () => {
    const dir = directory(bootstrap);
    const picked: string[] = [];
    for (let i = 0; i < 7; i++) picked.push((await dir.resolve({ kind: "bootstrap" })).address);
    assert.deepEqual(picked, [
      "127.0.0.1",
      "127.0.0.2",
      "127.0.0.3",
      "127.0.0.1",
      "127.0.0.2",
      "127.0.0.3",
      "127.0.0.1",
    ]);
  });

  it("passes over a broker that failed recently, and uses it when all have failed", async () => {
    const dir = directory(bootstrap);
    dir.markFailed({ host: "127.0.0.2", port: 9092 });
    const picked: string[] = [];
    for (let i = 0; i < 4; i++) picked.push((await dir.resolve({ kind: "bootstrap" })).address);
    assert.equal(picked.includes("127.0.0.2"), false, picked.join());
    for (const b of bootstrap) dir.markFailed(b);
    // Every one failed: the one that failed longest ago is tried rather than refusing.
    assert.ok((await dir.resolve({ kind: "bootstrap" })).address.startsWith("127.0.0."));
  });

  it("skips a bootstrap broker that --allow-hosts refuses, and refuses when none is left", async () => {
    const dir = directory(bootstrap, { allowHosts: ["127.0.0.3"] });
    for (let i = 0; i < 3; i++)
      assert.equal((await dir.resolve({ kind: "bootstrap" })).address, "127.0.0.3");
    const none = directory(bootstrap, { allowHosts: ["10.0.0.0/8"] });
    await refused(none.resolve({ kind: "bootstrap" }), /outside --allow-hosts/);
  });
});

describe("BrokerDirectory.topicNameForId", () => {
  it("a miss refreshes Metadata at most once a second, waiting for the next slot rather than answering from stale data; concurrent misses share one refresh", async () => {
    const { log, events } = recordingLog();
    const dir = directory([{ host: "127.0.0.1", port: await closedPort() }], { log });
    await dir.start();
    const refreshes = () => events.filter((e) => e.event === "metadata.error").length;
    assert.equal(refreshes(), 1);
    // 20 misses at once, right after the start-up refresh: they wait for one refresh together.
    const t0 = Date.now();
    const ids = Array.from({ length: 20 }, (_, i) => dir.topicNameForId(`id-${i}`));
    for (const name of await Promise.all(ids)) assert.equal(name, undefined);
    assert.equal(refreshes(), 2, "one refresh for twenty concurrent misses");
    assert.ok(Date.now() - t0 >= 900, "the refresh waited for its one-second slot");
    // Misses one after another: one refresh each, never more than one a second.
    const t1 = Date.now();
    for (let i = 0; i < 2; i++) assert.equal(await dir.topicNameForId(`later-${i}`), undefined);
    assert.equal(refreshes(), 4);
    assert.ok(Date.now() - t1 >= 1900, `two refreshes took ${Date.now() - t1} ms, under 2 s`);
    dir.stop();
  });
});
