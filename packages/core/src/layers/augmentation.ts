/**
 * Random augmentation layers, as Keras 3's: RandomFlip, RandomRotation, RandomZoom,
 * RandomTranslation, RandomContrast, RandomBrightness. Active only in training (identity in
 * predict and evaluate), one random draw per image, reproducible from `seed`. The geometric ones
 * build one projective transform per image and run the batched warp kernel (imageTransform).
 */
import type { FillMode, Interpolation } from "../backends/kernels.js";
import { add, mul, sub } from "../ops/arithmetic.js";
import { imageTransform } from "../ops/image.js";
import { clip } from "../ops/math.js";
import { mean } from "../ops/reduce.js";
import { tensor } from "../tensor/creation.js";
import { generator, type Random } from "../tensor/random.js";
import type { Tensor } from "../tensor/tensor.js";
import { type CallOptions, Layer, type LayerArgs, type LayerOutput, type SymShape, shapeString, single, singleShape } from "./layer.js";

/** A Keras factor: f means [-f, f]; [lo, hi] as given. */
export type Factor = number | [number, number];

function range(factor: Factor, who: string, what: string): [number, number] {
  const [lo, hi] = typeof factor === "number" ? [-Math.abs(factor), Math.abs(factor)] : factor;
  if (!(Number.isFinite(lo) && Number.isFinite(hi) && lo <= hi))
    throw new RangeError(`${who}: ${what} must be a number or [lower, upper], got ${JSON.stringify(factor)}`);
  return [lo, hi];
}

interface SeededArgs extends LayerArgs {
  seed?: number;
}

/** What the random layers share: training-only behaviour, a seeded generator, image inputs. */
abstract class RandomImageLayer extends Layer {
  protected rng: Random | null = null;

  constructor(override readonly args: SeededArgs) {
    super(args);
  }

  /** The generator: seeded once per layer, so a run with the same seed draws the same augmentations. */
  protected random(): Random {
    this.rng ??= this.args.seed === undefined ? generator() : generator(this.args.seed);
    return this.rng;
  }

  protected uniform(lo: number, hi: number): number {
    return lo + (hi - lo) * this.random().uniform();
  }

  protected override checkInputShape(inputShape: SymShape | SymShape[]): void {
    const shape = singleShape(inputShape, this.who);
    if (shape.length !== 4) throw new RangeError(`${this.who}: expected images of rank 4 [batch, h, w, channels], got ${shapeString(shape)}`);
  }

  override get deterministic(): boolean {
    return false;
  }

  protected override get supportsMasking(): boolean {
    return true;
  }

  call(inputs: LayerOutput, options: CallOptions): Tensor {
    const x = single(inputs, this.who);
    return options.training ? this.augment(x) : x;
  }

  protected abstract augment(x: Tensor): Tensor;

  computeOutputShape(inputShape: SymShape | SymShape[]): SymShape {
    return singleShape(inputShape, this.who);
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), seed: this.args.seed ?? null };
  }
}

export interface RandomFlipArgs extends SeededArgs {
  mode?: "horizontal" | "vertical" | "horizontal_and_vertical";
}

/** Flips each image left-right and/or top-bottom with probability 1/2 each. */
export class RandomFlip extends RandomImageLayer {
  static override readonly className = "RandomFlip";
  readonly mode: "horizontal" | "vertical" | "horizontal_and_vertical";

  constructor(override readonly args: RandomFlipArgs = {}) {
    super(args);
    this.mode = args.mode ?? "horizontal_and_vertical";
    if (!["horizontal", "vertical", "horizontal_and_vertical"].includes(this.mode)) {
      throw new RangeError(`${this.who}: mode must be horizontal, vertical or horizontal_and_vertical, got '${this.mode}'`);
    }
  }

