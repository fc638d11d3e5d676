/** A fresh temporary directory per test file, removed at exit. */
import { mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export function tempDir(prefix = "kerno-test-"): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  process.on("exit", () => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Makes a symlink, or returns false where the system refuses one (Windows without Developer Mode: EPERM). */
export function link(target: string, path: string): boolean {
  try {
    symlinkSync(target, path);
    return true;
  } catch (err) {
    if (["EPERM", "EACCES"].includes((err as NodeJS.ErrnoException).code ?? "")) return false;
    throw err;
  }
}
