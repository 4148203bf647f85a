/**
 * The fuzz part's valid seeds (faults/lib/seed-responses.ts, seed-requests.ts, seed-batches.ts)
 * really are valid: the fuzz run treats a refused seed as a decoder bug, so a broken generator
 * would cry wolf.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  type ApiCodec,
  decodeBatchRecords,
  decodeRecordBatch,
  decodeRequestFrame,
  decodeResponseFrame,
  encodeResponseFrame,
} from "@tributary/protocol";
import { readBE, sameBytes } from "../lib/bytes.js";
import { hashString, mixSeed, Rng } from "../lib/rng.js";
import { recordBatchSeed } from "../lib/seed-batches.js";
import { type RequestKind, requestFrame } from "../lib/seed-requests.js";
import { RESPONSE_APIS, responseFrame } from "../lib/seed-responses.js";

describe("valid seeds are valid", () => {
  it("every response at every version decodes and encodes back to the same bytes", () => {
    for (const api of RESPONSE_APIS as readonly ApiCodec<unknown, unknown>[]) {
      for (let v = api.minVersion; v <= api.maxVersion; v++) {
        for (let t = 0; t < 30; t++) {
          const frame = responseFrame(new Rng(mixSeed(api.apiKey, v, t)), api, v);
          assert.equal(readBE(frame, 0, 4), frame.length - 4);
          const { correlationId, body } = decodeResponseFrame(api, v, frame.subarray(4));
          const again = encodeResponseFrame(api, v, correlationId, body);
          assert.ok(sameBytes(again, frame), `${api.name} v${v} seed ${t} does not round-trip`);
        }
      }
    }
  });

  it("requests of every kind decode, and 'other' names an API", () => {
    const kinds: RequestKind[] = [
      "Produce",
      "Metadata",
      "ApiVersions",
      "InitProducerId",
      "SaslHandshake",
      "SaslAuthenticate",
    ];
    const apis = new Map<number, ApiCodec<unknown, unknown>>();
    for (const api of RESPONSE_APIS) apis.set(api.apiKey, api);
    for (let t = 0; t < 200; t++) {
      for (const kind of kinds) {
        const frame = requestFrame(new Rng(mixSeed(t, hashString(kind))), kind);
        assert.equal(readBE(frame, 0, 4), frame.length - 4);
        const key = readBE(frame, 4, 2);
        const api = apis.get(key);
        assert.ok(api !== undefined && api.name === kind, `${kind} frame has API key ${key}`);
        decodeRequestFrame(api, frame.subarray(4));
      }
      const other = requestFrame(new Rng(t), "other");
      assert.equal(readBE(other, 0, 4), other.length - 4);
    }
  });

  it("record batches decode to the records they were built from", () => {
    let compressed = 0;
    for (let t = 0; t < 300; t++) {
      const seed = recordBatchSeed(new Rng(t));
      const batch = decodeRecordBatch(seed.bytes);
      if (seed.records === null) {
        assert.notEqual(batch.compression, 0);
        compressed++;
        continue;
      }
      const records = decodeBatchRecords(batch);
      assert.equal(records.length, seed.records.length);
      records.forEach((r, i) => {
        const want = seed.records![i]!;
        assert.equal(r.timestamp, want.timestamp);
        assert.equal(r.offsetDelta, want.offsetDelta);
        assert.deepEqual(r.key, want.key);
        assert.deepEqual(r.value, want.value);
        assert.deepEqual(
          r.headers.map((h) => h.key),
          want.headers.map((h) => h.key),
        );
      });
    }
    assert.ok(compressed > 0 && compressed < 150);
  });

  it("generation is reproducible: the same seed builds the same bytes", () => {
    for (let t = 0; t < 50; t++) {
      const a = requestFrame(new Rng(t), "Produce");
      const b = requestFrame(new Rng(t), "Produce");
      assert.ok(sameBytes(a, b));
    }
  });
});
