import assert from "node:assert/strict";
import { join, relative, sep } from "node:path";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

/**
 * Our sentence per Kafka error code is installed by the Node, Deno and Bun entries and left out
 * of the browser and Worker entries (a browser app opts in with one call). The order of the
 * tests matters: the description table is process-wide, and node:test runs each file in its own
 * process, so the browser entry is looked at before any other entry is imported. The bundle
 * checks also guard the other size cuts a browser app relies on (issue 9's budget).
 */

const repoRoot = fileURLToPath(new URL("../../../", import.meta.url));
const MESSAGES = "packages/protocol/src/error-messages.ts";

describe("Kafka error descriptions per entry", () => {
  it("the browser entry: a KafkaError names the code, its number and Kafka's page", async () => {
    const web = await import("../src/index.js");
    const err = new web.KafkaError(10, { topic: "t" });
    assert.equal(err.code, "MESSAGE_TOO_LARGE");
    assert.equal(err.retriable, false);
    assert.equal(
      err.message,
      "Kafka error MESSAGE_TOO_LARGE (code 10); its meaning: " +
        "https://kafka.apache.org/protocol#protocol_error_codes " +
        '(useErrorDescriptions(errorMessages) puts ours here) [topic "t"]',
    );
  });

  it("the browser entry's opt-in, useErrorDescriptions(errorMessages), gives our sentences", async () => {
    const web = await import("../src/index.js");
    web.useErrorDescriptions(web.errorMessages);
    try {
      assert.equal(new web.KafkaError(10).message, web.errorMessages.MESSAGE_TOO_LARGE);
    } finally {
      web.useErrorDescriptions(undefined);
    }
    assert.match(new web.KafkaError(10).message, /^Kafka error MESSAGE_TOO_LARGE \(code 10\)/);
  });

  for (const entry of ["node", "deno", "bun"] as const) {
    it(`the ${entry} entry installs our sentences when it is imported`, async () => {
      const web = await import("../src/index.js");
      web.useErrorDescriptions(undefined);
      // Each entry is imported here for the first time, so its top-level call runs now.
      const mod = await import(`../src/${entry}.js`);
      const err = new mod.KafkaError(10);
      assert.equal(err.message, mod.errorMessages.MESSAGE_TOO_LARGE);
      assert.ok(err.message.includes("max.message.bytes"), "our sentence, not the short form");
    });
  }
});

/** The source files with code in an app's bundle (after tree shaking), relative to the repository. */
async function bundleInputs(app: string, conditions: string[], platform: "browser" | "node") {
  return (await bundle(app, conditions, platform)).inputs;
}

async function bundle(app: string, conditions: string[], platform: "browser" | "node") {
  const result = await build({
    stdin: { contents: app, resolveDir: repoRoot, loader: "ts", sourcefile: "app.ts" },
    bundle: true,
    write: false,
    outdir: "out",
    format: "esm",
    platform,
    absWorkingDir: repoRoot,
    conditions,
    metafile: true,
    logLevel: "silent",
    external: ["cloudflare:*", "*.wasm", "node:*"],
  });
  const inputs = Object.values(result.metafile.outputs)
    .flatMap((out) => Object.entries(out.inputs))
    .filter(([, input]) => input.bytesInOutput > 0)
    .map(([p]) => relative(repoRoot, join(repoRoot, p)).split(sep).join("/"));
  return { inputs, text: result.outputFiles.map((f) => f.text).join("\n") };
}

describe("what an app bundle holds", () => {
  const app =
    'import { createProducer } from "@tributary/producer";\n' +
    'export const p = createProducer({ bootstrap: "ws://127.0.0.1:1" });\n';

  it("a browser or Worker app's bundle leaves them out", async () => {
    for (const conditions of [
      ["browser", "source"],
      ["workerd", "worker", "browser", "source"],
    ]) {
      const inputs = await bundleInputs(app, conditions, "browser");
      assert.ok(inputs.includes("packages/protocol/src/error-codes.ts"), "the names are in");
      assert.ok(!inputs.includes(MESSAGES), `${conditions[0]}: ${MESSAGES} is not in it`);
    }
  });

  it("a browser app's bundle also leaves out the codecs' server halves, Reader's and Writer's extras, and SASL", async () => {
    // Not minified, so method and function names are still there to look for.
    const { text } = await bundle(app, ["browser", "source"], "browser");
    assert.match(text, /writeRequest/);
    assert.match(text, /readResponse/);
    // SASL belongs to the gateway in a browser: no handshake codec, no SCRAM key derivation.
    for (const absent of [
      "writeResponse",
      "readRequest",
      "varlongAsNumber",
      "setUint32At",
      "SaslAuthenticateApi",
      "SaslHandshakeApi",
      "deriveBits",
    ]) {
      assert.ok(!text.includes(absent), `${absent} is in the bundle`);
    }
  });

  it("a browser app that opts in has them; a Node app has them without asking", async () => {
    const optIn =
      'import { errorMessages, useErrorDescriptions } from "@tributary/producer";\n' +
      `useErrorDescriptions(errorMessages);\n${app}`;
    assert.ok((await bundleInputs(optIn, ["browser", "source"], "browser")).includes(MESSAGES));
    assert.ok((await bundleInputs(app, ["node", "source"], "node")).includes(MESSAGES));
  });
});
