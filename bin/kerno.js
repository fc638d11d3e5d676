#!/usr/bin/env node
// The kerno command. In a checkout (tsconfig.json beside package.json, which the published
// package leaves out) it runs the TypeScript sources through tsx, a dev dependency, with the
// workspace packages resolved to their sources; an installed package runs the compiled dist/ and
// needs no tsx.
import { existsSync } from "node:fs";
import { register as registerHooks } from "node:module";

const checkout = existsSync(new URL("../tsconfig.json", import.meta.url));
if (checkout) {
  registerHooks("../scripts/source-conditions.mjs", import.meta.url);
  const { register } = await import("tsx/esm/api");
  register();
  await import(new URL("../src/cli/main.ts", import.meta.url).href);
} else {
  await import(new URL("../dist/cli/main.js", import.meta.url).href);
}
