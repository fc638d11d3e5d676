/**
 * kerno as a dependency, for real: npm pack of the three packages (each one's prepack builds its
 * dist/), npm install of the tarballs into a fresh project (dependencies from the npm registry,
 * the addon compiled from @kerno/node's sources), then a plain .mjs script and a .ts one (run through this checkout's tsx and
 * type-checked) that build, fit and save a model, and npx kerno from that project, which runs the
 * compiled dist/ (tsx is a dev dependency: the install has none); and @kerno/core installed alone,
 * which pulls in no other package and trains on its TypeScript backend. Skips only when npm cannot
 * reach its registry.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { newProject, npm, registryReachable, userEnv } from "../../packages/core/test/helpers/npm-project.js";
import { tempDir } from "../../packages/core/test/helpers/tmp.js";

const root = fileURLToPath(new URL("../../", import.meta.url));
const registry = registryReachable();

const MJS = `import { Dense, Input, Sequential, loadModel, tensor } from "kerno";
const model = new Sequential([Input({ shape: [2] }), new Dense({ units: 4, activation: "relu" }), new Dense({ units: 1 })]);
model.compile({ optimizer: "adam", loss: "mse" });
const history = await model.fit(tensor([0, 0, 0, 1, 1, 0, 1, 1], [4, 2]), tensor([0, 1, 1, 0], [4, 1]), { epochs: 3, verbose: 0 });
model.save("model.kerno");
console.log("mjs", history.history.loss.length, (await loadModel("model.kerno")).countParams());
`;
const TS = `import { Dense, Input, Sequential, type Tensor, tensor } from "kerno";
const model: Sequential = new Sequential([Input({ shape: [2] }), new Dense({ units: 1 })]);
model.compile({ optimizer: "sgd", loss: "mse" });
const history = await model.fit(tensor([0, 1, 2, 3], [2, 2]), tensor([1, 2], [2, 1]), { epochs: 2, verbose: 0 });
model.save("model-ts.kerno");
const out: Tensor = model.predict(tensor([1, 1], [1, 2])) as Tensor;
console.log("ts", history.history.loss.length, out.shape.join("x"));
`;

let packed: string | undefined;
/** The three tarballs (kerno-core-0.1.0.tgz, kerno-node-0.1.0.tgz, kerno-0.1.0.tgz), packed once. */
function packAll(): string {
  if (packed) return packed;
  const dir = tempDir("kerno-pack-");
  const pack = npm(root, "pack", "-w", "@kerno/core", "-w", "@kerno/node", "--include-workspace-root", "--pack-destination", dir);
  assert.equal(pack.status, 0, pack.stderr);
  assert.deepEqual(readdirSync(dir).sort(), ["kerno-0.1.0.tgz", "kerno-core-0.1.0.tgz", "kerno-node-0.1.0.tgz"]);
  packed = dir;
  return dir;
}

