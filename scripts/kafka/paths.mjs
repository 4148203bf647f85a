// @ts-check
// Where everything lives. All generated state sits under one git-ignored folder, <repo>/.kafka/.

import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const KAFKA_VERSION = "4.1.1";

/** This folder (scripts/kafka). */
export const scriptDir = dirname(fileURLToPath(import.meta.url));
/** The repository root. */
export const repoRoot = resolve(scriptDir, "..", "..");
/** The one folder for jars, configs, data, logs and pid files. */
export const kafkaHome = join(repoRoot, ".kafka");
/** All runtime jars, filled by mvn dependency:copy-dependencies. */
export const libDir = join(kafkaHome, "lib");
/** Compiled helper classes (JsonLinesFormatter). */
export const classesDir = join(kafkaHome, "classes");
/** Class-data-sharing archives that make tool JVMs start faster. */
export const cdsDir = join(kafkaHome, "cds");

/** @param {string} clusterName e.g. "single" or "cluster3" */
export function clusterDir(clusterName) {
  return join(kafkaHome, clusterName);
}

/**
 * @param {string} clusterName
 * @param {number} nodeId
 */
export function nodeDir(clusterName, nodeId) {
  return join(kafkaHome, clusterName, `node-${nodeId}`);
}