  protected augment(x: Tensor): Tensor {
    const [n, h, w] = x.shape;
    const flips = { 2: new Array<boolean>(n).fill(false), 1: new Array<boolean>(n).fill(false) };
    for (const [axis, on] of [
      [2, this.mode !== "vertical"],
      [1, this.mode !== "horizontal"],
    ] as const) {
      if (on) for (let i = 0; i < n; i++) flips[axis][i] = this.random().uniform() < 0.5;
    }
    if (!flips[1].includes(true) && !flips[2].includes(true)) return x;
    // one warp, exact: a mirror maps pixel centers onto pixel centers, read by nearest neighbour
    const t = Float32Array.from({ length: n * 8 }, (_, k) => {
      const i = Math.floor(k / 8),
        fx = flips[2][i],
        fy = flips[1][i];
      return [fx ? -1 : 1, 0, fx ? w - 1 : 0, 0, fy ? -1 : 1, fy ? h - 1 : 0, 0, 0][k % 8];
    });
    return imageTransform(x, tensor(t, [n, 8]), { interpolation: "nearest", fillMode: "constant" });
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), mode: this.mode };
  }
}

interface GeometricArgs extends SeededArgs {
  fillMode?: FillMode;
  interpolation?: Interpolation;
  fillValue?: number;
}

/** Rotation, zoom and translation: one transform per image, then the warp. */
abstract class GeometricLayer extends RandomImageLayer {
  constructor(override readonly args: GeometricArgs) {
    super(args);
  }

  protected abstract transform(h: number, w: number): number[];

  protected augment(x: Tensor): Tensor {
    const [n, h, w] = x.shape;
    const t = tensor(Float32Array.from(Array.from({ length: n }, () => this.transform(h, w)).flat()), [n, 8]);
    return imageTransform(x, t, {
      fillMode: this.args.fillMode ?? "reflect",
      interpolation: this.args.interpolation ?? "bilinear",
      fillValue: this.args.fillValue ?? 0,
    });
  }

  override getConfig(): Record<string, unknown> {
    const a = this.args;
    return { ...super.getConfig(), fillMode: a.fillMode ?? "reflect", interpolation: a.interpolation ?? "bilinear", fillValue: a.fillValue ?? 0 };
  }
}

export interface RandomRotationArgs extends GeometricArgs {
  /** Fraction of a full turn: 0.1 rotates by up to 36 degrees either way. */
  factor: Factor;
}

export class RandomRotation extends GeometricLayer {
  static override readonly className = "RandomRotation";
  readonly factor: [number, number];

  constructor(override readonly args: RandomRotationArgs) {
    super(args);
    this.factor = range(args?.factor, this.who, "factor");
  }

  protected transform(h: number, w: number): number[] {
    const angle = this.uniform(this.factor[0], this.factor[1]) * 2 * Math.PI;
    const cos = Math.cos(angle),
      sin = Math.sin(angle);
    const dx = (w - 1 - (cos * (w - 1) - sin * (h - 1))) / 2;
    const dy = (h - 1 - (sin * (w - 1) + cos * (h - 1))) / 2;
    return [cos, -sin, dx, sin, cos, dy, 0, 0];
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), factor: this.factor };
  }
}

export interface RandomZoomArgs extends GeometricArgs {
  /** Positive zooms out, negative zooms in: 0.2 means a scale in [0.8, 1.2] of the view. */
  heightFactor: Factor;
  /** Default: the same zoom as the height (aspect kept). */
  widthFactor?: Factor | null;
}

export class RandomZoom extends GeometricLayer {
  static override readonly className = "RandomZoom";
  readonly heightFactor: [number, number];
  readonly widthFactor: [number, number] | null;

  constructor(override readonly args: RandomZoomArgs) {
    super(args);
    this.heightFactor = range(args?.heightFactor, this.who, "heightFactor");
    this.widthFactor = args.widthFactor === undefined || args.widthFactor === null ? null : range(args.widthFactor, this.who, "widthFactor");
  }

