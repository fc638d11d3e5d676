/**
 * Image preprocessing layers, as Keras 3's: Resizing, CenterCrop, and RandomCrop (a random window
 * in training, the center one at inference). Images are [batch, h, w, channels].
 */
import { resizeBilinear, resizeNearest } from "../ops/resize.js";
import { slice } from "../ops/shape.js";
import { generator, type Random } from "../tensor/random.js";
import type { Tensor } from "../tensor/tensor.js";
import { type CallOptions, Layer, type LayerArgs, type LayerOutput, type SymShape, shapeString, single, singleShape } from "./layer.js";

export interface SizeArgs extends LayerArgs {
  height: number;
  width: number;
}

/** The largest centered window of x with the aspect ratio of height x width. */
function cropToAspect(x: Tensor, height: number, width: number): Tensor {
  const [n, h, w, c] = x.shape;
  const cropH = Math.min(h, Math.round((w * height) / width));
  const cropW = Math.min(w, Math.round((h * width) / height));
  return slice(x, [0, Math.floor((h - cropH) / 2), Math.floor((w - cropW) / 2), 0], [n, cropH, cropW, c]);
}

/** The window of height x width at (top, left). */
function crop(x: Tensor, top: number, left: number, height: number, width: number): Tensor {
  const [n, , , c] = x.shape;
  return slice(x, [0, top, left, 0], [n, height, width, c]);
}

/** What the three share: a target size and image inputs. */
abstract class SizedLayer extends Layer {
  readonly height: number;
  readonly width: number;

  constructor(override readonly args: SizeArgs) {
    super(args);
    for (const what of ["height", "width"] as const) {
      if (!Number.isInteger(args?.[what]) || args[what] <= 0) throw new RangeError(`${this.who}: ${what} must be a positive integer, got ${args?.[what]}`);
    }
    this.height = args.height;
    this.width = args.width;
  }

  protected override checkInputShape(inputShape: SymShape | SymShape[]): void {
    const shape = singleShape(inputShape, this.who);
    if (shape.length !== 4) throw new RangeError(`${this.who}: expected images of rank 4 [batch, h, w, channels], got ${shapeString(shape)}`);
  }

  protected override get supportsMasking(): boolean {
    return true;
  }

  /** Resizes to the target (after cropping to its aspect ratio when asked). */
  protected resize(x: Tensor, interpolation: "bilinear" | "nearest", keepAspect: boolean): Tensor {
    const src = keepAspect ? cropToAspect(x, this.height, this.width) : x;
    if (src.shape[1] === this.height && src.shape[2] === this.width) return src;
    return (interpolation === "nearest" ? resizeNearest : resizeBilinear)(src, [this.height, this.width]);
  }

  computeOutputShape(inputShape: SymShape | SymShape[]): SymShape {
    const [batch, , , c] = singleShape(inputShape, this.who);
    return [batch, this.height, this.width, c];
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), height: this.height, width: this.width };
  }
}

export interface ResizingArgs extends SizeArgs {
  interpolation?: "bilinear" | "nearest";
  /** Crop the largest centered window of the target aspect ratio first (no distortion). */
  cropToAspectRatio?: boolean;
}

export class Resizing extends SizedLayer {
  static override readonly className = "Resizing";
  readonly interpolation: "bilinear" | "nearest";
  readonly cropToAspectRatio: boolean;

  constructor(override readonly args: ResizingArgs) {
    super(args);
    this.interpolation = args.interpolation ?? "bilinear";
    if (this.interpolation !== "bilinear" && this.interpolation !== "nearest") {
      throw new RangeError(`${this.who}: interpolation must be bilinear or nearest, got '${this.interpolation}'`);
    }
    this.cropToAspectRatio = args.cropToAspectRatio ?? false;
  }

  call(inputs: LayerOutput, _o: CallOptions): Tensor {
    return this.resize(single(inputs, this.who), this.interpolation, this.cropToAspectRatio);
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), interpolation: this.interpolation, cropToAspectRatio: this.cropToAspectRatio };
  }
}

/** The central height x width window; a smaller image is cropped to the aspect ratio and resized up. */
export class CenterCrop extends SizedLayer {
  static override readonly className = "CenterCrop";

  call(inputs: LayerOutput, _o: CallOptions): Tensor {
    const x = single(inputs, this.who);
    const [, h, w] = x.shape;
    if (h < this.height || w < this.width) return this.resize(x, "bilinear", true);
    return crop(x, Math.floor((h - this.height) / 2), Math.floor((w - this.width) / 2), this.height, this.width);
  }
}

export interface RandomCropArgs extends SizeArgs {
  seed?: number;
}

/** In training, a random height x width window (one per batch, as Keras draws it); at inference the center, resized as Keras does. */
export class RandomCrop extends SizedLayer {
  static override readonly className = "RandomCrop";
  private rng: Random | null = null;

  constructor(override readonly args: RandomCropArgs) {
    super(args);
  }

  override get deterministic(): boolean {
    return false;
  }

  call(inputs: LayerOutput, options: CallOptions): Tensor {
    const x = single(inputs, this.who);
    const [, h, w] = x.shape;
    if (!options.training || h < this.height || w < this.width) return this.resize(x, "bilinear", true);
    this.rng ??= generator(this.args.seed);
    const top = this.rng.int(h - this.height + 1),
      left = this.rng.int(w - this.width + 1);
    return crop(x, top, left, this.height, this.width);
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), seed: this.args.seed ?? null };
  }
}
