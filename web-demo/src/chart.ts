/**
 * A bar chart of the last `capacity` samples on a canvas, scaled to the largest one. Drawn
 * with the canvas 2D API only; no charting library.
 */
export class ThroughputChart {
  readonly #canvas: HTMLCanvasElement;
  readonly #samples: number[] = [];
  readonly #capacity: number;

  constructor(canvas: HTMLCanvasElement, capacity = 60) {
    this.#canvas = canvas;
    this.#capacity = capacity;
  }

  push(value: number): void {
    this.#samples.push(value);
    if (this.#samples.length > this.#capacity) this.#samples.shift();
    this.draw();
  }

  draw(): void {
    const ctx = this.#canvas.getContext("2d");
    if (ctx === null) return;
    const { width, height } = this.#canvas;
    const dark = matchMedia("(prefers-color-scheme: dark)").matches;
    ctx.clearRect(0, 0, width, height);
    const max = Math.max(1, ...this.#samples);
    const barWidth = width / this.#capacity;
    ctx.fillStyle = dark ? "#4493f8" : "#0969da";
    const offset = this.#capacity - this.#samples.length;
    this.#samples.forEach((v, i) => {
      const h = (v / max) * (height - 18);
      ctx.fillRect((offset + i) * barWidth + 1, height - h, Math.max(1, barWidth - 2), h);
    });
    ctx.fillStyle = dark ? "#ddd" : "#333";
    ctx.font = "12px system-ui, sans-serif";
    ctx.fillText(
      `max ${Math.round(max).toLocaleString("en")} records/s · last ${this.#capacity} s`,
      6,
      13,
    );
  }
}
