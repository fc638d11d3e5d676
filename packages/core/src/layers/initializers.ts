/** Weight initializers with Keras's names and formulas (fans from the weight's shape). */
import { fill, randomNormal, randomUniform, tensor, truncatedNormal } from "../tensor/creation.js";
import type { Tensor } from "../tensor/tensor.js";

export type InitializerName =
  | "glorotUniform"
  | "glorotNormal"
  | "heUniform"
  | "heNormal"
  | "lecunUniform"
  | "lecunNormal"
  | "zeros"
  | "ones"
  | "randomNormal"
  | "randomUniform"
  | "truncatedNormal"
  | "orthogonal";

export type Initializer =
  | InitializerName
  | { name: InitializerName; seed?: number; mean?: number; stddev?: number; minval?: number; maxval?: number; value?: number }
  | ((shape: number[]) => Tensor);

/** Keras's fan-in and fan-out: the receptive field times the last two axes (kernels are [..., in, out]). */
export function fans(shape: readonly number[]): [number, number] {
  if (shape.length === 0) return [1, 1];
  if (shape.length === 1) return [shape[0], shape[0]];
  const receptive = shape.slice(0, -2).reduce((a, b) => a * b, 1);
  return [shape[shape.length - 2] * receptive, shape[shape.length - 1] * receptive];
}

function orthogonal(shape: number[], seed?: number): Tensor {
  // Gram-Schmidt on a random normal matrix [rows, cols] flattened from the shape (Keras: QR)
  const cols = shape[shape.length - 1];
  const rows = shape.reduce((a, b) => a * b, 1) / cols;
  const a = randomNormal([Math.max(rows, cols), Math.min(rows, cols)], 0, 1, { seed }).data();
  const n = Math.max(rows, cols),
    m = Math.min(rows, cols);
  const q = new Float64Array(n * m);
  for (let j = 0; j < m; j++) {
    for (let i = 0; i < n; i++) q[i * m + j] = a[i * m + j];
    for (let k = 0; k < j; k++) {
      let dot = 0;
      for (let i = 0; i < n; i++) dot += q[i * m + j] * q[i * m + k];
      for (let i = 0; i < n; i++) q[i * m + j] -= dot * q[i * m + k];
    }
    let norm = 0;
    for (let i = 0; i < n; i++) norm += q[i * m + j] ** 2;
    norm = Math.sqrt(norm) || 1;
    for (let i = 0; i < n; i++) q[i * m + j] /= norm;
  }
  const out = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[r * cols + c] = rows >= cols ? q[r * m + c] : q[c * m + r];
  return tensor(out, shape);
}

/** Creates a weight of `shape` with an initializer given by name, options or function. */
export function initialize(init: Initializer, shape: number[], who: string): Tensor {
  if (typeof init === "function") return init(shape);
  const spec = typeof init === "string" ? { name: init } : init;
  const [fanIn, fanOut] = fans(shape);
  const seed = "seed" in spec ? spec.seed : undefined;
  switch (spec.name) {
    case "zeros":
      return fill(shape, 0);
    case "ones":
      return fill(shape, 1);
    case "glorotUniform": {
      const l = Math.sqrt(6 / (fanIn + fanOut));
      return randomUniform(shape, -l, l, { seed });
    }
    case "glorotNormal":
      return truncatedNormal(shape, 0, Math.sqrt(2 / (fanIn + fanOut)) / 0.8796256610342398, { seed });
    case "heUniform": {
      const l = Math.sqrt(6 / fanIn);
      return randomUniform(shape, -l, l, { seed });
    }
    case "heNormal":
      return truncatedNormal(shape, 0, Math.sqrt(2 / fanIn) / 0.8796256610342398, { seed });
    case "lecunUniform": {
      const l = Math.sqrt(3 / fanIn);
      return randomUniform(shape, -l, l, { seed });
    }
    case "lecunNormal":
      return truncatedNormal(shape, 0, Math.sqrt(1 / fanIn) / 0.8796256610342398, { seed });
    case "randomNormal":
      return randomNormal(shape, spec.mean ?? 0, spec.stddev ?? 0.05, { seed });
    case "randomUniform":
      return randomUniform(shape, spec.minval ?? -0.05, spec.maxval ?? 0.05, { seed });
    case "truncatedNormal":
      return truncatedNormal(shape, spec.mean ?? 0, spec.stddev ?? 0.05, { seed });
    case "orthogonal":
      return orthogonal(shape, seed);
    default:
      throw new RangeError(`${who}: unknown initializer '${String((spec as { name: unknown }).name)}'`);
  }
}
