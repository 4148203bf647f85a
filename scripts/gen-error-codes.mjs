// @ts-check
/**
 * Generates packages/protocol/src/error-codes.ts, the table of Kafka error codes, from Kafka's own
 * sources so that names, numbers and retriable flags can never drift from what brokers send.
 *
 *   node scripts/gen-error-codes.mjs            regenerate and write the file (npm run gen:errors)
 *   node scripts/gen-error-codes.mjs --check    regenerate in memory; exit 1 if the file differs
 *   node scripts/gen-error-codes.mjs --list     print code, name, retriable and class chain only
 *   node scripts/gen-error-codes.mjs --sources-jar <path>   use a local kafka-clients sources jar
 *
 * Where the facts come from: the sources jar of org.apache.kafka:kafka-clients (fetched from Maven
 * Central with `mvn dependency:copy`, read with the JDK `jar` tool). In it:
 * - `org/apache/kafka/common/protocol/Errors.java`: one enum constant per error, written as
 *   `NAME(code, "Kafka's sentence", SomeException::new)`. We take NAME, code and the class.
 * - the exception classes' own sources: an error is retriable exactly when its exception class
 *   is a subclass of `org.apache.kafka.common.errors.RetriableException`, which is also how Kafka
 *   prints the "Retriable" column of its protocol docs (`Errors.toHtml`). We walk the `extends`
 *   chain class by class (e.g. NotLeaderOrFollowerException -> InvalidMetadataException ->
 *   RefreshRetriableException -> RetriableException).
 *
 * Kafka's message sentences are deliberately NOT used. The messages are our own, written for a
 * producer user in packages/protocol/src/error-messages.ts; this script fails, naming them, when
 * an error code has no message there (or a message names no error code). The generated table
 * holds names and flags only: the messages are installed separately (useErrorDescriptions), so
 * that a browser bundle can leave them out.
 */
import { spawnSync } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { classHierarchy, ERRORS_JAVA, GenError, parseErrorsEnum } from "./errors/java-source.mjs";

const KAFKA_VERSION = "4.1.1";
const ARTIFACT = `org.apache.kafka:kafka-clients:${KAFKA_VERSION}:jar:sources`;
const RETRIABLE_BASE = "org.apache.kafka.common.errors.RetriableException";
const API_EXCEPTION = "org.apache.kafka.common.errors.ApiException";

const root = fileURLToPath(new URL("..", import.meta.url));
const outFile = join(root, "packages/protocol/src/error-codes.ts");
const messagesFile = join(root, "packages/protocol/src/error-messages.ts");

/**
 * @typedef {object} ErrorEntry
 * @property {string} name        enum constant, e.g. "CORRUPT_MESSAGE"
 * @property {number} code        wire error code (int16)
 * @property {string | null} exceptionClass  simple class name, null for NONE
 * @property {string[]} chain     the class and its ancestors found in the jar, nearest first
 * @property {boolean} retriable
 */

/**
 * @param {string} cmd @param {string[]} args @param {string} [cwd]
 * @returns {string} stdout
 */
function run(cmd, args, cwd) {
  const r = spawnSync(cmd, args, { cwd: cwd ?? root, encoding: "utf8" });
  if (r.error) throw new GenError(`could not run ${cmd}: ${r.error.message}`);
  if (r.status !== 0) {
    throw new GenError(
      `${cmd} ${args.join(" ")} exited with ${r.status ?? r.signal}\n${r.stdout}\n${r.stderr}`,
    );
  }
  return r.stdout;
}

/**
 * Fetches the kafka-clients sources jar into `dir` (Maven reuses ~/.m2 after the first run).
 * @param {string} dir @returns {string} path of the jar
 */
function fetchSourcesJar(dir) {
  run("mvn", [
    "-B",
    "-q",
    "-Dstyle.color=never",
    "dependency:copy",
    `-Dartifact=${ARTIFACT}`,
    `-DoutputDirectory=${dir}`,
  ]);
  const jar = readdirSync(dir).find((f) => f.endsWith("-sources.jar"));
  if (!jar) throw new GenError(`mvn dependency:copy put no sources jar in ${dir}`);
  return join(dir, jar);
}

/**
 * Reads Errors.java and the exception sources from the jar.
 * @param {string} jarPath @param {string} workDir @returns {ErrorEntry[]}
 */
