// @ts-check
/**
 * `npm run size`: what each codec costs a browser app. Bundles every codec entry
 * (@tributary/codecs/<codec>) the way an app's bundler would (esbuild: browser platform, ESM,
 * minified, the `browser` condition; `source` resolves workspace packages to their .ts), then
 * prints raw, minified and gzip -9 sizes with the WASM the codec loads, against the budgets of
 * the codecs issue. The protocol package and the producer's browser entry with every export are
 * listed too, for reference, and "browser app": a small app that creates a producer for a ws://
 * gateway without a codec, tree-shaken, against the browser budget of the benchmark issue (9).
 *
 *   npm run size [-- --json FILE]
 *
 * Exit code 1 when a browser bundle imports a Node built-in (`node:*`, or a bare `fs`, `path`,
 * `buffer`, … that the browser cannot have) or an entry that exists fails to bundle; budgets
 * not met are reported, not failed. A codec whose src/<codec>/index.ts does not exist yet is
 * listed as "not built yet". Prints a table, then one JSON line for tools to collect.
 */
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { builtinModules } from "node:module";
import { basename, dirname, isAbsolute, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import * as esbuild from "esbuild";

const root = fileURLToPath(new URL("..", import.meta.url));
const KB = 1024;
const USAGE = "usage: npm run size [-- --json FILE]";

/** @type {string | undefined} */
let jsonFile;
{
  const argv = process.argv.slice(2);
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--json" && argv[i + 1] !== undefined) jsonFile = argv[++i];
    else if (a === "--help" || a === "-h") {
      console.log(USAGE);
      process.exit(0);
    } else {
      console.error(`size: unknown argument ${JSON.stringify(a)}\n${USAGE}`);
      process.exit(2);
    }
  }
}

/**
 * @typedef {object} Entry
 * @property {string} name          row name (stable: tools look rows up by it in the JSON)
 * @property {string} [label]       what the table shows, when it says more than the name
 * @property {string} specifier     what an app imports
 * @property {string} [app]         the app's source, when the row measures an app rather than
 *                                  everything the specifier exports
 * @property {string} file          the source file that must exist for the entry to be measured
 * @property {number | undefined} budget  gzipped bytes, JS + WASM (codecs issue; issue 9 for the
 *                                          browser app)
 */

/** @type {string[]} */
const codecExports = Object.keys(
  JSON.parse(readFileSync(join(root, "packages/codecs/package.json"), "utf8")).exports ?? {},
);

/** @type {Entry[]} */
const entries = [
  ...[
    ["gzip", 4],
    ["snappy", 4],
    ["lz4", 14],
    ["zstd", 90],
  ].map(([name, kb]) => ({
    name: String(name),
    // Through the package's exports, as an app imports it; from the file until that exists.
    specifier: codecExports.includes(`./${name}`)
      ? `@tributary/codecs/${name}`
      : `./packages/codecs/src/${name}/index.ts`,
    file: `packages/codecs/src/${name}/index.ts`,
    budget: Number(kb) * KB,
  })),
  {
    name: "protocol",
    specifier: "@tributary/protocol",
    file: "packages/protocol/src/index.ts",
    budget: undefined,
  },
  {
    name: "producer",
    label: "producer (whole entry, every export)",
    specifier: "@tributary/producer",
    file: "packages/producer/src/index.ts",
    budget: undefined,
  },
  {
    // What an app ships when it only produces through a gateway: the browser budget.
    name: "browser app",
    label: "browser app (createProducer, ws://, no codec)",
    specifier: "@tributary/producer",
    app:
      'import { createProducer } from "@tributary/producer";\n' +
      'export const producer = createProducer({ bootstrap: "ws://gateway.example:8080/kafka" });\n',
    file: "packages/producer/src/index.ts",
    budget: 15 * KB,
  },
  {
    // The telemetry helper as a page uses it: track() over the durable queue (IndexedDB).
    name: "telemetry app",
    label: "telemetry app (createTelemetry + track, durable queue)",
    specifier: "@tributary/producer/telemetry",
    app:
      'import { createTelemetry } from "@tributary/producer/telemetry";\n' +
      'export const t = createTelemetry({ bootstrap: "wss://gateway.example/kafka", topic: "events" });\n' +
      't.track("page_view");\n',
    file: "packages/producer/src/telemetry/index.ts",
    budget: undefined,
  },
];

// ---- Node built-ins must not reach a browser bundle -----------------------------------------
const builtins = new Set(builtinModules.filter((m) => !m.startsWith("_")));
const escapeRe = (/** @type {string} */ s) => s.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
const builtinFilter = new RegExp(`^(node:.*|(${[...builtins].map(escapeRe).join("|")})(/.*)?)$`);

