/**
 * `npm run bench:readme`: replaces the benchmark table of docs/performance.md (between the
 * bench:start and bench:end comments) with the newest saved run (`npm run bench -- --save`), so
 * that the table is always a run that happened, with its machine and load.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { latestRun } from "./results.js";
import { readmeBlock } from "./table.js";

export const START = "<!-- bench:start (npm run bench:readme writes this from bench/results/) -->";
export const END = "<!-- bench:end -->";

/** The page that holds the table: the guide's performance page. */
export const TABLE_PAGE = fileURLToPath(new URL("../docs/performance.md", import.meta.url));

/** The page's text with the block between the markers replaced. */
export function withBlock(page: string, block: string): string {
  const i = page.indexOf(START),
    j = page.indexOf(END);
  if (i < 0 || j < i) throw new Error(`bench:readme: docs/performance.md needs the markers ${START} and ${END}`);
  return `${page.slice(0, i + START.length)}\n${block}\n${page.slice(j)}`;
}

/** The text between the page's markers (without the newlines beside them), or null without markers. */
export function currentBlock(page: string): string | null {
  const i = page.indexOf(START),
    j = page.indexOf(END);
  return i < 0 || j < i ? null : page.slice(i + START.length + 1, j - 1);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const latest = latestRun();
  if (!latest) throw new Error("bench:readme: no saved run under bench/results/ (run npm run bench -- --save)");
  writeFileSync(TABLE_PAGE, withBlock(readFileSync(TABLE_PAGE, "utf8"), readmeBlock(latest.run, latest.file)));
  console.log(`docs/performance.md: the table of ${latest.file}`);
}
