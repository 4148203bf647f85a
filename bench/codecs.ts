/**
 * The codecs against native baselines, pure CPU, no broker: compress and decompress MB/s and
 * compression ratio of @tributary/codecs' gzip, snappy, lz4 and zstd beside node:zlib, snappy
 * (napi), lz4-napi and zstd-napi, on records sections of browser telemetry (16 KB, 300 KB,
 * 1 MB), with the targets of the codecs issue marked met or not.
 *
 *   npm run bench -- codecs [--quick] [--only gzip,lz4,...] [--json FILE]
 *
 * A codec whose `src/<codec>/index.ts` does not exist yet is listed as "not built yet" and
 * skipped. Each codec's round trip is checked once per size before any clock starts, so a
 * codec that returns wrong bytes (or results that later calls overwrite) cannot report a fast
 * time. Ours and the native run in alternating rounds, so a burst of other work on the machine
 * hits both alike; MB/s are medians of those rounds and ours/native the median of per-round
 * ratios. About 60 s in all (15 s with --quick). Prints a progress line per step on stderr,
 * then a table, then one JSON line for tools to collect. Exit code 1 when a codec that exists
 * fails to load or to round-trip.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { Codec, CodecName } from "../packages/codecs/src/codec.js";
import { type CodecReport, printReport, type Row, TARGETS } from "./lib/codecs-report.js";
import { loadNative, type Native } from "./lib/native-codecs.js";
import { telemetrySection } from "./lib/telemetry.js";

const USAGE =
  "usage: npm run bench -- codecs [--quick] [--only gzip,snappy,lz4,zstd] [--json FILE]";
const CODECS: readonly CodecName[] = ["gzip", "snappy", "lz4", "zstd"];

function fail(message: string): never {
  console.error(`bench codecs: ${message}\n${USAGE}`);
  process.exit(2);
}

function parseArgs(argv: string[]) {
  const o = { quick: false, only: [...CODECS], json: undefined as string | undefined };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]!;
    switch (flag) {
      case "--quick":
        o.quick = true;
        break;
      case "--only": {
        const names = (argv[++i] ?? "").split(",").filter((s) => s !== "");
        const bad = names.filter((n) => !(CODECS as readonly string[]).includes(n));
        if (names.length === 0 || bad.length > 0) {
          fail(
            `--only takes a comma-separated list of ${CODECS.join(", ")}; received ${JSON.stringify(argv[i] ?? null)}`,
          );
        }
        o.only = CODECS.filter((c) => names.includes(c));
        break;
      }
      case "--json":
        o.json = argv[++i] ?? fail("--json takes a file name");
        break;
      case "--help":
      case "-h":
        console.log(USAGE);
        process.exit(0);
        break;
      default:
        fail(`unknown argument ${JSON.stringify(flag)}`);
    }
  }
  return o;
}

const opts = parseArgs(process.argv.slice(2));
const progress = (line: string) => process.stderr.write(`  ${line}\n`);
const began = performance.now();
const root = fileURLToPath(new URL("..", import.meta.url));
const MB = 1e6;
const KB = 1024;

// ---- payloads ----------------------------------------------------------------------------------
/** Seed of the first payload; the others take the next ones. */
const SEED = 1;
const SIZES = [
  { label: "16 KB", max: 16 * KB },
  { label: "300 KB", max: 300 * KB },
  { label: "1 MB", max: 1024 * KB },
  // A seed per size, so no payload is a prefix of another (a result that a later call
  // overwrites with the next payload's bytes would otherwise still compare equal).
].map((s, i) => ({ ...s, ...telemetrySection(s.max, SEED + i) }));
progress(
  `payloads: telemetry records sections of ${SIZES.map((s) => `${s.section.length} B (${s.records} records)`).join(", ")}`,
);

// ---- our codecs ------------------------------------------------------------------------------
type Loaded =
  | { status: "loaded"; codec: Codec }
  | { status: "not built yet"; file: string }
  | { status: "failed"; error: string };

async function loadCodec(name: CodecName): Promise<Loaded> {
  const file = join(root, "packages", "codecs", "src", name, "index.ts");
  const rel = `packages/codecs/src/${name}/index.ts`;
  if (!existsSync(file)) return { status: "not built yet", file: rel };
  try {
    const mod = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
    const c = mod[name] as Partial<Codec> | undefined;
    if (typeof c !== "object" || c === null) {
      return { status: "failed", error: `${rel} exports no \`${name}\`` };
    }
    if (typeof c.compress !== "function" || typeof c.decompress !== "function") {
      return { status: "failed", error: `${rel}: \`${name}\` has no compress/decompress` };
    }
    return { status: "loaded", codec: c as Codec };
  } catch (err) {
    return { status: "failed", error: `${rel} failed to import: ${firstLine(err)}` };
  }
}

function firstLine(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).split("\n")[0] ?? "";
}

