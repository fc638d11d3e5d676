#!/usr/bin/env node
// Builds the native addon with node-gyp during `npm install`, from the repo's own sources with
// the machine's compiler. If the build fails, kerno still works on its TypeScript backend, so
// the install succeeds with a warning (set KERNO_REQUIRE_NATIVE=1 to make it fail instead).
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";

function nodeGyp() {
  const candidates = [
    process.env.npm_config_node_gyp,
    join(dirname(process.execPath), "../lib/node_modules/npm/node_modules/node-gyp/bin/node-gyp.js"),
    join(dirname(process.execPath), "node_modules/npm/node_modules/node-gyp/bin/node-gyp.js"),
  ];
  return candidates.find((p) => p && existsSync(p));
}

if (process.env.KERNO_SKIP_NATIVE === "1") {
  console.log("kerno: KERNO_SKIP_NATIVE=1, not building the native addon");
  process.exit(0);
}
/**
 * The running Node's own headers (Debian's nodejs and Node's release archives install them beside
 * the binary, in <prefix>/include/node): node-gyp otherwise downloads them, which fails offline
 * and wherever HOME holds no cache.
 */
function localNodedir() {
  if (process.env.npm_config_nodedir) return null;
  const prefix = join(dirname(process.execPath), "..");
  return existsSync(join(prefix, "include", "node", "common.gypi")) && existsSync(join(prefix, "include", "node", "node_api.h")) ? prefix : null;
}

const gyp = nodeGyp();
const nodedir = localNodedir();
const result = gyp
  ? spawnSync(process.execPath, [gyp, "rebuild", "-j", "max", ...(nodedir ? [`--nodedir=${nodedir}`] : [])], { stdio: "inherit" })
  : { status: 1, error: new Error("node-gyp not found (it ships with npm)") };
if (result.status === 0) {
  console.log("kerno: native addon built (build/Release/kerno.node)");
} else {
  const why = result.error ? result.error.message : `node-gyp exited with ${result.status}`;
  console.warn(`kerno: could not build the native addon (${why}); kerno will use its TypeScript backend.`);
  if (process.env.KERNO_REQUIRE_NATIVE === "1") process.exit(1);
}
