/**
 * Reassembles Kafka frames from a byte stream. Every request and response on a Kafka
 * connection is a 4-byte big-endian size followed by that many bytes
 * (https://kafka.apache.org/protocol#protocol_common). Transports deliver chunks whose
 * boundaries mean nothing: a chunk may hold half a size prefix, many frames, or nothing at all.
 * The gateway uses it too, to check client requests before relaying them.
 *
 * A frame that lies wholly inside one chunk comes back as a view of that chunk, without a
 * copy; a frame spread over several chunks is joined once, when its last byte arrives. Partial
 * frames are held as views of the pushed chunks, so memory grows only with bytes received,
 * never with a size a peer merely announces.
 *
 * Ownership: a chunk belongs to the splitter once pushed. Do not write to it afterwards, since
 * returned frames and held parts may be views of it.
 */
import { ProtocolDecodeError, ProtocolEncodeError } from "./errors.js";

/** A size prefix that is negative or above the splitter's maxFrameBytes. */
export class FrameSizeError extends ProtocolDecodeError {
  /** The size the prefix announced. */
  readonly size: number;
  /** The largest size the splitter accepts. */
  readonly maxFrameBytes: number;

  constructor(size: number, maxFrameBytes: number, offset: number) {
    const rule = size < 0 ? "is negative" : `exceeds maxFrameBytes ${maxFrameBytes}`;
    // A TLS listener answers a plaintext request with an alert record: content type 21, version
    // 3.x (RFC 8446 section 5.1), which read as a size is 0x1503xxxx. Saying so saves a search.
    const tls = size >>> 16 === 0x1503 ? " (these bytes are a TLS alert: the peer speaks TLS)" : "";
    super(`frame size ${size} ${rule}${tls}`, offset);
    this.size = size;
    this.maxFrameBytes = maxFrameBytes;
  }
}

export interface FrameSplitterOptions {
  /** Largest frame accepted, in bytes (without the size prefix). Default 100 MiB. */
  maxFrameBytes?: number | undefined;
}

export const DEFAULT_MAX_FRAME_BYTES = 100 * 1024 * 1024;

const SIZE_BYTES = 4;

export class FrameSplitter {
  readonly maxFrameBytes: number;
  /** The size prefix being read when it arrives split across chunks. */
  readonly #sizePrefix = new Uint8Array(SIZE_BYTES);
  #sizeFill = 0;
  /** Size of the frame whose body is being read, or -1 while reading a size prefix. */
  #frameSize = -1;
  #parts: Uint8Array[] = [];
  #partsBytes = 0;
  /** Bytes consumed from the stream so far, for error offsets. */
  #streamOffset = 0;
  #failure: FrameSizeError | undefined;

  constructor(options: FrameSplitterOptions = {}) {
    const max = options.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES;
    if (!Number.isInteger(max) || max < 0 || max > 0x7fffffff) {
      throw new ProtocolEncodeError("maxFrameBytes", "must be an integer in [0, 2147483647]", max);
    }
    this.maxFrameBytes = max;
  }

  /** Bytes received but not yet returned as part of a whole frame (size prefixes included). */
  get buffered(): number {
    return this.#frameSize < 0 ? this.#sizeFill : SIZE_BYTES + this.#partsBytes;
  }

  /**
   * Takes the next chunk of the stream and returns the frames it completes, in order, each
   * without its size prefix. Raises FrameSizeError (a ProtocolDecodeError) for a negative size or one above
   * `maxFrameBytes`; the stream cannot be resynchronised after that, so every later call
   * raises the same error.
   */
  push(chunk: Uint8Array): Uint8Array[] {
    if (this.#failure) throw this.#failure;
    const frames: Uint8Array[] = [];
    const n = chunk.length;
    let off = 0;
    while (off < n) {
      if (this.#frameSize < 0) {
        let size: number;
        if (this.#sizeFill === 0 && n - off >= SIZE_BYTES) {
          size = readInt32(chunk, off);
          off += SIZE_BYTES;
        } else {
          while (this.#sizeFill < SIZE_BYTES && off < n)
            this.#sizePrefix[this.#sizeFill++] = chunk[off++]!;
          if (this.#sizeFill < SIZE_BYTES) break;
          this.#sizeFill = 0;
          size = readInt32(this.#sizePrefix, 0);
        }
        this.#checkSize(size, off);
        this.#frameSize = size;
      }
      const size = this.#frameSize;
      if (this.#partsBytes === 0 && n - off >= size) {
        // The common case: the whole body is here.
        frames.push(chunk.subarray(off, off + size));
        off += size;
        this.#frameSize = -1;
        continue;
      }
      const take = Math.min(size - this.#partsBytes, n - off);
      // A small piece of a large buffer is copied: a view would pin the whole buffer (a socket
      // read may be far larger than the bytes it brought for this frame), and a peer sending
      // many tiny pieces could pin a lot. Held memory stays within twice the bytes received.
      const piece = chunk.subarray(off, off + take);
      this.#parts.push(take * 2 < piece.buffer.byteLength ? piece.slice() : piece);
      this.#partsBytes += take;
      off += take;
      if (this.#partsBytes === size) frames.push(this.#join());
    }
    this.#streamOffset += n;
    return frames;
  }

  #checkSize(size: number, off: number): void {
    if (size >= 0 && size <= this.maxFrameBytes) return;
    this.#failure = new FrameSizeError(
      size,
      this.maxFrameBytes,
      this.#streamOffset + off - SIZE_BYTES,
    );
    throw this.#failure;
  }

  #join(): Uint8Array {
    const parts = this.#parts;
    const frame = new Uint8Array(this.#partsBytes);
    let at = 0;
    for (const p of parts) {
      frame.set(p, at);
      at += p.length;
    }
    this.#parts = [];
    this.#partsBytes = 0;
    this.#frameSize = -1;
    return frame;
  }
}

function readInt32(b: Uint8Array, at: number): number {
  return (b[at]! << 24) | (b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]!;
}
