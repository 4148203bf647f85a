import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { createServer, request, type Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { createStaticHandler } from "../src/static.js";

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** Sends the path exactly as written (fetch and URL would normalise `..` away). */
function get(port: number, path: string, method = "GET"): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, path, method }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () =>
        resolve({
          status: res.statusCode!,
          headers: res.headers,
          body: Buffer.concat(chunks).toString(),
        }),
      );
    });
    req.on("error", reject);
    req.end();
  });
}

describe("createStaticHandler", () => {
  let base: string;
  let root: string;
  let server: Server;
  let port: number;
  const SECRET_OUTSIDE = "outside-the-root-7c1d";

  before(async () => {
    base = mkdtempSync(join(tmpdir(), "tributary-static-"));
    root = join(base, "public");
    mkdirSync(join(root, "sub"), { recursive: true });
    mkdirSync(join(root, "empty"));
    writeFileSync(join(root, "index.html"), "<h1>home</h1>");
    writeFileSync(join(root, "app.js"), "export const x = 1;");
    writeFileSync(join(root, "style.css"), "body{}");
    writeFileSync(join(root, "data.json"), "{}");
    writeFileSync(join(root, "mod.wasm"), Buffer.from([0, 97, 115, 109]));
    writeFileSync(join(root, "blob.bin"), "raw");
    writeFileSync(join(root, "a file.txt"), "spaced");
    writeFileSync(join(root, ".env"), "TOKEN=hidden");
    writeFileSync(join(root, "sub", "index.html"), "<h1>sub</h1>");
    writeFileSync(join(base, "outside.txt"), SECRET_OUTSIDE);
    symlinkSync(join(base, "outside.txt"), join(root, "link.txt"));
    symlinkSync(base, join(root, "up"));
    const handle = createStaticHandler(root);
    server = createServer((req, res) => {
      void handle(req, res).then((handled) => {
        if (!handled) {
          res.writeHead(404, { "Content-Type": "text/plain" });
          res.end("not found");
        }
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    port = (server.address() as { port: number }).port;
  });

  after(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    rmSync(base, { recursive: true, force: true });
  });

  it("serves files with their content types and nosniff", async () => {
    for (const [path, type, body] of [
      ["/app.js", "text/javascript; charset=utf-8", "export const x = 1;"],
      ["/style.css", "text/css; charset=utf-8", "body{}"],
      ["/data.json", "application/json; charset=utf-8", "{}"],
      ["/mod.wasm", "application/wasm", "\0asm"],
      ["/blob.bin", "application/octet-stream", "raw"],
      ["/a%20file.txt", "text/plain; charset=utf-8", "spaced"],
      ["/app.js?v=3", "text/javascript; charset=utf-8", "export const x = 1;"],
    ] as const) {
      const r = await get(port, path);
      assert.equal(r.status, 200, path);
      assert.equal(r.headers["content-type"], type, path);
      assert.equal(r.headers["x-content-type-options"], "nosniff", path);
      assert.equal(r.body, body, path);
      assert.equal(r.headers["content-length"], String(Buffer.byteLength(body)), path);
    }
  });

  it("serves index.html for a directory, and redirects a directory without its slash", async () => {
    const home = await get(port, "/");
    assert.equal(home.status, 200);
    assert.equal(home.body, "<h1>home</h1>");
    assert.equal(home.headers["content-type"], "text/html; charset=utf-8");
    const sub = await get(port, "/sub/");
    assert.equal(sub.body, "<h1>sub</h1>");
    const redirect = await get(port, "/sub");
    assert.equal(redirect.status, 301);
    assert.equal(redirect.headers.location, "/sub/");
  });

  it("answers 404 (returns false) for missing files and a directory without index.html", async () => {
    assert.equal((await get(port, "/nope.js")).status, 404);
    assert.equal((await get(port, "/empty/")).status, 404);
    assert.equal((await get(port, "/sub/nope/")).status, 404);
  });

  it("refuses traversal: ../, encoded dots and slashes, backslashes, absolute paths, NUL", async () => {
    for (const path of [
      "/../outside.txt",
      "/sub/../../outside.txt",
      "/%2e%2e/outside.txt",
      "/%2E%2E%2Foutside.txt",
      "/..%2foutside.txt",
      "/..%5coutside.txt",
      "/sub/..\\..\\outside.txt",
      `/${join(base, "outside.txt")}`,
      `//${join(base, "outside.txt")}`,
      "/C:%5cwindows",
      "/app.js%00.html",
      "/app.js\u0000",
      "/%",
      "/%zz",
    ]) {
      // The HTTP client refuses a raw NUL in a path; send it encoded. Backslashes go raw.
      const r = await get(port, path.split("\u0000").join("%00"));
      assert.equal(r.status, 404, path);
      assert.equal(r.body.includes(SECRET_OUTSIDE), false, path);
    }
  });

  it("does not follow symlinks out of the directory", async () => {
    for (const path of ["/link.txt", "/up/outside.txt"]) {
      const r = await get(port, path);
      assert.equal(r.status, 404, path);
      assert.equal(r.body.includes(SECRET_OUTSIDE), false);
    }
  });

  it("does not serve dotfiles", async () => {
    assert.equal((await get(port, "/.env")).status, 404);
    assert.equal((await get(port, "/%2eenv")).status, 404);
  });

  it("HEAD answers the headers without a body", async () => {
    const r = await get(port, "/app.js", "HEAD");
    assert.equal(r.status, 200);
    assert.equal(r.headers["content-length"], String(Buffer.byteLength("export const x = 1;")));
    assert.equal(r.headers["content-type"], "text/javascript; charset=utf-8");
    assert.equal(r.headers["x-content-type-options"], "nosniff");
    assert.equal(r.body, "");
  });

  it("leaves other methods to the caller", async () => {
    assert.equal((await get(port, "/app.js", "POST")).status, 404);
    assert.equal((await get(port, "/app.js", "DELETE")).status, 404);
  });

  it("refuses to start on something that is not a directory", () => {
    assert.throws(() => createStaticHandler(join(root, "app.js")), /not a directory/);
    assert.throws(() => createStaticHandler(join(root, "missing")), /ENOENT/);
  });
});
