/**
 * Files users keep (models, checkpoints, plots, reports) are written so that a crash never leaves
 * half a file; paths that a file or a request names are resolved and kept inside their folder.
 */
import { closeSync, constants, fstatSync, fsyncSync, openSync, realpathSync, renameSync, rmSync, writeSync } from "node:fs";
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from "node:path";

/** Writes bytes (or text) to path via a temporary file in the same directory and a rename. */
export function writeAtomic(path: string, data: Uint8Array | string): void {
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${Date.now()}.tmp`);
  try {
    const fd = openSync(tmp, "w");
    try {
      writeSync(fd, typeof data === "string" ? Buffer.from(data) : data);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
}

/**
 * The real path of `name` (relative to `folder`) when it exists and lies inside `folder` once
 * every symlink on the way is followed; null otherwise (missing, outside, or the folder itself).
 * For names read from files and requests: a TF.js shard, a run's file.
 */
export function resolveInside(folder: string, name: string): string | null {
  let root: string, real: string;
  try {
    root = realpathSync(folder);
    real = realpathSync(resolve(root, name));
  } catch {
    return null;
  }
  const rel = relative(root, real);
  return rel !== "" && rel !== ".." && !rel.startsWith(`..${sep}`) && !isAbsolute(rel) ? real : null;
}

/**
 * Opens a file whose real path `resolveInside` gave (a run file, a cached data set): without following a link swapped in since,
 * without blocking on a FIFO, and only when it is a plain file; null otherwise. The caller closes it.
 */
export function openPlainFile(real: string): { fd: number; size: number; mtimeMs: number; ino: number } | null {
  let fd: number;
  try {
    fd = openSync(real, constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0));
  } catch {
    return null;
  }
  try {
    const st = fstatSync(fd);
    if (st.isFile()) return { fd, size: st.size, mtimeMs: st.mtimeMs, ino: st.ino };
  } catch {}
  closeSync(fd);
  return null;
}
