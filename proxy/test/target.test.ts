import assert from "node:assert/strict";
import { isIPv6 } from "node:net";
import { describe, it } from "node:test";
import fc from "fast-check";
import { parseTargetPath, TargetError } from "../src/target.js";

const port = fc.integer({ min: 1, max: 65535 });

function refuses(path: string, rule: RegExp): void {
  assert.throws(
    () => parseTargetPath(path),
    (err: unknown) => err instanceof TargetError && rule.test(err.message),
    `${path} should be refused with ${rule}`,
  );
}

/** What the WHATWG URL parser makes of a host, used only to show that the form is ambiguous. */
function whatwgHost(host: string): string {
  return new URL(`http://${host}/`).hostname;
}

describe("parseTargetPath: accepted forms", () => {
  it("/kafka is the bootstrap target", () => {
    assert.deepEqual(parseTargetPath("/kafka"), { kind: "bootstrap" });
  });

  it("any valid hostname and port round-trips (lowercased)", () => {
    fc.assert(
      fc.property(fc.domain(), port, (host, p) => {
        assert.deepEqual(parseTargetPath(`/kafka/${host}:${p}`), {
          kind: "broker",
          host: host.toLowerCase(),
          port: p,
        });
      }),
      { numRuns: 500 },
    );
  });

  it("any dotted-decimal IPv4 and port round-trips", () => {
    fc.assert(
      fc.property(fc.ipV4(), port, (ip, p) => {
        assert.deepEqual(parseTargetPath(`/kafka/${ip}:${p}`), {
          kind: "broker",
          host: ip,
          port: p,
        });
      }),
      { numRuns: 500 },
    );
  });

  it("any IPv6 in brackets round-trips to its canonical RFC 5952 form", () => {
    fc.assert(
      fc.property(fc.ipV6(), port, (ip, p) => {
        const target = parseTargetPath(`/kafka/[${ip}]:${p}`);
        assert.equal(target.kind, "broker");
        if (target.kind !== "broker") return;
        assert.equal(target.port, p);
        assert.ok(isIPv6(target.host), target.host);
        assert.equal(`[${target.host}]`, whatwgHost(`[${ip}]`));
        // Canonical is a fixed point: parsing the canonical form gives it back.
        assert.deepEqual(parseTargetPath(`/kafka/[${target.host}]:${p}`), target);
      }),
      { numRuns: 500 },
    );
  });

  it("IPv6 hosts come back without brackets, compressed and lowercase", () => {
    assert.deepEqual(parseTargetPath("/kafka/[::1]:9092"), {
      kind: "broker",
      host: "::1",
      port: 9092,
    });
    assert.deepEqual(parseTargetPath("/kafka/[0:0:0:0:0:0:0:1]:9092"), {
      kind: "broker",
      host: "::1",
      port: 9092,
    });
    assert.deepEqual(parseTargetPath("/kafka/[FE80::ABCD]:1"), {
      kind: "broker",
      host: "fe80::abcd",
      port: 1,
    });
  });

  it("hostnames may use underscores (container names) and are lowercased", () => {
    assert.deepEqual(parseTargetPath("/kafka/Kafka_1.Internal:9092"), {
      kind: "broker",
      host: "kafka_1.internal",
      port: 9092,
    });
  });

  it("port limits 1 and 65535 are accepted", () => {
    assert.equal((parseTargetPath("/kafka/h:1") as { port: number }).port, 1);
    assert.equal((parseTargetPath("/kafka/h:65535") as { port: number }).port, 65535);
  });
});

