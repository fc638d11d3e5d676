/**
 * Feature scalers fitted on the training part only (never on validation data), applied to any
 * part, and inverted to report errors in the original units.
 */
import { tensor } from "@kerno/core/tensor/creation.js";
import type { Tensor } from "@kerno/core/tensor/tensor.js";

abstract class Scaler {
  protected a: Float64Array | null = null; // subtract
  protected b: Float64Array | null = null; // divide by
  abstract readonly kind: string;

  protected abstract stats(values: Float32Array, n: number, f: number, j: number): [number, number];

  /** Learns per-feature statistics from x [n] or [n, features] (NaN values are ignored). */
  fit(x: Tensor): this {
    const f = x.rank === 1 ? 1 : x.shape[x.rank - 1];
    const n = x.size / f;
    this.a = new Float64Array(f);
    this.b = new Float64Array(f);
    for (let j = 0; j < f; j++) {
      const [a, b] = this.stats(x.floats(), n, f, j);
      this.a[j] = a;
      this.b[j] = b === 0 || !Number.isFinite(b) ? 1 : b;
    }
    return this;
  }

  private fitted(who: string): [Float64Array, Float64Array] {
    if (!this.a || !this.b) throw new Error(`${this.kind}.${who}: call fit() on the training data first`);
    return [this.a, this.b];
  }

  private map(x: Tensor, who: string, f: (v: number, a: number, b: number) => number): Tensor {
    const [a, b] = this.fitted(who);
    const width = a.length;
    if (x.size % width !== 0 || (width > 1 && x.shape[x.rank - 1] !== width)) {
      throw new RangeError(`${this.kind}.${who}: fitted on ${width} feature(s), got shape [${x.shape.join(",")}]`);
    }
    const out = new Float32Array(x.size);
    const v = x.values;
    for (let i = 0; i < out.length; i++) out[i] = f(v[i], a[i % width], b[i % width]);
    return tensor(out, x.shape);
  }

  transform(x: Tensor): Tensor {
    return this.map(x, "transform", (v, a, b) => (v - a) / b);
  }

  inverseTransform(x: Tensor): Tensor {
    return this.map(x, "inverseTransform", (v, a, b) => v * b + a);
  }

  /** Scale factor of feature j (to turn a normalized error into original units). */
  scaleOf(j = 0): number {
    return this.fitted("scaleOf")[1][j];
  }

  getConfig(): { kind: string; offset: number[]; scale: number[] } {
    const [a, b] = this.fitted("getConfig");
    return { kind: this.kind, offset: Array.from(a), scale: Array.from(b) };
  }
}

function column(values: Float32Array, n: number, f: number, j: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const v = values[i * f + j];
    if (!Number.isNaN(v)) out.push(v);
  }
  return out;
}

/** (x - min) / (max - min): features in [0, 1] on the training data. */
export class MinMaxScaler extends Scaler {
  readonly kind = "MinMaxScaler";
  protected stats(values: Float32Array, n: number, f: number, j: number): [number, number] {
    const c = column(values, n, f, j);
    let min = Infinity,
      max = -Infinity;
    for (const v of c) {
      if (v < min) min = v;
      if (v > max) max = v;
    }
    return [min, max - min];
  }
}

/** (x - mean) / std (population std, as scikit-learn). */
export class StandardScaler extends Scaler {
  readonly kind = "StandardScaler";
  protected stats(values: Float32Array, n: number, f: number, j: number): [number, number] {
    const c = column(values, n, f, j);
    const mean = c.reduce((s, v) => s + v, 0) / Math.max(c.length, 1);
    const variance = c.reduce((s, v) => s + (v - mean) ** 2, 0) / Math.max(c.length, 1);
    return [mean, Math.sqrt(variance)];
  }
}
