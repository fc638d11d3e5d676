/** `kerno bench`: runs the repository's benchmark (bench/run.ts) in a child process. */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parse } from "./args.js";

export function runBenchCommand(argv: string[]): number {
  // bench/run.ts reads its arguments as they are: pass it the parsed ones in its forms
  const { positionals, flags } = parse("bench", argv);
  const args = [...positionals, ...(flags.json ? ["--json"] : []), ...(flags.save ? ["--save"] : [])];
  if (typeof flags.seconds === "string") args.push("--seconds", flags.seconds);
  const script = fileURLToPath(new URL("../../bench/run.ts", import.meta.url));
  const tsx = resolveTsx();
  if (!existsSync(script) || !tsx) {
    process.stderr.write(
      "kerno bench: the benchmark runs from a checkout of kerno's repository (bench/run.ts through tsx, a dev dependency); an installed package has neither\n",
    );
    return 1;
  }
  // tsx resolved from kerno's own dev dependencies and the package root as the working folder, so
  // that the bench runs the same from any folder (its workers are spawned with paths from the root);
  // the workspace packages resolved to their sources (the "kerno-source" condition)
  const root = fileURLToPath(new URL("../../", import.meta.url));
  const r = spawnSync(process.execPath, ["--conditions=kerno-source", "--import", tsx, script, ...args], { stdio: "inherit", cwd: root });
  return r.status ?? 1;
}

function resolveTsx(): string | null {
  try {
    return import.meta.resolve("tsx");
  } catch {
    return null;
  }
}
