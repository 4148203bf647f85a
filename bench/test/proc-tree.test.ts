import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { describe, it } from "node:test";
import { treeCpuSeconds, treePssBytes } from "../lib/proc-tree.js";

describe("process tree CPU and memory (/proc, Linux)", () => {
  it("charges a child's CPU to its parent's tree, and reads undefined for a process that is gone", async () => {
    // A shell that starts a busy child (~0.6 s of CPU), so the tree has two levels below us.
    const child = spawn(
      "sh",
      ["-c", "node -e 'const t=Date.now(); while (Date.now()-t<600);' ; sleep 5"],
      {
        stdio: "ignore",
      },
    );
    const pid = child.pid!;
    try {
      const deadline = Date.now() + 10_000;
      let cpu = treeCpuSeconds(pid) ?? 0;
      // Bounded wait until the grandchild's CPU shows up (while alive, then reaped into sh's cutime).
      while (cpu < 0.4 && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 100));
        cpu = treeCpuSeconds(pid) ?? 0;
      }
      assert.ok(cpu >= 0.4, `tree CPU ${cpu} s`);
      const pss = treePssBytes(pid);
      assert.ok(pss !== undefined && pss > 0);
    } finally {
      child.kill("SIGKILL");
      await new Promise((r) => child.once("exit", r));
    }
    assert.equal(treeCpuSeconds(pid), undefined);
  });
});
