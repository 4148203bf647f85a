/**
 * The payload files every client reads its values from (one value per line; contract.ts), so
 * all clients send the same bytes. Deterministic: the same seed gives the same files on every
 * machine.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { prng } from "../../scripts/test-support/prng.js";
import type { Workload } from "./compare-plan.js";
import { TelemetryGenerator } from "./telemetry.js";

/** Distinct values cycled through; large enough that compression sees realistic variety. */
export const PAYLOAD_LINES = 4096;

export interface PayloadFile {
  path: string;
  lines: number;
  /** Byte length of each line, to add up a run's value bytes. */
  lengths: Uint32Array;
}

/** Printable ASCII (0x20-0x7e): text-like, never a newline. */
function randomLine(rand: () => number, bytes: number): string {
  let s = "";
  for (let i = 0; i < bytes; i++) s += String.fromCharCode(0x20 + Math.floor(rand() * 95));
  return s;
}

function write(dir: string, name: string, lines: string[]): PayloadFile {
  const path = join(dir, name);
  writeFileSync(path, lines.join("\n"));
  const lengths = Uint32Array.from(lines, (l) => Buffer.byteLength(l));
  return { path, lines: lines.length, lengths };
}

export function writePayloads(dir: string): Record<Workload["payload"], PayloadFile> {
  mkdirSync(dir, { recursive: true });
  const rand = prng(9);
  const random = Array.from({ length: PAYLOAD_LINES }, () => randomLine(rand, 100));
  const gen = new TelemetryGenerator(1);
  const decoder = new TextDecoder();
  const telemetry = Array.from({ length: PAYLOAD_LINES }, () => {
    const value = decoder.decode(gen.next().value ?? new Uint8Array());
    // JSON.stringify never writes a raw newline; a line with one would split a value in two.
    if (value.includes("\n")) throw new Error("telemetry value holds a newline");
    return value;
  });
  return {
    "random-100": write(dir, "random-100.txt", random),
    telemetry: write(dir, "telemetry.txt", telemetry),
  };
}

/** Value bytes of records 0..count-1 (record i carries line i % lines). */
export function valueBytes(file: PayloadFile, count: number): number {
  let perCycle = 0;
  for (const n of file.lengths) perCycle += n;
  const cycles = Math.floor(count / file.lines);
  let sum = cycles * perCycle;
  for (let i = 0; i < count % file.lines; i++) sum += file.lengths[i]!;
  return sum;
}
