/**
 * What a filter responds to, by gradient ascent on the input (F. Graetz, "How to visualize
 * convolutional features in 40 lines of code"): start from a small image of soft noise, make the
 * filter's mean activation grow with Adam steps, enlarge the image by 1.2, blur it, and repeat, so
 * that coarse patterns form before fine ones. The image is optimized in standardized pixels
 * (Graetz's space) or in Lucid's decorrelated, sigmoid-bounded colour space, optionally through
 * Lucid's random transforms, and handed to the model through its own preprocessing. Each result
 * says how much the image excites the filter against noise of the same statistics and, given
 * reference inputs, against the best of them (filters-measure.ts).
 */
import { valueAndGrad } from "@kerno/core/autodiff/grad.js";
import { Variable } from "@kerno/core/autodiff/variable.js";
import type { PreprocessMode } from "@kerno/core/layers/preprocess-input.js";
import { preprocess } from "@kerno/core/layers/preprocess-input.js";
import type { Model } from "@kerno/core/models/model.js";
import { neg } from "@kerno/core/ops/arithmetic.js";
import { avgPool2d } from "@kerno/core/ops/pool.js";
import { resizeBilinear } from "@kerno/core/ops/resize.js";
import { reshape } from "@kerno/core/ops/shape.js";
import { tensor } from "@kerno/core/tensor/creation.js";
import { Random } from "@kerno/core/tensor/random.js";
import type { Tensor } from "@kerno/core/tensor/tensor.js";
import { AdamW } from "@kerno/core/training/optimizers.js";
import { CosineDecay } from "@kerno/core/training/schedules.js";
import { bestReference, contrast, meanActivation, noiseActivation, referenceActivations } from "./filters-measure.js";
import { decorrelated, IMAGENET, MNIST, type PixelSpace, randomTransform, standardized } from "./filters-space.js";
import { grid, stretch } from "./pictures.js";
import { inputShape, type Probe, probe } from "./probe.js";

export interface VisualizeOptions {
  /** First image size (56), the enlargement per scale (1.2) and the number of scales (12); no scale exceeds maxSize. */
  size?: number;
  upscale?: number;
  scales?: number;
  /** Largest image side (default: the model's input size when it is fixed, else none). */
  maxSize?: number;
  /** Adam steps per scale (20) and their learning rate (0.5; Graetz's 0.1 stops far short of what the filter can do). */
  steps?: number;
  learningRate?: number;
  /** The learning rate over each scale's steps: constant (default) or a cosine decay to 0. */
  schedule?: "constant" | "cosine";
  /** Divide each gradient by its root mean square before Adam's step (false). */
  normalizeGradient?: boolean;
  /** Keep every pixel inside 0..255 after each step (true; false: Graetz's clip once per scale, which loses what the steps gained outside the range). */
  clip?: boolean;
  /** Adam's weight decay on the optimized values (1e-6, Graetz's). */
  decay?: number;
  /** Box blur width after each enlargement (3; Graetz's 5 smooths away what the filter needs; 0 for none). */
  blur?: number;
  /** Lucid's robustness transforms, drawn before each step: a shift of up to `jitter` pixels, a zoom in [1 - zoom, 1 + zoom], a rotation of up to `rotate` degrees (all 0). */
  jitter?: number;
  zoom?: number;
  rotate?: number;
  /** The space optimized in: "standardized" pixels (Graetz's, default) or "decorrelated" colours through a sigmoid (Lucid's). */
  space?: "standardized" | "decorrelated";
  /** The first image: "noise" (Graetz's soft noise, pixels 150..180; default), "gray" (128), or pixels 0..255 [h, w, c] (resized to the first size). */
  start?: "noise" | "gray" | Tensor;
  /** How pixels 0..255 become the model's input: a preprocessInput mode, a function, or "none" (the model rescales itself; default). */
  preprocess?: PreprocessMode | "none" | ((pixels: Tensor) => Tensor);
  /** Per-channel mean and deviation (0..1 pixels) of the standardized space (ImageNet's for RGB, MNIST's for grayscale). */
  normalization?: { mean: number[]; std: number[] };
  /**
   * Real inputs to compare with, as pixels 0..255 [n, h, w, c] like the result's image (the
   * `preprocess` option applies to them too), best at the model's input size: each result then
   * has the filter's highest mean activation over them and the referenceContrast.
   */
  references?: Tensor;
  seed?: number;
}

export interface FilterImage {
  layer: string;
  filter: number;
  /** The image, pixels 0..255, [h, w, channels]. */
  image: Tensor;
  /** The filter's mean activation on the image. */
  activation: number;
  /** Its mean activation on noise with the image's per-channel mean and deviation, and activation / max(|noiseActivation|, 1e-6). */
  noiseActivation: number;
  noiseContrast: number;
  /** With references: which one the filter fires on most, its mean activation there, and activation / max(referenceActivation, 1e-6). */
  referenceIndex?: number;
  referenceActivation?: number;
  referenceContrast?: number;
}

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