test("npm pack, install the tarballs in a fresh project, and use kerno from .mjs, .ts and npx", {
  skip: registry ? false : "the npm registry is not reachable",
}, () => {
  const dir = packAll();
  const project = newProject(dir, "project");
  const install = npm(project, "install", ...["kerno-core-0.1.0.tgz", "kerno-node-0.1.0.tgz", "kerno-0.1.0.tgz"].map((t) => join(dir, t)));
  assert.equal(install.status, 0, install.stderr);
  assert.ok(existsSync(join(project, "node_modules", "kerno", "dist", "index.d.ts")), "dist/ with types is in the package");
  assert.ok(!existsSync(join(project, "node_modules", "tsx")), "the install pulls no tsx");
  assert.ok(!existsSync(join(project, "node_modules", "kerno", "tsconfig.json")), "an installed kerno is not a checkout: bin/kerno.js runs dist/");
  writeFileSync(join(project, "fit.mjs"), MJS);
  writeFileSync(join(project, "fit.ts"), TS);
  const mjs = spawnSync(process.execPath, ["fit.mjs"], { cwd: project, encoding: "utf8", env: userEnv });
  assert.equal(mjs.status, 0, mjs.stderr);
  assert.equal(mjs.stdout.trim(), "mjs 3 17");
  const tsx = join(root, "node_modules", "tsx", "dist", "cli.mjs");
  const ts = spawnSync(process.execPath, [tsx, "fit.ts"], { cwd: project, encoding: "utf8", env: userEnv });
  assert.equal(ts.status, 0, ts.stderr);
  assert.equal(ts.stdout.trim(), "ts 2 1x1");
  writeFileSync(
    join(project, "tsconfig.json"),
    JSON.stringify({
      compilerOptions: {
        target: "ES2022",
        module: "NodeNext",
        moduleResolution: "NodeNext",
        strict: true,
        noEmit: true,
        skipLibCheck: true,
        types: ["node"],
        typeRoots: [join(root, "node_modules", "@types")],
      },
      files: ["fit.ts"],
    }),
  );
  const tsc = spawnSync(process.execPath, [join(root, "node_modules", "typescript", "bin", "tsc"), "-p", "tsconfig.json"], {
    cwd: project,
    encoding: "utf8",
    env: userEnv,
  });
  assert.equal(tsc.status, 0, tsc.stdout + tsc.stderr);
  const help = spawnSync("npx", ["kerno", "--help"], { cwd: project, encoding: "utf8", env: userEnv });
  assert.equal(help.status, 0, help.stderr);
  assert.match(help.stdout, /Usage: kerno <command>/);
  const bench = spawnSync("npx", ["kerno", "bench"], { cwd: project, encoding: "utf8", env: userEnv });
  assert.equal(bench.status, 1);
  assert.match(bench.stderr, /kerno bench: the benchmark runs from a checkout/);
  const doctor = spawnSync("npx", ["kerno", "doctor"], { cwd: project, encoding: "utf8", env: userEnv });
  assert.match(doctor.stdout, /active backend: native/, "the addon was compiled at install");
});

test("@kerno/core alone installs nothing else and trains a model on its TypeScript backend", {
  skip: registry ? false : "the npm registry is not reachable",
}, () => {
  const dir = packAll();
  const project = newProject(dir, "core-only");
  const install = npm(project, "install", join(dir, "kerno-core-0.1.0.tgz"));
  assert.equal(install.status, 0, install.stderr);
  assert.deepEqual(
    readdirSync(join(project, "node_modules")).filter((f) => !f.startsWith(".")),
    ["@kerno"],
  );
  assert.deepEqual(readdirSync(join(project, "node_modules", "@kerno")), ["core"]);
  const script = `import { Dense, Input, Sequential, getBackend, tensor } from "@kerno/core";
const model = new Sequential([Input({ shape: [2] }), new Dense({ units: 4, activation: "relu" }), new Dense({ units: 1 })]);
model.compile({ optimizer: "adam", loss: "mse" });
const history = await model.fit(tensor([0, 0, 0, 1, 1, 0, 1, 1], [4, 2]), tensor([0, 1, 1, 0], [4, 1]), { epochs: 2, verbose: 0 });
console.log(getBackend(), history.history.loss.length, model.countParams());
`;
  writeFileSync(join(project, "fit.mjs"), script);
  const run = spawnSync(process.execPath, ["fit.mjs"], { cwd: project, encoding: "utf8", env: userEnv });
  assert.equal(run.status, 0, run.stderr);
  assert.equal(run.stdout.trim(), "js 2 17");
});

test("npm and npx in the checkout print no warning about the project's config", () => {
  // onnxruntime-node's CUDA download is skipped by package.json's allowScripts, which npm knows,
  // not by an .npmrc key, which every npm and npx command warned about
  const r = spawnSync("npm", ["config", "get", "registry"], { cwd: root, encoding: "utf8", timeout: 60000 });
  assert.equal(r.status, 0, r.stderr);
  assert.doesNotMatch(r.stderr, /npm warn/i);
});
