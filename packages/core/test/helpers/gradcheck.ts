/**
 * Finite-difference gradient checks. The scalar objective is sum(f(x) * R) for a fixed random R,
 * summed in float64 so that the only float32 noise is the op's own.
 */
import assert from "node:assert/strict";
import { mul, noGrad, sum, Tensor, valueAndGrad } from "../../src/index.js";
import { Random } from "../../src/tensor/random.js";

export interface GradCheckOptions {
  eps?: number;
  rtol?: number;
  atol?: number;
  /** Coordinates checked per input (random subset of large inputs). */
  samples?: number;
  /** Which inputs to differentiate (default: all float32 inputs). */
  wrt?: number[];
  seed?: number;
}

function objective(y: Tensor, weights: Float64Array): number {
  let s = 0;
  const v = y.values;
  for (let i = 0; i < v.length; i++) s += v[i] * weights[i];
  return s;
}

/** Checks d/dx sum(f(...inputs) * R) against central differences for every input in `wrt`. */
export function checkGrad(f: (...xs: Tensor[]) => Tensor, inputs: Tensor[], options: GradCheckOptions = {}): void {
  const { eps = 1e-2, rtol = 2e-2, atol = 2e-3, samples = 24, seed = 7 } = options;
  const wrt = options.wrt ?? inputs.map((_, i) => i).filter((i) => inputs[i].dtype === "float32");
  const rng = new Random(seed);
  const probe = noGrad(() => f(...inputs));
  const weights = new Float64Array(probe.size).map(() => rng.uniform() * 2 - 1);
  const R = new Tensor(Float32Array.from(weights), probe.shape, "float32");
  const { grads } = valueAndGrad((xs: Tensor[]) => {
    const full = inputs.map((x, i) => (wrt.includes(i) ? xs[wrt.indexOf(i)] : x));
    const y = f(...full);
    return sum(mul(y, R));
  })(wrt.map((i) => inputs[i]));
  wrt.forEach((inputIndex, gi) => {
    const x = inputs[inputIndex];
    const analytic = grads[gi].values;
    assert.deepEqual(grads[gi].shape, x.shape, `gradient shape of input ${inputIndex}`);
    const coords = x.size <= samples ? [...Array(x.size).keys()] : Array.from({ length: samples }, () => rng.int(x.size));
    for (const c of coords) {
      const original = x.values[c];
      x.values[c] = original + eps;
      const up = objective(
        noGrad(() => f(...inputs)),
        weights,
      );
      x.values[c] = original - eps;
      const down = objective(
        noGrad(() => f(...inputs)),
        weights,
      );
      x.values[c] = original;
      const numeric = (up - down) / (2 * eps);
      const err = Math.abs(numeric - analytic[c]);
      assert.ok(
        err <= atol + rtol * Math.abs(numeric),
        `input ${inputIndex} [${c}]: analytic ${analytic[c]} vs numeric ${numeric} (error ${err.toExponential(2)})`,
      );
    }
  });
}

/** Asserts two arrays agree elementwise within atol + rtol * |expected|. */
export function assertClose(actual: ArrayLike<number>, expected: ArrayLike<number>, rtol = 1e-5, atol = 1e-5, what = "value"): void {
  assert.equal(actual.length, expected.length, `${what}: length ${actual.length} vs ${expected.length}`);
  for (let i = 0; i < expected.length; i++) {
    const e = expected[i],
      a = actual[i];
    if (Number.isNaN(e) && Number.isNaN(a)) continue;
    assert.ok(Math.abs(a - e) <= atol + rtol * Math.abs(e), `${what}[${i}]: ${a} vs expected ${e}`);
  }
}

/** Deterministic random float32 tensor for tests. */
export function rand(shape: number[], seed: number, lo = -1, hi = 1): Tensor {
  const rng = new Random(seed);
  const n = shape.reduce((a, b) => a * b, 1);
  return new Tensor(
    Float32Array.from({ length: n }, () => lo + (hi - lo) * rng.uniform()),
    shape,
    "float32",
  );
}

/** A float32 tensor of `shape` holding 0, 1/n, 2/n, ... (n its size): small, smooth training data. */
export function ramp(shape: number[]): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  return new Tensor(
    Float32Array.from({ length: n }, (_, i) => i / n),
    shape,
    "float32",
  );
}