/**
 * @typedef {object} Violation
 * @property {string} specifier
 * @property {string} importer  relative to the repo root
 * @property {string} kind
 * @property {string} why
 */

/**
 * Records every import of a Node built-in and keeps it out of the bundle (external), so one
 * build lists all of them. A bare name that a package's `browser` field maps to `false` is
 * fine (esbuild replaces it with an empty module); a bare name that resolves to an npm
 * polyfill is not: the source was written against Node.
 * @param {Violation[]} found
 * @returns {esbuild.Plugin}
 */
function noNodeBuiltins(found) {
  return {
    name: "no-node-builtins",
    setup(build) {
      build.onResolve({ filter: builtinFilter }, async (args) => {
        if (args.pluginData?.probe) return undefined;
        const base = {
          specifier: args.path,
          importer: relative(root, args.importer) || args.importer,
          kind: args.kind,
        };
        if (args.path.startsWith("node:")) {
          found.push({ ...base, why: "node: import" });
          return { path: args.path, external: true };
        }
        const probe = await build.resolve(args.path, {
          kind: args.kind,
          importer: args.importer,
          resolveDir: args.resolveDir,
          pluginData: { probe: true },
        });
        if (probe.errors.length > 0) {
          found.push({ ...base, why: "Node built-in (no browser mapping)" });
          return { path: args.path, external: true };
        }
        if (isAbsolute(probe.path)) {
          found.push({
            ...base,
            why: `Node built-in, resolved to a polyfill ${relative(root, probe.path)}`,
          });
          return { path: args.path, external: true };
        }
        return undefined; // disabled by a `browser` field: an empty module
      });
    },
  };
}

// ---- sizes ------------------------------------------------------------------------------------
const gz = (/** @type {Uint8Array} */ b) => gzipSync(b, { level: 9 }).length;

/**
 * `new URL("x.wasm", import.meta.url)` assets: esbuild leaves the expression alone and emits no
 * file, so the file next to the source that names it is what the browser fetches.
 * @param {esbuild.Metafile} meta
 * @param {string} js all output JS
 * @returns {{ file: string, bytes: Uint8Array }[]}
 */
