/**
 * Summarizes a CPU profile from the Chrome DevTools Protocol (Profiler.stop's `profile`): self
 * time per function and per source file, biggest first, mapped through the bundle's source map
 * so a row names page.ts's sources rather than page.js offsets.
 *
 * Profile shape: https://chromedevtools.github.io/devtools-protocol/tot/Profiler/#type-Profile
 * (samples[i] is the node that was on top of the stack at sample i; timeDeltas[i] the
 * microseconds since the sample before it, so sample i's self time is timeDeltas[i + 1]).
 */
import { SourceMap, type SourceMapPayload } from "node:module";

export interface CdpCallFrame {
  functionName: string;
  url: string;
  /** 0-based */
  lineNumber: number;
  /** 0-based */
  columnNumber: number;
}

export interface CdpProfile {
  nodes: { id: number; callFrame: CdpCallFrame }[];
  startTime: number;
  endTime: number;
  samples?: number[];
  timeDeltas?: number[];
}

export interface ProfileRow {
  /** "function (file:line)" or "file" */
  name: string;
  selfMs: number;
  /** Of all sampled time, idle included. */
  share: number;
}

export interface ProfileSummary {
  totalMs: number;
  /** "(idle)": the page's main thread had nothing to run (waiting on the network or timers). */
  idleMs: number;
  byFunction: ProfileRow[];
  byFile: ProfileRow[];
}

/** `map` is the bundle's source map; `bundleSuffix` the end of the bundle's URL (e.g. "/page.js"). */
export function summarizeProfile(
  profile: CdpProfile,
  map?: { payload: SourceMapPayload; bundleSuffix: string },
): ProfileSummary {
  const sourceMap = map === undefined ? undefined : new SourceMap(map.payload);
  const frames = new Map<number, CdpCallFrame>();
  for (const n of profile.nodes) frames.set(n.id, n.callFrame);
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  const selfUs = new Map<number, number>();
  for (let i = 0; i < samples.length; i++) {
    const id = samples[i]!;
    // The last sample runs until endTime; the others until the next sample's time.
    const us =
      i + 1 < deltas.length
        ? deltas[i + 1]!
        : Math.max(0, profile.endTime - sampleTime(profile, i));
    selfUs.set(id, (selfUs.get(id) ?? 0) + us);
  }

  const byFunction = new Map<string, number>();
  const byFile = new Map<string, number>();
  let totalUs = 0;
  let idleUs = 0;
  for (const [id, us] of selfUs) {
    const frame = frames.get(id);
    if (frame === undefined) continue;
    totalUs += us;
    const place = where(frame, sourceMap, map?.bundleSuffix);
    if (frame.functionName === "(idle)") idleUs += us;
    const fn =
      place.file === "" ? frame.functionName : `${place.name} (${place.file}:${place.line})`;
    byFunction.set(fn, (byFunction.get(fn) ?? 0) + us);
    const file = place.file === "" ? frame.functionName : place.file;
    byFile.set(file, (byFile.get(file) ?? 0) + us);
  }
  const rows = (m: Map<string, number>): ProfileRow[] =>
    [...m]
      .map(([name, us]) => ({ name, selfMs: us / 1000, share: totalUs === 0 ? 0 : us / totalUs }))
      .sort((a, b) => b.selfMs - a.selfMs);
  return {
    totalMs: totalUs / 1000,
    idleMs: idleUs / 1000,
    byFunction: rows(byFunction),
    byFile: rows(byFile),
  };
}

function sampleTime(profile: CdpProfile, i: number): number {
  let t = profile.startTime;
  const deltas = profile.timeDeltas ?? [];
  for (let k = 0; k <= i && k < deltas.length; k++) t += deltas[k]!;
  return t;
}

/** A frame's source place: mapped through the source map when it is in the bundle. */
function where(
  frame: CdpCallFrame,
  map: SourceMap | undefined,
  bundleSuffix: string | undefined,
): { name: string; file: string; line: number } {
  const name = frame.functionName === "" ? "(anonymous)" : frame.functionName;
  if (frame.url === "") return { name, file: "", line: 0 };
  if (map !== undefined && bundleSuffix !== undefined && frame.url.endsWith(bundleSuffix)) {
    const entry = map.findEntry(frame.lineNumber, frame.columnNumber) as {
      originalSource?: string;
      originalLine?: number;
    };
    if (entry.originalSource !== undefined) {
      return { name, file: shortPath(entry.originalSource), line: (entry.originalLine ?? 0) + 1 };
    }
  }
  return { name, file: shortPath(frame.url), line: frame.lineNumber + 1 };
}

/** The path from the repository's top folders on, so rows stay short. */
function shortPath(source: string): string {
  const m = /(?:^|\/)((?:packages|bench|proxy|node_modules)\/.*)$/.exec(source);
  return m?.[1] ?? source;
}

/** The top rows as text lines. */
export function formatSummary(summary: ProfileSummary, top: number): string[] {
  const line = (r: ProfileRow) =>
    `  ${r.selfMs.toFixed(0).padStart(7)} ms ${(r.share * 100).toFixed(1).padStart(5)}%  ${r.name}`;
  return [
    `profile: ${summary.totalMs.toFixed(0)} ms sampled, ${summary.idleMs.toFixed(0)} ms idle`,
    "self time by function:",
    ...summary.byFunction.slice(0, top).map(line),
    "self time by file:",
    ...summary.byFile.slice(0, top).map(line),
  ];
}
