/**
 * What a filter responds to, by gradient ascent on the input (F. Graetz, "How to visualize
 * convolutional features in 40 lines of code"): start from a small image of soft noise, make the
 * filter's mean activation grow with 20 Adam steps, enlarge the image by 1.2, blur it, and
 * repeat, so that coarse patterns form before fine ones. The image is optimized in standardized
 * pixels (Graetz's space, where a learning rate of 0.1 makes sense) and handed to the model
 * through its own preprocessing.
 */
import { valueAndGrad } from "../autodiff/grad.js";
import { Variable } from "../autodiff/variable.js";
import { backend } from "../backends/registry.js";
import type { PreprocessMode } from "../layers/preprocess-input.js";
import { preprocess } from "../layers/preprocess-input.js";
import type { Model } from "../models/model.js";
import { add, mul, neg } from "../ops/arithmetic.js";
import { avgPool2d } from "../ops/pool.js";
import { mean } from "../ops/reduce.js";
import { resizeBilinear } from "../ops/resize.js";
import { concat, reshape, slice } from "../ops/shape.js";
import { tensor } from "../tensor/creation.js";
import { Random } from "../tensor/random.js";
import type { Tensor } from "../tensor/tensor.js";
import { grid, stretch } from "./pictures.js";
import { channel, inputShape, type Probe, probe } from "./probe.js";

export interface VisualizeOptions {
  /** First image size (56), the enlargement per scale (1.2) and the number of scales (12); no scale exceeds maxSize. */
  size?: number;
  upscale?: number;
  scales?: number;
  /** Largest image side (default: the model's input size when it is fixed, else none). */
  maxSize?: number;
  /** Adam steps per scale (20) and their learning rate (0.1), in standardized pixels. */
  steps?: number;
  learningRate?: number;
  /** Adam's weight decay on the standardized image (1e-6, Graetz's). */
  decay?: number;
  /** Box blur width after each enlargement (5; 0 for none). */
  blur?: number;
  /** Random shift of up to this many pixels before each step (0). */
  jitter?: number;
  /** How pixels 0..255 become the model's input: a preprocessInput mode, a function, or "none" (the model rescales itself; default). */
  preprocess?: PreprocessMode | "none" | ((pixels: Tensor) => Tensor);
  /** Per-channel mean and deviation (0..1 pixels) of the standardized space (ImageNet's for RGB, MNIST's for grayscale). */
  normalization?: { mean: number[]; std: number[] };
  seed?: number;
}

export interface FilterImage {
  layer: string;
  filter: number;
  /** The image, pixels 0..255, [h, w, channels]. */
  image: Tensor;
  /** The filter's mean activation on the image, and on noise with the image's mean and deviation per channel. */
  activation: number;
  noiseActivation: number;
}

const IMAGENET = { mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] };
const MNIST = { mean: [0.1307], std: [0.3081] };

function preprocessor(option: VisualizeOptions["preprocess"]): (pixels: Tensor) => Tensor {
  if (option === undefined || option === "none") return (x) => x;
  if (typeof option === "function") return option;
  return (x) => preprocess(x, option);
}

/** The sizes of Graetz's schedule, capped. */
export function scaleSizes(options: { size?: number; upscale?: number; scales?: number; maxSize?: number | null }): number[] {
  const sizes: number[] = [];
  let s = options.size ?? 56;
  for (let i = 0; i < (options.scales ?? 12); i++) {
    const capped = options.maxSize ? Math.min(s, options.maxSize) : s;
    if (sizes.at(-1) !== capped) sizes.push(capped);
    s = Math.round(s * (options.upscale ?? 1.2));
  }
  return sizes;
}

/** x rolled by (dy, dx) pixels, wrapping around (jitter). */
function roll(x: Tensor, dy: number, dx: number): Tensor {
  const [, h, w, c] = x.shape;
  const part = (t: Tensor, axis: 1 | 2, by: number) => {
    const n = axis === 1 ? h : w;
    const k = ((by % n) + n) % n;
    if (k === 0) return t;
    const size = (len: number) => t.shape.map((d, i) => (i === axis ? len : d));
    const begin = (at: number) => t.shape.map((_, i) => (i === axis ? at : 0));
    return concat([slice(t, begin(n - k), size(k)), slice(t, begin(0), size(n - k))], axis);
  };
  return reshape(part(part(x, 1, dy), 2, dx), [1, h, w, c]);
}

interface Space {
  toPixels: (z: Tensor) => Tensor;
  fromPixels: (p: Float32Array, c: number) => Float32Array;
}

function standardized(norm: { mean: number[]; std: number[] }): Space {
  const c = norm.mean.length;
  const scale = tensor(norm.std.map((s) => 255 * s)),
    shift = tensor(norm.mean.map((m) => 255 * m));
  return {
    toPixels: (z) => add(mul(z, scale), shift),
    fromPixels: (p) => p.map((v, i) => (v / 255 - norm.mean[i % c]) / norm.std[i % c]),
  };
}