/** Rejects when `p` takes longer than `ms`, so one hung codec cannot stall the whole bench. */
function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms} ms`)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

// ---- measuring -------------------------------------------------------------------------------
interface Contender {
  name: "ours" | "native" | "nativeAsync";
  run: () => Uint8Array | Promise<Uint8Array>;
  async: boolean;
}

let sink = 0;

interface Measured {
  /** Median calls/s per contender. */
  perSec: Map<Contender["name"], number>;
  /**
   * Median over rounds of ours / native in the same round: the two ran back to back, so a
   * burst of other work on the machine mostly cancels out of the ratio.
   */
  pairedVsNative: number | null;
}

/**
 * Runs the contenders in alternating rounds of about `roundMs` each (the order rotating each
 * round) until `seconds` have passed, after a warm-up.
 */
async function measure(
  contenders: Contender[],
  seconds: number,
  roundMs: number,
): Promise<Measured> {
  const runRound = async (c: Contender, ms: number): Promise<number> => {
    let calls = 0;
    const start = performance.now();
    let now = start;
    do {
      const out = c.async ? await c.run() : (c.run() as Uint8Array);
      sink ^= out.length;
      calls++;
      now = performance.now();
    } while (now - start < ms);
    return (calls * 1000) / (now - start);
  };
  // Warm-up: let the JIT (and any lazily built tables) settle on every path first.
  for (const c of contenders) await runRound(c, (seconds * 1000 * 0.12) / contenders.length);
  const rates = new Map(contenders.map((c) => [c.name, [] as number[]]));
  const deadline = performance.now() + seconds * 1000 * 0.88;
  for (let round = 0; round < 3 || performance.now() < deadline; round++) {
    for (let k = 0; k < contenders.length; k++) {
      const c = contenders[(round + k) % contenders.length]!;
      rates.get(c.name)!.push(await runRound(c, roundMs));
    }
  }
  const median = (xs: number[]) => {
    const sorted = [...xs].sort((a, b) => a - b);
    return sorted[Math.floor(sorted.length / 2)] ?? 0;
  };
  const perSec = new Map<Contender["name"], number>();
  for (const [name, r] of rates) perSec.set(name, median(r));
  const ours = rates.get("ours") ?? [];
  const native = rates.get("native");
  const pairedVsNative =
    native === undefined ? null : median(ours.map((o, i) => o / (native[i] ?? Number.NaN)));
  return { perSec, pairedVsNative };
}

// ---- the run -----------------------------------------------------------------------------------
const rows: Row[] = [];
const reports = new Map<CodecName, CodecReport>();
const printNow = (partial: boolean) =>
  printReport(
    {
      only: opts.only,
      quick: opts.quick,
      json: opts.json,
      rows,
      reports,
      sizes: SIZES.map((s) => ({ label: s.label, bytes: s.section.length, records: s.records })),
      seed: SEED,
      began,
      sink: () => sink,
    },
    partial,
  );

/** Verifies ours (and the native) round-trip each payload; returns what to decompress, per size. */
async function verify(
  name: CodecName,
  codec: Codec,
  native: Native | undefined,
  report: CodecReport,
): Promise<{ ours: Uint8Array; native: Uint8Array | undefined }[]> {
  const out: { ours: Uint8Array; native: Uint8Array | undefined }[] = [];
  report.nativeReadsOurs = {};
  const kept: {
    label: string;
    compressed: Uint8Array;
    copy: Uint8Array;
    back: Uint8Array;
    input: Uint8Array;
  }[] = [];
  for (const s of SIZES) {
    const input = s.section;
    const before = input.slice();
    const compressed = await within(codec.compress(input), 30_000, `${name}.compress`);
    if (!equalBytes(input, before)) throw new Error(`${name}.compress changed its input`);
    if (!(compressed instanceof Uint8Array)) {
      throw new Error(`${name}.compress returned no Uint8Array`);
    }
    if (compressed.length >= input.length) {
      throw new Error(
        `${name}.compress made ${s.label} of JSON no smaller (${compressed.length} B)`,
      );
    }
    const back = await within(codec.decompress(compressed), 30_000, `${name}.decompress`);
    if (!equalBytes(back, input)) {
      throw new Error(
        `${name}: ${s.label} round trip returned different bytes (${back.length} B for ${input.length} B)`,
      );
    }
    let nativeCompressed: Uint8Array | undefined;
    if (native !== undefined) {
      nativeCompressed = native.compress(input);
      if (!equalBytes(native.decompress(nativeCompressed), input)) {
        throw new Error(`${name}: the native baseline's ${s.label} round trip differs`);
      }
      let reads: boolean | null = null;
      if (native.readsOurFraming) {
        try {
          reads = equalBytes(native.decompress(compressed), input);
        } catch {
          reads = false;
        }
      }
      report.nativeReadsOurs[s.label] = reads;
    }
    out.push({ ours: compressed, native: nativeCompressed });
    kept.push({ label: s.label, compressed, copy: compressed.slice(), back, input });
  }
  // A result that is a view into memory a later call reuses (WASM memory, a scratch buffer)
  // would change under the caller, and here under the decompress measurements.
  for (const k of kept) {
    if (!equalBytes(k.compressed, k.copy)) {
      throw new Error(
        `${name}.compress's ${k.label} result changed after later calls (a view into reused memory?)`,
      );
    }
    if (!equalBytes(k.back, k.input)) {
      throw new Error(
        `${name}.decompress's ${k.label} result changed after later calls (a view into reused memory?)`,
      );
    }
  }
  return out;
}

