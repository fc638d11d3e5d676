/** Pooling layers: windowed max/average (1-D and 2-D) and global max/average over space or time. */

import { div, maximum, mul } from "../ops/arithmetic.js";
import { sum } from "../ops/broadcast.js";
import { cast } from "../ops/compare.js";
import { assertPadding, convOutput, type Padding, pair } from "../ops/conv.js";
import { avgPool2d, maxPool2d } from "../ops/pool.js";
import { max, mean } from "../ops/reduce.js";
import { expandDims, reshape } from "../ops/shape.js";
import type { Tensor } from "../tensor/tensor.js";
import { type CallOptions, Layer, type LayerArgs, type LayerOutput, type SymShape, shapeString, single, singleShape } from "./layer.js";

export interface Pooling2DArgs extends LayerArgs {
  poolSize?: number | [number, number];
  /** Defaults to poolSize. */
  strides?: number | [number, number];
  padding?: Padding;
}

abstract class Pooling2D extends Layer {
  readonly poolSize: [number, number];
  readonly strides: [number, number];
  readonly padding: Padding;

  constructor(args: Pooling2DArgs = {}) {
    super(args);
    this.poolSize = pair(args.poolSize, 2, this.who, "poolSize");
    this.strides = pair(args.strides ?? this.poolSize, 1, this.who, "strides");
    this.padding = assertPadding(args.padding, this.who);
  }

  protected override checkInputShape(inputShape: SymShape | SymShape[]): void {
    const shape = singleShape(inputShape, this.who);
    if (shape.length !== 4) throw new RangeError(`${this.who}: expected input of rank 4 [batch, h, w, channels], got ${shapeString(shape)}`);
  }

  computeOutputShape(inputShape: SymShape | SymShape[]): SymShape {
    const shape = singleShape(inputShape, this.who);
    const out = (size: number | null, i: 0 | 1) => {
      if (size === null) return null;
      const o = convOutput(size, this.poolSize[i], this.strides[i], 1, this.padding).out;
      if (o <= 0) throw new RangeError(`${this.who}: a ${this.poolSize.join("x")} window does not fit input ${shapeString(shape)}`);
      return o;
    };
    return [shape[0], out(shape[1], 0), out(shape[2], 1), shape[3]];
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), poolSize: this.poolSize, strides: this.strides, padding: this.padding };
  }
}

export class MaxPooling2D extends Pooling2D {
  static override readonly className = "MaxPooling2D";
  call(inputs: LayerOutput, _o: CallOptions): Tensor {
    return maxPool2d(single(inputs, this.who), { poolSize: this.poolSize, strides: this.strides, padding: this.padding });
  }
}

export class AveragePooling2D extends Pooling2D {
  static override readonly className = "AveragePooling2D";
  call(inputs: LayerOutput, _o: CallOptions): Tensor {
    return avgPool2d(single(inputs, this.who), { poolSize: this.poolSize, strides: this.strides, padding: this.padding });
  }
}

export interface Pooling1DArgs extends LayerArgs {
  poolSize?: number;
  strides?: number;
  padding?: Padding;
}

/** 1-D pooling over [batch, steps, channels], run as 2-D pooling of height 1. */
abstract class Pooling1D extends Layer {
  readonly poolSize: number;
  readonly strides: number;
  readonly padding: Padding;

  constructor(args: Pooling1DArgs = {}) {
    super(args);
    this.poolSize = args.poolSize ?? 2;
    this.strides = args.strides ?? this.poolSize;
    this.padding = assertPadding(args.padding, this.who);
  }

  protected override checkInputShape(inputShape: SymShape | SymShape[]): void {
    const shape = singleShape(inputShape, this.who);
    if (shape.length !== 3) throw new RangeError(`${this.who}: expected input of rank 3 [batch, steps, channels], got ${shapeString(shape)}`);
  }

