/**
 * The demo console: wires the forms to one Tributary producer (the browser entry, which uses
 * the page's own WebSocket to reach the gateway that serves this page), by default with the
 * durable queue on top, and its connections through the page's offline switch.
 */
import { createProducer, type DeliveryReceipt, type Producer } from "@tributary/producer";
import { createDurableProducer, type DurableProducer } from "@tributary/producer/durable";
import { ThroughputChart } from "./chart.js";
import { byId, intValue, setStatus } from "./dom.js";
import { DurablePanel } from "./durable-panel.js";
import { parseHeaders } from "./headers.js";
import { NetworkSwitch } from "./network-switch.js";
import { ReceiptsTable } from "./receipts-table.js";
import { defaultGatewayUrl, readProducerOptions } from "./settings.js";
import { StatsPanel } from "./stats-panel.js";
import { generate, telemetryEvent } from "./telemetry.js";
import { ReceiptTracker, type Tally } from "./tracker.js";

const producerStatus = byId("producer-status");
const recordStatus = byId("record-status");
const genStatus = byId("gen-status");
const totals = byId("receipt-totals");
const table = new ReceiptsTable(byId<HTMLTableSectionElement>("receipt-rows"));
const tracker = new ReceiptTracker(() => scheduleTotals());
const stats = new StatsPanel(tracker, new ThroughputChart(byId<HTMLCanvasElement>("chart")));
const durablePanel = new DurablePanel();
const network = new NetworkSwitch();

byId<HTMLInputElement>("gateway-url").value = defaultGatewayUrl();

let producer: Producer | DurableProducer | undefined;
let connecting: Promise<Producer> | undefined;

/** Closes the current producer (flushing what it holds) and creates one from the forms. */
async function applySettings(): Promise<Producer> {
  const old = producer;
  producer = undefined;
  setStatus(producerStatus, "applying…");
  if (old) await old.close();
  const { options, durable, summary } = await readProducerOptions(network);
  const queued = durable === undefined ? undefined : createDurableProducer({ ...options, durable });
  const created = queued ?? createProducer(options);
  stats.follow(created);
  durablePanel.follow(created);
  producer = created;
  setStatus(producerStatus, `producer ready: ${options.bootstrap} (${summary})`);
  // Records still go out when storage cannot open, but nothing survives a reload: say so.
  queued?.ready.catch((err: unknown) =>
    setStatus(producerStatus, `durable queue storage failed: ${(err as Error).message}`, true),
  );
  document.body.dataset.producer = "ready";
  return created;
}

/** The current producer, creating it on first use; errors show in the status line. */
function currentProducer(): Promise<Producer> {
  if (producer) return Promise.resolve(producer);
  connecting ??= applySettings().finally(() => {
    connecting = undefined;
  });
  return connecting;
}

function reportSettingsError(err: unknown): void {
  document.body.dataset.producer = "error";
  setStatus(producerStatus, err instanceof Error ? err.message : String(err), true);
}

// A form (so the token field behaves as a password field should); Apply submits it.
byId("connection").addEventListener("submit", (event) => {
  event.preventDefault();
  if (connecting) return;
  connecting = applySettings().finally(() => {
    connecting = undefined;
  });
  connecting.catch(reportSettingsError);
});

// ---- network switch ------------------------------------------------------------------------
const networkToggle = byId<HTMLButtonElement>("network-toggle");
network.onChange((online) => {
  document.body.dataset.network = online ? "online" : "offline";
  byId("network-state").textContent = online ? "online" : "offline";
  networkToggle.textContent = online ? "Go offline" : "Go online";
  // What a real `online` event does: send what waits now, not at the end of the backoff.
  if (online && producer !== undefined && "retryNow" in producer) producer.retryNow();
});
networkToggle.addEventListener("click", () => network.set(!network.online));
document.body.dataset.network = "online";

