#!/usr/bin/env node
// Builds the WebAssembly kernels with Emscripten: the kernel sources @kerno/node's binding.gyp
// lists (one list for every target; its Node-API module left out) and native/entry.cc, with
// 128-bit SIMD, compiled twice (one thread, and with threads) and linked three ways:
//   build/kerno-kernels.mjs, .wasm                            browsers, one thread (an ES module)
//   build/kerno-kernels-threads.cjs, .wasm, .worker.cjs       Node, threads on worker_threads
//   build/kerno-kernels-threads-web.js, .worker.js            cross-origin isolated pages, threads
// The threaded builds differ only in their JavaScript: the web one's .wasm has the same bytes as
// the Node one's (checked here), so it ships once and the browser loader fetches that.
// Run when the package is packed and by CI; nothing is compiled at a user's install. Needs emcc
// (Debian: apt-get install emscripten node-acorn). Arguments name the builds to make (default all).
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from "node:fs";
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
const exported = ["_malloc", "_free", "_kerno_call", "_kerno_error", "_kerno_entries", "_kerno_threads", "_kerno_limit_threads"];

/** The two compilations: the threaded builds link the same objects. */
const OBJECTS = { "one-thread": [], threads: ["-pthread"] };

const VARIANTS = [
  // browsers without cross-origin isolation (no SharedArrayBuffer, so no threads)
  { name: "kerno-kernels", ext: "mjs", objects: "one-thread", link: ["-sEXPORT_ES6", "-sENVIRONMENT=web"] },
  // Node: a CommonJS module (this Emscripten's ES module output does not run in Node); its worker
  // script is CommonJS too, in a package of ES modules, hence .worker.cjs (the loader's locateFile asks for it)
  {
    name: "kerno-kernels-threads",
    ext: "cjs",
    objects: "threads",
    link: ["-pthread", "-sENVIRONMENT=node,worker", '-sPTHREAD_POOL_SIZE=require("os").cpus().length', "-sEXPORTED_RUNTIME_METHODS=UTF8ToString,PThread"],
    rename: [/\.worker\.js$/, ".worker.cjs"],
  },
  // cross-origin isolated pages. A classic script, not an ES module: this Emscripten's worker
  // script loads the main script with importScripts, which cannot load a module; the loader
  // (src/web-threads.ts) adds it with a <script> element and sets Module.kernoWorkers, the
  // workers started before the module runs (a thread started later would wait for the busy main
  // thread to let its worker load). Extension .js: servers give worker scripts a JavaScript type
  // by it, and browsers refuse to run a worker script of another type.
  {
    name: "kerno-kernels-threads-web",
    ext: "js",
    objects: "threads",
    link: ["-pthread", "-sENVIRONMENT=web,worker", "-sPTHREAD_POOL_SIZE=Module.kernoWorkers"],
    sameWasmAs: "kerno-kernels-threads",
  },
];

const only = process.argv.slice(2);
const unknown = only.filter((name) => !VARIANTS.some((v) => v.name === name));
if (unknown.length > 0) {
  console.error(`build-wasm: no build named ${unknown.join(", ")}; the builds: ${VARIANTS.map((v) => v.name).join(", ")}`);
  process.exit(2);
}
const chosen = VARIANTS.filter((v) => only.length === 0 || only.includes(v.name));

/** Compiles the sources once per set of objects the chosen builds need; returns the object files. */
function compile(set) {
  const objDir = join(out, "obj", set);
  mkdirSync(objDir, { recursive: true });
  return sources.map((src) => {
    const obj = join(objDir, `${basename(src, ".cc")}.o`);
    const r = emcc([...flags, ...OBJECTS[set], "-c", src, "-o", obj]);
    if (r.status !== 0) process.exit(r.status ?? 1);
    return obj;
  });
}
const objects = Object.fromEntries([...new Set(chosen.map((v) => v.objects))].map((set) => [set, compile(set)]));

for (const v of chosen) {
  const tmp = join(out, "tmp", v.name);
  mkdirSync(tmp, { recursive: true });
  const link = [
    ...objects[v.objects],
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
  if (v.sameWasmAs) {
    const linked = join(tmp, `${v.name}.wasm`);
    const shipped = join(out, `${v.sameWasmAs}.wasm`);
    if (!existsSync(shipped) || !readFileSync(linked).equals(readFileSync(shipped))) {
      console.error(`build-wasm: ${v.name}.wasm differs from ${v.sameWasmAs}.wasm, whose bytes its loader fetches (src/web-threads.ts): ship it instead`);
      process.exit(1);
    }
    rmSync(linked);
  }
  // into place once linked, so that a failed build leaves the last good one
  for (const file of readdirSync(tmp)) renameSync(join(tmp, file), join(out, v.rename ? file.replace(...v.rename) : file));
  console.log(`build-wasm: ${join(out, `${v.sameWasmAs ?? v.name}.wasm`)} (${v.name})`);
}
