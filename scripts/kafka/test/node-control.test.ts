// Restarting one node on its own storage starts it with the command it ran before, read back from
// /proc. These tests check that record without a broker: a child process of our own stands in.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, realpathSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { parseCmdline, readLaunch, runningNode } from "../node-control.mjs";

const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

test("a /proc cmdline splits on NUL; the final NUL ends the last argument, empty ones stay", () => {
  assert.deepEqual(parseCmdline("java\0-Xmx384m\0kafka.Kafka\0/a/server.properties\0"), [
    "java",
    "-Xmx384m",
    "kafka.Kafka",
    "/a/server.properties",
  ]);
  assert.deepEqual(parseCmdline("a\0\0b\0"), ["a", "", "b"]);
  assert.deepEqual(parseCmdline("no-trailing-nul"), ["no-trailing-nul"]);
});

test("readLaunch gives back the exact command, arguments and working directory of a process", async () => {
  const cwd = realpathSync(mkdtempSync(join(tmpdir(), "node-control-")));
  dirs.push(cwd);
  const args = ["-e", "setInterval(() => {}, 1000)", "--", "an argument with spaces", ""];
  const child = spawn(process.execPath, args, { cwd, stdio: "ignore" });
  try {
    await new Promise((resolve, reject) => {
      child.once("spawn", resolve);
      child.once("error", reject);
    });
    const launch = readLaunch(child.pid!);
    assert.equal(launch.command, process.execPath);
    assert.deepEqual(launch.args, args);
    assert.equal(launch.cwd, cwd);
  } finally {
    child.kill("SIGKILL");
  }
});

test("readLaunch of a process that is gone says which pid it could not read", async () => {
  const child = spawn(process.execPath, ["-e", ""], { stdio: "ignore" });
  const pid = child.pid!;
  await new Promise((resolve) => child.once("exit", resolve));
  assert.throws(() => readLaunch(pid), new RegExp(`pid ${pid}`));
});

test("runningNode names the node ids a cluster has when given another", () => {
  assert.throws(() => runningNode(3, 4), /nodeId must be one of 1, 2, 3 .*received 4/);
  assert.throws(() => runningNode(1, 2), /nodeId must be one of 1 .*received 2/);
});
