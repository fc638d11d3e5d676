/**
 * Lists the import cycles of the workspace's sources (scripts/import-graph.ts): between the top-level folders of each package and between files, with the file
 * edges that close each folder cycle. `node --import tsx scripts/import-cycles.ts` reads the working
 * tree; `--rev REV` reads a commit instead (`--rev HEAD`), through git. Exits 1 when folders or files
 * form a cycle at run time (a cycle made only by type imports between files of one folder is listed).
 */
import { execFileSync } from "node:child_process";
import { parseArgs } from "node:util";
import { importCycles, PACKAGE_SOURCES, readSources, repositoryRoot, type Sources } from "./import-graph.js";

function sourcesAt(rev: string): Sources {
  const git = (...args: string[]) => execFileSync("git", args, { cwd: repositoryRoot, encoding: "utf8", maxBuffer: 1 << 28 });
  const sources: Sources = new Map();
  for (const path of git("ls-tree", "-r", "--name-only", rev, "--", ...PACKAGE_SOURCES).split("\n")) {
    if (/\.(ts|mts|mjs|js)$/.test(path) && !path.endsWith(".d.ts")) sources.set(path, git("show", `${rev}:${path}`));
  }
  return sources;
}

const { values } = parseArgs({ options: { rev: { type: "string" } } });
const sources = values.rev ? sourcesAt(values.rev) : readSources(repositoryRoot);
const { files, folders, crossing } = importCycles(sources);
const runTime = importCycles(sources, undefined, { runTimeOnly: true }).files;

console.log(`${sources.size} files${values.rev ? ` at ${values.rev}` : ""}`);
console.log(`\nfolder-level cycles: ${folders.length}`);
for (const c of folders) console.log(`  ${c.join(" <-> ")}`);
if (crossing.length > 0) {
  console.log("\nfile edges inside those folder cycles:");
  for (const e of crossing) console.log(`  ${e.from} -> ${e.to}${e.kind === "value" ? "" : ` (${e.kind})`}`);
}
console.log(`\nfile-level cycles at run time: ${runTime.length}`);
for (const c of runTime) console.log(`  ${c.length} files: ${c.join(", ")}`);
console.log(`\nfile-level cycles, type-only imports included: ${files.length}`);
for (const c of files) console.log(`  ${c.length} files: ${c.join(", ")}`);
process.exit(runTime.length + folders.length > 0 ? 1 : 0);
