// @ts-check
/**
 * The small Java-source readers behind gen-error-codes.mjs: comment stripping, top-level comma
 * splitting, the Errors enum's constants, and `extends` chains across a sources jar. They parse
 * only as much Java as Kafka's Errors.java and its exception classes use.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";

export const ERRORS_JAVA = "org/apache/kafka/common/protocol/Errors.java";

/** A problem the user of the generator can fix; printed without a stack trace. */
export class GenError extends Error {}

/**
 * Java source with comments removed and string literals kept, so that braces, parentheses and
 * words inside comments cannot confuse the small parsers below.
 * @param {string} src @returns {string}
 */
export function stripJavaComments(src) {
  let out = "";
  let i = 0;
  while (i < src.length) {
    const c = src[i];
    const next = src[i + 1];
    if (c === "/" && next === "*") {
      const end = src.indexOf("*/", i + 2);
      i = end < 0 ? src.length : end + 2;
      out += " ";
    } else if (c === "/" && next === "/") {
      const end = src.indexOf("\n", i);
      i = end < 0 ? src.length : end;
    } else if (c === '"' || c === "'") {
      const start = i;
      i++;
      while (i < src.length && src[i] !== c) i += src[i] === "\\" ? 2 : 1;
      i++;
      out += src.slice(start, i);
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

/**
 * Splits `text` at top-level commas (outside parentheses, braces, brackets and string literals).
 * @param {string} text @returns {string[]}
 */
export function splitTopLevel(text) {
  /** @type {string[]} */
  const parts = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"' || c === "'") {
      i++;
      while (i < text.length && text[i] !== c) i += text[i] === "\\" ? 2 : 1;
    } else if (c === "(" || c === "{" || c === "[") depth++;
    else if (c === ")" || c === "}" || c === "]") depth--;
    else if (c === "," && depth === 0) {
      parts.push(text.slice(start, i).trim());
      start = i + 1;
    }
  }
  parts.push(text.slice(start).trim());
  return parts;
}

/**
 * Reads the enum constants of Errors.java: `NAME(code, message, builder)` up to the `;` that
 * ends the constant list.
 * @param {string} source @returns {{ name: string, code: number, exceptionClass: string | null }[]}
 */
export function parseErrorsEnum(source) {
  const src = stripJavaComments(source);
  const open = /\benum\s+Errors\s*\{/.exec(src);
  if (!open) throw new GenError(`${ERRORS_JAVA}: no "enum Errors {" found`);
  /** @type {{ name: string, code: number, exceptionClass: string | null }[]} */
  const entries = [];
  let i = open.index + open[0].length;
  for (;;) {
    const head = /^\s*([A-Z][A-Z0-9_]*)\s*\(/.exec(src.slice(i));
    if (!head) break;
    const argsStart = i + head[0].length;
    let depth = 1;
    let j = argsStart;
    for (; j < src.length && depth > 0; j++) {
      const c = src[j];
      if (c === '"' || c === "'") {
        j++;
        while (j < src.length && src[j] !== c) j += src[j] === "\\" ? 2 : 1;
      } else if (c === "(") depth++;
      else if (c === ")") depth--;
    }
    const name = /** @type {string} */ (head[1]);
    const args = splitTopLevel(src.slice(argsStart, j - 1));
    if (args.length !== 3) {
      throw new GenError(`${ERRORS_JAVA}: ${name} has ${args.length} arguments, expected 3`);
    }
    const codeText = /** @type {string} */ (args[0]);
    if (!/^-?\d+$/.test(codeText)) {
      throw new GenError(`${ERRORS_JAVA}: ${name} has a non-literal code ${codeText}`);
    }
    const builder = /** @type {string} */ (args[2]);
    const ctor = /^([A-Za-z_][\w.]*)::new$/.exec(builder);
    // The only constant without an exception is NONE, whose builder is a lambda returning null.
    const exceptionClass = ctor ? /** @type {string} */ (ctor[1]) : null;
    if (!ctor && !/->\s*null$/.test(builder)) {
      throw new GenError(
        `${ERRORS_JAVA}: ${name} has an exception builder not understood: ${builder}`,
      );
    }
    entries.push({ name, code: Number(codeText), exceptionClass });
    const sep = /^\s*([,;])/.exec(src.slice(j));
    if (!sep || sep[1] === ";") break;
    i = j + sep[0].length;
  }
  if (entries.length === 0) throw new GenError(`${ERRORS_JAVA}: no enum constants found`);
  return entries;
}

/**
 * Resolves Java class names to their sources inside the extracted jar and walks `extends`.
 * @param {string} srcRoot directory the jar was extracted into
 */
export function classHierarchy(srcRoot) {
  /** @type {Map<string, { pkg: string, imports: Map<string, string>, wildcards: string[], text: string }>} */
  const files = new Map();

  /** @param {string} fqcn */
  const pathOf = (fqcn) => join(srcRoot, `${fqcn.replaceAll(".", "/")}.java`);

  /** @param {string} fqcn */
  function load(fqcn) {
    const cached = files.get(fqcn);
    if (cached) return cached;
    const text = stripJavaComments(readFileSync(pathOf(fqcn), "utf8"));
    const pkg = /^\s*package\s+([\w.]+)\s*;/m.exec(text)?.[1] ?? "";
    /** @type {Map<string, string>} */
    const imports = new Map();
    /** @type {string[]} */
    const wildcards = [];
    for (const m of text.matchAll(/^\s*import\s+(?!static\b)([\w.]+?)(\.\*)?\s*;/gm)) {
      const target = /** @type {string} */ (m[1]);
      if (m[2]) wildcards.push(target);
      else imports.set(target.slice(target.lastIndexOf(".") + 1), target);
    }
    const info = { pkg, imports, wildcards, text };
    files.set(fqcn, info);
    return info;
  }

  /**
   * Java's rules, simplified to what this code base uses: a qualified name as written, then
   * single-type imports, then the same package, then on-demand imports; else java.lang.
   * @param {string} simple @param {string} fromFqcn
   */
  function resolve(simple, fromFqcn) {
    if (simple.includes(".")) return simple;
    const from = load(fromFqcn);
    const imported = from.imports.get(simple);
    if (imported) return imported;
    const samePkg = `${from.pkg}.${simple}`;
    if (existsSync(pathOf(samePkg))) return samePkg;
    for (const w of from.wildcards) {
      if (existsSync(pathOf(`${w}.${simple}`))) return `${w}.${simple}`;
    }
    return `java.lang.${simple}`;
  }

  /**
   * The class and its ancestors, nearest first, as far as their sources are in the jar.
   * @param {string} fqcn @returns {string[]}
   */
  function ancestors(fqcn) {
    /** @type {string[]} */
    const chain = [];
    let current = fqcn;
    for (;;) {
      chain.push(current);
      if (!existsSync(pathOf(current))) {
        // Outside the jar we may only leave Kafka for the JDK (RuntimeException and friends).
        if (current.startsWith("org.apache.kafka.")) {
          throw new GenError(`source of ${current} not found in the kafka-clients sources jar`);
        }
        return chain;
      }
      const simple = current.slice(current.lastIndexOf(".") + 1);
      const decl = new RegExp(
        `\\bclass\\s+${simple}\\b(?:\\s*<[^{]*?>)?\\s*(?:extends\\s+([\\w.]+))?[^{]*\\{`,
      ).exec(load(current).text);
      if (!decl) throw new GenError(`no declaration of class ${simple} in ${pathOf(current)}`);
      if (!decl[1]) return chain;
      current = resolve(decl[1], current);
      if (chain.includes(current)) throw new GenError(`inheritance cycle at ${current}`);
    }
  }

  return { resolve, ancestors };
}
