import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { builtinModules } from "node:module";
import { tmpdir } from "node:os";
import { join, relative, sep } from "node:path";
import { after, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { build, type Metafile } from "esbuild";

/**
 * The browser and workerd entries bundled as an app would bundle them (esbuild, through the
 * package's `exports` conditions, with every codec imported too): no Node built-in may reach
 * either bundle (DESIGN.md: "node:* reachable from the browser or workerd entry points" is a
 * never), and each must carry the transport its runtime has, and only that one.
 */

const repoRoot = fileURLToPath(new URL("../../../", import.meta.url));

/** What an app imports: the producer and every codec, by package name. */
const APP = [
  'export * from "@tributary/producer";',
  'export { gzip } from "@tributary/codecs/gzip";',
  'export { snappy } from "@tributary/codecs/snappy";',
  'export { lz4 } from "@tributary/codecs/lz4";',
  'export { zstd } from "@tributary/codecs/zstd";',
].join("\n");

/** Node's built-in modules, bare ("net") and prefixed ("node:net"); "node:" covers the rest. */
const NODE_BUILTINS = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));

interface Bundle {
  metafile: Metafile;
  /** Source files that went in, relative to the repository, with "/" separators. */
  inputs: string[];
  /** Every import esbuild left outside the bundle, with the file that made it. */
  externals: { path: string; from: string }[];
}

async function bundle(
  entry: { contents: string; resolveDir: string },
  conditions: string[],
): Promise<Bundle> {
  const result = await build({
    stdin: { ...entry, loader: "ts", sourcefile: "app.ts" },
    bundle: true,
    write: false,
    format: "esm",
    platform: "browser",
    absWorkingDir: repoRoot,
    conditions,
    metafile: true,
    logLevel: "silent",
    // Left external so that a Node built-in shows up in the metafile instead of failing the
    // build somewhere esbuild might resolve it differently; cloudflare:* and .wasm are what
    // workerd itself provides (wrangler's module rules turn a .wasm import into a module).
    external: ["cloudflare:*", "*.wasm", "node:*", ...builtinModules],
  });
  const metafile = result.metafile;
  const externals: Bundle["externals"] = [];
  for (const [from, input] of Object.entries(metafile.inputs)) {
    for (const imp of input.imports) {
      if (imp.external) externals.push({ path: imp.path, from });
    }
  }
  const inputs = Object.keys(metafile.inputs).map((p) =>
    relative(repoRoot, join(repoRoot, p)).split(sep).join("/"),
  );
  return { metafile, inputs, externals };
}

/** The Node built-ins a bundle imports, as "<import> (from <file>)". */
function nodeBuiltinsIn(b: Bundle): string[] {
  return b.externals
    .filter((e) => e.path.startsWith("node:") || NODE_BUILTINS.has(e.path))
    .map((e) => `${e.path} (from ${e.from})`);
}

const app = { contents: APP, resolveDir: repoRoot };
const TRANSPORTS = [
  "packages/producer/src/transport/node-tcp.ts",
  "packages/producer/src/transport/deno-tcp.ts",
  "packages/producer/src/transport/bun-tcp.ts",
  "packages/producer/src/transport/workerd-tcp.ts",
];

describe("entry bundles", () => {
  const temps: string[] = [];
  after(async () => {
    await Promise.all(temps.map((d) => rm(d, { recursive: true, force: true })));
  });

  it("the check finds Node built-ins, prefixed or bare, in a bundle that has them", async () => {
    const dir = await mkdtemp(join(tmpdir(), "tributary-bundle-"));
    temps.push(dir);
    await writeFile(
      join(dir, "uses-node.ts"),
      'import { connect } from "node:net";\nimport { EventEmitter } from "events";\n' +
        "export const pieces = [connect, EventEmitter];\n",
    );
    const b = await bundle({ contents: 'export * from "./uses-node.ts";', resolveDir: dir }, [
      "browser",
      "source",
    ]);
    const found = nodeBuiltinsIn(b).map((f) => f.split(" ")[0]);
    assert.deepEqual(found.sort(), ["events", "node:net"]);
  });

  it("browser (conditions browser, source): the web entry, no Node built-in, no runtime TCP transport", async () => {
    const b = await bundle(app, ["browser", "source"]);
    assert.deepEqual(nodeBuiltinsIn(b), []);
    assert.ok(b.inputs.includes("packages/producer/src/index.ts"), "the browser entry is index.ts");
    for (const t of TRANSPORTS) assert.ok(!b.inputs.includes(t), `${t} is not in it`);
    assert.ok(!b.externals.some((e) => e.path.startsWith("cloudflare:")), "no cloudflare:* import");
    assert.ok(
      b.inputs.includes("packages/producer/src/transport/websocket.ts"),
      "the WebSocket transport, for gateways, is in it",
    );
  });

  it("workerd (conditions workerd, worker, browser, source): the workerd entry with cloudflare:sockets, no Node built-in", async () => {
    const b = await bundle(app, ["workerd", "worker", "browser", "source"]);
    assert.deepEqual(nodeBuiltinsIn(b), []);
    assert.ok(b.inputs.includes("packages/producer/src/workerd.ts"), "the workerd entry");
    assert.ok(b.inputs.includes("packages/producer/src/transport/workerd-tcp.ts"));
    assert.deepEqual(
      b.externals.filter((e) => e.path.startsWith("cloudflare:")).map((e) => e.path),
      ["cloudflare:sockets"],
    );
    for (const t of TRANSPORTS.filter((t) => !t.endsWith("workerd-tcp.ts"))) {
      assert.ok(!b.inputs.includes(t), `${t} is not in it`);
    }
    assert.ok(
      b.inputs.includes("packages/codecs/src/lz4/workerd.ts") &&
        b.inputs.includes("packages/codecs/src/zstd/workerd.ts"),
      "the codecs' workerd builds, which import their wasm as modules",
    );
  });
});
