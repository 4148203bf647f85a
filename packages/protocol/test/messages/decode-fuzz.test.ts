/**
 * Decoders meet hostile bytes (a broker we do not control, and for the gateway a client it
 * does not trust): whatever the input, they return a value or raise ProtocolDecodeError —
 * never RangeError/TypeError, never a hang or a huge allocation.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { ProtocolDecodeError } from "../../src/errors.js";
import type { ApiCodec } from "../../src/messages/api.js";
import { decodeRequest, decodeResponse } from "../../src/messages/api.js";
import { ApiVersionsApi } from "../../src/messages/api-versions.js";
import {
  decodeRequestFrame,
  decodeRequestHeader,
  decodeResponseFrame,
} from "../../src/messages/frame.js";
import { InitProducerIdApi } from "../../src/messages/init-producer-id.js";
import { MetadataApi } from "../../src/messages/metadata.js";
import { ProduceApi } from "../../src/messages/produce.js";
import { SaslAuthenticateApi } from "../../src/messages/sasl-authenticate.js";
import { SaslHandshakeApi } from "../../src/messages/sasl-handshake.js";
import { API_FIXTURES, fromHex, loadFixture } from "./kafka-fixtures.js";

const CODECS = [
  ApiVersionsApi,
  MetadataApi,
  ProduceApi,
  InitProducerIdApi,
  SaslHandshakeApi,
  SaslAuthenticateApi,
] as unknown as ApiCodec<unknown, unknown>[];
const byName = new Map(CODECS.map((c) => [c.name, c]));

/** Runs a decode; passes if it returns or raises ProtocolDecodeError, fails on anything else. */
function onlyDecodeErrors(decode: () => unknown): void {
  try {
    decode();
  } catch (error) {
    if (error instanceof ProtocolDecodeError) return;
    throw new Error(`decoder raised ${String(error)} instead of ProtocolDecodeError`, {
      cause: error,
    });
  }
}

interface Valid {
  api: ApiCodec<unknown, unknown>;
  version: number;
  kind: "request" | "response";
  body: Uint8Array;
  frame: Uint8Array;
}

const valid: Valid[] = [];
for (const [name, file] of API_FIXTURES) {
  const api = byName.get(name)!;
  const fixture = loadFixture(file);
  for (const kind of ["request", "response"] as const) {
    for (const c of kind === "request" ? fixture.requests : fixture.responses) {
      if (c.version < api.minVersion) continue;
      valid.push({
        api,
        version: c.version,
        kind,
        body: fromHex(c.hex),
        frame: fromHex(c.frameHex),
      });
    }
  }
}

function decodeBody(v: Pick<Valid, "api" | "version" | "kind">, bytes: Uint8Array): unknown {
  return v.kind === "request"
    ? decodeRequest(v.api, v.version, bytes)
    : decodeResponse(v.api, v.version, bytes);
}

function decodeFrame(v: Pick<Valid, "api" | "version" | "kind">, bytes: Uint8Array): unknown {
  return v.kind === "request"
    ? decodeRequestFrame(v.api, bytes)
    : decodeResponseFrame(v.api, v.version, bytes);
}

const target = fc.constantFrom(...valid);

describe("decoders raise only ProtocolDecodeError on bad input", { timeout: 120_000 }, () => {
  it("random bytes, for every API, version and direction", () => {
    const apiVersion = fc.constantFrom(
      ...CODECS.flatMap((api) =>
        Array.from({ length: api.maxVersion - api.minVersion + 1 }, (_, i) => ({
          api,
          version: api.minVersion + i,
        })),
      ),
    );
    fc.assert(
      fc.property(
        apiVersion,
        fc.constantFrom("request" as const, "response" as const),
        fc.uint8Array({ maxLength: 300 }),
        ({ api, version }, kind, bytes) => {
          onlyDecodeErrors(() => decodeBody({ api, version, kind }, bytes));
          onlyDecodeErrors(() => decodeFrame({ api, version, kind }, bytes));
          onlyDecodeErrors(() => decodeRequestHeader(bytes));
        },
      ),
      { numRuns: 3000 },
    );
  });

  it("every truncation of every valid Kafka body and frame fails cleanly", () => {
    let cut = 0;
    for (const v of valid) {
      for (let n = 0; n < v.body.length; n++) {
        assert.throws(() => decodeBody(v, v.body.subarray(0, n)), ProtocolDecodeError);
        cut++;
      }
      for (let n = 0; n < v.frame.length; n++)
        onlyDecodeErrors(() => decodeFrame(v, v.frame.subarray(0, n)));
    }
    assert.ok(cut > 1000);
  });

  it("valid Kafka bodies and frames with bytes changed, inserted or removed", () => {
    const edit = fc.record({
      at: fc.nat(),
      kind: fc.constantFrom("set", "insert", "remove"),
      byte: fc.constantFrom(0x00, 0x01, 0x7f, 0x80, 0xfe, 0xff, 0x35),
    });
    fc.assert(
      fc.property(
        target,
        fc.array(edit, { minLength: 1, maxLength: 4 }),
        fc.boolean(),
        (v, edits, frame) => {
          const bytes = [...(frame ? v.frame : v.body)];
          for (const e of edits) {
            const at = bytes.length === 0 ? 0 : e.at % bytes.length;
            if (e.kind === "set") bytes[at] = e.byte;
            else if (e.kind === "insert") bytes.splice(at, 0, e.byte);
            else bytes.splice(at, 1);
          }
          const input = Uint8Array.from(bytes);
          onlyDecodeErrors(() => (frame ? decodeFrame(v, input) : decodeBody(v, input)));
        },
      ),
      { numRuns: 5000 },
    );
  });

  it("huge array counts are refused before anything is allocated", () => {
    // Metadata v1 response: brokers count 0x7fffffff with four bytes behind it.
    const bytes = fromHex("7fffffff" + "00000000");
    assert.throws(() => decodeResponse(MetadataApi, 1, bytes), /array count/);
    // Flexible: a compact count near 2^32.
    assert.throws(
      () => decodeResponse(MetadataApi, 12, fromHex("00000000" + "ffffffff0f")),
      ProtocolDecodeError,
    );
  });
});
