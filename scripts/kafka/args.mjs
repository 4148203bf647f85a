// @ts-check
// Parses the kafka CLI's arguments and says exactly which one is wrong.

export const USAGE = `Usage: npm run kafka -- <command> [options]

Commands:
  start [--nodes 1|3] [--sasl]   fetch Kafka on first use, start a fresh cluster, wait until ready
                                 1 node: 127.0.0.1:9092; 3 nodes: 127.0.0.1:19092,19192,19292
                                 --sasl adds SASL_PLAINTEXT on 9094 (3 nodes: 19094,19194,19294)
  stop [--nodes 1|3 | --all]     stop what start started (default: everything)
  status                         what runs where
  consume <topic> [--max N] [--timeout-ms T] [--bootstrap host:port[,host:port]]
                                 print the topic's records from the beginning, one JSON line each;
                                 stops after N records or after T ms without one (default 10000)
  fetch                          only download the jars (start does this on first use)

Options:
  -h, --help                     this text

Files live in .kafka/ at the repository root. See scripts/kafka/README.md.`;

/**
 * @typedef {{ command: "help" }
 *   | { command: "start", nodes: 1 | 3, sasl: boolean }
 *   | { command: "stop", which: 1 | 3 | "all" }
 *   | { command: "status" }
 *   | { command: "fetch" }
 *   | { command: "consume", topic: string, max: number | undefined, timeoutMs: number, bootstrap: string | undefined }} Command
 */

export class UsageError extends Error {}

/**
 * @param {string[]} argv arguments after the script name
 * @returns {Command}
 */
export function parseArgs(argv) {
  if (argv.length === 0 || argv.includes("--help") || argv.includes("-h") || argv[0] === "help")
    return { command: "help" };
  const [command = "", ...rest] = argv;
  const allowed = ALLOWED[command];
  if (!allowed) {
    throw new UsageError(
      `unknown command ${JSON.stringify(command)}; expected one of ${Object.keys(ALLOWED).join(", ")} (see --help)`,
    );
  }
  const { flags, positionals } = splitFlags(command, rest, allowed);
  switch (command) {
    case "start": {
      noPositionals(command, positionals);
      return { command, nodes: nodeCount(flags.get("--nodes") ?? "1"), sasl: flags.has("--sasl") };
    }
    case "stop": {
      noPositionals(command, positionals);
      const nodes = flags.get("--nodes");
      if (nodes !== undefined && flags.has("--all"))
        throw new UsageError("stop: give either --nodes or --all, not both");
      return { command, which: nodes === undefined ? "all" : nodeCount(nodes) };
    }
    case "status":
    case "fetch":
      noPositionals(command, positionals);
      return { command };
    case "consume": {
      if (positionals.length !== 1) {
        throw new UsageError(
          `consume: needs exactly one topic name; received ${positionals.length === 0 ? "none" : positionals.map((p) => JSON.stringify(p)).join(" ")}`,
        );
      }
      const max = flags.get("--max");
      const bootstrap = flags.get("--bootstrap");
      if (bootstrap !== undefined && !/^[^\s,:]+:\d{1,5}(,[^\s,:]+:\d{1,5})*$/.test(bootstrap)) {
        throw new UsageError(
          `--bootstrap must be host:port[,host:port…]; received ${JSON.stringify(bootstrap)}`,
        );
      }
      return {
        command,
        topic: /** @type {string} */ (positionals[0]),
        max: max === undefined ? undefined : positiveInt("--max", max),
        timeoutMs: positiveInt("--timeout-ms", flags.get("--timeout-ms") ?? "10000"),
        bootstrap,
      };
    }
  }
  throw new Error(`unreachable: command ${command}`);
}

/** @type {Record<string, string[]>} */
const ALLOWED = {
  start: ["--nodes", "--sasl"],
  stop: ["--nodes", "--all"],
  status: [],
  fetch: [],
  consume: ["--max", "--timeout-ms", "--bootstrap"],
};
const BOOLEAN_FLAGS = new Set(["--sasl", "--all"]);

/**
 * Accepts "--flag value" and "--flag=value".
 * @param {string} command
 * @param {string[]} args
 * @param {string[]} allowed
 */
function splitFlags(command, args, allowed) {
  /** @type {Map<string, string>} */
  const flags = new Map();
  /** @type {string[]} */
  const positionals = [];
  for (let i = 0; i < args.length; i++) {
    const arg = /** @type {string} */ (args[i]);
    if (!arg.startsWith("--")) {
      positionals.push(arg);
      continue;
    }
    const eq = arg.indexOf("=");
    const name = eq >= 0 ? arg.slice(0, eq) : arg;
    if (!allowed.includes(name)) {
      throw new UsageError(
        `${command}: unknown option ${name}; ${allowed.length ? `it accepts ${allowed.join(", ")}` : "it takes no options"}`,
      );
    }
    if (flags.has(name)) throw new UsageError(`${command}: ${name} is given twice`);
    if (BOOLEAN_FLAGS.has(name)) {
      if (eq >= 0)
        throw new UsageError(`${command}: ${name} takes no value; received ${JSON.stringify(arg)}`);
      flags.set(name, "");
    } else if (eq >= 0) {
      flags.set(name, arg.slice(eq + 1));
    } else {
      const value = args[++i];
      if (value === undefined || value.startsWith("--"))
        throw new UsageError(`${command}: ${name} needs a value`);
      flags.set(name, value);
    }
  }
  return { flags, positionals };
}

/**
 * @param {string} command
 * @param {string[]} positionals
 */
function noPositionals(command, positionals) {
  if (positionals.length > 0)
    throw new UsageError(`${command}: unexpected argument ${JSON.stringify(positionals[0])}`);
}

/**
 * @param {string} value
 * @returns {1 | 3}
 */
function nodeCount(value) {
  if (value === "1") return 1;
  if (value === "3") return 3;
  throw new UsageError(`--nodes must be 1 or 3; received ${JSON.stringify(value)}`);
}

/**
 * @param {string} flag
 * @param {string} value
 */
function positiveInt(flag, value) {
  if (!/^\d+$/.test(value) || Number(value) < 1 || !Number.isSafeInteger(Number(value))) {
    throw new UsageError(
      `${flag} must be a positive whole number; received ${JSON.stringify(value)}`,
    );
  }
  return Number(value);
}
