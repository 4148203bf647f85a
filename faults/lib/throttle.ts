/**
 * Kafka client quotas for one client id, set and removed with Kafka's own ConfigCommand
 * (kafka-configs.sh; `kafka.admin.ConfigCommand` in 4.1.1), so a test can make a real broker
 * throttle one producer and nobody else.
 *
 * A broker over a producer's `producer_byte_rate` still answers each Produce request at once, but
 * with throttle_time_ms set, and then stops reading that connection for that long (KIP-219,
 * https://cwiki.apache.org/confluence/display/KAFKA/KIP-219+-+Improve+quota+communication), so
 * the client's requests queue up behind it whether or not the client honours the field. Quotas
 * are measured over `quota.window.num` (11) windows of `quota.window.size.seconds` (1 s):
 * https://kafka.apache.org/documentation/#design_quotas
 */
import { runTool } from "../../scripts/kafka/java.mjs";

const CONFIG_COMMAND = "kafka.admin.ConfigCommand";
const TOOL_TIMEOUT_MS = 60_000;

/** Kafka client ids the quota tooling accepts here: the topic-name alphabet, no wildcards. */
const CLIENT_ID = /^[A-Za-z0-9._-]{1,200}$/;

function requireClientId(clientId: string): void {
  if (!CLIENT_ID.test(clientId)) {
    throw new RangeError(
      `clientId must be 1-200 of A-Z a-z 0-9 . _ - (one client, not a default or pattern); received ${JSON.stringify(clientId)}`,
    );
  }
}

async function configCommand(what: string, args: string[]): Promise<string> {
  const r = await runTool(CONFIG_COMMAND, args, { timeoutMs: TOOL_TIMEOUT_MS });
  if (r.code !== 0 || r.timedOut) {
    const why = r.timedOut ? `timed out after ${TOOL_TIMEOUT_MS / 1000} s` : `exit ${r.code}`;
    const log = `${r.stdout}\n${r.stderr}`.trim().split("\n").slice(-15).join("\n");
    throw new Error(`kafka-configs could not ${what} (${why}):\n${log}`);
  }
  return r.stdout;
}

/** The quotas the broker holds for exactly this client id, e.g. { producer_byte_rate: 3000000 }. */
export async function describeClientQuotas(
  clientId: string,
  bootstrap: string,
): Promise<Record<string, number>> {
  requireClientId(clientId);
  const out = await configCommand(`describe the quotas of client ${clientId}`, [
    "--bootstrap-server",
    bootstrap,
    "--describe",
    "--entity-type",
    "clients",
    "--entity-name",
    clientId,
  ]);
  // "Quota configs for client-id 'x' are producer_byte_rate=1000000.0, consumer_byte_rate=…"
  const quotas: Record<string, number> = {};
  const m = / are (.*)$/m.exec(out);
  for (const pair of m?.[1]?.split(",") ?? []) {
    const [k, v] = pair.trim().split("=");
    if (k && v !== undefined && Number.isFinite(Number(v))) quotas[k] = Number(v);
  }
  return quotas;
}

/**
 * Limits what the broker accepts from `clientId` in Produce requests to `bytesPerSecond`, and
 * returns once the broker reports the quota back (the quota is in force from then on).
 */
export async function setProducerByteRate(
  clientId: string,
  bytesPerSecond: number,
  bootstrap: string,
): Promise<void> {
  requireClientId(clientId);
  if (!Number.isInteger(bytesPerSecond) || bytesPerSecond < 1024) {
    throw new RangeError(
      `bytesPerSecond must be an integer of at least 1024; received ${bytesPerSecond}`,
    );
  }
  await configCommand(`set producer_byte_rate for client ${clientId}`, [
    "--bootstrap-server",
    bootstrap,
    "--alter",
    "--entity-type",
    "clients",
    "--entity-name",
    clientId,
    "--add-config",
    `producer_byte_rate=${bytesPerSecond}`,
  ]);
  const now = await describeClientQuotas(clientId, bootstrap);
  if (now.producer_byte_rate !== bytesPerSecond) {
    throw new Error(
      `kafka-configs set producer_byte_rate=${bytesPerSecond} for client ${clientId}, but the broker reports ${JSON.stringify(now)}`,
    );
  }
}

/**
 * Removes the producer_byte_rate quota of `clientId`; no error when it has none. Checks the
 * broker reports it gone, so a failed removal is not mistaken for a clean one.
 */
export async function removeProducerByteRate(clientId: string, bootstrap: string): Promise<void> {
  requireClientId(clientId);
  try {
    await configCommand(`remove producer_byte_rate of client ${clientId}`, [
      "--bootstrap-server",
      bootstrap,
      "--alter",
      "--entity-type",
      "clients",
      "--entity-name",
      clientId,
      "--delete-config",
      "producer_byte_rate",
    ]);
  } catch (err) {
    // Deleting a quota that is not set exits 1 ("Invalid config(s): producer_byte_rate");
    // whether it is really gone is decided by the describe below.
    const left = await describeClientQuotas(clientId, bootstrap);
    if (left.producer_byte_rate !== undefined) throw err;
    return;
  }
  const left = await describeClientQuotas(clientId, bootstrap);
  if (left.producer_byte_rate !== undefined) {
    throw new Error(
      `kafka-configs removed producer_byte_rate of client ${clientId}, but the broker still reports ${JSON.stringify(left)}`,
    );
  }
}
