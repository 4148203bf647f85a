/**
 * The loop every driver shares: run the plan's cells one at a time (cells never overlap, so each
 * one's records/s is its own) and report each result as soon as it is known.
 */
import {
  type CompressingCodecName,
  type CreateProducer,
  runCell,
  type TransportName,
} from "./cell.js";
import type { CellLine, Plan, PlannedCell } from "./plan.js";
import {
  cellName,
  recordsFor,
  routeOf,
  SASL_USER,
  securityOf,
  WRONG_PASSWORD,
} from "./security.mjs";

export interface DriverHooks {
  createProducer: CreateProducer;
  /** The `compression` option for a codec: its name, or the codec object. */
  compression(codec: CompressingCodecName): { value: unknown; form: "name" | "object" };
  /** Extra options a transport needs in this runtime (Node 20: the `ws` constructor). */
  transportOptions?(transport: TransportName): Record<string, unknown>;
  /** Which WebSocket constructor websocket cells use, for the report. */
  webSocketName: string | null;
  /**
   * The `tls` option for an auth cell that trusts `ca` (PEM): { ca } where the producer takes a
   * CA; `true` in workerd, whose trust is its network's (the orchestrator's config trusts the
   * right CA for each cell).
   */
  tlsOption(ca: string): unknown;
}

export async function runPlanCell(
  plan: Plan,
  index: number,
  hooks: DriverHooks,
): Promise<CellLine> {
  const planned = plan.cells[index];
  if (planned === undefined) throw new RangeError(`the plan has no cell ${index}`);
  const { transport, codec, security } = planned;
  const compression =
    codec === "none" ? { value: "none", form: "name" as const } : hooks.compression(codec);
  const auth = authOptions(plan, planned, hooks);
  const result = await runCell(
    hooks.createProducer,
    {
      runtime: plan.runtime,
      transport,
      security,
      codec,
      topic: plan.topic,
      records: recordsFor(security, plan.records),
      bootstrap: auth?.bootstrap ?? plan.bootstrap[transport],
    },
    {
      compression: compression.value,
      ...hooks.transportOptions?.(transport),
      ...auth?.options,
    },
  );
  return {
    kind: "cell",
    ...result,
    compression: compression.form,
    webSocket: transport === "websocket" ? hooks.webSocketName : null,
  };
}

/** An auth cell's bootstrap, sasl and tls options; undefined for the codec cells. */
function authOptions(plan: Plan, planned: PlannedCell, hooks: DriverHooks) {
  if (planned.security === undefined) return undefined;
  if (plan.security === undefined) throw new Error("an auth cell needs plan.security");
  const s = securityOf(planned.security);
  const options: Record<string, unknown> = {};
  if (s.mechanism !== null) {
    options.sasl = {
      mechanism: s.mechanism,
      username: SASL_USER.username,
      password: s.password === "right" ? SASL_USER.password : WRONG_PASSWORD,
    };
  }
  if (s.ca !== "none") {
    options.tls = hooks.tlsOption(s.ca === "broker" ? plan.security.ca : plan.security.unrelatedCa);
  }
  return { bootstrap: plan.security.bootstrap[s.listener], options };
}

/**
 * Runs every cell in order, handing each result line to `emit` as soon as it is known. Once a
 * cell of a route (a transport, or an auth cell's transport and security) delivers nothing at
 * all, that route is broken in this runtime and the rest of its cells are reported as not run,
 * instead of each waiting out its timeouts. A cell that must be refused delivers nothing by
 * design and breaks nothing.
 */
export async function runPlan(
  plan: Plan,
  hooks: DriverHooks,
  emit: (line: CellLine) => void,
): Promise<void> {
  const broken = new Map<string, string>();
  for (let i = 0; i < plan.cells.length; i++) {
    const planned = plan.cells[i];
    if (planned === undefined) continue;
    const route = routeOf(planned);
    const deadCell = broken.get(route);
    if (deadCell !== undefined) {
      emit(notRun(plan, planned, `not run: ${deadCell} delivered no record`));
      continue;
    }
    const line = await runPlanCell(plan, i, hooks);
    const mustBeRefused =
      planned.security !== undefined && securityOf(planned.security).refusal !== null;
    if (line.delivered === 0 && !mustBeRefused) broken.set(route, line.cell);
    emit(line);
  }
}

function notRun(plan: Plan, planned: PlannedCell, why: string): CellLine {
  const records = recordsFor(planned.security, plan.records);
  return {
    kind: "cell",
    cell: cellName({ runtime: plan.runtime, ...planned }),
    delivered: 0,
    failed: records,
    firstError: why,
    errorKinds: [{ code: "ERROR", message: why, count: records }],
    elapsedMs: 0,
    recordsPerSec: 0,
    digest: 0,
    compression: "name",
    webSocket: null,
  };
}
