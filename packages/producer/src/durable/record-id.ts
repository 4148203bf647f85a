/**
 * Record ids for the durable queue: UUIDv7 (RFC 9562, section 5.7). The first 48 bits are the
 * Unix time in ms, so the ids sort by creation time: the queue's IndexedDB key is the id, and a
 * cursor over it walks the records oldest first, which is what drop-oldest and resending in
 * order need. The 12 bits after the version count up within one millisecond (the RFC's
 * "fixed-length dedicated counter", method 1), so ids made by one generator never tie or go
 * backwards; the last 62 bits are random, so two tabs never make the same id.
 */
export class RecordIdGenerator {
  #lastMs = 0;
  #counter = 0;
  readonly #random = new Uint8Array(8);

  next(now: number = Date.now()): string {
    let ms = Math.max(now, this.#lastMs);
    if (ms === this.#lastMs) {
      this.#counter++;
      // 4096 ids in one millisecond: borrow the next one, as the RFC allows.
      if (this.#counter > 0xfff) {
        ms++;
        this.#counter = 0;
      }
    } else {
      this.#counter = 0;
    }
    this.#lastMs = ms;
    crypto.getRandomValues(this.#random);
    const r = this.#random;
    const hex = (n: number, width: number) => n.toString(16).padStart(width, "0");
    const time = hex(ms, 12);
    const randB = Array.from(r.subarray(2), (b) => hex(b, 2)).join("");
    return (
      `${time.slice(0, 8)}-${time.slice(8)}-` +
      `7${hex(this.#counter, 3)}-` +
      `${hex(0x80 | (r[0]! & 0x3f), 2)}${hex(r[1]!, 2)}-${randB}`
    );
  }
}
