/**
 * The data cache: files live under KERNO_DATA_DIR (default ~/.kerno/datasets), in one folder
 * per data set. A missing file is downloaded from its canonical mirrors with a progress line,
 * checked against its sha256, and only then moved into place (temporary file, then rename), so
 * the cache never holds a partial or corrupt file. A corrupt cached file is reported, not used.
 */
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, join } from "node:path";

export interface RemoteFile {
  /** Path inside the data directory, e.g. mnist/train-images-idx3-ubyte.gz. */
  path: string;
  /** The expected sha256, or md5 (Keras's file_hash for its weight files); null when none is published. */
  sha256?: string;
  md5?: string | null;
  /** Full URLs, tried in order. */
  urls: string[];
}

/** The file's published hash and the hash of `bytes` by the same algorithm (null: nothing to check). */
function checksum(file: RemoteFile, bytes: Uint8Array): { algorithm: string; got: string; want: string } | null {
  if (file.sha256) return { algorithm: "sha256", got: sha256(bytes), want: file.sha256 };
  if (file.md5) return { algorithm: "md5", got: createHash("md5").update(bytes).digest("hex"), want: file.md5 };
  return null;
}

export function dataDir(): string {
  const env = process.env.KERNO_DATA_DIR;
  return env?.trim() ? env : join(homedir(), ".kerno", "datasets");
}

export function sha256(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

export class ChecksumError extends Error {}

/** A file that is not in the data cache, asked for with `download: false`. */
export class NotCachedError extends Error {
  constructor(
    readonly local: string,
    readonly url: string,
  ) {
    super(`${local} is not in the data cache (download it from ${url}, or let kerno download it)`);
  }
}

async function download(url: string, log: (s: string) => void): Promise<Uint8Array> {
  const response = await fetch(url);
  if (!response.ok || !response.body) throw new Error(`HTTP ${response.status} ${response.statusText}`);
  const total = Number(response.headers.get("content-length") ?? 0);
  const chunks: Uint8Array[] = [];
  let received = 0,
    lastShown = 0;
  for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
    chunks.push(chunk);
    received += chunk.length;
    if (Date.now() - lastShown > 250) {
      lastShown = Date.now();
      log(total ? `\r  ${url}: ${((100 * received) / total).toFixed(0)}% of ${(total / 1e6).toFixed(1)} MB` : `\r  ${url}: ${(received / 1e6).toFixed(1)} MB`);
    }
  }
  log(`\r  ${url}: ${(received / 1e6).toFixed(1)} MB\n`);
  const out = new Uint8Array(received);
  let pos = 0;
  for (const c of chunks) {
    out.set(c, pos);
    pos += c.length;
  }
  return out;
}

export interface CacheOptions {
  log?: (s: string) => void;
  /** false: a missing file is a NotCachedError instead of a download. */
  download?: boolean;
}

/**
 * The bytes of a cached file, downloading it first when missing. Throws ChecksumError (naming
 * the file and both hashes) when the cached copy is corrupt or truncated; the cache is left as
 * it was.
 */
export async function fetchCached(file: RemoteFile, options: CacheOptions = {}): Promise<Uint8Array> {
  const log = options.log ?? ((s: string) => process.stderr.write(s));
  const local = join(dataDir(), file.path);
  if (existsSync(local)) {
    const bytes = readFileSync(local);
    const c = checksum(file, bytes);
    if (c && c.got !== c.want) {
      throw new ChecksumError(
        `${local}: checksum mismatch (${c.algorithm} ${c.got}, expected ${c.want}); the file is corrupt or truncated. Delete it to download it again.`,
      );
    }
    return bytes;
  }
  if (options.download === false) throw new NotCachedError(local, file.urls[0]);
  const errors: string[] = [];
  for (const url of file.urls) {
    try {
      log(`Downloading ${file.path}\n`);
      const bytes = await download(url, log);
      const c = checksum(file, bytes);
      if (c && c.got !== c.want) throw new ChecksumError(`checksum mismatch (${c.algorithm} ${c.got}, expected ${c.want})`);
      mkdirSync(dirname(local), { recursive: true });
      const tmp = `${local}.${process.pid}.download`;
      try {
        writeFileSync(tmp, bytes);
        renameSync(tmp, local);
      } finally {
        rmSync(tmp, { force: true });
      }
      return bytes;
    } catch (err) {
      errors.push(`${url}: ${(err as Error).message}`);
    }
  }
  throw new Error(
    `cannot get ${file.path}: not in ${dataDir()} and every download failed:\n  ${errors.join("\n  ")}\n` +
      `Offline, download ${file.urls[0]} elsewhere and put it at ${local} (or set KERNO_DATA_DIR to a folder holding ${file.path}).`,
  );
}

/** The local path of a cached file, downloaded and checked first when missing (see fetchCached). */
export async function cachedPath(file: RemoteFile, options: CacheOptions = {}): Promise<string> {
  await fetchCached(file, options);
  return join(dataDir(), file.path);
}