  protected pool(x: Tensor, f: typeof maxPool2d): Tensor {
    const [b, steps, c] = x.shape;
    const y = f(reshape(x, [b, 1, steps, c]), { poolSize: [1, this.poolSize], strides: [1, this.strides], padding: this.padding });
    return reshape(y, [b, y.shape[2], c]);
  }

  computeOutputShape(inputShape: SymShape | SymShape[]): SymShape {
    const [b, steps, c] = singleShape(inputShape, this.who);
    return [b, steps === null ? null : convOutput(steps, this.poolSize, this.strides, 1, this.padding).out, c];
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), poolSize: this.poolSize, strides: this.strides, padding: this.padding };
  }
}

export class MaxPooling1D extends Pooling1D {
  static override readonly className = "MaxPooling1D";
  call(inputs: LayerOutput, _o: CallOptions): Tensor {
    return this.pool(single(inputs, this.who), maxPool2d);
  }
}

export class AveragePooling1D extends Pooling1D {
  static override readonly className = "AveragePooling1D";
  call(inputs: LayerOutput, _o: CallOptions): Tensor {
    return this.pool(single(inputs, this.who), avgPool2d);
  }
}

export interface GlobalPoolingArgs extends LayerArgs {
  /** Keep the pooled axes with size 1. */
  keepdims?: boolean;
}

/** Max or mean over every axis but the batch and the channels. */
abstract class GlobalPooling extends Layer {
  readonly keepdims: boolean;
  protected abstract readonly rank: number;
  protected abstract readonly reduce: typeof mean;

  constructor(args: GlobalPoolingArgs = {}) {
    super(args);
    this.keepdims = args.keepdims ?? false;
  }

  protected override checkInputShape(inputShape: SymShape | SymShape[]): void {
    const shape = singleShape(inputShape, this.who);
    if (shape.length !== this.rank) throw new RangeError(`${this.who}: expected input of rank ${this.rank}, got ${shapeString(shape)}`);
  }

  call(inputs: LayerOutput, _o: CallOptions): Tensor {
    const x = single(inputs, this.who);
    return this.reduce(
      x,
      x.shape.slice(1, -1).map((_, i) => i + 1),
      this.keepdims,
    );
  }

  computeOutputShape(inputShape: SymShape | SymShape[]): SymShape {
    const shape = singleShape(inputShape, this.who);
    return this.keepdims ? [shape[0], ...shape.slice(1, -1).map(() => 1), shape[shape.length - 1]] : [shape[0], shape[shape.length - 1]];
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), keepdims: this.keepdims };
  }
}

export class GlobalAveragePooling2D extends GlobalPooling {
  static override readonly className = "GlobalAveragePooling2D";
  protected readonly rank = 4;
  protected readonly reduce = mean;
}

export class GlobalMaxPooling2D extends GlobalPooling {
  static override readonly className = "GlobalMaxPooling2D";
  protected readonly rank = 4;
  protected readonly reduce = max;
}

export class GlobalAveragePooling1D extends GlobalPooling {
  static override readonly className = "GlobalAveragePooling1D";
  protected readonly rank = 3;
  protected readonly reduce = mean;

  protected override get supportsMasking(): boolean {
    return true;
  }

  /** The steps are averaged away: the output has no mask. */
  override computeMask(): null {
    return null;
  }

  /** With a mask, the mean over the real steps only (Keras's masked average). */
  override call(inputs: LayerOutput, options: CallOptions): Tensor {
    const mask = Array.isArray(options.mask) ? options.mask[0] : options.mask;
    if (!mask) return super.call(inputs, options);
    const x = single(inputs, this.who);
    const m = expandDims(cast(mask, "float32"), -1);
    return div(sum(mul(x, m), 1, this.keepdims), maximum(sum(m, 1, this.keepdims), 1e-7));
  }
}

export class GlobalMaxPooling1D extends GlobalPooling {
  static override readonly className = "GlobalMaxPooling1D";
  protected readonly rank = 3;
  protected readonly reduce = max;
}
