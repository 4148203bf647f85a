// @ts-check
// Compiles JsonLinesFormatter.java against the Kafka jars into .kafka/classes/, once.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { classpath } from "./fetch.mjs";
import { jdkTool } from "./java.mjs";
import { classesDir, scriptDir } from "./paths.mjs";

export const FORMATTER_CLASS = "tributary.kafka.JsonLinesFormatter";
const source = join(scriptDir, "JsonLinesFormatter.java");
// A jar, not a class folder: the JVM refuses class-data-sharing archives over non-empty folders.
const jarFile = join(classesDir, "json-lines-formatter.jar");

/**
 * Returns the jar holding the formatter, building it when missing or older than its source.
 * Builds in a temporary folder and renames the jar into place, so test processes racing here
 * never load a half-written jar.
 * @returns {string}
 */
export function ensureFormatter() {
  if (existsSync(jarFile) && statSync(jarFile).mtimeMs >= statSync(source).mtimeMs) return jarFile;
  const cp = classpath();
  mkdirSync(classesDir, { recursive: true });
  const tmp = mkdtempSync(join(classesDir, "build-"));
  try {
    run(jdkTool("javac"), ["-nowarn", "-d", join(tmp, "classes"), "-cp", cp, source]);
    run(jdkTool("jar"), [
      "--create",
      "--file",
      join(tmp, "formatter.jar"),
      "-C",
      join(tmp, "classes"),
      ".",
    ]);
    renameSync(join(tmp, "formatter.jar"), jarFile);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  return jarFile;
}

/**
 * @param {string} cmd
 * @param {string[]} args
 */
function run(cmd, args) {
  const r = spawnSync(cmd, args, { encoding: "utf8", timeout: 120_000 });
  if (r.error || r.status !== 0) {
    throw new Error(
      `${cmd} failed while building the JSON formatter from ${source}: ${r.error?.message ?? `exit ${r.status}`}\n${r.stdout}${r.stderr}`,
    );
  }
}