function readKafkaErrors(jarPath, workDir) {
  const srcRoot = join(workDir, "src");
  mkdirSync(srcRoot);
  // The JDK's `jar` tool is present wherever Maven runs; `unzip` may not be.
  run("jar", ["xf", jarPath, "org/apache/kafka/"], srcRoot);
  const errorsPath = join(srcRoot, ERRORS_JAVA);
  if (!existsSync(errorsPath)) throw new GenError(`${ERRORS_JAVA} is not in ${jarPath}`);
  const errorsFqcn = ERRORS_JAVA.replace(/\.java$/, "").replaceAll("/", ".");
  const hierarchy = classHierarchy(srcRoot);
  return parseErrorsEnum(readFileSync(errorsPath, "utf8")).map((e) => {
    if (e.exceptionClass === null) return { ...e, chain: [], retriable: false };
    const chain = hierarchy.ancestors(hierarchy.resolve(e.exceptionClass, errorsFqcn));
    return { ...e, chain, retriable: chain.includes(RETRIABLE_BASE) };
  });
}

/**
 * Our own messages: `NAME: "text",` entries of the `errorMessages` object in error-messages.ts.
 * Kept deliberately simple: one double-quoted string literal per entry.
 * @returns {Map<string, string>}
 */
function readOurMessages() {
  const text = readFileSync(messagesFile, "utf8");
  const start = text.indexOf("export const errorMessages = {");
  const end = text.indexOf("} as const", start);
  if (start < 0 || end < 0) {
    throw new GenError(
      `${relative(root, messagesFile)}: expected "export const errorMessages = { ... } as const"`,
    );
  }
  const body = text.slice(start, end).replace(/^\s*\/\/.*$/gm, "");
  /** @type {Map<string, string>} */
  const messages = new Map();
  for (const m of body.matchAll(/\b([A-Z][A-Z0-9_]*)\s*:\s*("(?:[^"\\\n]|\\.)*")/g)) {
    const name = /** @type {string} */ (m[1]);
    if (messages.has(name)) {
      throw new GenError(`${relative(root, messagesFile)}: ${name} has two messages`);
    }
    messages.set(name, JSON.parse(/** @type {string} */ (m[2])));
  }
  return messages;
}

/**
 * Fails with a list when any error lacks a message of ours, or a message names no error.
 * @param {ErrorEntry[]} errors @param {Map<string, string>} messages
 */
function checkMessages(errors, messages) {
  const names = new Set(errors.map((e) => e.name));
  const missing = errors.filter((e) => !messages.get(e.name)?.trim());
  const stale = [...messages.keys()].filter((n) => !names.has(n));
  if (missing.length === 0 && stale.length === 0) return;
  const file = relative(root, messagesFile);
  const lines = [];
  if (missing.length > 0) {
    lines.push(
      `${missing.length} Kafka ${KAFKA_VERSION} error code(s) have no message of ours in ${file}.`,
      "Add one per code, in our own words (one double-quoted string each):",
      ...missing.map((e) => `  ${e.name}  (code ${e.code}, ${e.retriable ? "" : "not "}retriable)`),
    );
  }
  if (stale.length > 0) {
    lines.push(
      `${file} has messages for names that are not Kafka ${KAFKA_VERSION} errors:`,
      ...stale.map((n) => `  ${n}`),
    );
  }
  throw new GenError(lines.join("\n"));
}

/**
 * The `extends` chain written for people, in simple names, stopping at the class that decides:
 * RetriableException, or ApiException (the common base of every error a broker can send).
 * @param {ErrorEntry} e
 */
function chainComment(e) {
  if (e.chain.length === 0) return "no exception: success";
  const stop = e.chain.findIndex((c) => c === RETRIABLE_BASE || c === API_EXCEPTION);
  const shown = stop < 0 ? e.chain : e.chain.slice(0, stop + 1);
  return shown.map((c) => c.slice(c.lastIndexOf(".") + 1)).join(" < ");
}

/**
 * The table as a string of names in code order (parsed once, on first use) and a list of the
 * retriable codes: about a tenth of the bytes of an object per code, which matters in a browser
 * bundle. The per-code facts stay readable as the comment beside each name.
 * @param {ErrorEntry[]} errors @returns {string}
 */
