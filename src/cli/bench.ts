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
  const r = spawnSync(process.execPath, ["--import", "tsx", script, ...args], { stdio: "inherit" });
  return r.status ?? 1;
}
