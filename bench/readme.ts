/**
 * `npm run bench:readme`: replaces the README's benchmark table (between the bench:start and
 * bench:end comments) with the newest saved run (`npm run bench -- --save`), so that the table
 * is always a run that happened, with its machine and load.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { latestRun } from "./results.js";
import { readmeBlock } from "./table.js";

export const START = "<!-- bench:start (npm run bench:readme writes this from bench/results/) -->";
export const END = "<!-- bench:end -->";

/** The README text with the block between the markers replaced. */
export function withBlock(readme: string, block: string): string {
  const i = readme.indexOf(START),
    j = readme.indexOf(END);
  if (i < 0 || j < i) throw new Error(`bench:readme: the README needs the markers ${START} and ${END}`);
  return `${readme.slice(0, i + START.length)}\n${block}\n${readme.slice(j)}`;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const latest = latestRun();
  if (!latest) throw new Error("bench:readme: no saved run under bench/results/ (run npm run bench -- --save)");
  const path = fileURLToPath(new URL("../README.md", import.meta.url));
  writeFileSync(path, withBlock(readFileSync(path, "utf8"), readmeBlock(latest.run, latest.file)));
  console.log(`README.md: the table of ${latest.file}`);
}