// ---- one record ----------------------------------------------------------------------------
byId("produce-one").addEventListener("click", async () => {
  const topic = byId<HTMLInputElement>("topic").value.trim();
  const key = byId<HTMLInputElement>("key").value;
  const value = byId<HTMLTextAreaElement>("value").value;
  let headers: Record<string, string>;
  try {
    headers = parseHeaders(byId<HTMLInputElement>("headers").value);
  } catch (err) {
    setStatus(recordStatus, (err as Error).message, true);
    return;
  }
  let p: Producer;
  try {
    p = await currentProducer();
  } catch (err) {
    reportSettingsError(err);
    return;
  }
  const started = performance.now();
  const receipt = p.produce(topic, { key: key === "" ? null : key, value, headers });
  follow(receipt, key, started);
  setStatus(recordStatus, `produced to ${topic}; its receipt is the newest row below`);
});

function follow(receipt: DeliveryReceipt, key: string, started: number, run?: Tally): void {
  tracker.track(receipt, started, run);
  table.add(receipt, key, started);
}

// ---- generator -----------------------------------------------------------------------------
let stopGenerator: (() => void) | undefined;
let runNumber = 0;

byId("gen-start").addEventListener("click", async () => {
  if (stopGenerator) return;
  let rate: number;
  let count: number;
  let p: Producer;
  try {
    rate = intValue(byId<HTMLInputElement>("gen-rate"), "rate", 1, 200_000);
    count = intValue(byId<HTMLInputElement>("gen-count"), "count", 1, 1_000_000);
  } catch (err) {
    setStatus(genStatus, (err as Error).message, true);
    return;
  }
  try {
    p = await currentProducer();
  } catch (err) {
    reportSettingsError(err);
    return;
  }
  const topic = byId<HTMLInputElement>("topic").value.trim();
  const run = `${Date.now().toString(36)}-${++runNumber}`;
  const tally: Tally = { produced: 0, delivered: 0, failed: 0 };
  const startBtn = byId<HTMLButtonElement>("gen-start");
  const stopBtn = byId<HTMLButtonElement>("gen-stop");
  startBtn.disabled = true;
  stopBtn.disabled = false;
  genStatus.dataset.run = run;
  genStatus.dataset.count = String(count);
  genStatus.dataset.topic = topic;

  let ended = false;
  let stoppedEarly = false;
  const show = () => {
    const pending = tally.produced - tally.delivered - tally.failed;
    genStatus.dataset.produced = String(tally.produced);
    genStatus.dataset.delivered = String(tally.delivered);
    genStatus.dataset.failed = String(tally.failed);
    genStatus.dataset.done = String(ended && pending === 0);
    setStatus(
      genStatus,
      `run ${run} → ${topic}: ${tally.produced}/${count} produced, ${tally.delivered} delivered, ` +
        `${tally.failed} failed, ${pending} pending`,
      tally.failed > 0,
    );
    if (ended && pending === 0) {
      clearInterval(timer);
      if (stoppedEarly) genStatus.append(" (stopped)");
    }
  };
  // Reset at once: until the first tick the attributes would still describe the previous run.
  let timer: ReturnType<typeof setInterval> | undefined;
  show();
  timer = setInterval(show, 250);
  stopGenerator = generate(
    rate,
    count,
    (seq) => {
      const e = telemetryEvent(run, seq);
      follow(p.produce(topic, e), e.key, performance.now(), tally);
    },
    (stopped) => {
      stopGenerator = undefined;
      ended = true;
      stoppedEarly = stopped;
      startBtn.disabled = false;
      stopBtn.disabled = true;
      // Sends what lingers now. The status keeps updating until every receipt of the run has an
      // answer: with the durable queue and the network off, that is long after flush() returns.
      void p.flush();
    },
  );
});

byId("gen-stop").addEventListener("click", () => stopGenerator?.());

// ---- totals line ---------------------------------------------------------------------------
let totalsScheduled = false;
function scheduleTotals(): void {
  if (totalsScheduled) return;
  totalsScheduled = true;
  requestAnimationFrame(() => {
    totalsScheduled = false;
    const t = tracker.total;
    const pending = t.produced - t.delivered - t.failed;
    totals.textContent = `this page: ${t.produced} produced, ${t.delivered} delivered, ${t.failed} failed, ${pending} pending`;
  });
}

document.body.dataset.ready = "true";
