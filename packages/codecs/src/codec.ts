import { TributaryError } from "@tributary/protocol";

/** Kafka's compression ids: the low three bits of a RecordBatch's attributes (CompressionType.java). */
export const CodecId = { gzip: 1, snappy: 2, lz4: 3, zstd: 4 } as const;
export type CodecName = keyof typeof CodecId;

/**
 * A compression codec as the producer uses it: Kafka's id and name, and async compress /
 * decompress of a whole records section (the bytes after the batch header). Async because WASM
 * loads asynchronously and CompressionStream is a stream; a codec may still finish synchronously.
 */
export interface Codec {
  readonly id: 1 | 2 | 3 | 4;
  readonly name: CodecName;
  /** The level used, where the codec has levels. */
  readonly level?: number | undefined;
  compress(data: Uint8Array): Promise<Uint8Array>;
  decompress(data: Uint8Array): Promise<Uint8Array>;
}

export const CodecErrorCode = {
  /** The codec's WASM (or other machinery) could not be loaded in this runtime. */
  Unavailable: "CODEC_UNAVAILABLE",
  /** Input that is not a valid frame for the codec (decompression only). */
  Corrupt: "CODEC_CORRUPT",
} as const;
export type CodecErrorCode = (typeof CodecErrorCode)[keyof typeof CodecErrorCode];

/** A codec failure: names the codec and, for load failures, the runtime. */
export class CodecError extends TributaryError {
  declare readonly code: CodecErrorCode;
  readonly codec: CodecName;

  constructor(code: CodecErrorCode, codec: CodecName, message: string, cause?: unknown) {
    super(code, `${codec}: ${message}`, cause === undefined ? {} : { cause });
    this.codec = codec;
  }
}

/** A short name for the runtime, for load-failure messages ("node 20.20.2", "deno", "browser", …). */
export function runtimeName(): string {
  const g = globalThis as Record<string, unknown>;
  if (typeof g.Deno === "object") return "deno";
  if (typeof g.Bun === "object") return "bun";
  const nav = g.navigator as { userAgent?: string } | undefined;
  if (nav?.userAgent === "Cloudflare-Workers") return "workerd";
  const proc = g.process as { versions?: { node?: string } } | undefined;
  if (proc?.versions?.node) return `node ${proc.versions.node}`;
  if (typeof g.document === "object") return "browser";
  return nav?.userAgent ?? "unknown runtime";
}
