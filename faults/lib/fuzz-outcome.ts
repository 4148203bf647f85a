/**
 * What a fuzz target is (faults/fuzz.ts) and what its check may answer: OK, TYPED (the typed
 * error or a refusal) or a finding, plus the helpers the checks share to tell an acceptable
 * error from a finding.
 */
import { ProtocolDecodeError } from "@tributary/protocol";
import type { Rng } from "./rng.js";

export const OK = 0;
export const TYPED = 1;
/** OK: decoded / forwarded; TYPED: the typed error or a refusal; a string: a finding. */
export type Outcome = typeof OK | typeof TYPED | string;

export interface Input {
  /** The bytes printed with a finding (a frame or the whole stream). */
  bytes: Uint8Array;
  /** How the input was made, for the finding report. */
  describe: string;
}

export interface Target<I extends Input = Input> {
  readonly name: string;
  /** Share of the run's inputs. */
  readonly share: number;
  generate(rng: Rng): I;
  check(input: I): Outcome | Promise<Outcome>;
}

/** Counts by kind within the current target (e.g. the gateway's refusals), for the notes. */
export const tally = new Map<string, number>();
export function countKind(kind: string): void {
  tally.set(kind, (tally.get(kind) ?? 0) + 1);
}

export function errorText(err: unknown): string {
  if (!(err instanceof Error)) return `non-Error thrown: ${String(err)}`;
  const frame = err.stack?.split("\n").find((l) => l.trimStart().startsWith("at "));
  return `${err.constructor.name}: ${err.message}${frame ? ` (${frame.trim()})` : ""}`;
}

/**
 * Undefined when `err` is an acceptable ProtocolDecodeError for an input of `length` bytes;
 * otherwise what is wrong with it.
 */
export function untypedError(err: unknown, length: number): string | undefined {
  if (!(err instanceof ProtocolDecodeError)) return `untyped error: ${errorText(err)}`;
  if (err.code !== "PROTOCOL_DECODE") return `decode error with code ${err.code}`;
  if (!Number.isInteger(err.offset) || err.offset < 0 || err.offset > length) {
    return `decode error offset ${err.offset} is outside the ${length}-byte input: ${err.message}`;
  }
  return undefined;
}
