import { PRESETS, type ProducerOptions } from "@tributary/producer";
import { isCodecName, loadCodec } from "./codecs.js";
import { byId, intValue } from "./dom.js";

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
 * imported and passed as an object: the browser entry does not load codecs by name.
 */
export async function readProducerOptions(): Promise<{
  options: ProducerOptions;
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

  const options: ProducerOptions = { bootstrap: url, clientId: "tributary-web-demo" };
  if (token !== "") options.gatewayToken = token;
  if (preset !== undefined) options.preset = preset;
  if (use(acks)) options.acks = acks.value === "all" ? "all" : acks.value === "1" ? 1 : 0;
  if (use(linger)) options.lingerMs = intValue(linger, "linger ms", 0, 900_000);
  if (use(batch)) options.batchBytes = intValue(batch, "batch bytes", 0, 2 ** 31 - 1);
  if (use(idempotent)) options.idempotent = idempotent.checked;

  const codecName = use(compression)
    ? compression.value
    : (PRESETS[preset as PresetName].compression ?? "none");
  if (isCodecName(codecName)) options.compression = await loadCodec(codecName);

  const summary = [
    preset === undefined ? "" : `preset ${preset}`,
    `compression ${codecName}`,
    options.acks === undefined ? "" : `acks ${options.acks}`,
    options.lingerMs === undefined ? "" : `linger ${options.lingerMs} ms`,
    options.idempotent === undefined ? "" : options.idempotent ? "idempotent" : "not idempotent",
  ]
    .filter(Boolean)
    .join(", ");
  return { options, summary };
}
