/**
 * gzip through the web-standard CompressionStream / DecompressionStream
 * (https://compression.spec.whatwg.org/): built into Node 18+, Deno, Bun, workerd and current
 * browsers, and backed by the runtime's native zlib, so it costs no bundle bytes and runs at
 * close to node:zlib's speed. It has no level setting: runtimes use zlib's default, level 6,
 * which is also what Kafka's Java producer uses by default (compression.gzip.level = -1).
 */

/** The web-standard gzip streams, when this runtime has them. */
export function hasCompressionStreams(): boolean {
  return typeof CompressionStream === "function" && typeof DecompressionStream === "function";
}

/**
 * Writes `data` into a transform stream in one chunk and collects everything it reads out.
 * Rejects with the stream's own error (e.g. zlib's "incorrect data check") on bad input.
 */
export async function runThrough(
  stream: CompressionStream | DecompressionStream,
  data: Uint8Array,
): Promise<Uint8Array> {
  const writer = stream.writable.getWriter();
  // A failing stream rejects these too; the reader below reports the error once.
  writer.write(unshared(data)).catch(ignore);
  writer.close().catch(ignore);

  const reader = stream.readable.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    total += value.length;
  }
  if (chunks.length === 1) return chunks[0]!;
  const out = new Uint8Array(total);
  let pos = 0;
  for (const chunk of chunks) {
    out.set(chunk, pos);
    pos += chunk.length;
  }
  return out;
}

/** The streams take no views of a SharedArrayBuffer (BufferSource is not [AllowShared]). */
function unshared(data: Uint8Array): Uint8Array<ArrayBuffer> {
  const shared =
    typeof SharedArrayBuffer === "function" && data.buffer instanceof SharedArrayBuffer;
  return shared ? data.slice() : (data as Uint8Array<ArrayBuffer>);
}

function ignore(): void {}