function siblingAssets(meta, js) {
  const pattern = /new\s+URL\(\s*(["'`])([^"'`]+)\1\s*,\s*import\.meta\.url\s*\)/g;
  /** @type {Map<string, Uint8Array>} */
  const found = new Map();
  for (const input of Object.keys(meta.inputs)) {
    const abs = resolve(root, input);
    if (!existsSync(abs)) continue;
    const text = readFileSync(abs, "utf8");
    for (const m of text.matchAll(pattern)) {
      const literal = m[2] ?? "";
      const file = resolve(dirname(abs), literal);
      // Only assets the bundle still names (tree shaking may have dropped the loader).
      if (!js.includes(literal) || !existsSync(file) || !statSync(file).isFile()) continue;
      found.set(relative(root, file), readFileSync(file));
    }
  }
  return [...found].map(([file, bytes]) => ({ file, bytes }));
}

/**
 * @param {Entry} entry
 * @param {boolean} minify
 * @param {Violation[]} violations
 */
function bundle(entry, minify, violations) {
  return esbuild.build({
    stdin: {
      contents: entry.app ?? `export * from ${JSON.stringify(entry.specifier)};\n`,
      resolveDir: root,
      sourcefile: `size-${entry.name.replaceAll(" ", "-")}.js`,
      loader: "js",
    },
    absWorkingDir: root,
    bundle: true,
    minify,
    format: "esm",
    platform: "browser",
    conditions: ["browser", "source"],
    // Dynamic imports become their own chunks, so lazy code is told apart from eager code.
    splitting: true,
    outdir: join(root, ".size-out"),
    write: false,
    metafile: true,
    loader: { ".wasm": "file" },
    assetNames: "[name]-[hash]",
    logLevel: "silent",
    plugins: [noNodeBuiltins(violations)],
  });
}

/**
 * @typedef {object} Measured
 * @property {string} name
 * @property {string} [label]  the table's row label, when it differs from name
 * @property {string} specifier
 * @property {string} [app]    the app source measured, for rows that measure an app
 * @property {string} status  "measured" | "not built yet" | "failed"
 * @property {string} [error]
 * @property {string[]} [inputs]
 * @property {number} [rawBytes]      all output JS, unminified
 * @property {number} [minBytes]      all output JS, minified
 * @property {number} [gzipBytes]     all output JS, minified, gzip -9 (each file on its own)
 * @property {number} [lazyGzipBytes] the part of gzipBytes behind dynamic import()
 * @property {{ file: string, bytes: number, gzipBytes: number, how: string }[]} [wasm]
 * @property {number} [totalGzipBytes] gzipBytes + the WASM, gzipped
 * @property {number | null} [budgetBytes]
 * @property {boolean | null} [met]
 * @property {Violation[]} [nodeBuiltins]
 * @property {{ file: string, minBytes: number }[]} [largestInputs]  minified bytes in the bundle
 * @property {string[]} [notes]
 */

/**
 * @param {Entry} entry
 * @returns {Promise<Measured>}
 */
async function measure(entry) {
  const base = {
    name: entry.name,
    ...(entry.label === undefined ? {} : { label: entry.label }),
    specifier: entry.specifier,
    ...(entry.app === undefined ? {} : { app: entry.app }),
  };
  if (!existsSync(join(root, entry.file))) return { ...base, status: "not built yet" };
  /** @type {Violation[]} */
  const violations = [];
  /** @type {esbuild.BuildResult<{ write: false, metafile: true }>} */
  let min;
  /** @type {esbuild.BuildResult<{ write: false, metafile: true }>} */
  let raw;
  try {
    raw = await bundle(entry, false, []);
    min = await bundle(entry, true, violations);
  } catch (err) {
    const e = /** @type {{ errors?: esbuild.Message[], message?: string }} */ (err);
    const first = e.errors?.[0];
    const where = first?.location ? ` (${first.location.file}:${first.location.line})` : "";
    return {
      ...base,
      status: "failed",
      error: `${first?.text ?? e.message ?? String(err)}${where}`,
    };
  }
  const js = min.outputFiles.filter((f) => f.path.endsWith(".js"));
  const rawJs = raw.outputFiles.filter((f) => f.path.endsWith(".js"));
  const allJs = js.map((f) => f.text).join("\n");

  // Eager = the entry chunk and what it imports statically; the rest loads on import().
  const outputs = min.metafile.outputs;
  const entryOut = Object.keys(outputs).find((k) => outputs[k]?.entryPoint !== undefined);
  const eager = new Set();
  const stack = entryOut === undefined ? [] : [entryOut];
  while (stack.length > 0) {
    const k = /** @type {string} */ (stack.pop());
    if (eager.has(k)) continue;
    eager.add(k);
    for (const imp of outputs[k]?.imports ?? []) {
      if (imp.kind === "import-statement" && !imp.external) stack.push(imp.path);
    }
  }

  let gzipBytes = 0;
  let lazyGzipBytes = 0;
  for (const f of js) {
    const size = gz(f.contents);
    gzipBytes += size;
    if (!eager.has(relative(root, f.path))) lazyGzipBytes += size;
  }

  const wasm = [
    ...min.outputFiles
      .filter((f) => f.path.endsWith(".wasm"))
      .map((f) => ({ file: basename(f.path), bytes: f.contents, how: "imported (file loader)" })),
    ...siblingAssets(min.metafile, allJs).map((a) => ({
      ...a,
      how: "new URL(…, import.meta.url)",
    })),
  ].map((w) => ({ file: w.file, bytes: w.bytes.length, gzipBytes: gz(w.bytes), how: w.how }));

  /** @type {string[]} */
  const notes = [];
  // "AGFzbQ" is base64 of the WASM magic "\0asm": the module rides inside the JS.
  if (/AGFzbQ/.test(allJs)) notes.push("WASM inlined as base64 (counted in the JS)");

  const counted = new Set(wasm.map((w) => basename(w.file)));
  for (const m of allJs.matchAll(/["'`]([^"'`\s]*\.wasm)["'`]/g)) {
    const name = basename(m[1] ?? "");
    if (![...counted].some((c) => c.startsWith(name.replace(/\.wasm$/, "")))) {
      notes.push(`the bundle names ${m[1]}, which is not counted (loaded some other way?)`);
    }
  }

  /** @type {Map<string, number>} */
  const perInput = new Map();
  for (const out of Object.values(outputs)) {
    for (const [file, info] of Object.entries(out.inputs)) {
      if (!file.startsWith("<stdin>"))
        perInput.set(file, (perInput.get(file) ?? 0) + info.bytesInOutput);
    }
  }
  const largest = [...perInput]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 4)
    .map(([file, bytes]) => ({ file, minBytes: bytes }));

  // Embedded WASM (base64 or any other text form) is counted in the JS; say where it sits.
  for (const [file, bytes] of perInput) {
    if (/wasm/i.test(basename(file)) && bytes > 4 * KB) {
      notes.push(`WASM embedded in the JS: ${file} (${(bytes / KB).toFixed(1)} KB minified)`);
    }
  }

  const totalGzipBytes = gzipBytes + wasm.reduce((s, w) => s + w.gzipBytes, 0);
  return {
    ...base,
    status: violations.length > 0 ? "failed" : "measured",
    ...(violations.length > 0 ? { error: "imports Node built-ins" } : {}),
    inputs: Object.keys(min.metafile.inputs).filter((k) => !k.startsWith("<stdin>")),
    rawBytes: rawJs.reduce((s, f) => s + f.contents.length, 0),
    minBytes: js.reduce((s, f) => s + f.contents.length, 0),
    gzipBytes,
    lazyGzipBytes,
    wasm,
    totalGzipBytes,
    budgetBytes: entry.budget ?? null,
    met: entry.budget === undefined ? null : totalGzipBytes <= entry.budget,
    nodeBuiltins: violations,
    largestInputs: largest,
    notes: [...new Set(notes)],
  };
}

// ---- the run ----------------------------------------------------------------------------------
/** @type {Measured[]} */
const results = [];
for (const entry of entries) {
  process.stderr.write(`  bundling ${entry.app === undefined ? entry.specifier : entry.name}\n`);
  results.push(await measure(entry));
}

const kb = (/** @type {number | undefined} */ n) =>
  n === undefined ? "" : `${(n / KB).toFixed(1)} KB`;
const header = [
  "entry",
  "raw JS",
  "min JS",
  "gzip JS",
  "(lazy)",
  "wasm",
  "wasm gzip",
  "total gzip",
  "budget",
  "status",
];
/** @type {string[][]} */
const lines = results.map((r) => {
  if (r.rawBytes === undefined)
    return [r.label ?? r.name, r.status === "failed" ? `FAILED: ${r.error}` : r.status];
  const wasmRaw = r.wasm?.reduce((s, w) => s + w.bytes, 0) ?? 0;
  const wasmGz = r.wasm?.reduce((s, w) => s + w.gzipBytes, 0) ?? 0;
  const status =
    (r.nodeBuiltins?.length ?? 0) > 0
      ? "FAIL: Node built-ins"
      : r.met === null || r.met === undefined
        ? "(reference)"
        : r.met
          ? "met"
          : "NOT MET";
  return [
    r.label ?? r.name,
    kb(r.rawBytes),
    kb(r.minBytes),
    kb(r.gzipBytes),
    r.lazyGzipBytes ? kb(r.lazyGzipBytes) : "",
    wasmRaw ? kb(wasmRaw) : "",
    wasmGz ? kb(wasmGz) : "",
    kb(r.totalGzipBytes),
    r.budgetBytes ? `<= ${kb(r.budgetBytes)}` : "",
    status,
  ];
});
const widths = header.map((h, i) =>
  Math.max(
    h.length,
    ...lines.filter((l) => i === 0 || l.length > 2).map((l) => (l[i] ?? "").length),
  ),
);
const left = new Set([0, 8, 9]);
const render = (/** @type {string[]} */ cells) =>
  cells
    .map((c, i) => (left.has(i) ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0)))
    .join("  ")
    .trimEnd();
console.log();
console.log(render(header));
console.log(render(widths.map((w) => "-".repeat(w))));
for (const l of lines)
  console.log(l.length > 2 ? render(l) : `${(l[0] ?? "").padEnd(widths[0] ?? 0)}  ${l[1]}`);
console.log(
  "\nesbuild, platform browser, ESM, conditions browser+source, minified; gzip -9 per file; " +
    "total = JS (eager and lazy chunks) + WASM, gzipped; budgets from the codecs issue, the browser " +
    "app's from issue 9; KB = 1024 B.",
);
for (const r of results) {
  for (const w of r.wasm ?? []) {
    console.log(`  ${r.name}: ${w.file} ${kb(w.bytes)} (${kb(w.gzipBytes)} gzip), ${w.how}`);
  }
  if (r.budgetBytes && r.largestInputs && r.largestInputs.length > 0) {
    const top = r.largestInputs.map((i) => `${i.file} ${kb(i.minBytes)}`).join(", ");
    console.log(`  ${r.name}: largest inputs (minified): ${top}`);
  }
  for (const n of r.notes ?? []) console.log(`  ${r.name}: ${n}`);
  for (const v of r.nodeBuiltins ?? []) {
    console.log(
      `  ${r.name}: FAIL ${JSON.stringify(v.specifier)} imported by ${v.importer} (${v.kind}): ${v.why}`,
    );
  }
}

const ok = results.every((r) => r.status !== "failed");
const line = JSON.stringify({
  tool: "size",
  ok,
  esbuild: esbuild.version,
  results: results.map(({ inputs, ...r }) => ({ ...r, inputs: inputs?.length })),
});
console.log(line);
if (jsonFile !== undefined) {
  mkdirSync(dirname(resolve(jsonFile)), { recursive: true });
  writeFileSync(jsonFile, `${line}\n`);
}
process.exitCode = ok ? 0 : 1;
