/**
 * SimpleRNN, LSTM and GRU with Keras's semantics and weight layout: kernel [features, gates *
 * units], recurrentKernel [units, gates * units], bias [gates * units] (GRU: [2, 3 * units],
 * reset_after). Gate order: LSTM i, f, c, o; GRU z, r, h. Each call runs the whole sequence in
 * one fused kernel. Inputs are [batch, timesteps, features]; apply([x, h0, (c0)]) gives initial
 * states. A mask from Embedding(maskZero) or Masking skips padded steps.
 */
import type { FusedActivation } from "../backends/kernels.js";
import type { Variable } from "../autodiff/variable.js";
import { mul } from "../ops/arithmetic.js";
import { dropoutMask } from "../ops/dropout.js";
import { rnn, type RnnKind } from "../ops/rnn.js";
import { flip, reshape } from "../ops/shape.js";
import { fill } from "../tensor/creation.js";
import { type ActivationName, activationName } from "./activations.js";
import type { Initializer } from "./initializers.js";
import { type CallOptions, isShapeList, Layer, type LayerArgs, type LayerOutput, shapeString, type SymShape } from "./layer.js";
import { maskOf } from "./masking.js";
import { assertRegularizer, type Regularizer } from "./regularizers.js";

export interface RNNArgs extends LayerArgs {
  units: number;
  activation?: ActivationName | string;
  recurrentActivation?: ActivationName | string;
  useBias?: boolean;
  kernelInitializer?: Initializer;
  recurrentInitializer?: Initializer;
  biasInitializer?: Initializer;
  kernelRegularizer?: Regularizer | null;
  recurrentRegularizer?: Regularizer | null;
  biasRegularizer?: Regularizer | null;
  /** Fraction of the inputs dropped in training (one mask per sequence, as Keras). */
  dropout?: number;
  /** Fraction of the recurrent state dropped in training (one mask per sequence). */
  recurrentDropout?: number;
  returnSequences?: boolean;
  returnState?: boolean;
  goBackwards?: boolean;
  seed?: number;
}

const FUSED: readonly string[] = ["linear", "relu", "sigmoid", "tanh"];

abstract class RNNBase extends Layer {
  protected abstract readonly kind: RnnKind;
  protected abstract readonly gates: number;
  readonly units: number;
  readonly activation: FusedActivation;
  readonly recurrentActivation: FusedActivation;
  readonly useBias: boolean;
  readonly returnSequences: boolean;
  readonly returnState: boolean;
  readonly goBackwards: boolean;
  readonly dropout: number;
  readonly recurrentDropout: number;
  kernel!: Variable;
  recurrentKernel!: Variable;
  bias: Variable | null = null;
  private calls = 0;

  constructor(protected readonly rnnArgs: RNNArgs) {
    super(rnnArgs);
    if (!Number.isInteger(rnnArgs?.units) || rnnArgs.units <= 0) throw new RangeError(`${this.who}: units must be a positive integer, got ${rnnArgs?.units}`);
    this.units = rnnArgs.units;
    this.activation = this.fused(rnnArgs.activation ?? "tanh", "activation");
    this.recurrentActivation = this.fused(rnnArgs.recurrentActivation ?? "sigmoid", "recurrentActivation");
    this.useBias = rnnArgs.useBias ?? true;
    this.returnSequences = rnnArgs.returnSequences ?? false;
    this.returnState = rnnArgs.returnState ?? false;
    this.goBackwards = rnnArgs.goBackwards ?? false;
    this.dropout = rnnArgs.dropout ?? 0;
    this.recurrentDropout = rnnArgs.recurrentDropout ?? 0;
    for (const [what, v] of [["dropout", this.dropout], ["recurrentDropout", this.recurrentDropout]] as const) {
      if (!(v >= 0 && v < 1)) throw new RangeError(`${this.who}: ${what} must be in [0, 1), got ${v}`);
    }
  }

  private fused(name: string, what: string): FusedActivation {
    const a = activationName(name, this.who);
    if (!FUSED.includes(a)) throw new RangeError(`${this.who}: ${what} '${a}' is not supported by the fused recurrent kernel; use tanh, sigmoid, relu or linear`);
    return a as FusedActivation;
  }

  protected get stateCount(): number {
    return this.kind === "lstm" ? 2 : 1;
  }

  protected biasShape(): number[] {
    return [this.gates * this.units];
  }

  protected biasInitializer(): Initializer {
    return this.rnnArgs.biasInitializer ?? "zeros";
  }

  private sequenceShape(inputShape: SymShape | SymShape[]): SymShape {
    const shape = isShapeList(inputShape) ? inputShape[0] : inputShape;
    if (shape.length !== 3) throw new RangeError(`${this.who}: expected input of rank 3 [batch, timesteps, features], got ${shapeString(shape)}`);
    return shape;
  }

  override build(inputShape: SymShape | SymShape[]): void {
    const features = this.sequenceShape(inputShape)[2];
    if (features === null) throw new RangeError(`${this.who}: the feature axis must be known`);
    const gu = this.gates * this.units;
    this.kernel = this.addWeight("kernel", [features, gu], this.rnnArgs.kernelInitializer ?? "glorotUniform", {
      regularizer: assertRegularizer(this.rnnArgs.kernelRegularizer, this.who),
    });
    this.recurrentKernel = this.addWeight("recurrent_kernel", [this.units, gu], this.rnnArgs.recurrentInitializer ?? "orthogonal", {
      regularizer: assertRegularizer(this.rnnArgs.recurrentRegularizer, this.who),
    });
    if (this.useBias) {
      this.bias = this.addWeight("bias", this.biasShape(), this.biasInitializer(), {
        regularizer: assertRegularizer(this.rnnArgs.biasRegularizer, this.who),
      });
    }
  }

