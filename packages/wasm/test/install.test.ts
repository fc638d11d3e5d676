/**
 * @kerno/wasm as a dependency: npm pack of @kerno/core and @kerno/wasm (prepack builds the modules),
 * installed into a fresh project with nothing else, and a script that selects the wasm backend and
 * trains a small CNN on it, from the packed dist/ and build/ files. Skips without emcc (packing
 * builds the modules) or the npm registry.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { newProject, npm, registryReachable, userEnv } from "../../core/test/helpers/npm-project.js";
import { tempDir } from "../../core/test/helpers/tmp.js";

const root = fileURLToPath(new URL("../../../", import.meta.url));
const emcc = spawnSync("emcc", ["--version"], { env: { ...userEnv, NODE_PATH: "/usr/share/nodejs" } }).status === 0;
const registry = registryReachable();

const SCRIPT = `import { Conv2D, Dense, Flatten, getBackend, Input, MaxPooling2D, randomNormal, Sequential, setBackend, tensor } from "@kerno/core";
import { wasmThreads } from "@kerno/wasm";
setBackend("wasm");
const model = new Sequential([Input({ shape: [8, 8, 1] }), new Conv2D({ filters: 4, kernelSize: 3, activation: "relu" }), new MaxPooling2D(), new Flatten(), new Dense({ units: 2, activation: "softmax" })]);
model.compile({ optimizer: "adam", loss: "sparse_categorical_crossentropy" });
const history = await model.fit(randomNormal([16, 8, 8, 1], 0, 1, { seed: 1 }), tensor(Int32Array.from({ length: 16 }, (_, i) => i % 2), [16], "int32"), { epochs: 2, verbose: 0 });
console.log(getBackend(), wasmThreads() > 0, history.history.loss.length);
`;

test("npm pack @kerno/core and @kerno/wasm, install them alone, and train on the wasm backend", {
  skip: !emcc ? "no emcc (packing builds the WebAssembly modules)" : registry ? false : "the npm registry is not reachable",
}, () => {
  const dir = tempDir("kerno-wasm-pack-");
  const pack = npm(root, "pack", "-w", "@kerno/core", "-w", "@kerno/wasm", "--pack-destination", dir);
  assert.equal(pack.status, 0, pack.stderr);
  assert.deepEqual(readdirSync(dir).sort(), ["kerno-core-0.1.0.tgz", "kerno-wasm-0.1.0.tgz"]);
  const project = newProject(dir, "project");
  const install = npm(project, "install", join(dir, "kerno-core-0.1.0.tgz"), join(dir, "kerno-wasm-0.1.0.tgz"));
  assert.equal(install.status, 0, install.stderr);
  assert.deepEqual(readdirSync(join(project, "node_modules", "@kerno")).sort(), ["core", "wasm"]);
  // every build ships, the threaded web one's script and worker script too (its .wasm is the Node one's)
  assert.deepEqual(readdirSync(join(project, "node_modules", "@kerno", "wasm", "build")).sort(), [
    "kerno-kernels-threads-web.js",
    "kerno-kernels-threads-web.worker.js",
    "kerno-kernels-threads.cjs",
    "kerno-kernels-threads.wasm",
    "kerno-kernels-threads.worker.cjs",
    "kerno-kernels.mjs",
    "kerno-kernels.wasm",
  ]);
  writeFileSync(join(project, "fit.mjs"), SCRIPT);
  const run = spawnSync(process.execPath, ["fit.mjs"], { cwd: project, encoding: "utf8", env: userEnv, timeout: 120000 });
  assert.equal(run.status, 0, run.stderr);
  assert.equal(run.stdout.trim(), "wasm true 2");
});