/** One filter's image by gradient ascent; the model's layer must be convolutional (an output [n, h, w, filters]). */
export function visualizeFilter(model: Model, layerName: string, filter: number, options: VisualizeOptions = {}): FilterImage {
  const who = "visualizeFilter";
  const p = probe(model, layerName, who);
  const refs = options.references ? referenceActivations(p, preprocessor(options.preprocess), options.references, who) : null;
  return visualizeWith(p, model, layerName, filter, options, refs, who);
}

function firstPixels(start: VisualizeOptions["start"], side: number, c: number, rng: Random, who: string): Float32Array {
  if (start === undefined || start === "noise") return Float32Array.from({ length: side * side * c }, () => 150 + 30 * rng.uniform());
  if (start === "gray") return new Float32Array(side * side * c).fill(128);
  if (typeof start === "string" || start.rank !== 3 || start.shape[2] !== c)
    throw new RangeError(
      `${who}: start must be "noise", "gray" or pixels [h, w, ${c}], got ${typeof start === "string" ? `'${start}'` : `[${start.shape.join(", ")}]`}`,
    );
  return resizeBilinear(reshape(start, [1, ...start.shape]), [side, side])
    .floats()
    .slice();
}

function visualizeWith(
  p: Probe,
  model: Model,
  layerName: string,
  filter: number,
  options: VisualizeOptions,
  refs: Float64Array[] | null,
  who: string,
): FilterImage {
  const shape = inputShape(model);
  const c = (shape[2] as number | null) ?? 3;
  const fixed = shape[0] !== null && shape[1] !== null ? Math.min(shape[0] as number, shape[1] as number) : null;
  const sizes = scaleSizes({ ...options, maxSize: options.maxSize ?? fixed });
  const space: PixelSpace = options.space === "decorrelated" ? decorrelated(c) : standardized(options.normalization ?? (c === 1 ? MNIST : IMAGENET));
  const pre = preprocessor(options.preprocess);
  const rng = new Random(options.seed ?? 1);
  const steps = options.steps ?? 20,
    lr = options.learningRate ?? 0.5,
    decay = options.decay ?? 1e-6,
    blur = options.blur ?? 3;
  const robust = { jitter: options.jitter ?? 0, zoom: options.zoom ?? 0, rotate: options.rotate ?? 0 };
  // a fresh optimizer per scale (Lucid's way): its moments and schedule restart with each new image size
  const optimizer = () =>
    new AdamW({
      learningRate: options.schedule === "cosine" ? new CosineDecay({ initialLearningRate: lr, decaySteps: steps }) : lr,
      weightDecay: decay,
      epsilon: 1e-8,
    });
  const bounds =
    (options.clip ?? true) && options.space !== "decorrelated"
      ? { lo: space.fromPixels(new Float32Array(c).fill(0)), hi: space.fromPixels(new Float32Array(c).fill(255)) }
      : null;
  let pixels = firstPixels(options.start, sizes[0], c, rng, who);
  let side = sizes[0];
  // recycle: each step's activations and gradients go back to the buffer pool for the next step,
  // instead of leaving the garbage collector tens of MB per step
  const objective = valueAndGrad((z: Tensor) => neg(meanActivation(p, pre, randomTransform(space.toPixels(z), robust, rng), filter, layerName, who)), {
    recycle: true,
  });
  sizes.forEach((size, s) => {
    if (s > 0) {
      let img = resizeBilinear(tensor(pixels, [1, side, side, c]), [size, size]);
      if (blur > 1) img = avgPool2d(img, { poolSize: blur, strides: 1, padding: "same" });
      pixels = img.floats().slice();
      side = size;
    }
    const z = new Variable(tensor(space.fromPixels(pixels), [1, side, side, c]));
    const adam = optimizer();
    for (let step = 1; step <= steps; step++) {
      let g = objective(z).grads.floats();
      if (options.normalizeGradient) {
        let ss = 0;
        for (const x of g) ss += x * x;
        const k = 1 / (Math.sqrt(ss / g.length) + 1e-8);
        g = g.map((x) => x * k);
      }
      adam.apply([tensor(g, z.shape)], [z]);
      if (bounds) for (let i = 0; i < z.values.length; i++) z.values[i] = Math.min(bounds.hi[i % c], Math.max(bounds.lo[i % c], z.values[i]));
    }
    pixels = space
      .toPixels(z)
      .floats()
      .map((x) => Math.max(0, Math.min(255, x)));
  });
  const image = tensor(pixels, [side, side, c]);
  const activation = meanActivation(p, pre, reshape(image, [1, side, side, c]), filter, layerName, who).item();
  const noise = noiseActivation(p, pre, pixels, [side, side, c], filter, layerName, who, rng);
  const result: FilterImage = { layer: layerName, filter, image, activation, noiseActivation: noise, noiseContrast: contrast(activation, Math.abs(noise)) };
  if (refs) {
    const best = bestReference(refs, filter);
    Object.assign(result, { referenceIndex: best.index, referenceActivation: best.activation, referenceContrast: contrast(activation, best.activation) });
  }
  return result;
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
  const refs = options.references ? referenceActivations(p, preprocessor(options.preprocess), options.references, who) : null;
  const results = filters.map((f) => visualizeWith(p, model, layerName, f, options, refs, who));
  const tiles = results.map((r) => tensor(stretch(r.image.floats()), r.image.shape));
  return { filters: results, grid: grid(tiles, { columns: options.columns }) };
}
