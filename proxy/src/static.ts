/**
 * `--static <dir>`: serves the files of one directory over plain HTTP (GET and HEAD), so a demo
 * page can be served from the gateway's own origin and pass the same-origin check.
 *
 * The request path is client input, so it is read strictly: percent-decoded once, split on `/`,
 * and refused (as not found) if any segment is `..` or `.`, starts with a dot (no `.env` or
 * `.git`), holds a backslash, a NUL or a colon, or fails to decode. The file found must still lie
 * inside the directory after symlinks are resolved. Every answer carries
 * `X-Content-Type-Options: nosniff` so a browser never guesses a type the server did not send.
 */
import { createReadStream, realpathSync, statSync } from "node:fs";
import { realpath, stat } from "node:fs/promises";
import type { IncomingMessage, ServerResponse } from "node:http";
import { extname, join, sep } from "node:path";

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  ".html": "text/html; charset=utf-8",
  ".htm": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".map": "application/json; charset=utf-8",
  ".txt": "text/plain; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".jpeg": "image/jpeg",
  ".gif": "image/gif",
  ".webp": "image/webp",
  ".ico": "image/x-icon",
  ".wasm": "application/wasm",
  ".woff": "font/woff",
  ".woff2": "font/woff2",
};
const FALLBACK_TYPE = "application/octet-stream";
const INDEX = "index.html";

export type StaticHandler = (req: IncomingMessage, res: ServerResponse) => Promise<boolean>;

/**
 * A handler for the files under `dir`. Resolves true when it answered, false when the request
 * is not for it (not GET/HEAD, no such file, or a path it refuses): the caller answers 404.
 * Throws at once if `dir` is not a directory.
 */
export function createStaticHandler(dir: string): StaticHandler {
  if (!statSync(dir).isDirectory()) throw new Error(`--static: ${dir} is not a directory`);
  const root = realpathSync(dir);

  return async (req, res) => {
    if (req.method !== "GET" && req.method !== "HEAD") return false;
    const path = parsePath(req.url ?? "");
    if (path === undefined) return false;
    const { segments } = path;

    const file = await findFile(root, segments, path.trailingSlash);
    if (file === undefined) return false;
    if (file.kind === "directory") {
      // Relative links in index.html need the trailing slash; the location is rebuilt from the
      // checked segments, so it always starts with one `/` (never `//host`).
      const location = `/${segments.map(encodeURIComponent).join("/")}/`;
      res.writeHead(301, {
        Location: location,
        "Content-Length": 0,
        "X-Content-Type-Options": "nosniff",
      });
      res.end();
      return true;
    }

    res.writeHead(200, {
      "Content-Type": CONTENT_TYPES[extname(file.path).toLowerCase()] ?? FALLBACK_TYPE,
      "Content-Length": file.size,
      "X-Content-Type-Options": "nosniff",
      "Cache-Control": "no-cache",
    });
    if (req.method === "HEAD") {
      res.end();
      return true;
    }
    await new Promise<void>((resolve) => {
      const stream = createReadStream(file.path);
      stream.on("error", () => {
        res.destroy();
        resolve();
      });
      res.on("close", () => {
        stream.destroy();
        resolve();
      });
      stream.pipe(res);
    });
    return true;
  };
}

/** The decoded path segments of a request target, or undefined for a path we refuse. */
function parsePath(url: string): { segments: string[]; trailingSlash: boolean } | undefined {
  const end = url.search(/[?#]/);
  const raw = end < 0 ? url : url.slice(0, end);
  if (!raw.startsWith("/")) return undefined;
  const segments: string[] = [];
  for (const part of raw.split("/")) {
    if (part === "") continue;
    let segment: string;
    try {
      segment = decodeURIComponent(part);
    } catch {
      return undefined;
    }
    // A decoded `/` would be a segment the split did not see.
    if (segment.startsWith(".") || /[/\\:\0]/.test(segment)) return undefined;
    segments.push(segment);
  }
  return { segments, trailingSlash: raw.endsWith("/") };
}

type Found = { kind: "file"; path: string; size: number } | { kind: "directory" };

async function findFile(
  root: string,
  segments: readonly string[],
  trailingSlash: boolean,
): Promise<Found | undefined> {
  const wanted = join(root, ...segments);
  let path: string;
  try {
    path = await realpath(wanted);
  } catch {
    return undefined;
  }
  if (!inside(root, path)) return undefined; // a symlink pointing out of the directory
  let info = await stat(path).catch(() => undefined);
  if (info?.isDirectory()) {
    if (!trailingSlash) return { kind: "directory" };
    const index = join(path, INDEX);
    path = await realpath(index).catch(() => index);
    if (!inside(root, path)) return undefined;
    info = await stat(path).catch(() => undefined);
  }
  if (info === undefined || !info.isFile()) return undefined;
  return { kind: "file", path, size: info.size };
}

function inside(root: string, path: string): boolean {
  return path === root || path.startsWith(root.endsWith(sep) ? root : root + sep);
}
