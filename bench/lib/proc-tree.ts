/**
 * CPU time and memory of a whole process tree (a runner and everything it started: a JVM,
 * kcat, Chromium's many processes), from /proc. Linux only; every reader returns undefined where
 * /proc cannot tell, and the report prints "?" then.
 *
 * CPU: the sum over the live tree of utime + stime + cutime + cstime. A descendant that exited
 * and was reaped by a live tree member is in that member's cutime/cstime, so nothing is lost as
 * Chromium's helpers come and go.
 *
 * Memory: the sum of PSS (proportional set size, /proc/<pid>/smaps_rollup) over the tree. RSS
 * would count the pages Chromium's processes share once per process; PSS splits them, so a
 * multi-process client is not charged several times for one library. For a single process PSS
 * is close to RSS.
 */
import { readdirSync, readFileSync } from "node:fs";

/** Linux reports process times in clock ticks; 100 a second on every mainstream kernel build. */
const TICKS_PER_SECOND = 100;

interface Stat {
  ppid: number;
  /** utime + stime + cutime + cstime, in ticks. */
  ticks: number;
}

function readStat(pid: number): Stat | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, "utf8");
    // proc(5): the command name (field 2) may hold spaces and parentheses; fields after the
    // last ")" start at field 3 (state). ppid is field 4; utime..cstime are fields 14..17.
    const f = text.slice(text.lastIndexOf(")") + 2).split(" ");
    return {
      ppid: Number(f[1]),
      ticks: Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14]),
    };
  } catch {
    return undefined;
  }
}

/** Every live process in the tree rooted at `root` (root included), with its stat. */
function tree(root: number): Map<number, Stat> {
  const all = new Map<number, Stat>();
  let names: string[];
  try {
    names = readdirSync("/proc");
  } catch {
    return all;
  }
  for (const name of names) {
    const pid = Number(name);
    if (!Number.isInteger(pid) || pid <= 0) continue;
    const s = readStat(pid);
    if (s !== undefined) all.set(pid, s);
  }
  const members = new Map<number, Stat>();
  const rootStat = all.get(root);
  if (rootStat === undefined) return members;
  members.set(root, rootStat);
  // Parents come before children only by chance in /proc order, so repeat until no change
  // (bounded: a tree cannot be deeper than the number of processes).
  for (let pass = 0, grew = true; grew && pass < all.size; pass++) {
    grew = false;
    for (const [pid, s] of all) {
      if (!members.has(pid) && members.has(s.ppid)) {
        members.set(pid, s);
        grew = true;
      }
    }
  }
  return members;
}

/** CPU seconds used so far by the tree rooted at `root` (reaped descendants included). */
export function treeCpuSeconds(root: number): number | undefined {
  const members = tree(root);
  if (members.size === 0) return undefined;
  let ticks = 0;
  for (const s of members.values()) ticks += s.ticks;
  return ticks / TICKS_PER_SECOND;
}

function pssBytes(pid: number): number | undefined {
  try {
    const m = /^Pss:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, "utf8"));
    return m === null ? undefined : Number(m[1]) * 1024;
  } catch {
    return undefined;
  }
}

/** Sum of PSS over the live tree rooted at `root`, in bytes. */
export function treePssBytes(root: number): number | undefined {
  const members = tree(root);
  if (members.size === 0) return undefined;
  let sum = 0;
  let any = false;
  for (const pid of members.keys()) {
    const b = pssBytes(pid);
    if (b !== undefined) {
      sum += b;
      any = true;
    }
  }
  return any ? sum : undefined;
}
