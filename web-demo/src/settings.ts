import { PRESETS, type ProducerOptions, webSocketConnector } from "@tributary/producer";
import { DURABLE_DEFAULTS, type DurableOptions } from "@tributary/producer/durable";
import { formatBytes } from "./bytes.js";
import { isCodecName, loadCodec } from "./codecs.js";
import { byId, intValue } from "./dom.js";
import type { NetworkSwitch } from "./network-switch.js";

/** The console's own IndexedDB queue, apart from any other app's on this origin. */
export const DURABLE_QUEUE_NAME = "tributary-demo";

type PresetName = keyof typeof PRESETS;

const changed = (el: HTMLInputElement | HTMLSelectElement): boolean =>
  el instanceof HTMLInputElement && el.type === "checkbox"
    ? el.checked !== el.defaultChecked
    : el instanceof HTMLSelectElement
      ? !el.options[el.selectedIndex]?.defaultSelected
      : el.value !== el.defaultValue;

/** The gateway URL a page served by the gateway itself should use. */
export function defaultGatewayUrl(): string {
  return `${location.protocol === "https:" ? "wss" : "ws"}://${location.host}/kafka`;
}

/**
 * Reads the connection and producer forms into createProducer options. With a preset chosen, a
 * field still at the page's default is left out so that the preset's value applies (a preset
 * fills in only what the caller did not give). A codec named by the preset or the form is
 * imported and passed as an object: the browser entry does not load codecs by name. The
 * WebSocket transport goes through `network` (the page's offline switch), so the token goes to
 * the connector rather than the gatewayToken option. `durable` is undefined when the durable
 * queue is unchecked.
 */
export async function readProducerOptions(network: NetworkSwitch): Promise<{
  options: ProducerOptions;
  durable: DurableOptions | undefined;
  summary: string;
}> {
  const url = byId<HTMLInputElement>("gateway-url").value.trim();
  const token = byId<HTMLInputElement>("gateway-token").value;
  const acks = byId<HTMLSelectElement>("acks");
  const linger = byId<HTMLInputElement>("linger-ms");
  const batch = byId<HTMLInputElement>("batch-bytes");
  const compression = byId<HTMLSelectElement>("compression");
  const idempotent = byId<HTMLInputElement>("idempotent");
  const presetValue = byId<HTMLSelectElement>("preset").value;
  const preset = presetValue === "" ? undefined : (presetValue as PresetName);
  const use = (el: HTMLInputElement | HTMLSelectElement): boolean =>
    preset === undefined || changed(el);

  const options: ProducerOptions = {
    bootstrap: url,
    clientId: "tributary-web-demo",
    transport: network.wrap(
      webSocketConnector({ urls: [url], token: token === "" ? undefined : token }),
    ),
  };
  if (preset !== undefined) options.preset = preset;
  if (use(acks)) options.acks = acks.value === "all" ? "all" : acks.value === "1" ? 1 : 0;
  if (use(linger)) options.lingerMs = intValue(linger, "linger ms", 0, 900_000);
  if (use(batch)) options.batchBytes = intValue(batch, "batch bytes", 0, 2 ** 31 - 1);
  if (use(idempotent)) options.idempotent = idempotent.checked;

  const codecName = use(compression)
    ? compression.value
    : (PRESETS[preset as PresetName].compression ?? "none");
  if (isCodecName(codecName)) options.compression = await loadCodec(codecName);
  const durable = readDurableOptions();
  if (durable !== undefined) {
    // The durable queue does the long waiting (with its own backoff, shown in its panel): the
    // producer under it gives a record back after seconds, not minutes, when Kafka is out of
    // reach. deliveryTimeoutMs must cover lingerMs plus a request.
    options.maxBlockMs = 5000;
    options.requestTimeoutMs = 10_000;
    options.deliveryTimeoutMs = Math.max(15_000, (options.lingerMs ?? 0) + 10_000);
  }

  const summary = [
    preset === undefined ? "" : `preset ${preset}`,
    `compression ${codecName}`,
    options.acks === undefined ? "" : `acks ${options.acks}`,
    options.lingerMs === undefined ? "" : `linger ${options.lingerMs} ms`,
    options.idempotent === undefined ? "" : options.idempotent ? "idempotent" : "not idempotent",
    durable === undefined
      ? "no durable queue"
      : `durable queue ${formatBytes(durable.maxBytes ?? 0)} ${durable.whenFull}`,
  ]
    .filter(Boolean)
    .join(", ");
  return { options, durable, summary };
}

/** The durable-queue fields, or undefined when the queue is unchecked. */
function readDurableOptions(): DurableOptions | undefined {
  if (!byId<HTMLInputElement>("durable").checked) return undefined;
  const whenFull = byId<HTMLSelectElement>("durable-when-full").value;
  return {
    name: DURABLE_QUEUE_NAME,
    maxBytes: intValue(
      byId<HTMLInputElement>("durable-max-bytes"),
      "queue max bytes",
      1024,
      2 ** 40,
    ),
    whenFull: whenFull === "refuse-new" ? "refuse-new" : DURABLE_DEFAULTS.whenFull,
  };
}
