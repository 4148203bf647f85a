/**
 * `@tributary/codecs/snappy`: Kafka compression id 2, in plain TypeScript (no WASM, no
 * dependencies). Compress writes the xerial framing Kafka's Java producer writes; decompress
 * reads that framing and raw snappy blocks, as Kafka's SnappyInputStream does.
 */
import { describe, TributaryError } from "@tributary/protocol";
import { type Codec, CodecError, CodecErrorCode, CodecId } from "../codec.js";
import { compressXerial, decompressSnappy } from "./xerial.js";

export {
  XERIAL_BLOCK_SIZE,
  XERIAL_HEADER_LENGTH,
  XERIAL_MAGIC,
  XERIAL_VERSION,
} from "./xerial.js";

/** A snappy codec. Snappy has no levels. */
export function createSnappyCodec(): Codec {
  return {
    id: CodecId.snappy,
    name: "snappy",
    compress: async (data) => compressXerial(checkInput(data)),
    decompress: async (data) => {
      checkInput(data);
      try {
        return decompressSnappy(data);
      } catch (err) {
        if (err instanceof CodecError) throw err;
        // Nothing else should escape the decoder; if something does, it is still bad input.
        throw new CodecError(CodecErrorCode.Corrupt, "snappy", String(err), err);
      }
    },
  };
}

/** The snappy codec. */
export const snappy: Codec = createSnappyCodec();

function checkInput(data: Uint8Array): Uint8Array {
  if (!(data instanceof Uint8Array)) {
    throw new TributaryError(
      "INVALID_ARGUMENT",
      `snappy: data must be a Uint8Array; received ${describe(data)}`,
    );
  }
  return data;
}
