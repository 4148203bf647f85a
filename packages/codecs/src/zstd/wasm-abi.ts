/**
 * The ABI of the zstd WASM shipped by @bokuweb/zstd-wasm 0.0.27 (zstd built with emscripten -O3,
 * see its build.sh): which minified import/export letter is which C function. We instantiate it
 * ourselves instead of using the package's emscripten glue, which fetches the .wasm by a
 * relative URL and reaches for Node built-ins; the glue's own table (dist/web/zstd.js) is where
 * these letters come from. `checkShape` refuses any other build, since the letters would then
 * mean other functions.
 */

/** The C functions we call, by their C names. Pointers and size_t are i32 in wasm32. */
export interface ZstdExports {
  readonly memory: WebAssembly.Memory;
  /** ZSTD_isError(code): 1 when a size_t result is an error code. */
  isError(code: number): number;
  /** ZSTD_compressBound(srcSize): worst-case compressed size. */
  compressBound(srcSize: number): number;
  /** ZSTD_createCCtx(): a compression context, reused across calls. */
  createCCtx(): number;
  /** ZSTD_compress_usingDict(cctx, dst, dstCap, src, srcSize, dict, dictSize, level). */
  compressUsingDict(
    cctx: number,
    dst: number,
    dstCapacity: number,
    src: number,
    srcSize: number,
    dict: number,
    dictSize: number,
    level: number,
  ): number;
  /** ZSTD_createDCtx(): a decompression context, reused across calls. */
  createDCtx(): number;
  /** ZSTD_decompress_usingDict(dctx, dst, dstCap, src, srcSize, dict, dictSize). */
  decompressUsingDict(
    dctx: number,
    dst: number,
    dstCapacity: number,
    src: number,
    srcSize: number,
    dict: number,
    dictSize: number,
  ): number;
  malloc(size: number): number;
  free(ptr: number): void;
}

/** Export letter -> [C name, parameter count]. */
const EXPORTS = {
  g: ["__wasm_call_ctors", 0],
  h: ["ZSTD_isError", 1],
  i: ["ZSTD_compressBound", 1],
  j: ["ZSTD_createCCtx", 0],
  k: ["ZSTD_freeCCtx", 1],
  l: ["ZSTD_compress_usingDict", 8],
  m: ["ZSTD_compress", 5],
  n: ["ZSTD_createDCtx", 0],
  o: ["ZSTD_freeDCtx", 1],
  p: ["ZSTD_getFrameContentSize", 2],
  q: ["ZSTD_decompress_usingDict", 7],
  r: ["ZSTD_decompress", 4],
  s: ["malloc", 1],
  t: ["free", 1],
  v: ["_emscripten_timeout", 2],
} as const;
const MEMORY_EXPORT = "f";
/** Imports, all in module "a": proc_exit, keepalive_clear, abort, setitimer, resize_heap. */
const IMPORTS = ["a", "b", "c", "d", "e"] as const;

const PAGE = 65536;
/** emscripten's default MAXIMUM_MEMORY for ALLOW_MEMORY_GROWTH builds. */
const HEAP_MAX = 2 ** 31;

/** Why a module is not the build we know, or undefined when it is. */
export function checkShape(module: WebAssembly.Module): string | undefined {
  const imports = WebAssembly.Module.imports(module);
  const wantImports = IMPORTS.map((n) => `a.${n}:function`).join(",");
  const gotImports = imports.map((i) => `${i.module}.${i.name}:${i.kind}`).join(",");
  if (gotImports !== wantImports) return `imports ${gotImports}, expected ${wantImports}`;
  const kinds = new Map(WebAssembly.Module.exports(module).map((e) => [e.name, e.kind]));
  if (kinds.get(MEMORY_EXPORT) !== "memory") return `export ${MEMORY_EXPORT} is not a memory`;
  for (const [letter, [name]] of Object.entries(EXPORTS)) {
    if (kinds.get(letter) !== "function") return `export ${letter} (${name}) is not a function`;
  }
  return undefined;
}

/**
 * Instantiates the module with the few runtime services emscripten compiled in, runs its static
 * constructors, and returns the exports under their C names. Throws when the module is not the
 * build `checkShape` knows.
 */
export async function instantiateZstd(module: WebAssembly.Module): Promise<ZstdExports> {
  const mismatch = checkShape(module);
  if (mismatch !== undefined) throw new Error(`unexpected zstd WASM build: ${mismatch}`);

  let memory: WebAssembly.Memory | undefined;
  const trap = (what: string) => () => {
    throw new Error(`zstd WASM called ${what}`);
  };
  const imports = {
    a: {
      a: trap("exit()"),
      // emscripten_runtime_keepalive_clear: there is no runtime to keep alive.
      b: () => {},
      c: trap("abort()"),
      // setitimer backs alarm(); zstd never sets a timer.
      d: trap("setitimer()"),
      // emscripten_resize_heap: malloc asks for more memory; 1 = grown, 0 = refused (malloc
      // then returns NULL and zstd reports memory_allocation).
      e: (requested: number) => (grow(memory!, requested >>> 0) ? 1 : 0),
    },
  };
  const instance = await WebAssembly.instantiate(module, imports);
  const x = instance.exports as Record<string, unknown>;
  memory = x[MEMORY_EXPORT] as WebAssembly.Memory;
  const fn = (letter: keyof typeof EXPORTS) => {
    const f = x[letter] as (...args: number[]) => number;
    const [name, arity] = EXPORTS[letter];
    if (f.length !== arity) {
      throw new Error(`unexpected zstd WASM build: ${name} takes ${f.length} arguments`);
    }
    return f;
  };
  for (const letter of Object.keys(EXPORTS)) fn(letter as keyof typeof EXPORTS);
  fn("g")();
  return {
    memory,
    isError: fn("h"),
    compressBound: fn("i"),
    createCCtx: fn("j"),
    compressUsingDict: fn("l"),
    createDCtx: fn("n"),
    decompressUsingDict: fn("q"),
    malloc: fn("s"),
    free: fn("t"),
  };
}

/** Grows `memory` to at least `bytes`, with some headroom so malloc does not grow it per call. */
function grow(memory: WebAssembly.Memory, bytes: number): boolean {
  const current = memory.buffer.byteLength;
  if (bytes <= current) return true;
  if (bytes > HEAP_MAX) return false;
  const roomy = Math.min(HEAP_MAX, Math.max(bytes, current + Math.floor(current / 4)));
  for (const target of [roomy, bytes]) {
    const pages = Math.ceil((target - current) / PAGE);
    try {
      memory.grow(pages);
      return true;
    } catch {
      // The engine refused this much; try the exact size next.
    }
  }
  return false;
}
