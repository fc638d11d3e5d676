#!/usr/bin/env node
// Builds the WebAssembly kernels with Emscripten (build/kerno-kernels.mjs and .wasm for browsers,
// build/kerno-kernels-threads.cjs, .wasm and .worker.js for Node): the kernel
// sources @kerno/node's binding.gyp lists (one list for both targets; its Node-API module left
// out) and native/entry.cc, with 128-bit SIMD. Run when the package is packed and by CI; nothing
// is compiled at a user's install. Needs emcc (Debian: apt-get install emscripten node-acorn).
import { spawnSync } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync, renameSync } from "node:fs";
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
const exported = ["_malloc", "_free", "_kerno_call", "_kerno_error", "_kerno_entries", "_kerno_threads"];

// Two builds of the same sources: for browsers (an ES module, one thread: threads there need
// cross-origin isolation) and for Node (threads on worker_threads, a CommonJS module: this
// Emscripten's ES module output does not run in Node).
const VARIANTS = [
  { name: "kerno-kernels", ext: "mjs", compile: [], link: ["-sEXPORT_ES6", "-sENVIRONMENT=web"] },
  {
    name: "kerno-kernels-threads",
    ext: "cjs",
    compile: ["-pthread"],
    link: ["-pthread", "-sENVIRONMENT=node,worker", '-sPTHREAD_POOL_SIZE=require("os").cpus().length', "-sEXPORTED_RUNTIME_METHODS=UTF8ToString,PThread"],
  },
];
const only = process.argv.slice(2);
for (const v of VARIANTS.filter((v) => only.length === 0 || only.includes(v.name))) {
  const objDir = join(out, "obj", v.name);
  const tmp = join(out, "tmp", v.name);
  mkdirSync(objDir, { recursive: true });
  mkdirSync(tmp, { recursive: true });
  const objects = [];
  for (const src of sources) {
    const obj = join(objDir, `${basename(src, ".cc")}.o`);
    const r = emcc([...flags, ...v.compile, "-c", src, "-o", obj]);
    if (r.status !== 0) process.exit(r.status ?? 1);
    objects.push(obj);
  }
  const link = [
    ...objects,
    "-O3",
    "-msimd128",
    "-o",
    join(tmp, `${v.name}.${v.ext}`),
    "-sMODULARIZE",
    "-sEXPORT_NAME=createKernoKernels",
    "-sALLOW_MEMORY_GROWTH",
    "-sMAXIMUM_MEMORY=4GB",
    "-sFILESYSTEM=0",
    `-sEXPORTED_FUNCTIONS=${exported.join(",")}`,
    "-sEXPORTED_RUNTIME_METHODS=UTF8ToString",
    ...v.link,
  ];
  const r = emcc(link);
  if (r.status !== 0) process.exit(r.status ?? 1);
  // into place once linked, so that a failed build leaves the last good one; the threads' worker
  // script is CommonJS, in a package of ES modules (the loader's locateFile asks for the .cjs)
  for (const file of readdirSync(tmp)) renameSync(join(tmp, file), join(out, file.replace(/\.worker\.js$/, ".worker.cjs")));
  console.log(`build-wasm: ${join(out, `${v.name}.wasm`)}`);
}