function render(errors) {
  const sorted = [...errors].sort((a, b) => a.code - b.code);
  const first = sorted[0]?.code ?? 0;
  const max = sorted.reduce((m, e) => Math.max(m, e.code), -Infinity);
  const retriable = sorted.filter((e) => e.retriable);
  /** @type {Map<number, ErrorEntry>} */
  const byCode = new Map(sorted.map((e) => [e.code, e]));
  const out = [
    "// GENERATED FILE, do not edit by hand. Made by scripts/gen-error-codes.mjs from",
    `// org/apache/kafka/common/protocol/Errors.java and the exception classes in the`,
    `// sources jar of ${ARTIFACT.replace(/:jar:sources$/, "")} (Maven Central).`,
    "// Regenerate: npm run gen:errors    Verify: node scripts/gen-error-codes.mjs --check",
    "// Descriptions are our own, kept in error-messages.ts and installed with",
    "// useErrorDescriptions (error-descriptions.ts); this table holds names and flags only.",
    "",
    'import { errorDescription } from "./error-descriptions.js";',
    "",
    `/** Kafka ${KAFKA_VERSION} errors: ${sorted.length} codes, highest ${max}, ${retriable.length} retriable. */`,
    `export const KAFKA_ERRORS_VERSION = "${KAFKA_VERSION}";`,
    "",
    `/** Every error name a Kafka ${KAFKA_VERSION} broker can send, as Errors.java spells it. */`,
    "export type KafkaErrorName =",
    ...sorted.map((e, i) => `  | "${e.name}"${i === sorted.length - 1 ? ";" : ""}`),
    "",
    "/** One row of the table. */",
    "export interface KafkaErrorInfo {",
    "  /** The int16 error code on the wire. */",
    "  readonly code: number;",
    "  /** Kafka's name for the code, used as our error `code` string. */",
    "  readonly name: KafkaErrorName;",
    "  /**",
    "   * True when Kafka's exception for this code is a RetriableException: the same request may",
    "   * succeed if sent again (usually after a metadata refresh or a backoff).",
    "   */",
    "  readonly retriable: boolean;",
    "  /**",
    "   * What the code means to a producer user: our sentence once installed with",
    "   * useErrorDescriptions(errorMessages), else the name, number and where Kafka explains it.",
    "   */",
    "  readonly message: string;",
    "}",
    "",
    "/** A row with its code, name and flag as literal types. */",
    "export interface KafkaErrorRow<C extends number, N extends KafkaErrorName, R extends boolean>",
    "  extends KafkaErrorInfo {",
    "  readonly code: C;",
    "  readonly name: N;",
    "  readonly retriable: R;",
    "}",
    "",
    "/** The type of `kafkaErrors`: every row keyed by its code. */",
    "export interface KafkaErrorTable {",
    ...sorted.map(
      (e) =>
        `  readonly ${e.code < 0 ? `"${e.code}"` : e.code}: KafkaErrorRow<${e.code}, "${e.name}", ${e.retriable}>;`,
    ),
    "}",
    "",
    `/** The lowest code; NAMES holds one name per code from here up, "" for an unused code. */`,
    `const FIRST_CODE = ${first};`,
    "",
    "/**",
    " * The names, space-separated, in code order. The comment above each gives its code and the",
    " * Java exception with its ancestors; a code is retriable exactly when RetriableException is",
    " * among them.",
    " */",
    "const NAMES =",
  ];
  for (let code = first; code <= max; code++) {
    const e = byCode.get(code);
    const last = code === max;
    if (e === undefined) {
      out.push(
        `  // ${code}: not used by Kafka ${KAFKA_VERSION}`,
        `  "${last ? "" : " "}"${last ? ";" : " +"}`,
      );
    } else {
      out.push(
        `  // ${code}${e.retriable ? ", retriable" : ""}: ${chainComment(e)}`,
        `  "${e.name}${last ? "" : " "}"${last ? ";" : " +"}`,
      );
    }
  }
  out.push(
    "",
    "/** The codes whose exception is a RetriableException. */",
    `const RETRIABLE: readonly number[] = [${retriable.map((e) => e.code).join(", ")}];`,
    "",
    "/** A plain row; `message` is an own getter: it follows useErrorDescriptions and shows in JSON. */",
    "function row(code: number, name: KafkaErrorName): KafkaErrorInfo {",
    "  return {",
    "    code,",
    "    name,",
    "    retriable: RETRIABLE.includes(code),",
    "    get message() {",
    "      return errorDescription(code, name);",
    "    },",
    "  };",
    "}",
    "",
    "/** The rows indexed by code - FIRST_CODE, undefined for unused codes; made on first use. */",
    "let rows: (KafkaErrorInfo | undefined)[] | undefined;",
    "",
    "function table(): (KafkaErrorInfo | undefined)[] {",
    '  rows ??= NAMES.split(" ").map((name, i) =>',
    '    name === "" ? undefined : row(i + FIRST_CODE, name as KafkaErrorName),',
    "  );",
    "  return rows;",
    "}",
    "",
    "/** Kafka error codes keyed by their numeric code. */",
    "export const kafkaErrors: KafkaErrorTable = /* @__PURE__ */ (() =>",
    "  Object.fromEntries(",
    "    table()",
    "      .filter((row) => row !== undefined)",
    "      .map((row) => [row.code, row]),",
    "  ) as unknown as KafkaErrorTable)();",
    "",
    `/** The table row for a numeric error code, or undefined when Kafka ${KAFKA_VERSION} has no such code. */`,
    "export function errorByCode(code: number): KafkaErrorInfo | undefined {",
    '  // Like a Map lookup: only a number that is a code finds a row (not "6", 1.5 or NaN).',
    "  return Number.isInteger(code) ? table()[code - FIRST_CODE] : undefined;",
    "}",
    "",
    '/** The table row for an error name such as "NOT_LEADER_OR_FOLLOWER", or undefined. */',
    "export function errorByName(name: KafkaErrorName): KafkaErrorInfo;",
    "export function errorByName(name: string): KafkaErrorInfo | undefined;",
    "export function errorByName(name: string): KafkaErrorInfo | undefined {",
    "  return table().find((row) => row?.name === name);",
    "}",
    "",
  );
  return out.join("\n");
}

