import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { ProtocolDecodeError, ProtocolEncodeError } from "../src/errors.js";
import { FrameSplitter } from "../src/frame-splitter.js";

const b = (...bytes: number[]) => Uint8Array.from(bytes);
const list = (frames: Uint8Array[]) => frames.map((f) => Array.from(f));

/** Size-prefixes each frame and concatenates them. */
function stream(frames: Uint8Array[]): Uint8Array {
  const total = frames.reduce((n, f) => n + 4 + f.length, 0);
  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  let at = 0;
  for (const f of frames) {
    view.setInt32(at, f.length);
    out.set(f, at + 4);
    at += 4 + f.length;
  }
  return out;
}

describe("FrameSplitter", () => {
  it("returns a frame that arrives whole, without its size prefix", () => {
    assert.deepEqual(list(new FrameSplitter().push(b(0, 0, 0, 3, 7, 8, 9))), [[7, 8, 9]]);
  });

  it("returns every frame of a chunk that holds several, in order, including empty ones", () => {
    const s = new FrameSplitter();
    const frames = s.push(b(0, 0, 0, 1, 0xaa, 0, 0, 0, 0, 0, 0, 0, 2, 0xbb, 0xcc));
    assert.deepEqual(list(frames), [[0xaa], [], [0xbb, 0xcc]]);
    assert.equal(s.buffered, 0);
  });

  it("reads a size prefix split across chunks, one byte at a time", () => {
    const s = new FrameSplitter();
    assert.deepEqual(s.push(b(0)), []);
    assert.equal(s.buffered, 1);
    assert.deepEqual(s.push(b(0, 0)), []);
    assert.equal(s.buffered, 3);
    assert.deepEqual(s.push(b(2)), []);
    assert.equal(s.buffered, 4);
    assert.deepEqual(s.push(b(5)), []);
    assert.equal(s.buffered, 5);
    assert.deepEqual(list(s.push(b(6, 0, 0))), [[5, 6]]);
    assert.equal(s.buffered, 2);
  });

  it("returns an empty frame as soon as its size prefix completes a chunk", () => {
    const s = new FrameSplitter();
    assert.deepEqual(list(s.push(b(0, 0, 0, 0))), [[]]);
    assert.equal(s.buffered, 0);
  });

  it("ignores empty chunks", () => {
    const s = new FrameSplitter();
    assert.deepEqual(s.push(new Uint8Array(0)), []);
    s.push(b(0, 0, 0, 2, 1));
    assert.deepEqual(s.push(new Uint8Array(0)), []);
    assert.equal(s.buffered, 5);
    assert.deepEqual(list(s.push(b(2))), [[1, 2]]);
  });

  it("hands back a view of the chunk, not a copy, when a frame lies inside one chunk", () => {
    const chunk = b(9, 0, 0, 0, 2, 1, 2, 9);
    const [frame] = new FrameSplitter().push(chunk.subarray(1, 7));
    assert.ok(frame);
    assert.equal(frame.buffer, chunk.buffer);
    assert.equal(frame.byteOffset, 5);
  });

  it("refuses a negative size and a size above maxFrameBytes, and stays failed", () => {
    const neg = new FrameSplitter();
    assert.throws(
      () => neg.push(b(0, 0, 0, 1, 0xaa, 0xff, 0xff, 0xff, 0xfe)),
      (e: unknown) =>
        e instanceof ProtocolDecodeError && /-2 is negative/.test(e.message) && e.offset === 5,
    );
    assert.throws(() => neg.push(b(0, 0, 0, 0)), ProtocolDecodeError);

    const small = new FrameSplitter({ maxFrameBytes: 10 });
    assert.equal(small.push(b(0, 0, 0, 10, ...new Array<number>(10).fill(1))).length, 1);
    assert.throws(() => small.push(b(0, 0, 0, 11)), /exceeds maxFrameBytes 10/);
  });

  it("refuses an oversized size prefix that arrives split, before any body", () => {
    const s = new FrameSplitter();
    s.push(b(0x7f, 0xff));
    assert.throws(() => s.push(b(0xff, 0xff)), /2147483647 exceeds maxFrameBytes 104857600/);
  });

  it("says so when the refused size is a TLS alert record (a plaintext client at a TLS listener)", () => {
    // What Kafka's SSL listener sends back to a plaintext ApiVersions: alert, TLS 1.2, length 2.
    const alert = b(0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x32);
    assert.throws(
      () => new FrameSplitter().push(alert),
      /frame size 352518912 exceeds maxFrameBytes 104857600 \(these bytes are a TLS alert: the peer speaks TLS\)/,
    );
    // Another large size gets no such guess.
    assert.throws(
      () => new FrameSplitter().push(b(0x16, 0x03, 0x03, 0x00)),
      (err: Error) => !err.message.includes("TLS"),
    );
  });

  it("refuses an invalid maxFrameBytes option", () => {
    assert.throws(() => new FrameSplitter({ maxFrameBytes: -1 }), ProtocolEncodeError);
    assert.throws(() => new FrameSplitter({ maxFrameBytes: 1.5 }), ProtocolEncodeError);
  });

  it("gives back exactly the frames of a random stream cut into random chunks", () => {
    fc.assert(
      fc.property(
        fc.array(fc.uint8Array({ maxLength: 300 }), { maxLength: 30 }),
        fc.array(fc.nat(), { maxLength: 40 }),
        (frames, cutSeeds) => {
          const bytes = stream(frames);
          const cuts = cutSeeds.map((c) => c % (bytes.length + 1)).sort((x, y) => x - y);
          const splitter = new FrameSplitter();
          const out: Uint8Array[] = [];
          let from = 0;
          // Cuts may repeat, which pushes empty chunks too.
          for (const cut of [...cuts, bytes.length]) {
            out.push(...splitter.push(bytes.subarray(from, cut)));
            from = cut;
          }
          assert.deepEqual(list(out), list(frames));
          assert.equal(splitter.buffered, 0);
        },
      ),
      { numRuns: 500 },
    );
  });
});