/** The filter's mean activation for pixels 0..255 [1, h, w, c]. */
function meanActivation(p: Probe, pre: (x: Tensor) => Tensor, pixels: Tensor, filter: number, layerName: string, who: string): Tensor {
  return mean(channel(p.run(pre(pixels)), filter, who, layerName));
}

/** One filter's image by gradient ascent; the model's layer must be convolutional (an output [n, h, w, filters]). */
export function visualizeFilter(model: Model, layerName: string, filter: number, options: VisualizeOptions = {}): FilterImage {
  const who = "visualizeFilter";
  return visualizeWith(probe(model, layerName, who), model, layerName, filter, options, who);
}

function visualizeWith(p: Probe, model: Model, layerName: string, filter: number, options: VisualizeOptions, who: string): FilterImage {
  const shape = inputShape(model);
  const c = (shape[2] as number | null) ?? 3;
  const fixed = shape[0] !== null && shape[1] !== null ? Math.min(shape[0] as number, shape[1] as number) : null;
  const sizes = scaleSizes({ ...options, maxSize: options.maxSize ?? fixed });
  const space = standardized(options.normalization ?? (c === 1 ? MNIST : IMAGENET));
  const pre = preprocessor(options.preprocess);
  const rng = new Random(options.seed ?? 1);
  const steps = options.steps ?? 20,
    lr = options.learningRate ?? 0.1,
    decay = options.decay ?? 1e-6,
    blur = options.blur ?? 5,
    jitter = options.jitter ?? 0;
  // soft noise (pixels 150..180, Graetz's start), standardized
  let pixels = Float32Array.from({ length: sizes[0] * sizes[0] * c }, () => 150 + 30 * rng.uniform());
  let side = sizes[0];
  const objective = valueAndGrad((z: Tensor) => {
    const shifted = jitter > 0 ? roll(z, rng.int(2 * jitter + 1) - jitter, rng.int(2 * jitter + 1) - jitter) : z;
    return neg(meanActivation(p, pre, space.toPixels(shifted), filter, layerName, who));
  });
  sizes.forEach((size, s) => {
    if (s > 0) {
      let img = resizeBilinear(tensor(pixels, [1, side, side, c]), [size, size]);
      if (blur > 1) img = avgPool2d(img, { poolSize: blur, strides: 1, padding: "same" });
      pixels = img.floats().slice();
      side = size;
    }
    const z = new Variable(tensor(space.fromPixels(pixels, c), [1, side, side, c]));
    const m = new Float32Array(z.size),
      v = new Float32Array(z.size);
    for (let step = 1; step <= steps; step++) {
      const { grads } = objective(z);
      backend().adamUpdate(z.values, grads.floats(), m, v, lr, 0.9, 0.999, 1e-8, step, decay);
    }
    pixels = space
      .toPixels(z)
      .floats()
      .map((x) => Math.max(0, Math.min(255, x)));
  });
  const image = tensor(pixels, [side, side, c]);
  const activation = meanActivation(p, pre, reshape(image, [1, side, side, c]), filter, layerName, who).item();
  return { layer: layerName, filter, image, activation, noiseActivation: noiseActivation(p, pre, pixels, side, c, filter, layerName, who, rng) };
}

/** The filter's activation on noise with the image's per-channel mean and deviation. */
function noiseActivation(
  p: Probe,
  pre: (x: Tensor) => Tensor,
  pixels: Float32Array,
  side: number,
  c: number,
  filter: number,
  layerName: string,
  who: string,
  rng: Random,
): number {
  const n = side * side;
  const stats = Array.from({ length: c }, (_, k) => {
    let s = 0,
      s2 = 0;
    for (let i = 0; i < n; i++) {
      const v = pixels[i * c + k];
      s += v;
      s2 += v * v;
    }
    const m = s / n;
    return { m, sd: Math.sqrt(Math.max(0, s2 / n - m * m)) };
  });
  const noise = Float32Array.from({ length: n * c }, (_, i) => Math.max(0, Math.min(255, stats[i % c].m + stats[i % c].sd * rng.normal())));
  return meanActivation(p, pre, tensor(noise, [1, side, side, c]), filter, layerName, who).item();
}

/** Several filters of one layer, and one grid picture of them (each image stretched to 0..255, same size). */
export function visualizeLayer(
  model: Model,
  layerName: string,
  filters: number[],
  options: VisualizeOptions & { columns?: number } = {},
): { filters: FilterImage[]; grid: Tensor } {
  const who = "visualizeLayer";
  const p = probe(model, layerName, who);
  const results = filters.map((f) => visualizeWith(p, model, layerName, f, options, who));
  const tiles = results.map((r) => tensor(stretch(r.image.floats()), r.image.shape));
  return { filters: results, grid: grid(tiles, { columns: options.columns }) };
}
