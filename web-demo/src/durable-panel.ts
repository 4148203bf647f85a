import type { Producer } from "@tributary/producer";
import type { DurableStatsSnapshot } from "@tributary/producer/durable";
import { formatBytes } from "./bytes.js";
import { byId, oncePerFrame, setStatus } from "./dom.js";

const COUNTS = [
  ["dq-depth", "storedRecords"],
  ["dq-waiting", "waitingRecords"],
  ["dq-recovered", "recovered"],
  ["dq-dropped", "dropped"],
  ["dq-refused", "refused"],
  ["dq-expired", "expired"],
  ["dq-resends", "resends"],
] as const satisfies readonly (readonly [string, keyof DurableStatsSnapshot])[];

/**
 * The durable queue panel: the current producer's `stats.durable`, drawn at most once a frame,
 * plus a twice-a-second tick so that "next retry in N s" counts down between changes. A
 * producer without the durable queue shows dashes. Unlike the live stats, nothing adds up over
 * producers: a new producer on the same queue adopts what the last one left (its "recovered").
 */
export class DurablePanel {
  #current: DurableStatsSnapshot | undefined;
  #unsubscribe: (() => void) | undefined;

  constructor() {
    setInterval(() => {
      if (this.#current?.nextRetryAt !== undefined) this.#render();
    }, 500);
    this.#render();
  }

  follow(producer: Producer): void {
    this.#unsubscribe?.();
    this.#current = undefined;
    this.#unsubscribe = producer.stats.subscribe((s) => {
      this.#current = s.durable;
      this.#scheduleRender();
    });
  }

  readonly #scheduleRender = oncePerFrame(() => this.#render());

  #render(): void {
    const d = this.#current;
    for (const [id, field] of COUNTS) {
      byId(id).textContent = d === undefined ? "–" : d[field].toLocaleString("en");
    }
    byId("dq-storage").textContent =
      d === undefined ? "(off for this producer)" : `(${d.storage}, when full: ${d.whenFull})`;
    const retryIn = d?.nextRetryAt === undefined ? undefined : d.nextRetryAt - Date.now();
    byId("dq-retry").textContent =
      retryIn === undefined ? "–" : `in ${Math.max(0, Math.ceil(retryIn / 1000))} s`;
    const used = d === undefined ? 0 : Math.min(1, d.storedBytes / d.maxBytes);
    byId<HTMLMeterElement>("dq-meter").value = used;
    byId("dq-bytes").textContent =
      d === undefined
        ? ""
        : `${formatBytes(d.storedBytes)} of ${formatBytes(d.maxBytes)} kept (${(used * 100).toFixed(1)}%)`;
    setStatus(
      byId("dq-error"),
      d?.lastError === undefined ? "" : `last error: ${d.lastError}`,
      d !== undefined && d.storedRecords > 0 && d.lastError !== undefined,
    );
  }
}
