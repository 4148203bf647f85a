/**
 * `@tributary/codecs/gzip`: Kafka compression id 1. Kafka reads standard gzip (RFC 1952) with
 * Java's GZIPInputStream and writes it with GZIPOutputStream; this codec compresses and
 * decompresses through the runtime's CompressionStream("gzip") / DecompressionStream("gzip").
 * https://github.com/apache/kafka/blob/4.1.1/clients/src/main/java/org/apache/kafka/common/compress/GzipCompression.java
 */
import { describe, TributaryError } from "@tributary/protocol";
import { type Codec, CodecError, CodecErrorCode, CodecId, runtimeName } from "../codec.js";
import { hasCompressionStreams, runThrough } from "./streams.js";

/** zlib's default level, which CompressionStream uses and Kafka's Java producer defaults to. */
export const GZIP_DEFAULT_LEVEL = 6;

export interface GzipOptions {
  /**
   * Kafka's compression.gzip.level: 1 (fastest) to 9 (smallest), or -1 for the default (6).
   * CompressionStream has no level setting, so only the default is available for now.
   */
  level?: number | undefined;
}

/** RFC 1952: ID1 ID2 CM(8 = deflate) FLG MTIME(4) XFL OS, and an 8-byte trailer (CRC32, ISIZE). */
const GZIP_MIN_LENGTH = 18;

/** A gzip codec. */
export function createGzipCodec(options: GzipOptions = {}): Codec {
  const level = checkLevel(options.level);
  return {
    id: CodecId.gzip,
    name: "gzip",
    level,
    compress: async (data) => {
      checkInput(data);
      requireStreams();
      return runThrough(new CompressionStream("gzip"), data);
    },
    decompress: async (data) => {
      checkInput(data);
      if (data.length < GZIP_MIN_LENGTH || data[0] !== 0x1f || data[1] !== 0x8b || data[2] !== 8) {
        throw new CodecError(
          CodecErrorCode.Corrupt,
          "gzip",
          `not a gzip stream: expected at least ${GZIP_MIN_LENGTH} bytes starting 1f 8b 08; received ${data.length} bytes starting ${hexStart(data)}`,
        );
      }
      requireStreams();
      try {
        return await runThrough(new DecompressionStream("gzip"), data);
      } catch (err) {
        const reason = err instanceof Error ? err.message : String(err);
        throw new CodecError(CodecErrorCode.Corrupt, "gzip", `corrupt gzip stream: ${reason}`, err);
      }
    },
  };
}

/** The gzip codec at the default level. */
export const gzip: Codec = createGzipCodec();

function checkLevel(level: number | undefined): number {
  if (level === undefined || level === -1 || level === GZIP_DEFAULT_LEVEL)
    return GZIP_DEFAULT_LEVEL;
  if (Number.isInteger(level) && level >= 1 && level <= 9) {
    throw new TributaryError(
      "INVALID_ARGUMENT",
      `gzip level: only the default (${GZIP_DEFAULT_LEVEL}, or -1) is available, because CompressionStream has no level setting; received ${level}`,
    );
  }
  throw new TributaryError(
    "INVALID_ARGUMENT",
    `gzip level: must be an integer from 1 to 9, or -1 for the default; received ${describe(level)}`,
  );
}

function requireStreams(): void {
  if (!hasCompressionStreams()) {
    throw new CodecError(
      CodecErrorCode.Unavailable,
      "gzip",
      `CompressionStream and DecompressionStream are not available in ${runtimeName()}`,
    );
  }
}

function checkInput(data: Uint8Array): void {
  if (!(data instanceof Uint8Array)) {
    throw new TributaryError(
      "INVALID_ARGUMENT",
      `gzip: data must be a Uint8Array; received ${describe(data)}`,
    );
  }
}

function hexStart(data: Uint8Array): string {
  if (data.length === 0) return "(nothing)";
  return Array.from(data.subarray(0, 3), (b) => b.toString(16).padStart(2, "0")).join(" ");
}