async function benchCodec(name: CodecName, codec: Codec, perUnitSeconds: number): Promise<void> {
  const report: CodecReport = { status: "measured", level: codec.level ?? null };
  reports.set(name, report);
  let native: Native | undefined;
  try {
    native = await loadNative(name, codec.level);
    report.native = native.label;
  } catch (err) {
    report.nativeError = firstLine(err);
    progress(`${name}: native baseline unavailable (${report.nativeError}); measuring ours alone`);
  }
  progress(`${name}: verifying round trips (first call also loads any WASM)`);
  const compressed = await verify(name, codec, native, report);
  const target = TARGETS[name];

  for (const [i, s] of SIZES.entries()) {
    const input = s.section;
    const c = compressed[i]!;
    for (const op of ["compress", "decompress"] as const) {
      const contenders: Contender[] = [
        op === "compress"
          ? { name: "ours", run: () => codec.compress(input), async: true }
          : { name: "ours", run: () => codec.decompress(c.ours), async: true },
      ];
      if (native !== undefined && c.native !== undefined) {
        const nc = c.native;
        const n = native;
        contenders.push(
          op === "compress"
            ? { name: "native", run: () => n.compress(input), async: false }
            : { name: "native", run: () => n.decompress(nc), async: false },
        );
        const asyncFn = op === "compress" ? n.compressAsync : n.decompressAsync;
        if (asyncFn !== undefined) {
          const arg = op === "compress" ? input : nc;
          contenders.push({ name: "nativeAsync", run: () => asyncFn(arg), async: true });
        }
      }
      progress(`${name}: ${op} ${s.label}`);
      const roundMs = Math.max(10, (perUnitSeconds * 1000 * 0.88) / (contenders.length * 7));
      const m = await measure(contenders, perUnitSeconds, roundMs);
      const mbps = (k: Contender["name"]) => {
        const v = m.perSec.get(k);
        return v === undefined ? null : (v * input.length) / MB;
      };
      const ours = mbps("ours")!;
      const nat = mbps("native");
      const vs = m.pairedVsNative;
      // By the nominal size: a "300 KB" batch holds whole records, so it is a little under.
      const applies = s.max >= target.fromBytes;
      rows.push({
        codec: name,
        size: s.label,
        bytes: input.length,
        records: s.records,
        op,
        oursMBps: ours,
        nativeMBps: nat,
        nativeAsyncMBps: mbps("nativeAsync"),
        vsNative: vs,
        target: target.ratio,
        met: vs === null || !applies ? null : vs >= target.ratio,
        oursRatio: op === "compress" ? input.length / c.ours.length : null,
        nativeRatio:
          op === "compress" && c.native !== undefined ? input.length / c.native.length : null,
      });
    }
  }
}

async function main(): Promise<number> {
  const loaded = new Map<CodecName, Loaded>();
  for (const name of opts.only) {
    const l = await loadCodec(name);
    loaded.set(name, l);
    if (l.status === "not built yet") {
      progress(`${name}: not built yet (${l.file} does not exist); skipped`);
      reports.set(name, { status: "not built yet" });
    } else if (l.status === "failed") {
      progress(`${name}: FAILED to load: ${l.error}`);
      reports.set(name, { status: "failed", error: l.error });
    }
  }
  const ready = [...loaded].filter(
    (e): e is [CodecName, { status: "loaded"; codec: Codec }] => e[1].status === "loaded",
  );
  // The whole run stays within ~60 s (15 s quick) however many codecs exist.
  const units = Math.max(1, ready.length * SIZES.length * 2);
  const perUnitSeconds = opts.quick ? Math.min(0.6, 12 / units) : Math.min(2.5, 50 / units);
  for (const [name, l] of ready) {
    try {
      await benchCodec(name, l.codec, perUnitSeconds);
    } catch (err) {
      const error = firstLine(err);
      progress(`${name}: FAILED: ${error}`);
      reports.set(name, { ...reports.get(name), status: "failed", error });
      for (let i = rows.length - 1; i >= 0; i--) if (rows[i]!.codec === name) rows.splice(i, 1);
    }
  }
  printNow(false);
  return [...reports.values()].some((r) => r.status === "failed") ? 1 : 0;
}

// A codec whose promise never settles mid-measurement must not hang the bench: past the hard
// limit, print what there is and stop.
const HARD_LIMIT_S = opts.quick ? 60 : 180;
const watchdog = setTimeout(() => {
  progress(`hard limit of ${HARD_LIMIT_S} s reached (a codec call never finished?); stopping`);
  printNow(true);
  process.exit(1);
}, HARD_LIMIT_S * 1000);

main().then(
  (code) => {
    clearTimeout(watchdog);
    process.exitCode = code;
  },
  (err) => {
    clearTimeout(watchdog);
    console.error(
      `bench codecs: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`,
    );
    process.exitCode = 1;
  },
);
