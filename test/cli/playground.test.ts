import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { tempDir } from "../../packages/core/test/helpers/tmp.js";
import { DATA_DIR, needsData } from "../../packages/node/test/helpers/data.js";

const bin = fileURLToPath(new URL("../../bin/kerno.js", import.meta.url));
const skip = needsData("MNIST", "mnist/t10k-labels-idx1-ubyte.gz");
const env = { ...process.env, KERNO_DATA_DIR: DATA_DIR };

test("kerno playground prints its 127.0.0.1 URL and serves the page, its module and MNIST from the data cache", { skip, timeout: 60_000 }, async () => {
  const child = spawn(process.execPath, [bin, "playground", "--port", "0"], { stdio: ["ignore", "pipe", "pipe"], env });
  try {
    const url = await new Promise<string>((done, fail) => {
      let out = "";
      child.stdout.on("data", (d) => {
        out += d;
        const m = /kerno playground: (http:\/\/127\.0\.0\.1:\d+\/)/.exec(out);
        if (m) done(m[1]);
      });
      child.on("exit", (code) => fail(new Error(`exited ${code}`)));
    });
    const page = await fetch(url);
    assert.equal(page.headers.get("cross-origin-embedder-policy"), "require-corp");
    assert.match(await page.text(), /<script type="module" src="app\/playground.js">/);
    assert.equal((await fetch(`${url}app/playground.js`)).status, 200);
    const labels = new Uint8Array(await (await fetch(`${url}data/mnist/t10k-labels-idx1-ubyte.gz`)).arrayBuffer());
    assert.deepEqual(labels, new Uint8Array(readFileSync(join(DATA_DIR, "mnist", "t10k-labels-idx1-ubyte.gz"))));
  } finally {
    child.kill();
  }
});

test("kerno playground --build DIR writes the page with MNIST for a static host", { skip, timeout: 60_000 }, () => {
  const out = tempDir("kerno-playground-static");
  const r = spawnSync(process.execPath, [bin, "playground", "--build", out], { encoding: "utf8", env });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /wrote \d+ files to/);
  for (const file of ["index.html", "playground.css", "app/playground.js", "_headers", "data/mnist/train-images-idx3-ubyte.gz"])
    assert.ok(existsSync(join(out, file)), file);
});
