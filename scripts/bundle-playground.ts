/**
 * Writes the playground page's module, bundled for browsers, to dist/playground/app/ (run by
 * `npm run build`, so that a packed kerno carries it and needs no bundler at a user's).
 */
import { mkdirSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { writeAtomic } from "@kerno/node/util/files.js";
import { bundlePage } from "../src/playground/files.js";

const out = fileURLToPath(new URL("../dist/playground/", import.meta.url));
rmSync(join(out, "app"), { recursive: true, force: true });
const files = await bundlePage();
for (const [rel, body] of files) {
  mkdirSync(dirname(join(out, rel)), { recursive: true });
  writeAtomic(join(out, rel), body);
}
console.log(`bundle-playground: ${files.size} files in ${join(out, "app")}`);
