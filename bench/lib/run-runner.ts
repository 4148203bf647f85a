/**
 * Starts one runner (bench/peers/<runner>.ts) for one (workload, client), follows its MARK and
 * RESULT lines (bench/peers/contract.ts), and measures what the runner cannot measure fairly
 * about itself: CPU time of its whole process tree between the marks, the peak of its memory,
 * and the same CPU figure for the gateway and the broker over the same interval.
 */
import { spawn } from "node:child_process";
import { join } from "node:path";
import {
  MARK_END,
  MARK_START,
  RESULT_PREFIX,
  type RunResult,
  type RunSpec,
} from "../peers/contract.js";
import { cpuSecondsOf } from "./proc.js";
import { treeCpuSeconds, treePssBytes } from "./proc-tree.js";

export interface Measured {
  result: RunResult;
  /** CPU seconds of the runner's process tree between MARK start and MARK end. */
  cpuSeconds: number | undefined;
  /** Peak of the tree's summed PSS while the runner lived (sampled every 200 ms). */
  peakPssBytes: number | undefined;
  /** The gateway's and the broker's CPU seconds between the marks. */
  gatewayCpuSeconds: number | undefined;
  brokerCpuSeconds: number | undefined;
  /** Wall seconds of the whole runner process. */
  processSeconds: number;
  exitCode: number | null;
  /** The last lines the runner wrote to stderr (for a failure report). */
  stderrTail: string[];
}

export interface RunnerContext {
  root: string;
  gatewayPid: number | undefined;
  brokerPid: number | undefined;
  /** Progress lines from the runner's stderr. */
  onLine: (line: string) => void;
  signal: AbortSignal;
}

const diff = (a: number | undefined, b: number | undefined) =>
  a === undefined || b === undefined ? undefined : b - a;

export function runRunner(runner: string, spec: RunSpec, ctx: RunnerContext): Promise<Measured> {
  const began = performance.now();
  const child = spawn(
    process.execPath,
    ["--conditions=source", "--import", "tsx", join(ctx.root, "bench", "peers", `${runner}.ts`)],
    {
      cwd: ctx.root,
      env: { ...process.env, BENCH_SPEC: JSON.stringify(spec) },
      stdio: ["ignore", "pipe", "pipe"],
      // Its own process group, so a kill reaches Chromium, the JVM or kcat under it too.
      detached: true,
    },
  );
  const pid = child.pid;
  const sample = () => ({
    runner: pid === undefined ? undefined : treeCpuSeconds(pid),
    gateway: ctx.gatewayPid === undefined ? undefined : cpuSecondsOf(ctx.gatewayPid),
    broker: ctx.brokerPid === undefined ? undefined : cpuSecondsOf(ctx.brokerPid),
  });
  let atStart: ReturnType<typeof sample> | undefined;
  let atEnd: ReturnType<typeof sample> | undefined;
  let result: RunResult | undefined;
  let peakPss: number | undefined;
  const stderrTail: string[] = [];

  const killGroup = (signal: NodeJS.Signals) => {
    try {
      if (pid !== undefined) process.kill(-pid, signal);
    } catch {
      // Already gone.
    }
  };
  const memory = setInterval(() => {
    if (pid === undefined) return;
    const pss = treePssBytes(pid);
    if (pss !== undefined && (peakPss === undefined || pss > peakPss)) peakPss = pss;
  }, 200);
  // The runner bounds itself at spec.timeoutMs; this is the backstop for one that hangs anyway.
  const hardStop = setTimeout(() => {
    ctx.onLine(`runner ${runner} gave no result ${spec.timeoutMs / 1000 + 30} s in: killing it`);
    killGroup("SIGKILL");
  }, spec.timeoutMs + 30_000);
  const onAbort = () => killGroup("SIGKILL");
  ctx.signal.addEventListener("abort", onAbort, { once: true });

  let pending = "";
  child.stdout.setEncoding("utf8");
  child.stdout.on("data", (chunk: string) => {
    pending += chunk;
    const lines = pending.split("\n");
    pending = lines.pop() ?? "";
    for (const line of lines) {
      if (line === MARK_START) atStart = sample();
      else if (line === MARK_END) atEnd = sample();
      else if (line.startsWith(RESULT_PREFIX)) {
        try {
          result = JSON.parse(line.slice(RESULT_PREFIX.length)) as RunResult;
        } catch (err) {
          ctx.onLine(`runner ${runner}: unreadable result line: ${(err as Error).message}`);
        }
      } else if (line.trim() !== "") ctx.onLine(line);
    }
  });
  let errPending = "";
  child.stderr.setEncoding("utf8");
  child.stderr.on("data", (chunk: string) => {
    errPending += chunk;
    const lines = errPending.split("\n");
    errPending = lines.pop() ?? "";
    for (const line of lines) {
      ctx.onLine(line);
      stderrTail.push(line);
      if (stderrTail.length > 20) stderrTail.shift();
    }
  });

  return new Promise((resolve) => {
    const finish = (exitCode: number | null, why?: string) => {
      clearInterval(memory);
      clearTimeout(hardStop);
      ctx.signal.removeEventListener("abort", onAbort);
      // A runner that exits leaves nothing behind: its helpers (Chromium, a JVM) go with it.
      killGroup("SIGKILL");
      const fallback: RunResult = {
        ok: false,
        failure:
          why ??
          `the runner exited with code ${exitCode} without a result line${stderrTail.length > 0 ? `: ${stderrTail.at(-1)}` : ""}`,
        records: 0,
        seconds: 0,
        latencyMs: null,
        settings: {},
        notes: [],
      };
      resolve({
        result: result ?? fallback,
        cpuSeconds: diff(atStart?.runner, atEnd?.runner),
        peakPssBytes: peakPss,
        gatewayCpuSeconds: diff(atStart?.gateway, atEnd?.gateway),
        brokerCpuSeconds: diff(atStart?.broker, atEnd?.broker),
        processSeconds: (performance.now() - began) / 1000,
        exitCode,
        stderrTail,
      });
    };
    child.on("error", (err) => finish(null, `could not start the runner: ${err.message}`));
    child.on("close", (code) => finish(code));
  });
}
