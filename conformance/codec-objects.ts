/**
 * The four codecs as objects, for runtimes whose producer entry has no loader for codec names
 * (the browser entry, and Workers): a bundle carries exactly the codecs it imports. Under the
 * bundler's `workerd` condition, lz4 and zstd resolve to their workerd builds, which import
 * their .wasm as a module instead of compiling bytes at run time.
 */
import { gzip } from "@tributary/codecs/gzip";
import { lz4 } from "@tributary/codecs/lz4";
import { snappy } from "@tributary/codecs/snappy";
import { zstd } from "@tributary/codecs/zstd";
import type { CompressingCodecName } from "./cell.js";

export const CODEC_OBJECTS: Record<CompressingCodecName, unknown> = {
  gzip,
  snappy,
  lz4,
  zstd,
};
