/**
 * A first-in first-out queue with O(1) push and shift. `Array.prototype.shift` moves every
 * element once the array is large, and a connection with a thousand pipelined requests shifts
 * on every answer; here the head is an index and the array is compacted only when it pays.
 */
export class Fifo<T> {
  #items: (T | undefined)[] = [];
  #head = 0;

  get length(): number {
    return this.#items.length - this.#head;
  }

  push(item: T): void {
    this.#items.push(item);
  }

  /** The oldest item, without removing it. */
  peek(): T | undefined {
    return this.#items[this.#head];
  }

  shift(): T | undefined {
    const items = this.#items;
    if (this.#head === items.length) return undefined;
    const item = items[this.#head];
    items[this.#head++] = undefined; // let it be collected
    if (this.#head === items.length) {
      // Empty again, the common case between bursts: start over without copying.
      items.length = 0;
      this.#head = 0;
    } else if (this.#head >= 1024 && this.#head * 2 >= items.length) {
      this.#items = items.slice(this.#head);
      this.#head = 0;
    }
    return item;
  }

  /** Removes and returns every item, oldest first. */
  drain(): T[] {
    const all = this.#items.slice(this.#head) as T[];
    this.#items = [];
    this.#head = 0;
    return all;
  }

  *[Symbol.iterator](): IterableIterator<T> {
    const items = this.#items;
    for (let i = this.#head; i < items.length; i++) yield items[i] as T;
  }
}
