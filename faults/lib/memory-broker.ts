/**
 * The memory part's broker: the one at --bootstrap when it answers, else the single node
 * (scripts/kafka) started for this run only (faults/memory.ts).
 */
import { connect } from "node:net";
import { start, stop } from "../../scripts/kafka/cluster.mjs";
import { log, undoLater } from "./memory-process.js";

/** True when something accepts TCP connections at host:port within 2 s. */
function listening(hostPort: string): Promise<boolean> {
  const i = hostPort.lastIndexOf(":");
  const socket = connect({ host: hostPort.slice(0, i), port: Number(hostPort.slice(i + 1)) });
  return new Promise((resolve) => {
    const done = (open: boolean) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(open);
    };
    const timer = setTimeout(() => done(false), 2000);
    socket.once("connect", () => done(true));
    socket.once("error", () => done(false));
  });
}

/**
 * Uses the broker at `bootstrap` when one answers. When none does and it is the single node's
 * address, starts the single node (scripts/kafka) and stops it at the end; a broker someone else
 * started is never stopped.
 */
export async function ensureBroker(bootstrap: string): Promise<void> {
  if (await listening(bootstrap)) return;
  if (bootstrap !== "127.0.0.1:9092") {
    throw new Error(`no broker accepts connections at ${bootstrap}`);
  }
  log("no broker on 127.0.0.1:9092: starting the single node (stopped again at the end)");
  const r = await start({ nodes: 1, quiet: true });
  if (!r.alreadyRunning) {
    undoLater("stopped the single node", () => stop({ which: 1, quiet: true }));
  }
}
