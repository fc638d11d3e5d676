/**
 * The native thread pool's two hand-offs: threads that spin for the next parallel section (the
 * default) and threads that sleep at once (KERNO_POOL_SPIN_US=0). Both must run every section and
 * give the same products; the sleeping one runs in a child process, since the setting is read once.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { test } from "node:test";
import { nativeKernels } from "../../helpers/native-kernels.js";

const { skip } = nativeKernels();

// Products in a row, each over 4 MFLOP so that it splits across the pool (smaller ones run on
// the calling thread): a parallel section every fraction of a millisecond, and pauses long enough
// for a worker to fall asleep under either setting; hashed together.
const script = `
import { createHash } from "node:crypto";
import { loadAddon, makeNativeKernels } from ${JSON.stringify(new URL("../../../src/backends/native/index.js", import.meta.url).href)};
const native = makeNativeKernels(loadAddon());
const hash = createHash("sha256");
let s = 1;
const values = (n) => Float32Array.from({ length: n }, () => ((s = (s * 1103515245 + 12345) % 2147483648), s / 2147483648 - 0.5));
for (let i = 0; i < 300; i++) {
  const [m, n, k] = i % 50 === 0 ? [300, 200, 400] : [128, 96 + (i % 7), 192];
  const out = native.matMul(values(m * k), [m, k], values(k * n), [k, n], false, false, [m, n]);
  hash.update(new Uint8Array(out.buffer, out.byteOffset, out.byteLength));
  if (i % 60 === 0) await new Promise((r) => setTimeout(r, 5));
}
console.log(hash.digest("hex"));
`;

function digest(env: Record<string, string>): string {
  const r = spawnSync(process.execPath, ["--conditions=kerno-source", "--import", "tsx", "--input-type=module", "-e", script], {
    encoding: "utf8",
    env: { ...process.env, KERNO_POOL_SPIN_US: undefined, KERNO_NUM_THREADS: "2", ...env },
    // a lost wake-up would hang the child: fail instead
    timeout: 60_000,
  });
  assert.equal(r.status, 0, `child with ${JSON.stringify(env)} failed: ${r.stderr}`);
  return r.stdout.trim();
}

test("threads that sleep at once and threads that spin give the same products", { skip }, () => {
  const sleeping = digest({ KERNO_POOL_SPIN_US: "0" });
  assert.match(sleeping, /^[0-9a-f]{64}$/);
  assert.equal(digest({}), sleeping, "default spin");
  assert.equal(digest({ KERNO_POOL_SPIN_US: "50" }), sleeping, "a spin shorter than the pause between products");
  assert.notEqual(sleeping, createHash("sha256").digest("hex"), "the products were hashed");
});
