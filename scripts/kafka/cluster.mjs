// @ts-check
// Programmatic start/stop/status for the test orchestrator and the CLI.

export { readLaunch, restartNode, runningNode, signalNode, stopNode } from "./node-control.mjs";
export { start } from "./start.mjs";
export { clusterStatus, describeStatus } from "./status.mjs";
export { stop } from "./stop.mjs";