  protected transform(h: number, w: number): number[] {
    const zy = 1 + this.uniform(this.heightFactor[0], this.heightFactor[1]);
    const zx = this.widthFactor ? 1 + this.uniform(this.widthFactor[0], this.widthFactor[1]) : zy;
    return [zx, 0, ((w - 1) / 2) * (1 - zx), 0, zy, ((h - 1) / 2) * (1 - zy), 0, 0];
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), heightFactor: this.heightFactor, widthFactor: this.widthFactor };
  }
}

export interface RandomTranslationArgs extends GeometricArgs {
  /** Fraction of the height (and width) to shift by. */
  heightFactor: Factor;
  widthFactor: Factor;
}

export class RandomTranslation extends GeometricLayer {
  static override readonly className = "RandomTranslation";
  readonly heightFactor: [number, number];
  readonly widthFactor: [number, number];

  constructor(override readonly args: RandomTranslationArgs) {
    super(args);
    this.heightFactor = range(args?.heightFactor, this.who, "heightFactor");
    this.widthFactor = range(args?.widthFactor, this.who, "widthFactor");
  }

  protected transform(h: number, w: number): number[] {
    const dy = this.uniform(this.heightFactor[0], this.heightFactor[1]) * h;
    const dx = this.uniform(this.widthFactor[0], this.widthFactor[1]) * w;
    return [1, 0, -dx, 0, 1, -dy, 0, 0];
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), heightFactor: this.heightFactor, widthFactor: this.widthFactor };
  }
}

interface IntensityArgs extends SeededArgs {
  factor: Factor;
  /** The pixel range the result is clipped to (default [0, 255]). */
  valueRange?: [number, number];
}

/** Per-image contrast: (x - mean) * f + mean with f in [1 - lower, 1 + upper], per channel mean, clipped. */
export class RandomContrast extends RandomImageLayer {
  static override readonly className = "RandomContrast";
  readonly factor: [number, number];
  readonly valueRange: [number, number];

  constructor(override readonly args: IntensityArgs) {
    super(args);
    const f = args?.factor;
    this.factor = typeof f === "number" ? [f, f] : range(f, this.who, "factor");
    if (this.factor.some((v) => v < 0)) throw new RangeError(`${this.who}: factor must be non-negative, got ${JSON.stringify(f)}`);
    this.valueRange = args.valueRange ?? [0, 255];
  }

  protected augment(x: Tensor): Tensor {
    const n = x.shape[0];
    const f = tensor(
      Float32Array.from({ length: n }, () => this.uniform(Math.max(0, 1 - this.factor[0]), 1 + this.factor[1])),
      [n, 1, 1, 1],
    );
    const m = mean(x, [1, 2], true);
    return clip(add(mul(sub(x, m), f), m), this.valueRange[0], this.valueRange[1]);
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), factor: this.factor, valueRange: this.valueRange };
  }
}

/** Per-image brightness: adds a delta in factor * (range width), clipped to the value range. */
export class RandomBrightness extends RandomImageLayer {
  static override readonly className = "RandomBrightness";
  readonly factor: [number, number];
  readonly valueRange: [number, number];

  constructor(override readonly args: IntensityArgs) {
    super(args);
    this.factor = range(args?.factor, this.who, "factor");
    if (this.factor.some((v) => v < -1 || v > 1)) throw new RangeError(`${this.who}: factor must be within [-1, 1], got ${JSON.stringify(args.factor)}`);
    this.valueRange = args.valueRange ?? [0, 255];
  }

  protected augment(x: Tensor): Tensor {
    const n = x.shape[0];
    const span = this.valueRange[1] - this.valueRange[0];
    const delta = tensor(
      Float32Array.from({ length: n }, () => this.uniform(this.factor[0], this.factor[1]) * span),
      [n, 1, 1, 1],
    );
    return clip(add(x, delta), this.valueRange[0], this.valueRange[1]);
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), factor: this.factor, valueRange: this.valueRange };
  }
}
