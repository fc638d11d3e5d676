/** DepthwiseConv2D (MobileNet's): one filter (or depthMultiplier filters) per input channel, kernel [kh, kw, channels, multiplier]. */
import type { Variable } from "../autodiff/variable.js";
import { assertPadding, convOutput, depthwiseConv2d, type Padding, pair } from "../ops/conv.js";
import type { Tensor } from "../tensor/tensor.js";
import { type ActivationName, activationName, applyActivation, splitActivation } from "./activation-names.js";
import type { Initializer } from "./initializers.js";
import { type CallOptions, Layer, type LayerArgs, type LayerOutput, type SymShape, shapeString, single, singleShape } from "./layer.js";
import { assertRegularizer, type Regularizer } from "./regularizers.js";

export interface DepthwiseConv2DArgs extends LayerArgs {
  kernelSize: number | [number, number];
  strides?: number | [number, number];
  padding?: Padding;
  depthMultiplier?: number;
  dilationRate?: number | [number, number];
  activation?: ActivationName | string;
  useBias?: boolean;
  depthwiseInitializer?: Initializer;
  biasInitializer?: Initializer;
  depthwiseRegularizer?: Regularizer | null;
  biasRegularizer?: Regularizer | null;
}

export class DepthwiseConv2D extends Layer {
  static override readonly className = "DepthwiseConv2D";
  readonly kernelSize: [number, number];
  readonly strides: [number, number];
  readonly dilationRate: [number, number];
  readonly padding: Padding;
  readonly depthMultiplier: number;
  readonly activation: ActivationName;
  readonly useBias: boolean;
  depthwiseKernel!: Variable;
  bias: Variable | null = null;

  constructor(override readonly args: DepthwiseConv2DArgs) {
    super(args);
    this.kernelSize = pair(args?.kernelSize, 1, this.who, "kernelSize");
    this.strides = pair(args.strides, 1, this.who, "strides");
    this.dilationRate = pair(args.dilationRate, 1, this.who, "dilationRate");
    this.padding = assertPadding(args.padding, this.who);
    this.depthMultiplier = args.depthMultiplier ?? 1;
    if (!Number.isInteger(this.depthMultiplier) || this.depthMultiplier < 1) {
      throw new RangeError(`${this.who}: depthMultiplier must be a positive integer, got ${args.depthMultiplier}`);
    }
    this.activation = activationName(args.activation, this.who);
    this.useBias = args.useBias ?? true;
  }

  override build(inputShape: SymShape | SymShape[]): void {
    const shape = singleShape(inputShape, this.who);
    const c = shape[3];
    if (shape.length !== 4 || c === null)
      throw new RangeError(`${this.who}: expected input of rank 4 [batch, h, w, channels] with known channels, got ${shapeString(shape)}`);
    this.depthwiseKernel = this.addWeight(
      "depthwise_kernel",
      [...this.kernelSize, c, this.depthMultiplier],
      this.args.depthwiseInitializer ?? "glorotUniform",
      {
        regularizer: assertRegularizer(this.args.depthwiseRegularizer, this.who),
      },
    );
    if (this.useBias) {
      this.bias = this.addWeight("bias", [c * this.depthMultiplier], this.args.biasInitializer ?? "zeros", {
        regularizer: assertRegularizer(this.args.biasRegularizer, this.who),
      });
    }
  }

  protected override checkInputShape(inputShape: SymShape | SymShape[]): void {
    const shape = singleShape(inputShape, this.who);
    if (shape.length !== 4 || shape[3] !== this.depthwiseKernel.shape[2]) {
      throw new RangeError(`${this.who}: expected input [batch, h, w, ${this.depthwiseKernel.shape[2]}], got ${shapeString(shape)}`);
    }
  }

  override outputActivation(): ActivationName {
    return this.activation;
  }

  call(inputs: LayerOutput, options: CallOptions): Tensor {
    const x = single(inputs, this.who);
    const { fused, after } = splitActivation(this.activation, options.logits);
    const y = depthwiseConv2d(x, this.depthwiseKernel, {
      strides: this.strides,
      padding: this.padding,
      dilationRate: this.dilationRate,
      bias: this.bias,
      activation: fused,
    });
    return applyActivation(after, y);
  }

  computeOutputShape(inputShape: SymShape | SymShape[]): SymShape {
    const [batch, h, w, c] = singleShape(inputShape, this.who);
    const out = (size: number | null, i: 0 | 1) =>
      size === null ? null : convOutput(size, this.kernelSize[i], this.strides[i], this.dilationRate[i], this.padding).out;
    return [batch, out(h, 0), out(w, 1), c === null ? null : c * this.depthMultiplier];
  }

  override getConfig(): Record<string, unknown> {
    const a = this.args;
    return {
      ...super.getConfig(),
      kernelSize: this.kernelSize,
      strides: this.strides,
      padding: this.padding,
      depthMultiplier: this.depthMultiplier,
      dilationRate: this.dilationRate,
      activation: this.activation,
      useBias: this.useBias,
      depthwiseInitializer: a.depthwiseInitializer ?? "glorotUniform",
      biasInitializer: a.biasInitializer ?? "zeros",
      depthwiseRegularizer: a.depthwiseRegularizer ?? null,
      biasRegularizer: a.biasRegularizer ?? null,
    };
  }
}
