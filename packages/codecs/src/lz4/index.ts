/**
 * @tributary/codecs/lz4: Kafka's lz4 (codec id 3) for browsers, Deno, Bun and Node. The wasm
 * travels inside this module (wasm-bytes.ts) and is compiled on first use. Workers
 * get ./workerd.ts instead, through the package's `workerd` export condition.
 */
import type { Codec } from "../codec.js";
import { type Lz4CodecOptions, makeLz4Codec } from "./create.js";
import { wasmLoader } from "./loader.js";
import { compileEmbeddedWasm } from "./wasm-embedded.js";

export type { Lz4CodecOptions } from "./create.js";

/** Shared by every codec of this entry that brings no wasm of its own. */
const embeddedWasm = /* @__PURE__ */ wasmLoader(compileEmbeddedWasm);

/** An lz4 codec: Kafka's frame format and 64 KB blocks, unless `options` say otherwise. */
export function createLz4Codec(options?: Lz4CodecOptions): Codec {
  return makeLz4Codec(embeddedWasm, options);
}

/** The lz4 codec as Kafka's producer writes it: FLG 0x60, BD 0x40 (64 KB blocks). */
export const lz4: Codec = /* @__PURE__ */ createLz4Codec();
