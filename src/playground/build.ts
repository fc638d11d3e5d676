/**
 * `kerno playground --build DIR`: the same page as static files for any static host, with MNIST
 * copied from the data cache into DIR/data/ (checked against its SHA-256 on the way) and a
 * `_headers` file that gives the page cross-origin isolation on hosts that read one (Netlify,
 * Cloudflare Pages). Elsewhere the page still runs, on one thread, and says so.
 */
import { mkdirSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { MNIST_FILES } from "@kerno/core/data/idx.js";
import { sha256 } from "@kerno/node/data/cache.js";
import { resolveInside, writeAtomic } from "@kerno/node/util/files.js";
import { type PageFile, playgroundFiles } from "./files.js";
import { ISOLATION } from "./server.js";

export interface BuildResult {
  dir: string;
  files: string[];
  /** Data files that were not in the cache (the page cannot load MNIST without them). */
  missingData: string[];
}

function headersFile(): string {
  return `/*\n${Object.entries(ISOLATION)
    .map(([k, v]) => `  ${k}: ${v}`)
    .join("\n")}\n`;
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
  for (const split of [MNIST_FILES.train, MNIST_FILES.test]) {
    for (const [name, sha] of [
      [split.images, split.imagesSha],
      [split.labels, split.labelsSha],
    ]) {
      const rel = `${MNIST_FILES.dir}/${name}`;
      const real = resolveInside(dataDir, rel);
      if (!real) {
        missingData.push(rel);
        continue;
      }
      const bytes = readFileSync(real);
      if (sha256(bytes) !== sha)
        throw new Error(`kerno playground --build: ${real}: SHA-256 ${sha256(bytes)}, expected ${sha} (a damaged file in the data cache)`);
      put(`data/${rel}`, bytes);
    }
  }
  return { dir, files: written, missingData };
}