/**
 * Formats with the repo's Biome config (stdin in, stdout out), so the committed file passes
 * `biome check` and `--check` compares like with like.
 * @param {string} source @returns {string}
 */
function biomeFormat(source) {
  const bin = join(root, "node_modules", ".bin", "biome");
  const r = spawnSync(bin, ["format", `--stdin-file-path=${relative(root, outFile)}`], {
    cwd: root,
    input: source,
    encoding: "utf8",
  });
  if (r.error || r.status !== 0) {
    throw new GenError(`biome format failed: ${r.error?.message ?? ""}\n${r.stderr}`);
  }
  return r.stdout;
}

/** @param {string[]} argv */
function main(argv) {
  const check = argv.includes("--check");
  const jarArg = argv.indexOf("--sources-jar");
  const work = mkdtempSync(join(tmpdir(), "tributary-gen-errors-"));
  try {
    const jar = jarArg >= 0 ? argv[jarArg + 1] : fetchSourcesJar(work);
    if (!jar || !existsSync(jar)) throw new GenError(`sources jar not found: ${jar}`);
    const errors = readKafkaErrors(jar, work);
    const codes = new Set(errors.map((e) => e.code));
    if (codes.size !== errors.length) throw new GenError("Errors.java lists a code twice");
    if (argv.includes("--list")) {
      for (const e of errors) {
        console.log(`${e.code}\t${e.name}\t${e.retriable ? "retriable" : "-"}\t${chainComment(e)}`);
      }
      return 0;
    }
    checkMessages(errors, readOurMessages());
    const generated = biomeFormat(render(errors));
    const rel = relative(root, outFile);
    if (check) {
      const current = existsSync(outFile) ? readFileSync(outFile, "utf8") : "";
      if (current !== generated) {
        const have = current.split("\n");
        const want = generated.split("\n");
        const line = want.findIndex((l, i) => l !== have[i]);
        console.error(
          `${rel} is out of date with Kafka ${KAFKA_VERSION}'s Errors.java or error-messages.ts ` +
            "(or was edited by hand). Run: npm run gen:errors\n" +
            `first difference at line ${line + 1}:\n  committed: ${have[line] ?? "(end of file)"}\n` +
            `  expected:  ${want[line] ?? "(end of file)"}`,
        );
        return 1;
      }
      console.log(`${rel} is up to date (${errors.length} Kafka ${KAFKA_VERSION} error codes).`);
      return 0;
    }
    writeFileSync(outFile, generated);
    const retriable = errors.filter((e) => e.retriable).length;
    console.log(
      `wrote ${rel}: ${errors.length} codes, highest ${Math.max(...codes)}, ${retriable} retriable`,
    );
    return 0;
  } catch (err) {
    if (err instanceof GenError) {
      console.error(`gen-error-codes: ${err.message}`);
      return 1;
    }
    throw err;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

process.exitCode = main(process.argv.slice(2));
