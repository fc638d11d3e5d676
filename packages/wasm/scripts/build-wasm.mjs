#!/usr/bin/env node
// Builds the WebAssembly kernels (build/kerno-kernels.mjs and .wasm) with Emscripten: the kernel
// sources @kerno/node's binding.gyp lists (one list for both targets; its Node-API module left
// out) and native/entry.cc, with 128-bit SIMD. Run when the package is packed and by CI; nothing
// is compiled at a user's install. Needs emcc (Debian: apt-get install emscripten node-acorn).
import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, renameSync } from "node:fs";
import { basename, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = fileURLToPath(new URL("..", import.meta.url));
const nativeDir = join(here, "..", "node", "native");
const out = join(here, "build");
const gyp = JSON.parse(readFileSync(join(here, "..", "node", "binding.gyp"), "utf8"));
const sources = gyp.targets[0].sources.filter((s) => s !== "native/addon.cc").map((s) => join(here, "..", "node", s));
sources.push(join(here, "native", "entry.cc"));

// Debian's emscripten runs its JavaScript tools with the system's node, which finds Debian's acorn here
const env = { ...process.env, NODE_PATH: [process.env.NODE_PATH, "/usr/share/nodejs"].filter(Boolean).join(":") };
const emcc = (args) => spawnSync("emcc", args, { stdio: ["ignore", "inherit", "inherit"], env });
if (spawnSync("emcc", ["--version"], { env }).status !== 0) {
  console.error("build-wasm: emcc not found (Debian/Ubuntu: apt-get install emscripten node-acorn; or an emsdk on PATH)");
  process.exit(1);
}
const flags = ["-O3", "-msimd128", "-std=c++17", "-ffp-contract=fast", "-fno-math-errno", "-fno-trapping-math", "-I", join(here, "native"), "-I", nativeDir];
mkdirSync(join(out, "obj"), { recursive: true });
mkdirSync(join(out, "tmp"), { recursive: true });
const objects = [];
for (const src of sources) {
  const obj = join(out, "obj", `${basename(src, ".cc")}.o`);
  const r = emcc([...flags, "-c", src, "-o", obj]);
  if (r.status !== 0) process.exit(r.status ?? 1);
  objects.push(obj);
}
const exported = ["_malloc", "_free", "_kerno_call", "_kerno_error", "_kerno_entries", "_kerno_threads"];
const link = [
  ...objects,
  "-O3",
  "-msimd128",
  "-o",
  join(out, "tmp", "kerno-kernels.mjs"),
  "-sMODULARIZE",
  "-sEXPORT_ES6",
  "-sEXPORT_NAME=createKernoKernels",
  "-sALLOW_MEMORY_GROWTH",
  "-sMAXIMUM_MEMORY=4GB",
  // no Node branch (the loader passes the .wasm's bytes in Node and browsers alike)
  "-sENVIRONMENT=web",
  "-sFILESYSTEM=0",
  `-sEXPORTED_FUNCTIONS=${exported.join(",")}`,
  "-sEXPORTED_RUNTIME_METHODS=UTF8ToString",
];
const r = emcc(link);
if (r.status !== 0) process.exit(r.status ?? 1);
// renamed into place together, so that a failed build leaves the last good one
renameSync(join(out, "tmp", "kerno-kernels.wasm"), join(out, "kerno-kernels.wasm"));
renameSync(join(out, "tmp", "kerno-kernels.mjs"), join(out, "kerno-kernels.mjs"));
console.log(`build-wasm: ${join(out, "kerno-kernels.wasm")}`);
