/**
 * The loop every driver shares: run the plan's cells one at a time (cells never overlap, so each
 * one's records/s is its own) and report each result as soon as it is known.
 */
import {
  type CodecName,
  type CompressingCodecName,
  type CreateProducer,
  runCell,
  type TransportName,
} from "./cell.js";
import type { CellLine, Plan } from "./plan.js";

export interface DriverHooks {
  createProducer: CreateProducer;
  /** The `compression` option for a codec: its name, or the codec object. */
  compression(codec: CompressingCodecName): { value: unknown; form: "name" | "object" };
  /** Extra options a transport needs in this runtime (Node 20: the `ws` constructor). */
  transportOptions?(transport: TransportName): Record<string, unknown>;
  /** Which WebSocket constructor websocket cells use, for the report. */
  webSocketName: string | null;
}

export async function runPlanCell(
  plan: Plan,
  index: number,
  hooks: DriverHooks,
): Promise<CellLine> {
  const planned = plan.cells[index];
  if (planned === undefined) throw new RangeError(`the plan has no cell ${index}`);
  const { transport, codec } = planned;
  const compression =
    codec === "none" ? { value: "none", form: "name" as const } : hooks.compression(codec);
  const result = await runCell(
    hooks.createProducer,
    {
      runtime: plan.runtime,
      transport,
      codec,
      topic: plan.topic,
      records: plan.records,
      bootstrap: plan.bootstrap[transport],
    },
    { compression: compression.value, ...hooks.transportOptions?.(transport) },
  );
  return {
    kind: "cell",
    ...result,
    compression: compression.form,
    webSocket: transport === "websocket" ? hooks.webSocketName : null,
  };
}

/**
 * Runs every cell in order, handing each result line to `emit` as soon as it is known. Once a
 * cell of a transport delivers nothing at all, that transport is broken in this runtime and
 * the rest of its cells are reported as not run, instead of each waiting out its timeouts.
 */
export async function runPlan(
  plan: Plan,
  hooks: DriverHooks,
  emit: (line: CellLine) => void,
): Promise<void> {
  const broken = new Map<TransportName, string>();
  for (let i = 0; i < plan.cells.length; i++) {
    const planned = plan.cells[i];
    if (planned === undefined) continue;
    const deadCell = broken.get(planned.transport);
    if (deadCell !== undefined) {
      emit(
        notRun(plan, planned.transport, planned.codec, `not run: ${deadCell} delivered no record`),
      );
      continue;
    }
    const line = await runPlanCell(plan, i, hooks);
    if (line.delivered === 0) broken.set(planned.transport, line.cell);
    emit(line);
  }
}

function notRun(plan: Plan, transport: TransportName, codec: CodecName, why: string): CellLine {
  return {
    kind: "cell",
    cell: `${plan.runtime}/${transport}/${codec}`,
    delivered: 0,
    failed: plan.records,
    firstError: why,
    elapsedMs: 0,
    recordsPerSec: 0,
    digest: 0,
    compression: "name",
    webSocket: null,
  };
}
