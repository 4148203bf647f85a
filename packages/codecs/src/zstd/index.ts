/**
 * @tributary/codecs/zstd: Kafka's zstd codec (compression id 4) in WASM, for Node, Deno, Bun and
 * browsers. The WASM ships inside this module and is compiled on the first compress or
 * decompress; workerd gets the same API from ./workerd.ts, with the .wasm imported as a module.
 */
import { compileEmbeddedZstd } from "./wasm-embedded.js";
import { type ZstdCodec, zstdCodecFactory } from "./zstd-codec.js";

export {
  ZSTD_DEFAULT_LEVEL,
  ZSTD_DEFAULT_MAX_DECOMPRESSED_BYTES,
  ZSTD_MAX_LEVEL,
  ZSTD_MIN_LEVEL,
  type ZstdCodec,
  type ZstdCodecOptions,
} from "./zstd-codec.js";

/** A zstd codec at the given level (-131072..22, default 3) sharing this entry's WASM instance. */
export const createZstdCodec = zstdCodecFactory(compileEmbeddedZstd);

/** zstd at Kafka's default level, 3. */
export const zstd: ZstdCodec = createZstdCodec();
