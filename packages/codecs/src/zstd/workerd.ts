/**
 * @tributary/codecs/zstd for Cloudflare Workers (the `workerd` export condition): the same API
 * as ./index.ts, but the WASM arrives as a module compiled at deploy time, because workerd
 * refuses to compile WebAssembly from bytes at run time.
 */
import { loadWorkerdZstd } from "./wasm-workerd.js";
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
export const createZstdCodec = zstdCodecFactory(loadWorkerdZstd);

/** zstd at Kafka's default level, 3. */
export const zstd: ZstdCodec = createZstdCodec();
