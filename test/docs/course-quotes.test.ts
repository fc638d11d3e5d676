/**
 * docs/course.md quotes the course exactly. It marks the course's own words three ways: a code
 * block whose info string ends in "course" (```python course), a "> " blockquote, and text in
 * “curly quotes”. Each such passage must appear in the transcript, whitespace aside, so editing
 * one away from the transcript fails here. CI clones have no ../shared, and this check then skips.
 */
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../../", import.meta.url));
// the course transcript beside the checkout, in the shared folder that also holds the data (scripts/data-dir.mjs)
const TRANSCRIPT = join(root, "..", "shared", "seed", "000_246163f6485c0d67.txt");
const GUIDE = join(root, "docs", "course.md");

export interface Passage {
  kind: "code" | "blockquote" | "inline";
  /** 1-based line in the markdown where the passage starts. */
  line: number;
  text: string;
}

/** Only whitespace may differ: the transcript uses tabs and odd line breaks, markdown wraps lines. */
export const normalize = (s: string): string => s.replace(/\s+/g, " ").trim();

/** Every passage the markdown marks as the course's, in order. */
export function coursePassages(markdown: string): Passage[] {
  const lines = markdown.split("\n");
  const out: Passage[] = [];
  const prose: { line: number; text: string }[] = [];
  for (let i = 0; i < lines.length; i++) {
    const fence = /^```(.*)$/.exec(lines[i]);
    if (fence) {
      const start = i;
      while (++i < lines.length && !lines[i].startsWith("```"));
      if (fence[1].trim().split(/\s+/).at(-1) === "course") out.push({ kind: "code", line: start + 1, text: lines.slice(start + 1, i).join("\n") });
      continue;
    }
    if (lines[i].startsWith(">")) {
      const start = i;
      while (i + 1 < lines.length && lines[i + 1].startsWith(">")) i++;
      const text = lines.slice(start, i + 1).map((l) => l.replace(/^> ?/, ""));
      out.push({ kind: "blockquote", line: start + 1, text: text.join("\n") });
      continue;
    }
    prose.push({ line: i + 1, text: lines[i] });
  }
  // curly quotes may wrap over lines, so they are found in the prose joined back together
  const joined = prose.map((p) => p.text).join("\n");
  const lineAt = (offset: number) => prose[joined.slice(0, offset).split("\n").length - 1].line;
  for (const m of joined.matchAll(/“([^“”]*)”/g)) out.push({ kind: "inline", line: lineAt(m.index ?? 0), text: m[1] });
  return out.sort((a, b) => a.line - b.line);
}

/** The passages that the transcript does not contain. */
export function notInTranscript(passages: Passage[], transcript: string): Passage[] {
  const haystack = normalize(transcript);
  return passages.filter((p) => !haystack.includes(normalize(p.text)));
}

test("the three markups are found, and an edited passage is reported", () => {
  const md = [
    "Intro “a quoted",
    "sentence” and `code`.",
    "",
    "```python course",
    "x = f(1)",
    "```",
    "",
    "```ts",
    "const y = 2; // “not a quote: inside a kerno block”",
    "```",
    "",
    "> first line",
    "> second line",
  ].join("\n");
  const found = coursePassages(md);
  assert.deepEqual(
    found.map((p) => [p.kind, p.line, normalize(p.text)]),
    [
      ["inline", 1, "a quoted sentence"],
      ["code", 4, "x = f(1)"],
      ["blockquote", 12, "first line second line"],
    ],
  );
  const transcript = "Intro: a quoted\tsentence.\n\nx = f(1)\n\nfirst line\n  second line";
  assert.deepEqual(notInTranscript(found, transcript), []);
  const edited = coursePassages(md.replace("x = f(1)", "x = f(2)"));
  assert.deepEqual(
    notInTranscript(edited, transcript).map((p) => p.line),
    [4],
  );
});

test("every passage docs/course.md gives as the course's is in the transcript", {
  skip: existsSync(TRANSCRIPT) ? false : `the course transcript is not beside the checkout (${TRANSCRIPT})`,
}, () => {
  const guide = readFileSync(GUIDE, "utf8");
  const passages = coursePassages(guide);
  // the convention cannot quietly disappear: each markup is in use
  for (const kind of ["code", "blockquote", "inline"] as const) {
    assert.ok(passages.filter((p) => p.kind === kind).length >= 3, `docs/course.md uses few ${kind} quotes`);
  }
  const opened = guide.match(/“/g)?.length ?? 0,
    closed = guide.match(/”/g)?.length ?? 0;
  assert.equal(opened, closed, "every “ in docs/course.md is closed by ”");
  // Python in the guide is only ever the course's, so it must be marked (and so checked)
  for (const m of guide.matchAll(/^```python(.*)$/gm)) assert.match(m[1], /\bcourse$/, `a Python block not marked as the course's: ${m[0]}`);
  const missing = notInTranscript(passages, readFileSync(TRANSCRIPT, "utf8"));
  assert.deepEqual(
    missing.map((p) => `docs/course.md:${p.line} (${p.kind}): ${normalize(p.text).slice(0, 120)}`),
    [],
    "passages marked as the course's that the transcript does not contain",
  );
});
