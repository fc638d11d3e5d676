#!/usr/bin/env node
// The kerno command. Runs the TypeScript sources through tsx when they are present (a git
// checkout), otherwise the compiled dist/ (an installed package).
import { existsSync } from "node:fs";

const src = new URL("../src/cli/main.ts", import.meta.url);
const dist = new URL("../dist/cli/main.js", import.meta.url);
if (existsSync(src)) {
  const { register } = await import("tsx/esm/api");
  register();
  await import(src.href);
} else {
  await import(dist.href);
}
