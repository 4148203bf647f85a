#!/usr/bin/env node
// The `tributary-proxy` command: runs the built CLI. A shim rather than dist/cli.js itself, so
// that npm links the command at install time, before the first build has made dist/.
import { existsSync } from "node:fs";

const cli = new URL("../dist/cli.js", import.meta.url);
if (!existsSync(cli)) {
  process.stderr.write(
    "tributary-proxy: not built yet; run `npm run build` in the repository first\n",
  );
  process.exit(1);
}
await import(cli.href);
