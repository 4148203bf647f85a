#!/usr/bin/env node
// @ts-check
// `npm run kafka -- <command>`: start, stop, status, consume, fetch. See --help.
import { parseArgs, USAGE, UsageError } from "./args.mjs";
import { describeStatus, start, stop } from "./cluster.mjs";
import { ensureJars } from "./fetch.mjs";
import { consume } from "./tools.mjs";

// A closed pipe (`… | head`) must not kill a start or stop halfway.
process.stdout.on("error", (/** @type {NodeJS.ErrnoException} */ err) => {
  if (err.code !== "EPIPE") throw err;
});

async function main() {
  const cmd = parseArgs(process.argv.slice(2));
  switch (cmd.command) {
    case "help":
      console.log(USAGE);
      return;
    case "start":
      await start({ nodes: cmd.nodes, sasl: cmd.sasl });
      return;
    case "stop":
      await stop({ which: cmd.which });
      return;
    case "status":
      console.log(await describeStatus());
      return;
    case "fetch": {
      const r = await ensureJars();
      if (!r.downloaded) console.log(`Kafka jars are already in place (${r.jars} jars).`);
      return;
    }
    case "consume": {
      const records = await consume(cmd.topic, {
        max: cmd.max,
        timeoutMs: cmd.timeoutMs,
        bootstrap: cmd.bootstrap,
        onLine: (line) => process.stdout.write(`${line}\n`),
      });
      const why =
        cmd.max !== undefined && records.length >= cmd.max
          ? `reached --max ${cmd.max}`
          : `no record for ${cmd.timeoutMs} ms`;
      console.error(`${records.length} record(s) from ${cmd.topic}; stopped: ${why}`);
      return;
    }
  }
}

main().catch((/** @type {unknown} */ err) => {
  if (err instanceof UsageError) {
    console.error(`error: ${err.message}\n\n${USAGE}`);
    process.exit(2);
  }
  console.error(`error: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
