/**
 * BatchNormalization over the last axis (channels). In training it normalizes with the batch's
 * statistics and moves the moving averages (moving = moving * momentum + batch * (1 - momentum),
 * with the biased batch variance, as Keras 3); in inference, and whenever the layer is frozen
 * (trainable false, as in Keras since TF 2), it uses the moving averages.
 */
import { noGrad } from "../autodiff/grad.js";
import type { Variable } from "../autodiff/variable.js";
import { scaleShift } from "../ops/activations.js";
import { add, mul, sub } from "../ops/arithmetic.js";
import { rsqrt } from "../ops/math.js";
import { mean } from "../ops/reduce.js";
import type { Tensor } from "../tensor/tensor.js";
import type { Initializer } from "./initializers.js";
import { type CallOptions, Layer, type LayerArgs, type LayerOutput, type SymShape, shapeString, single, singleShape } from "./layer.js";

export interface BatchNormalizationArgs extends LayerArgs {
  axis?: number;
  momentum?: number;
  epsilon?: number;
  center?: boolean;
  scale?: boolean;
  betaInitializer?: Initializer;
  gammaInitializer?: Initializer;
  movingMeanInitializer?: Initializer;
  movingVarianceInitializer?: Initializer;
}

export class BatchNormalization extends Layer {
  static override readonly className = "BatchNormalization";

  protected override get supportsMasking(): boolean {
    return true;
  }

  readonly momentum: number;
  readonly epsilon: number;
  readonly center: boolean;
  readonly scale: boolean;
  gamma: Variable | null = null;
  beta: Variable | null = null;
  movingMean!: Variable;
  movingVariance!: Variable;

  constructor(override readonly args: BatchNormalizationArgs = {}) {
    super(args);
    if (args.axis !== undefined && !Number.isInteger(args.axis)) throw new RangeError(`${this.who}: axis must be an integer, got ${args.axis}`);
    this.momentum = args.momentum ?? 0.99;
    this.epsilon = args.epsilon ?? 1e-3;
    this.center = args.center ?? true;
    this.scale = args.scale ?? true;
  }

  override build(inputShape: SymShape | SymShape[]): void {
    const shape = singleShape(inputShape, this.who);
    const c = shape[shape.length - 1];
    if (c === null || shape.length < 2) throw new RangeError(`${this.who}: expected input with a known channel axis, got ${shapeString(shape)}`);
    // Keras writes the channel axis of NHWC images as 3 (ResNet50) or -1: both are the last axis
    const axis = this.args.axis ?? -1;
    if (axis !== -1 && axis !== shape.length - 1) {
      throw new RangeError(`${this.who}: only the last (channel) axis is supported, got axis ${axis} for input ${shapeString(shape)}`);
    }
    if (this.scale) this.gamma = this.addWeight("gamma", [c], this.args.gammaInitializer ?? "ones");
    if (this.center) this.beta = this.addWeight("beta", [c], this.args.betaInitializer ?? "zeros");
    this.movingMean = this.addWeight("moving_mean", [c], this.args.movingMeanInitializer ?? "zeros", { trainable: false });
    this.movingVariance = this.addWeight("moving_variance", [c], this.args.movingVarianceInitializer ?? "ones", { trainable: false });
  }

  protected override checkInputShape(inputShape: SymShape | SymShape[]): void {
    const shape = singleShape(inputShape, this.who);
    if (shape[shape.length - 1] !== this.movingMean.shape[0]) {
      throw new RangeError(`${this.who}: expected input with ${this.movingMean.shape[0]} channels, got ${shapeString(shape)}`);
    }
  }

  /** Frozen, it normalizes with its moving statistics: the same in training as at inference. */
  override get deterministic(): boolean {
    return !this.trainable;
  }

  call(inputs: LayerOutput, options: CallOptions): Tensor {
    const x = single(inputs, this.who);
    const axes = x.shape.slice(0, -1).map((_, i) => i);
    let m: Tensor, v: Tensor;
    if (options.training && this.trainable) {
      m = mean(x, axes);
      const centered = sub(x, m);
      v = mean(mul(centered, centered), axes);
      noGrad(() => {
        this.movingMean.assign(add(mul(this.movingMean, this.momentum), mul(m, 1 - this.momentum)));
        this.movingVariance.assign(add(mul(this.movingVariance, this.momentum), mul(v, 1 - this.momentum)));
      });
    } else {
      m = this.movingMean;
      v = this.movingVariance;
    }
    const { scale, shift } = this.affine(m, v);
    return scaleShift(x, scale, shift);
  }

  /**
   * What inference computes, y = x * scale + shift per channel (from the moving statistics): a
   * convolution before it may take it into its kernel and bias instead (src/models/rewrites.ts).
   */
  inferenceScaleShift(): { scale: Tensor; shift: Tensor } {
    return this.affine(this.movingMean, this.movingVariance);
  }

  // y = x * scale + (beta - mean * scale): one pass over x
  private affine(m: Tensor, v: Tensor): { scale: Tensor; shift: Tensor } {
    let scale = rsqrt(add(v, this.epsilon));
    if (this.gamma) scale = mul(scale, this.gamma);
    const shift = mul(m, scale);
    return { scale, shift: this.beta ? sub(this.beta, shift) : mul(shift, -1) };
  }

  computeOutputShape(inputShape: SymShape | SymShape[]): SymShape {
    return singleShape(inputShape, this.who);
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), axis: this.args.axis ?? -1, momentum: this.momentum, epsilon: this.epsilon, center: this.center, scale: this.scale };
  }
}
