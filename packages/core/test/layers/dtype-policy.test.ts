import assert from "node:assert/strict";
import { test } from "node:test";
import type { Precision } from "../../src/backends/kernels.js";
import {
  Conv2D,
  conv2d,
  Dense,
  Flatten,
  grad,
  Input,
  matMul,
  mean,
  mixedPrecision,
  randomNormal,
  reshape,
  Sequential,
  square,
  type Tensor,
  tensor,
} from "../../src/index.js";
import { backend } from "../../src/ops/core.js";

// products of bfloat16 operands run where the backend can (native with AVX512_BF16, or the js
// emulation); elsewhere the policy is refused with a clear error
const runs = backend().bfloat16;

/** Runs fn with the global policy set to mixed_bfloat16, restoring float32 after. */
function underMixed<T>(fn: () => T): T {
  mixedPrecision.setGlobalPolicy("mixed_bfloat16");
  try {
    return fn();
  } finally {
    mixedPrecision.setGlobalPolicy("float32");
  }
}

function model(): Sequential {
  return new Sequential([
    Input({ shape: [10, 10, 8] }),
    new Conv2D({ filters: 16, kernelSize: 3, activation: "relu" }),
    new Flatten(),
    new Dense({ units: 5 }),
  ]);
}

const maxAbs = (x: Float32Array) => x.reduce((m, v) => Math.max(m, Math.abs(v)), 0);

test("mixedPrecision: float32 by default; unknown policies and unsupported CPUs are named", () => {
  assert.equal(mixedPrecision.globalPolicy(), "float32");
  assert.throws(() => mixedPrecision.setGlobalPolicy("mixed_float16" as never), /unknown policy 'mixed_float16'; use 'float32' or 'mixed_bfloat16'/);
  if (!runs) {
    assert.throws(() => mixedPrecision.setGlobalPolicy("mixed_bfloat16"), /AVX512_BF16/);
    assert.throws(() => new Dense({ units: 2, dtype: "mixed_bfloat16" }), /Dense '.*': the 'mixed_bfloat16' policy needs bfloat16 products/);
  }
});

test("mixedPrecision: layers take the policy in force when built, or their own dtype; configs keep it", { skip: !runs && "no bfloat16 products here" }, () => {
  const [mixedDense, ownFloat] = underMixed(() => [new Dense({ units: 2 }), new Dense({ units: 2, dtype: "float32" })]);
  const later = new Dense({ units: 2 });
  assert.equal(mixedDense.dtypePolicy, "mixed_bfloat16");
  assert.equal(ownFloat.dtypePolicy, "float32");
  assert.equal(later.dtypePolicy, "float32");
  assert.equal(new Conv2D({ filters: 1, kernelSize: 1, dtype: "mixed_bfloat16" }).dtypePolicy, "mixed_bfloat16");
  assert.equal(mixedDense.getConfig().dtype, "mixed_bfloat16");
  assert.equal(later.getConfig().dtype, undefined);
});

test("mixedPrecision: a mixed model computes float32 outputs within bfloat16's error of float32", {
  skip: !runs && "no bfloat16 products here",
}, () => {
  const reference = model();
  const mixed = underMixed(model);
  mixed.setWeights(reference.getWeights());
  const x = randomNormal([4, 10, 10, 8]);
  const y32 = reference.predict(x) as Tensor,
    y16 = mixed.predict(x) as Tensor;
  assert.equal(y16.dtype, "float32");
  const a = y32.data() as Float32Array,
    b = y16.data() as Float32Array;
  const diff = maxAbs(a.map((v, i) => v - b[i]));
  assert.ok(diff > 0, "the mixed model rounds its products");
  assert.ok(diff < 0.02 * maxAbs(a), `outputs differ by ${diff} (largest output ${maxAbs(a)})`);
});

test("precision 'bfloat16' on conv2d and matMul: gradients within bfloat16's error of float32", { skip: !runs && "no bfloat16 products here" }, () => {
  const x = randomNormal([3, 9, 9, 8]),
    w = randomNormal([3, 3, 8, 6]),
    v = randomNormal([294, 4]);
  const loss =
    (precision: Precision) =>
    ([a, b, c]: Tensor[]) =>
      mean(square(matMul(reshape(conv2d(a, b, { padding: "valid", precision }), [3, -1]), c, { precision })));
  const g32 = grad(loss("float32"))([x, w, v]),
    g16 = grad(loss("bfloat16"))([x, w, v]);
  g32.forEach((gi, i) => {
    const p = gi.data() as Float32Array,
      q = g16[i].data() as Float32Array;
    let dot = 0,
      pp = 0,
      qq = 0;
    for (let j = 0; j < p.length; j++) {
      dot += p[j] * q[j];
      pp += p[j] * p[j];
      qq += q[j] * q[j];
    }
    const cosine = dot / Math.sqrt(pp * qq);
    assert.ok(cosine > 0.999 && cosine < 1 - 1e-9, `gradient ${i}: cosine ${cosine} (rounded, yet close)`);
  });
  assert.throws(() => matMul(v, v, { transposeA: true, precision: "float16" as never }), /matMul: precision must be float32 or bfloat16, got 'float16'/);
});

test("mixedPrecision: a mixed model trains (loss falls over a few fit epochs)", { skip: !runs && "no bfloat16 products here" }, async () => {
  const m = underMixed(model);
  m.compile({ optimizer: "adam", loss: "sparse_categorical_crossentropy" });
  const x = randomNormal([64, 10, 10, 8]);
  const labels = tensor(
    Int32Array.from({ length: 64 }, (_, i) => i % 5),
    [64],
  );
  const history = await m.fit(x, labels, { epochs: 8, batchSize: 16, verbose: 0 });
  const loss = history.history.loss as number[];
  assert.ok(loss[loss.length - 1] < 0.8 * loss[0], `loss ${loss[0]} -> ${loss[loss.length - 1]}`);
});
