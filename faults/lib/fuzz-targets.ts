/**
 * The fuzz part's targets (faults/fuzz.ts), in run order: one per response decoder, the record
 * batch decoders, the frame splitter and the gateway's request inspector.
 */
import { batchTarget } from "./fuzz-batches.js";
import { gatewayTarget } from "./fuzz-gateway.js";
import type { Target } from "./fuzz-outcome.js";
import { responseTarget } from "./fuzz-responses.js";
import { splitterTarget } from "./fuzz-splitter.js";
import { RESPONSE_APIS } from "./seed-responses.js";

export const TARGETS: readonly Target[] = [
  ...RESPONSE_APIS.map((api) => responseTarget(api) as unknown as Target),
  batchTarget as unknown as Target,
  splitterTarget as unknown as Target,
  gatewayTarget as unknown as Target,
];
