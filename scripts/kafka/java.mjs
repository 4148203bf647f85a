// @ts-check
// Runs Kafka's Java tools: which java, which flags, and a bounded run that captures output.
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { cdsPlan } from "./cds.mjs";
import { toolLog4j } from "./config.mjs";
import { classpath } from "./fetch.mjs";
import { kafkaHome } from "./paths.mjs";

/**
 * @param {"java" | "javac" | "jar"} tool
 * @returns {string} JAVA_HOME/bin/<tool> when JAVA_HOME is set, otherwise the one on PATH
 */
export function jdkTool(tool) {
  const home = process.env.JAVA_HOME;
  if (home) {
    const bin = join(home, "bin", tool);
    if (existsSync(bin)) return bin;
  }
  return tool;
}

/**
 * JVM flags for short-lived tools: start fast rather than run fast (C1 only, serial GC,
 * class-data sharing, small heap).
 */
export const TOOL_JVM_FLAGS = Object.freeze([
  "-Xms64m",
  "-Xmx256m",
  "-XX:+UseSerialGC",
  "-XX:TieredStopAtLevel=1",
  "-Xshare:auto",
]);

/** Writes (when changed) and returns the log4j2 config for tools. */
export function toolLog4jFile() {
  const file = join(kafkaHome, "tools-log4j2.properties");
  const text = toolLog4j();
  if (!existsSync(file) || readFileSync(file, "utf8") !== text) {
    mkdirSync(kafkaHome, { recursive: true });
    writeFileSync(file, text);
  }
  return file;
}

/**
 * @typedef {object} ToolResult
 * @property {number | null} code exit code (null when killed)
 * @property {string} stdout
 * @property {string} stderr
 * @property {boolean} timedOut true when the tool was killed for running past timeoutMs
 */

/**
 * Runs `java <flags> -cp <jars> <mainClass> <args>` and collects its output.
 * @param {string} mainClass
 * @param {string[]} args
 * @param {{ timeoutMs?: number, extraClasspath?: string[], input?: string, onStdout?: (chunk: string) => void }} [options]
 *   input is written to the tool's stdin (e.g. lines for the console producer), then stdin closes
 * @returns {Promise<ToolResult>}
 */
export function runTool(
  mainClass,
  args,
  { timeoutMs = 60_000, extraClasspath = [], input, onStdout } = {},
) {
  const cpEntries = [...extraClasspath, classpath()];
  const cds = cdsPlan(mainClass, cpEntries, TOOL_JVM_FLAGS);
  const jvmArgs = [
    ...TOOL_JVM_FLAGS,
    ...cds.flags,
    // The JVM's own warnings go to stderr, never into a tool's data on stdout; the archive's
    // notes about classes it cannot hold are dropped.
    "-Xlog:disable",
    "-Xlog:all=warning,cds*=off:stderr",
    `-Dlog4j2.configurationFile=${toolLog4jFile()}`,
    "-cp",
    cpEntries.join(":"),
    mainClass,
    ...args,
  ];
  return new Promise((resolve, reject) => {
    const child = spawn(jdkTool("java"), jvmArgs, { stdio: ["pipe", "pipe", "pipe"] });
    child.stdin.on("error", () => {}); // a tool that exits early closes its stdin
    child.stdin.end(input ?? "");
    let stdout = "";
    let stderr = "";
    let timedOut = false;
    child.stdout.setEncoding("utf8");
    child.stderr.setEncoding("utf8");
    child.stdout.on("data", (/** @type {string} */ s) => {
      stdout += s;
      onStdout?.(s);
    });
    child.stderr.on("data", (/** @type {string} */ s) => (stderr += s));
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill("SIGKILL");
    }, timeoutMs);
    child.on("error", (err) => {
      clearTimeout(timer);
      cds.finish(false);
      reject(
        new Error(
          `could not run ${jdkTool("java")} (is a JDK on PATH or JAVA_HOME set?): ${err.message}`,
        ),
      );
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      cds.finish(code === 0 && !timedOut);
      resolve({ code, stdout, stderr, timedOut });
    });
  });
}
