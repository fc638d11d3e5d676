/**
 * `kerno playground --build DIR`: the same page as static files for any static host, with MNIST
 * and Fashion-MNIST copied from the data cache into DIR/data/ (checked against its SHA-256 on the way) and a
 * `_headers` file that gives the page cross-origin isolation on hosts that read one (Netlify,
 * Cloudflare Pages). Elsewhere the page still runs, on one thread, and says so.
 */
import { mkdirSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { FASHION_MNIST_FILES, idxFiles, MNIST_FILES } from "@kerno/core/data/idx.js";
import { sha256 } from "@kerno/node/data/cache.js";
import { resolveInside, writeAtomic } from "@kerno/node/util/files.js";
import { type PageFile, playgroundFiles } from "./files.js";
import { ISOLATION, PAGE_CSP } from "./server.js";

export interface BuildResult {
  dir: string;
  files: string[];
  /** Data files that were not in the cache (the page cannot load MNIST without them). */
  missingData: string[];
}

/** Netlify's and Cloudflare Pages' _headers: isolation and nosniff everywhere, the page's CSP on the page. */
function headersFile(): string {
  const block = (path: string, headers: Record<string, unknown>) =>
    `${path}\n${Object.entries(headers)
      .map(([k, v]) => `  ${k}: ${v}\n`)
      .join("")}`;
  const page = { "content-security-policy": PAGE_CSP, "x-frame-options": "DENY" };
  return [block("/*", { ...ISOLATION, "x-content-type-options": "nosniff" }), block("/", page), block("/index.html", page)].join("");
}

export async function buildPlayground(outDir: string, dataDir: string, files?: Map<string, PageFile>): Promise<BuildResult> {
  const dir = resolve(outDir);
  const written: string[] = [];
  const put = (rel: string, body: Uint8Array | string) => {
    const path = join(dir, rel);
    mkdirSync(dirname(path), { recursive: true });
    writeAtomic(path, body);
    written.push(rel);
  };
  for (const [rel, file] of files ?? (await playgroundFiles())) put(rel, file.body);
  put("_headers", headersFile());
  const missingData: string[] = [];
  for (const file of [MNIST_FILES, FASHION_MNIST_FILES].flatMap(idxFiles)) {
    const real = resolveInside(dataDir, file.path);
    if (!real) {
      missingData.push(file.path);
      continue;
    }
    const bytes = readFileSync(real);
    const got = sha256(bytes);
    if (got !== file.sha256) throw new Error(`kerno playground --build: ${real}: SHA-256 ${got}, expected ${file.sha256} (a damaged file in the data cache)`);
    put(`data/${file.path}`, bytes);
  }
  return { dir, files: written, missingData };
}
