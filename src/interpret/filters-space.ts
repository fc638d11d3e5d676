/**
 * The spaces filter visualization optimizes in, and the random transforms it optimizes through.
 * "standardized" is Graetz's: pixels minus ImageNet's (or MNIST's) mean, over its deviation,
 * unbounded. "decorrelated" is Lucid's and Lucent's: three decorrelated colour components (the
 * square root of ImageNet's colour covariance, by SVD), then a sigmoid, so that every value is a
 * pixel inside 0..255 and a step moves colours as they vary in photos. The transforms (a shift, a
 * zoom and a rotation, drawn anew before each step) are Lucid's "transformation robustness".
 */

import { sigmoid } from "@kerno/core/ops/activations.js";
import { add, mul } from "@kerno/core/ops/arithmetic.js";
import { imageTransform } from "@kerno/core/ops/image.js";
import { matMul } from "@kerno/core/ops/matmul.js";
import { reshape } from "@kerno/core/ops/shape.js";
import { tensor } from "@kerno/core/tensor/creation.js";
import type { Random } from "@kerno/core/tensor/random.js";
import type { Tensor } from "@kerno/core/tensor/tensor.js";

export interface PixelSpace {
  /** The optimized values [1, h, w, c] as pixels 0..255 (the standardized space can leave that range). */
  toPixels(z: Tensor): Tensor;
  /** Pixels 0..255 (h * w * c values, channels last) as the optimized values. */
  fromPixels(pixels: Float32Array): Float32Array;
}

export const IMAGENET = { mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] };
export const MNIST = { mean: [0.1307], std: [0.3081] };

export function standardized(norm: { mean: number[]; std: number[] }): PixelSpace {
  const c = norm.mean.length;
  const scale = tensor(norm.std.map((s) => 255 * s)),
    shift = tensor(norm.mean.map((m) => 255 * m));
  return {
    toPixels: (z) => add(mul(z, scale), shift),
    fromPixels: (p) => p.map((v, i) => (v / 255 - norm.mean[i % c]) / norm.std[i % c]),
  };
}

/** Lucid's color_correlation_svd_sqrt (RGB), its columns divided by the largest column norm. */
const SVD_SQRT = [
  [0.26, 0.09, 0.02],
  [0.27, 0.0, -0.05],
  [0.27, -0.09, 0.03],
];

function colourMatrix(): number[][] {
  const norm = Math.max(...[0, 1, 2].map((j) => Math.hypot(...SVD_SQRT.map((row) => row[j]))));
  return SVD_SQRT.map((row) => row.map((v) => v / norm));
}

function inverse3(m: number[][]): number[][] {
  const [[a, b, c], [d, e, f], [g, h, i]] = m;
  const det = a * (e * i - f * h) - b * (d * i - f * g) + c * (d * h - e * g);
  const cof = [
    [e * i - f * h, c * h - b * i, b * f - c * e],
    [f * g - d * i, a * i - c * g, c * d - a * f],
    [d * h - e * g, b * g - a * h, a * e - b * d],
  ];
  return cof.map((row) => row.map((v) => v / det));
}

/** Lucid's space: pixels = 255 sigmoid(z C^T), C the normalized colour matrix (grayscale: 255 sigmoid(z)). */
export function decorrelated(c: number): PixelSpace {
  const logit = (v: number) => {
    const q = Math.min(1 - 1e-3, Math.max(1e-3, v / 255));
    return Math.log(q / (1 - q));
  };
  if (c !== 3) return { toPixels: (z) => mul(sigmoid(z), 255), fromPixels: (p) => p.map(logit) };
  const m = colourMatrix();
  const mt = tensor(Float32Array.from([0, 1, 2].flatMap((j) => [0, 1, 2].map((i) => m[i][j]))), [3, 3]); // C^T
  const inv = inverse3(m); // l = C z, so z = C^-1 l
  return {
    toPixels: (z) => mul(sigmoid(reshape(matMul(reshape(z, [-1, 3]), mt), z.shape)), 255),
    fromPixels: (p) => {
      const out = new Float32Array(p.length);
      for (let k = 0; k < p.length; k += 3) {
        const l = [logit(p[k]), logit(p[k + 1]), logit(p[k + 2])];
        for (let i = 0; i < 3; i++) out[k + i] = inv[i][0] * l[0] + inv[i][1] * l[1] + inv[i][2] * l[2];
      }
      return out;
    },
  };
}

export interface Robustness {
  /** Shift by up to this many pixels either way. */
  jitter: number;
  /** Zoom by a factor in [1 - zoom, 1 + zoom]. */
  zoom: number;
  /** Rotate by up to this many degrees either way. */
  rotate: number;
}

/** A random shift, zoom and rotation about the centre of pixels [1, h, w, c] (edges reflected), or the pixels as they are when all are 0. */
export function randomTransform(pixels: Tensor, r: Robustness, rng: Random): Tensor {
  if (r.jitter <= 0 && r.zoom <= 0 && r.rotate <= 0) return pixels;
  const [, h, w] = pixels.shape;
  const shift = () => (r.jitter > 0 ? rng.int(2 * Math.floor(r.jitter) + 1) - Math.floor(r.jitter) : 0);
  const s = 1 + r.zoom * (2 * rng.uniform() - 1);
  const angle = ((r.rotate * Math.PI) / 180) * (2 * rng.uniform() - 1);
  const [tx, ty] = [shift(), shift()];
  // output pixel (x, y) reads the input at R(angle) (x - centre) / s + centre + shift
  const cos = Math.cos(angle) / s,
    sin = Math.sin(angle) / s;
  const cx = (w - 1) / 2,
    cy = (h - 1) / 2;
  const t = [cos, -sin, cx - cos * cx + sin * cy + tx, sin, cos, cy - sin * cx - cos * cy + ty, 0, 0];
  return imageTransform(pixels, tensor(Float32Array.from(t), [1, 8]), { fillMode: "reflect" });
}
