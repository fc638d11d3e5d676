/** `kerno bench`: runs the repository's benchmark (bench/run.ts) in a child process. */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

export function runBenchCommand(args: string[]): number {
  const script = fileURLToPath(new URL("../../bench/run.ts", import.meta.url));
  if (!existsSync(script)) {
    process.stderr.write("kerno bench: the benchmark ships with the source repository (bench/run.ts was not found)\n");
    return 1;
  }
  // tsx resolved from kerno's own dependencies and the package root as the working folder, so that
  // the bench runs the same from any folder (its workers are spawned with paths from the root)
  const tsx = import.meta.resolve("tsx");
  const root = fileURLToPath(new URL("../../", import.meta.url));
  const r = spawnSync(process.execPath, ["--import", tsx, script, ...args], { stdio: "inherit", cwd: root });
  return r.status ?? 1;
}
