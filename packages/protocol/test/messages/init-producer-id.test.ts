import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { decodeRequest, encodeRequest } from "../../src/messages/api.js";
import { InitProducerIdApi } from "../../src/messages/init-producer-id.js";
import { throwsEncodeError } from "../expect-errors.js";

describe("InitProducerId", () => {
  const base = { transactionalId: null, transactionTimeoutMs: 60000 };

  it("refuses to resume a producer id before v3, where the request cannot carry it", () => {
    throwsEncodeError(
      () => encodeRequest(InitProducerIdApi, 2, { ...base, producerId: 7n, producerEpoch: 1 }),
      "producerId",
      /InitProducerId v2.*v3\+/,
    );
    throwsEncodeError(
      () => encodeRequest(InitProducerIdApi, 5, { ...base, enable2Pc: true }),
      "enable2Pc",
      /v6\+/,
    );
  });

  it("sends the -1 defaults from v3 when no producer id is given", () => {
    const bytes = encodeRequest(InitProducerIdApi, 3, base);
    assert.deepStrictEqual(decodeRequest(InitProducerIdApi, 3, bytes), {
      ...base,
      producerId: -1n,
      producerEpoch: -1,
      enable2Pc: false,
      keepPreparedTxn: false,
    });
  });

  it("carries producer ids beyond 2^53 exactly, and refuses numbers that are not safe integers", () => {
    const producerId = 2n ** 62n + 1n;
    const bytes = encodeRequest(InitProducerIdApi, 4, { ...base, producerId, producerEpoch: 0 });
    assert.equal(decodeRequest(InitProducerIdApi, 4, bytes).producerId, producerId);
    throwsEncodeError(
      () => encodeRequest(InitProducerIdApi, 4, { ...base, producerId: 2n ** 63n }),
      "producerId",
      /64-bit/,
    );
    throwsEncodeError(
      () => encodeRequest(InitProducerIdApi, 4, { ...base, transactionTimeoutMs: 2 ** 31 }),
      "transactionTimeoutMs",
      /\[-2147483648, 2147483647\]/,
    );
  });
});