describe("parseTargetPath: refusals", () => {
  it("refuses userinfo", () => {
    refuses("/kafka/user@host:9092", /userinfo/);
    refuses("/kafka/a:b@host:9092", /userinfo/);
    refuses("/kafka/@host:9092", /userinfo/);
  });

  it("refuses all percent-encoding, including the tricks that change the meaning", () => {
    // %2F would make a second segment, %40 userinfo, %3A another port, %2e%2e a dot segment.
    for (const path of [
      "/kafka/evil.com%2F127.0.0.1:9092",
      "/kafka/user%40127.0.0.1:9092",
      "/kafka/127.0.0.1%3A22:9092",
      "/kafka/127.0.0.1:9092%3A22",
      "/kafka/%2e%2e:9092",
      "/kafka/%2E%2E/admin",
      "/kafka/[fe80::1%25eth0]:9092",
      // Even an encoding that decodes to a harmless letter: one reading only.
      "/kafka/k%61fka:9092",
    ]) {
      refuses(path, /percent-encoding/);
    }
  });

  it("refuses dot segments and extra path segments", () => {
    refuses("/kafka/../admin", /single path segment/);
    refuses("/kafka/..:9092", /empty label/);
    refuses("/kafka/.:9092", /empty label/);
    refuses("/kafka/host:9092/", /single path segment/);
    refuses("/kafka/host:9092/extra", /single path segment/);
    refuses("/kafka//host:9092", /single path segment/);
  });

  it("refuses odd numeric IPv4 forms that URL parsers and inet_aton read as 127.0.0.1", () => {
    for (const host of [
      "2130706433",
      "0x7f.0.0.1",
      "0177.0.0.1",
      "127.1",
      "127.000.000.001",
      "0x7f000001",
    ]) {
      // The reference: a WHATWG URL parser turns each into 127.0.0.1, a second spelling.
      assert.equal(whatwgHost(host), "127.0.0.1", host);
      refuses(`/kafka/${host}:9092`, /IPv4 addresses must be four decimal numbers/);
    }
  });

  it("refuses other ambiguous or invalid numeric forms", () => {
    for (const host of ["256.0.0.1", "1.2.3.4.5", "1.2.3.0x4", "01.2.3.4", "1.2.3"]) {
      refuses(`/kafka/${host}:9092`, /IPv4 addresses must be four decimal numbers/);
    }
  });

  it("refuses ports outside 1-65535 and non-plain spellings", () => {
    for (const p of [
      "0",
      "65536",
      "99999",
      "-1",
      "+9092",
      "09092",
      "9092.0",
      "0x2384",
      " 9092",
      "",
      "123456",
    ]) {
      assert.throws(
        () => parseTargetPath(`/kafka/host:${p}`),
        TargetError,
        `port ${JSON.stringify(p)}`,
      );
    }
    refuses("/kafka/host:65536", /port must be 1-65535/);
    refuses("/kafka/host:09092", /port must be 1-65535/);
    refuses("/kafka/host:+9092", /only letters/);
  });

  it("refuses a missing port", () => {
    refuses("/kafka/host", /port is missing/);
    refuses("/kafka/[::1]", /expected ':<port>'/);
    refuses("/kafka/host:", /port must be/);
  });

  it("refuses an empty host and an empty target", () => {
    refuses("/kafka/:9092", /host is empty/);
    refuses("/kafka/", /is empty/);
    refuses("/kafka/[]:9092", /not a valid IPv6/);
  });

  it("refuses IPv6 without brackets, with junk, or with a zone id", () => {
    refuses("/kafka/::1:9092", /must be in brackets/);
    refuses("/kafka/[::1:9092", /no closing/);
    refuses("/kafka/[::1]x:9092", /expected ':<port>'/);
    refuses("/kafka/[not-ip]:9092", /not a valid IPv6/);
    refuses("/kafka/[::1]]:9092", /expected ':<port>'/);
  });

  it("refuses characters a broker address never has", () => {
    for (const path of [
      "/kafka/ho st:1",
      "/kafka/host\\x:1",
      "/kafka/h\u0000:1",
      "/kafka/hést:1",
      "/kafka/h?x:1",
    ]) {
      refuses(path, /only letters/);
    }
  });

  it("refuses bad hostname labels", () => {
    refuses("/kafka/-host:1", /labels must be/);
    refuses("/kafka/host-.example:1", /labels must be/);
    refuses(`/kafka/${"a".repeat(64)}.example:1`, /labels must be/);
    refuses(`/kafka/${"a.".repeat(127)}com:1`, /longer than 253/);
    refuses("/kafka/host.:1", /empty label/);
  });

  it("refuses paths that are not /kafka or /kafka/...", () => {
    refuses("/kafkaesque", /is not \/kafka/);
    refuses("/", /is not \/kafka/);
  });

  it("keeps the received text in the message short", () => {
    try {
      parseTargetPath(`/kafka/${"x".repeat(5000)}@h:1`);
      assert.fail("should throw");
    } catch (err) {
      assert.ok(err instanceof TargetError);
      assert.ok(err.message.length < 120, err.message);
    }
  });
});
