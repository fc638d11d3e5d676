import assert from "node:assert/strict";
import { test } from "node:test";
import { valueAndGrad } from "../../src/autodiff/grad.js";
import { variable } from "../../src/autodiff/variable.js";
import { conv2d, getBackend, mean, mul, randomNormal, relu, type Tensor } from "../../src/index.js";
import { bufferPool } from "../../src/tensor/buffer-pool.js";

// activations of 4 x 48 x 48 x 16 = 147,456 floats: above the pool's threshold on the native backend
const x = randomNormal([4, 48, 48, 8], 0, 1, { seed: 1 });
const w = variable(randomNormal([3, 3, 8, 16], 0, 0.2, { seed: 2 }));
const w2 = variable(randomNormal([3, 3, 16, 16], 0, 0.2, { seed: 3 }));

function objective(vars: Tensor[]) {
  const h = relu(conv2d(x, vars[0], { padding: "same" }));
  const out = conv2d(h, vars[1], { padding: "same" });
  return [mean(mul(out, out)), { out }] as const;
}

test("recycling a step's buffers leaves the value, aux outputs and gradients as without it, step after step", () => {
  const plain = valueAndGrad(objective, { hasAux: true });
  const recycled = valueAndGrad(objective, { hasAux: true, recycle: true });
  const want = plain([w, w2]);
  bufferPool.clear();
  const first = recycled([w, w2]);
  const outBefore = Float32Array.from(first.aux.out.values);
  const second = recycled([w, w2]);
  for (const r of [first, second]) {
    assert.equal(r.value.item(), want.value.item());
    r.grads.forEach((g, i) => assert.deepEqual(g.values, want.grads[i].values, `gradient ${i}`));
  }
  assert.deepEqual(first.aux.out.values, outBefore, "the first step's aux output survives the second step");
  assert.deepEqual(first.aux.out.values, want.aux.out.values);
});

const jsBackend = getBackend() === "js" && "the js backend allocates its own arrays, never pooled";

test("a recycled step gives its intermediates to the pool, and the next step takes them", { skip: jsBackend }, () => {
  const recycled = valueAndGrad(objective, { hasAux: true, recycle: true });
  recycled([w, w2]);
  bufferPool.clear();
  recycled([w, w2]);
  const held = bufferPool.heldBytes;
  assert.ok(held >= 2 * 4 * 48 * 48 * 16 * 4, `the pool holds the step's activations and gradients (${held} bytes)`);
  recycled([w, w2]);
  assert.ok(bufferPool.heldBytes <= held, "the next step drew from the pool instead of fresh memory");
});

test("recycling without aux outputs: the value and the input's gradient (filter visualization's step) as without it", () => {
  const image = variable(randomNormal([1, 24, 24, 8], 0, 1, { seed: 4 }));
  const activation = (z: Tensor) => mean(relu(conv2d(relu(conv2d(z, w, { padding: "same" })), w2, { padding: "same" })));
  const want = valueAndGrad(activation)(image);
  const recycled = valueAndGrad(activation, { recycle: true });
  bufferPool.clear();
  const first = recycled(image);
  const firstGrad = Float32Array.from(first.grads.values);
  for (const r of [first, recycled(image), recycled(image)]) {
    assert.equal(r.value.item(), want.value.item());
    assert.deepEqual(r.grads.values, want.grads.values);
  }
  assert.deepEqual(first.grads.values, firstGrad, "a returned gradient is not reused by later steps");
});
