/**
 * The browser section's server: a fixed set of files held in memory, served from 127.0.0.1, by
 * default with the headers that make the page cross-origin isolated (COOP same-origin, COEP
 * require-corp), so that SharedArrayBuffer and the engines' threads are available; without them
 * for the one-thread comparison. No path from a request reaches the file system; a request for
 * another Host, another method or an unknown path gets a 4xx.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { typeOf } from "../../src/playground/files.js";
import { ISOLATION } from "../../src/playground/server.js";

export interface Served {
  type: string;
  body: string | Uint8Array;
}

/** The playground's isolation headers (src/playground/server.ts), the same for the bench's pages. */
export const ISOLATION_HEADERS = ISOLATION as Record<string, string>;

/** The plain files directly in `dir` whose names pass `keep`, as paths under `prefix` (which ends in /). */
export function folderFiles(dir: string, prefix: string, keep: (name: string) => boolean = () => true): Map<string, Served> {
  const out = new Map<string, Served>();
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (keep(name) && statSync(path).isFile()) out.set(prefix + name, { type: typeOf(name), body: readFileSync(path) });
  }
  return out;
}

export interface Answer {
  status: number;
  headers: Record<string, string>;
  body: string | Uint8Array;
}

/** The answer to one request, given the Host the server listens as (127.0.0.1:port). */
export function answer(files: ReadonlyMap<string, Served>, req: { method?: string; url?: string; host?: string }, host: string, isolated = true): Answer {
  const isolation = isolated ? ISOLATION_HEADERS : {};
  const plain = (status: number, text: string): Answer => ({ status, headers: { "content-type": "text/plain; charset=utf-8", ...isolation }, body: text });
  if (req.host !== host) return plain(421, `this server answers for ${host} only`);
  if (req.method !== "GET" && req.method !== "HEAD") return plain(405, "GET or HEAD only");
  let path: string;
  try {
    path = new URL(req.url ?? "", `http://${host}`).pathname;
  } catch {
    return plain(400, "malformed URL");
  }
  const file = files.get(path);
  if (!file) return plain(404, "not found");
  return {
    status: 200,
    headers: { "content-type": file.type, "cache-control": "no-store", ...isolation },
    body: req.method === "HEAD" ? "" : file.body,
  };
}

/** Serves `files` on 127.0.0.1 at a free port until close() is called, cross-origin isolated unless told otherwise. */
export async function serve(files: ReadonlyMap<string, Served>, { isolated = true } = {}): Promise<{ origin: string; close: () => Promise<void> }> {
  let host = "";
  const server = createServer((req, res) => {
    const a = answer(files, { method: req.method, url: req.url, host: req.headers.host }, host, isolated);
    res.writeHead(a.status, a.headers).end(a.body);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { origin: `http://${host}`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}
