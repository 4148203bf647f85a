// @ts-check
// Programmatic start/stop/status for the test orchestrator and the CLI.
export { start } from "./start.mjs";
export { clusterStatus, describeStatus } from "./status.mjs";
export { stop } from "./stop.mjs";
