/** Dense: activation(x W + b) on the last axis, W [in, units] and b [units] as in Keras. */

import type { Variable } from "../autodiff/variable.js";
import { biasActivation } from "../ops/activations.js";
import { matMul } from "../ops/matmul.js";
import { reshape } from "../ops/shape.js";
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

export interface DenseArgs extends LayerArgs, KernelBiasArgs {
  units: number;
  activation?: ActivationName | string;
}

export class Dense extends Layer {
  static override readonly className = "Dense";
  readonly units: number;
  readonly activation: ActivationName;
  readonly useBias: boolean;
  kernel!: Variable;
  bias: Variable | null = null;

  constructor(override readonly args: DenseArgs) {
    super(args);
    if (!Number.isInteger(args?.units) || args.units <= 0) throw new RangeError(`${this.who}: units must be a positive integer, got ${args?.units}`);
    this.units = args.units;
    this.activation = activationName(args.activation, this.who);
    this.useBias = args.useBias ?? true;
  }

  override outputActivation(): ActivationName {
    return this.activation;
  }

  protected override get supportsMasking(): boolean {
    return true;
  }

  override build(inputShape: SymShape | SymShape[]): void {
    const shape = singleShape(inputShape, this.who);
    const features = shape[shape.length - 1];
    if (shape.length < 2 || features === null) {
      throw new RangeError(`${this.who}: expected input of shape [batch, ..., features] with known features, got ${shapeString(shape)}`);
    }
    ({ kernel: this.kernel, bias: this.bias } = this.addKernelAndBias([features, this.units], this.units, this.args));
  }

  protected override checkInputShape(inputShape: SymShape | SymShape[]): void {
    const shape = singleShape(inputShape, this.who);
    const expected = this.kernel.shape[0];
    if (shape.length < 2 || shape[shape.length - 1] !== expected) {
      throw new RangeError(`${this.who}: expected input with ${expected} features, got ${shapeString(shape)}`);
    }
  }

  call(inputs: LayerOutput, options: CallOptions): Tensor {
    const x = single(inputs, this.who);
    const flat = x.rank === 2 ? x : reshape(x, [-1, x.shape[x.rank - 1]]);
    const { fused, after } = splitActivation(this.activation, options.logits);
    const y = applyActivation(after, biasActivation(matMul(flat, this.kernel, { precision: this.precision }), this.bias, fused));
    return x.rank === 2 ? y : reshape(y, [...x.shape.slice(0, -1), this.units]);
  }

  computeOutputShape(inputShape: SymShape | SymShape[]): SymShape {
    const shape = singleShape(inputShape, this.who);
    return [...shape.slice(0, -1), this.units];
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), units: this.units, activation: this.activation, ...kernelBiasConfig(this.args) };
  }
}
