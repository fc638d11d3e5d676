/** Conv2D (NHWC, kernel [kh, kw, in, filters]) and Conv1D (NWC, kernel [k, in, filters]), as in Keras. */

import type { Variable } from "../autodiff/variable.js";
import type { FusedActivation } from "../backends/kernels.js";
import { assertPadding, type Conv2dOptions, conv1d, conv2d, convOutput, type Padding, pair } from "../ops/conv.js";
import type { Tensor } from "../tensor/tensor.js";
import { type ActivationName, activationName, applyActivation, splitActivation } from "./activation-names.js";
import {
  type CallOptions,
  type KernelBiasArgs,
  kernelBiasConfig,
  Layer,
  type LayerArgs,
  type LayerOutput,
  type SymShape,
  shapeString,
  single,
  singleShape,
} from "./layer.js";

interface ConvArgs extends LayerArgs, KernelBiasArgs {
  filters: number;
  padding?: Padding;
  activation?: ActivationName | string;
}

export interface Conv2DArgs extends ConvArgs {
  kernelSize: number | [number, number];
  strides?: number | [number, number];
  dilationRate?: number | [number, number];
}

export interface Conv1DArgs extends ConvArgs {
  kernelSize: number | [number];
  strides?: number;
  dilationRate?: number;
}

/** What Conv2D and Conv1D share: weights, activation and the channel check. */
abstract class ConvBase extends Layer {
  readonly filters: number;
  readonly padding: Padding;
  readonly activation: ActivationName;
  readonly useBias: boolean;
  kernel!: Variable;
  bias: Variable | null = null;
  protected abstract readonly spatialRank: number;

  constructor(override readonly args: ConvArgs) {
    super(args);
    if (!Number.isInteger(args?.filters) || args.filters <= 0) throw new RangeError(`${this.who}: filters must be a positive integer, got ${args?.filters}`);
    this.filters = args.filters;
    this.padding = assertPadding(args.padding, this.who);
    this.activation = activationName(args.activation, this.who);
    this.useBias = args.useBias ?? true;
  }

  protected abstract kernelSpatial(): number[];

  protected layout(): string {
    return this.spatialRank === 2 ? "[batch, h, w, channels]" : "[batch, steps, channels]";
  }

  override build(inputShape: SymShape | SymShape[]): void {
    const shape = singleShape(inputShape, this.who);
    const channels = shape[shape.length - 1];
    if (shape.length !== this.spatialRank + 2 || channels === null) {
      throw new RangeError(`${this.who}: expected input of rank ${this.spatialRank + 2} ${this.layout()}, got ${shapeString(shape)}`);
    }
    ({ kernel: this.kernel, bias: this.bias } = this.addKernelAndBias([...this.kernelSpatial(), channels, this.filters], this.filters, this.args));
  }

  protected override checkInputShape(inputShape: SymShape | SymShape[]): void {
    const shape = singleShape(inputShape, this.who);
    if (shape.length !== this.spatialRank + 2) {
      throw new RangeError(`${this.who}: expected input of rank ${this.spatialRank + 2} ${this.layout()}, got ${shapeString(shape)}`);
    }
    const expected = this.kernel.shape[this.spatialRank];
    if (shape[shape.length - 1] !== expected) {
      throw new RangeError(`${this.who}: expected input with ${expected} channels, got ${shapeString(shape)}`);
    }
  }

  override outputActivation(): ActivationName {
    return this.activation;
  }

  /** The convolution with its bias and activation: fused into the kernel where it can be. */
  protected convolve(_x: Tensor, options: CallOptions, conv: (fused: FusedActivation) => Tensor): Tensor {
    const { fused, after } = splitActivation(this.activation, options.logits);
    return applyActivation(after, conv(fused));
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), filters: this.filters, padding: this.padding, activation: this.activation, ...kernelBiasConfig(this.args) };
  }
}

export class Conv2D extends ConvBase {
  static override readonly className = "Conv2D";
  protected readonly spatialRank = 2;
  readonly kernelSize: [number, number];
  readonly strides: [number, number];
  readonly dilationRate: [number, number];

  constructor(override readonly args: Conv2DArgs) {
    super(args);
    this.kernelSize = pair(args.kernelSize, 1, this.who, "kernelSize");
    this.strides = pair(args.strides, 1, this.who, "strides");
    this.dilationRate = pair(args.dilationRate, 1, this.who, "dilationRate");
  }

  protected kernelSpatial(): number[] {
    return this.kernelSize;
  }

  call(inputs: LayerOutput, options: CallOptions): Tensor {
    const x = single(inputs, this.who);
    return this.convolve(x, options, (activation) => conv2d(x, this.kernel, this.conv2dOptions(activation)));
  }

  /** The options of this layer's conv2d, with `activation` fused into it (its own, or a part of it). */
  conv2dOptions(activation: FusedActivation): Conv2dOptions {
    return { strides: this.strides, padding: this.padding, dilationRate: this.dilationRate, bias: this.bias, activation, precision: this.precision };
  }

  computeOutputShape(inputShape: SymShape | SymShape[]): SymShape {
    const [batch, h, w] = singleShape(inputShape, this.who);
    const out = (size: number | null, i: 0 | 1) => {
      if (size === null) return null;
      const o = convOutput(size, this.kernelSize[i], this.strides[i], this.dilationRate[i], this.padding).out;
      if (o <= 0)
        throw new RangeError(
          `${this.who}: a ${this.kernelSize.join("x")} kernel does not fit input ${shapeString(singleShape(inputShape, this.who))} with padding '${this.padding}'`,
        );
      return o;
    };
    return [batch, out(h, 0), out(w, 1), this.filters];
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), kernelSize: this.kernelSize, strides: this.strides, dilationRate: this.dilationRate };
  }
}

export class Conv1D extends ConvBase {
  static override readonly className = "Conv1D";
  protected readonly spatialRank = 1;
  readonly kernelSize: number;
  readonly strides: number;
  readonly dilationRate: number;

  constructor(override readonly args: Conv1DArgs) {
    super(args);
    this.kernelSize = Array.isArray(args.kernelSize) ? args.kernelSize[0] : args.kernelSize;
    this.strides = args.strides ?? 1;
    this.dilationRate = args.dilationRate ?? 1;
    for (const [what, v] of [
      ["kernelSize", this.kernelSize],
      ["strides", this.strides],
      ["dilationRate", this.dilationRate],
    ] as const) {
      if (!Number.isInteger(v) || v < 1) throw new RangeError(`${this.who}: ${what} must be a positive integer, got ${v}`);
    }
  }

  protected kernelSpatial(): number[] {
    return [this.kernelSize];
  }

  call(inputs: LayerOutput, options: CallOptions): Tensor {
    const x = single(inputs, this.who);
    return this.convolve(x, options, (activation) =>
      conv1d(x, this.kernel, {
        strides: this.strides,
        padding: this.padding,
        dilationRate: this.dilationRate,
        bias: this.bias,
        activation,
        precision: this.precision,
      }),
    );
  }

  computeOutputShape(inputShape: SymShape | SymShape[]): SymShape {
    const [batch, steps] = singleShape(inputShape, this.who);
    if (steps === null) return [batch, null, this.filters];
    const o = convOutput(steps, this.kernelSize, this.strides, this.dilationRate, this.padding).out;
    if (o <= 0) throw new RangeError(`${this.who}: a kernel of ${this.kernelSize} does not fit ${steps} steps with padding '${this.padding}'`);
    return [batch, o, this.filters];
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), kernelSize: this.kernelSize, strides: this.strides, dilationRate: this.dilationRate };
  }
}
