/**
 * `kerno playground`: the course page served on 127.0.0.1 (src/playground/files.ts gives its
 * files) with the headers that make it cross-origin isolated (COOP same-origin, COEP
 * require-corp), so that WebAssembly threads can run, and the data cache read-only under /data/.
 * The dashboard's rules hold: the Host header is checked, only GET is answered, of the data cache
 * only the files the page reads are served (MNIST's and Fashion-MNIST's IDX files, their real
 * paths inside the cache), and a bad request gets a 4xx, never a crash.
 */
import type { OutgoingHttpHeaders, Server } from "node:http";
import { FASHION_MNIST_FILES, idxFiles, MNIST_FILES } from "@kerno/core/data/idx.js";
import { resolveInside } from "@kerno/node/util/files.js";
import { createGuardedServer, type HttpLimits, listen, requestPath, send, serveFile, textError } from "../util/http.js";
import { type PageFile, playgroundFiles } from "./files.js";

/** Cross-origin isolation: SharedArrayBuffer, so WebAssembly threads, for the page. */
export const ISOLATION: OutgoingHttpHeaders = {
  "cross-origin-opener-policy": "same-origin",
  "cross-origin-embedder-policy": "require-corp",
  "cross-origin-resource-policy": "same-origin",
};
export const PAGE_CSP =
  "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; worker-src 'self'; style-src 'self'; img-src 'self' data: blob:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
/** A cached file is data, never a page: a browser that opens one on its own runs nothing. */
const DATA_CSP = "default-src 'none'; sandbox";

export interface PlaygroundOptions {
  /** The data cache served under /data/ (read-only). */
  dataDir: string;
  port?: number;
  host?: string;
  limits?: HttpLimits;
  /** The page's files (default: playgroundFiles()). */
  files?: Map<string, PageFile>;
}

/** The data cache's files the page reads: the IDX files of MNIST and Fashion-MNIST, nothing else of the cache. */
export const PAGE_DATA = new Set([MNIST_FILES, FASHION_MNIST_FILES].flatMap((set) => idxFiles(set).map((f) => f.path)));

/** The real path of a file the page reads, named by a URL path below /data/, or null: one of PAGE_DATA, inside the cache. */
export function dataFile(dataDir: string, rest: string): string | null {
  return PAGE_DATA.has(rest) ? resolveInside(dataDir, rest) : null;
}

export async function createPlayground(options: PlaygroundOptions): Promise<Server> {
  const files = options.files ?? (await playgroundFiles());
  return createGuardedServer(
    (req, res) => {
      const path = requestPath(req);
      if (path === null) return send(res, 400, "bad request path: expected /... with valid percent escapes", ISOLATION);
      if (req.method !== "GET") return send(res, 405, `${path.slice(0, 200)}: method ${req.method} not allowed, only GET`, { ...ISOLATION, allow: "GET" });
      const missing = () => send(res, 404, `not found: ${path.slice(0, 200)}`, ISOLATION);
      const own = files.get(path === "/" ? "index.html" : path.slice(1));
      if (own) {
        const csp = own.type.startsWith("text/html") ? { "content-security-policy": PAGE_CSP } : {};
        return send(res, 200, Buffer.from(own.body.buffer, own.body.byteOffset, own.body.byteLength), { ...ISOLATION, ...csp, "content-type": own.type });
      }
      if (path.startsWith("/data/")) {
        const real = dataFile(options.dataDir, path.slice("/data/".length));
        return real
          ? serveFile(res, real, { ...ISOLATION, "content-type": "application/octet-stream", "content-security-policy": DATA_CSP }, missing)
          : missing();
      }
      return missing();
    },
    { ...options.limits, refuse: textError, name: "kerno playground" },
  );
}

/** Starts the playground; resolves with its URL once it listens. */
export async function startPlayground(options: PlaygroundOptions): Promise<{ server: Server; url: string }> {
  const server = await createPlayground(options);
  const url = await listen(server, options.port ?? 6008, options.host ?? "127.0.0.1", "kerno playground");
  return { server, url };
}
