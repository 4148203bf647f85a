/**
 * @tributary/codecs/lz4 under workerd (the package's `workerd` export condition): the same
 * codec as index.ts, with the wasm imported as a module because Workers cannot compile wasm
 * from bytes at run time.
 */
import type { Codec } from "../codec.js";
import { type Lz4CodecOptions, makeLz4Codec } from "./create.js";
import { wasmLoader } from "./loader.js";
import { importedWasmModule } from "./wasm-workerd.js";

export type { Lz4CodecOptions } from "./create.js";

/** Shared by every codec of this entry that brings no wasm of its own. */
const importedWasm = /* @__PURE__ */ wasmLoader(importedWasmModule);

/** An lz4 codec: Kafka's frame format and 64 KB blocks, unless `options` say otherwise. */
export function createLz4Codec(options?: Lz4CodecOptions): Codec {
  return makeLz4Codec(importedWasm, options);
}

/** The lz4 codec as Kafka's producer writes it: FLG 0x60, BD 0x40 (64 KB blocks). */
export const lz4: Codec = /* @__PURE__ */ createLz4Codec();
