/** Activation layers: Activation (by name), Softmax, ReLU and LeakyReLU. */
import { leakyRelu, relu, softmax } from "../ops/activations.js";
import { minimum } from "../ops/arithmetic.js";
import type { Tensor } from "../tensor/tensor.js";
import { type ActivationName, activationName, applyActivation } from "./activation-names.js";
import { type CallOptions, Layer, type LayerArgs, type LayerOutput, type SymShape, single, singleShape } from "./layer.js";

/** Layers that keep the input shape. */
abstract class ElementwiseLayer extends Layer {
  protected override get supportsMasking(): boolean {
    return true;
  }

  computeOutputShape(inputShape: SymShape | SymShape[]): SymShape {
    return singleShape(inputShape, this.who);
  }
}

export class Activation extends ElementwiseLayer {
  static override readonly className = "Activation";
  readonly activation: ActivationName;

  constructor(args: LayerArgs & { activation: ActivationName | string }) {
    super(args);
    this.activation = activationName(args?.activation, this.who);
  }

  override outputActivation(): ActivationName {
    return this.activation;
  }

  call(inputs: LayerOutput, options: CallOptions): Tensor {
    return applyActivation(options.logits ? "linear" : this.activation, single(inputs, this.who));
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), activation: this.activation };
  }
}

export class Softmax extends ElementwiseLayer {
  static override readonly className = "Softmax";
  readonly axis: number;

  constructor(args: LayerArgs & { axis?: number } = {}) {
    super(args);
    this.axis = args.axis ?? -1;
  }

  /** Softmax over the last axis is the activation a loss can fold in; over another axis it is not. */
  override outputActivation(): ActivationName {
    return this.axis === -1 ? "softmax" : "linear";
  }

  call(inputs: LayerOutput, options: CallOptions): Tensor {
    const x = single(inputs, this.who);
    if (options.logits && this.axis === -1) return x;
    return softmax(x, this.axis);
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), axis: this.axis };
  }
}

export class ReLU extends ElementwiseLayer {
  static override readonly className = "ReLU";
  readonly maxValue: number | null;

  constructor(args: LayerArgs & { maxValue?: number | null } = {}) {
    super(args);
    this.maxValue = args.maxValue ?? null;
  }

  call(inputs: LayerOutput, _o: CallOptions): Tensor {
    const y = relu(single(inputs, this.who));
    return this.maxValue === null ? y : minimum(y, this.maxValue);
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), maxValue: this.maxValue };
  }
}

export class LeakyReLU extends ElementwiseLayer {
  static override readonly className = "LeakyReLU";
  /** Slope for negative inputs (Keras's LeakyReLU layer default 0.3). */
  readonly alpha: number;

  constructor(args: LayerArgs & { alpha?: number; negativeSlope?: number } = {}) {
    super(args);
    this.alpha = args.negativeSlope ?? args.alpha ?? 0.3;
  }

  call(inputs: LayerOutput, _o: CallOptions): Tensor {
    return leakyRelu(single(inputs, this.who), this.alpha);
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), alpha: this.alpha };
  }
}
