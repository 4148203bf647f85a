import type { DeliveryReceipt } from "@tributary/producer";

/** Rows kept in the table; older rows are removed (and stop listening) as new ones arrive. */
export const MAX_ROWS = 200;

interface Row {
  tr: HTMLTableRowElement;
  unsubscribe: () => void;
}

const cell = (tr: HTMLTableRowElement, cls: string, text = ""): HTMLTableCellElement => {
  const td = tr.insertCell();
  td.className = cls;
  td.textContent = text;
  return td;
};

/**
 * The live receipts table. Each row subscribes to its receipt and re-renders from it on every
 * notification: "pending" first (subscribe calls at once), then "delivered" with partition,
 * offset and latency, or "failed" with errorCode and errorMessage. The states a row went
 * through are kept in its `data-history` attribute (the end-to-end tests read it).
 */
export class ReceiptsTable {
  readonly #body: HTMLTableSectionElement;
  readonly #rows: Row[] = [];
  #seq = 0;

  constructor(body: HTMLTableSectionElement) {
    this.#body = body;
  }

  add(receipt: DeliveryReceipt, key: string, startedAt: number): void {
    const seq = ++this.#seq;
    const tr = document.createElement("tr");
    tr.dataset.seq = String(seq);
    tr.dataset.topic = receipt.topic;
    cell(tr, "seq", String(seq));
    cell(tr, "topic", receipt.topic);
    cell(tr, "key", key);
    const state = cell(tr, "state");
    const partition = cell(tr, "partition");
    const offset = cell(tr, "offset");
    const latency = cell(tr, "latency");
    const error = cell(tr, "error");
    const history: string[] = [];

    const render = (r: DeliveryReceipt): void => {
      const s = r.state;
      if (history[history.length - 1] !== s) history.push(s);
      tr.dataset.state = s;
      tr.dataset.history = history.join(" ");
      state.textContent = s;
      partition.textContent = r.partition === undefined ? "" : String(r.partition);
      offset.textContent = r.offset === undefined ? "" : String(r.offset);
      if (r.completed && latency.textContent === "") {
        latency.textContent = `${(performance.now() - startedAt).toFixed(1)} ms`;
      }
      if (r.errorCode !== undefined) {
        error.textContent = `${r.errorCode}: ${r.errorMessage ?? ""}`;
        error.dataset.code = r.errorCode;
      }
    };

    const unsubscribe = receipt.subscribe(render);
    this.#body.prepend(tr);
    this.#rows.push({ tr, unsubscribe });
    while (this.#rows.length > MAX_ROWS) {
      const old = this.#rows.shift();
      old?.unsubscribe();
      old?.tr.remove();
    }
  }

  clear(): void {
    for (const row of this.#rows.splice(0)) {
      row.unsubscribe();
      row.tr.remove();
    }
  }
}
