/**
 * CPU time and memory of processes the benchmark does not run inside: the broker and the JVM
 * peer. Linux only (/proc); every reader returns undefined where /proc cannot tell.
 */
import { readFileSync } from "node:fs";

/** Linux reports process times in clock ticks; 100 a second on every mainstream kernel build. */
const TICKS_PER_SECOND = 100;

/** The fields of /proc/<pid>/stat after the command name, which may itself hold spaces. */
function statFields(pid: number | "self"): string[] | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, "utf8");
    return text.slice(text.lastIndexOf(")") + 2).split(" ");
  } catch {
    return undefined;
  }
}

/** User + system CPU seconds a process has used so far. */
export function cpuSecondsOf(pid: number): number | undefined {
  const f = statFields(pid);
  if (f === undefined) return undefined;
  // proc(5): utime and stime are fields 14 and 15; the slice starts at field 3.
  return (Number(f[11]) + Number(f[12])) / TICKS_PER_SECOND;
}

/**
 * CPU seconds of this process's children that have exited and been reaped (cutime + cstime).
 * The difference across one child's life is that child's whole CPU time, start-up included,
 * provided no other child ended meanwhile.
 */
export function reapedChildrenCpuSeconds(): number | undefined {
  const f = statFields("self");
  if (f === undefined) return undefined;
  return (Number(f[13]) + Number(f[14])) / TICKS_PER_SECOND;
}

/** The peak resident set size of a live process (VmHWM), in bytes. */
export function peakRssOf(pid: number): number | undefined {
  try {
    const m = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return m === null ? undefined : Number(m[1]) * 1024;
  } catch {
    return undefined;
  }
}