  protected override checkInputShape(inputShape: SymShape | SymShape[]): void {
    const shape = this.sequenceShape(inputShape);
    if (shape[2] !== this.kernel.shape[0]) throw new RangeError(`${this.who}: expected input with ${this.kernel.shape[0]} features per step, got ${shapeString(shape)}`);
    if (isShapeList(inputShape) && inputShape.length !== 1 + this.stateCount) {
      throw new RangeError(`${this.who}: initial state needs ${this.stateCount} tensor(s) [batch, ${this.units}], got ${inputShape.length - 1}`);
    }
  }

  call(inputs: LayerOutput, options: CallOptions): LayerOutput {
    const [x0, ...initialState] = Array.isArray(inputs) ? inputs : [inputs];
    let x = x0;
    let mask = maskOf(x0) ?? null;
    const [batch, , features] = x.shape;
    const seed = this.rnnArgs.seed === undefined ? undefined : this.rnnArgs.seed + this.calls++;
    if (options.training && this.dropout > 0) {
      x = mul(x, reshape(dropoutMask([batch, features], this.dropout, seed), [batch, 1, features]));
    }
    const recurrentMask = options.training && this.recurrentDropout > 0
      ? dropoutMask([batch, this.units], this.recurrentDropout, seed === undefined ? undefined : seed + 7919)
      : null;
    if (this.goBackwards) {
      x = flip(x, 1);
      if (mask) mask = flip(mask, 1);
    }
    const { sequence, states } = rnn(this.kind, x, this.kernel, this.recurrentKernel, this.bias, {
      initialState: initialState.length ? initialState : undefined,
      mask, recurrentMask, activation: this.activation, recurrentActivation: this.recurrentActivation,
    });
    const output = this.returnSequences ? sequence : states[0];
    return this.returnState ? [output, ...states] : output;
  }

  computeOutputShape(inputShape: SymShape | SymShape[]): SymShape | SymShape[] {
    const [batch, steps] = this.sequenceShape(inputShape);
    const output = this.returnSequences ? [batch, steps, this.units] : [batch, this.units];
    return this.returnState ? [output, ...Array.from({ length: this.stateCount }, () => [batch, this.units])] : output;
  }

  override getConfig(): Record<string, unknown> {
    const a = this.rnnArgs;
    return {
      ...super.getConfig(), units: this.units, activation: this.activation, recurrentActivation: this.recurrentActivation,
      useBias: this.useBias, returnSequences: this.returnSequences, returnState: this.returnState, goBackwards: this.goBackwards,
      dropout: this.dropout, recurrentDropout: this.recurrentDropout,
      kernelInitializer: a.kernelInitializer ?? "glorotUniform", recurrentInitializer: a.recurrentInitializer ?? "orthogonal",
      biasInitializer: a.biasInitializer ?? "zeros", kernelRegularizer: a.kernelRegularizer ?? null,
      recurrentRegularizer: a.recurrentRegularizer ?? null, biasRegularizer: a.biasRegularizer ?? null, seed: a.seed ?? null,
    };
  }
}

export class SimpleRNN extends RNNBase {
  static override readonly className = "SimpleRNN";
  protected readonly kind = "simple";
  protected readonly gates = 1;
}

export interface LSTMArgs extends RNNArgs {
  /** Start the forget gate's bias at 1 (Keras default true). */
  unitForgetBias?: boolean;
}

export class LSTM extends RNNBase {
  static override readonly className = "LSTM";
  protected readonly kind = "lstm";
  protected readonly gates = 4;

  constructor(readonly config: LSTMArgs) {
    super(config);
  }

  protected override biasInitializer(): Initializer {
    if (this.rnnArgs.biasInitializer || this.config.unitForgetBias === false) return super.biasInitializer();
    const u = this.units;
    return (shape: number[]) => {
      const b = fill(shape, 0);
      (b.data() as Float32Array).fill(1, u, 2 * u);
      return b;
    };
  }

  override getConfig(): Record<string, unknown> {
    const c = super.getConfig();
    // the forget-bias initializer is a function; the flag recreates it
    return { ...c, biasInitializer: this.rnnArgs.biasInitializer ?? "zeros", unitForgetBias: this.config.unitForgetBias ?? true };
  }
}

export interface GRUArgs extends RNNArgs {
  /** Apply the reset gate after the recurrent product (Keras 2/3 default, and cuDNN's); only true is supported. */
  resetAfter?: boolean;
}

export class GRU extends RNNBase {
  static override readonly className = "GRU";
  protected readonly kind = "gru";
  protected readonly gates = 3;

  constructor(readonly config: GRUArgs) {
    super(config);
    if (config.resetAfter === false) throw new RangeError(`${this.who}: resetAfter false (the Keras 1 GRU) is not supported; use the default resetAfter true`);
  }

  protected override biasShape(): number[] {
    return [2, this.gates * this.units];
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), resetAfter: true };
  }
}
