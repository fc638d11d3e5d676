/**
 * The addon's vectorized exp, sigmoid and tanh (native/vmath.inc, used by the unary ops,
 * biasActivation and the recurrent kernels) against float64 over their whole range: the
 * polynomial's interval, the tails where sigmoid's and exp's results are denormal, the far tails
 * that round to 0 or overflow, signed zeros, infinities and NaN. `npm test` runs this file under
 * KERNO_ISA=portable as well.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { nativeKernels } from "../../helpers/native-kernels.js";

const { native, skip } = nativeKernels();

function inputs(): Float32Array {
  const xs: number[] = [0, -0, Infinity, -Infinity, 1e-30, -1e-30, 1e-8, -3e-5, 0.6249, 0.6251, -0.625, 88.7, 88.8, 89, -103, -104, -110];
  for (let i = 0; i <= 4000; i++) xs.push(-120 + (230 * i) / 4000);
  for (let i = 0; i <= 1000; i++) xs.push(-2 + (4 * i) / 1000);
  return Float32Array.from(xs);
}

const ULP = 2 ** -23;
const MIN_NORMAL = 2 ** -126;

/** Within `ulps` units in the last place of the float64 value, or a few denormal steps where the result is denormal. */
function assertClose(got: Float32Array, want: (x: number) => number, xs: Float32Array, ulps: number, what: string): void {
  for (let i = 0; i < xs.length; i++) {
    const w = Math.fround(want(xs[i]));
    const g = got[i];
    if (Number.isNaN(w) || !Number.isFinite(w)) {
      assert.ok(Object.is(g, w), `${what}(${xs[i]}): got ${g}, want ${w}`);
      continue;
    }
    const tol = Math.max(Math.abs(w) * ulps * ULP, 4 * 2 ** -149);
    assert.ok(Math.abs(g - w) <= tol || (Math.abs(w) < MIN_NORMAL && Math.abs(g - w) <= 2 ** -140), `${what}(${xs[i]}): got ${g}, want ${w}`);
  }
}

test("native exp, sigmoid and tanh stay within 4 ulp of float64, tails and denormals included", { skip }, () => {
  const n = native!;
  const xs = inputs();
  assertClose(n.unary("exp", xs, 0), Math.exp, xs, 4, "exp");
  assertClose(n.unary("sigmoid", xs, 0), (x) => 1 / (1 + Math.exp(-x)), xs, 4, "sigmoid");
  assertClose(n.unary("tanh", xs, 0), Math.tanh, xs, 4, "tanh");
  const nan = n.unary("tanh", Float32Array.of(Number.NaN, 1), 0);
  assert.ok(Number.isNaN(nan[0]) && Math.abs(nan[1] - Math.tanh(1)) < 1e-6, "NaN stays NaN and leaves its neighbours alone");
  assert.ok(Number.isNaN(n.unary("sigmoid", Float32Array.of(Number.NaN), 0)[0]) && Number.isNaN(n.unary("exp", Float32Array.of(Number.NaN), 0)[0]));
  // signed zero: tanh(-0) is -0 as in IEEE
  assert.ok(Object.is(n.unary("tanh", Float32Array.of(-0), 0)[0], -0));
});

test("biasActivation's sigmoid and tanh use the same vector math, tails of a row included", { skip }, () => {
  const n = native!;
  const x = Float32Array.from({ length: 3 * 19 }, (_, i) => -30 + i * 1.1),
    bias = Float32Array.from({ length: 19 }, (_, i) => 0.01 * i);
  for (const act of ["sigmoid", "tanh"] as const) {
    const y = n.biasActivation(x, bias, act);
    const z = Float32Array.from(x, (v, i) => v + bias[i % 19]);
    assertClose(y, act === "sigmoid" ? (v) => 1 / (1 + Math.exp(-v)) : Math.tanh, z, 4, act);
  }
});
