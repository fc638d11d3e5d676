/**
 * SimpleRNN, LSTM and GRU with Keras's semantics and weight layout: kernel [features, gates *
 * units], recurrentKernel [units, gates * units], bias [gates * units] (GRU with resetAfter:
 * [2, 3 * units]). Gate order: LSTM i, f, c, o; GRU z, r, h. With tanh/sigmoid/relu/linear
 * activations (and GRU's resetAfter true) each call runs the whole sequence in one fused kernel;
 * other activations and resetAfter false run the cells unrolled with ordinary ops. Inputs are
 * [batch, timesteps, features]; apply([x, h0, (c0)]) gives initial states. A mask (from
 * Embedding(maskZero) or Masking, carried by the model) skips padded steps.
 */

import type { Variable } from "../autodiff/variable.js";
import { FUSED_ACTIVATIONS, type FusedActivation } from "../backends/kernels.js";
import { mul } from "../ops/arithmetic.js";
import { dropoutMask } from "../ops/dropout.js";
import { type RnnKind, rnn } from "../ops/rnn.js";
import { flip, reshape } from "../ops/shape.js";
import { fill, zeros } from "../tensor/creation.js";
import { type ActivationName, activationName } from "./activation-names.js";
import type { Initializer } from "./initializers.js";
import { type CallOptions, isShapeList, Layer, type LayerArgs, type LayerOutput, type Mask, type Masks, type SymShape, shapeString } from "./layer.js";
import { runUnrolled } from "./recurrent-unrolled.js";
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

const isFused = (a: ActivationName): a is FusedActivation => (FUSED_ACTIVATIONS as readonly string[]).includes(a);

abstract class RNNBase extends Layer {
  protected abstract readonly kind: RnnKind;
  protected abstract readonly gates: number;
  readonly units: number;
  readonly activation: ActivationName;
  readonly recurrentActivation: ActivationName;
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

  constructor(override readonly args: RNNArgs) {
    super(args);
    if (!Number.isInteger(args?.units) || args.units <= 0) throw new RangeError(`${this.who}: units must be a positive integer, got ${args?.units}`);
    this.units = args.units;
    this.activation = activationName(args.activation ?? "tanh", this.who);
    this.recurrentActivation = activationName(args.recurrentActivation ?? "sigmoid", this.who);
    this.useBias = args.useBias ?? true;
    this.returnSequences = args.returnSequences ?? false;
    this.returnState = args.returnState ?? false;
    this.goBackwards = args.goBackwards ?? false;
    this.dropout = args.dropout ?? 0;
    this.recurrentDropout = args.recurrentDropout ?? 0;
    for (const [what, v] of [
      ["dropout", this.dropout],
      ["recurrentDropout", this.recurrentDropout],
    ] as const) {
      if (!(v >= 0 && v < 1)) throw new RangeError(`${this.who}: ${what} must be in [0, 1), got ${v}`);
    }
  }

  /** Whether the fused sequence kernel can run this layer (else the unrolled cells do). */
  protected get fusedKernel(): boolean {
    return isFused(this.activation) && isFused(this.recurrentActivation);
  }

  /** GRU only: whether the reset gate applies after the recurrent product. */
  protected get resetAfter(): boolean {
    return true;
  }

  override get deterministic(): boolean {
    return this.dropout === 0 && this.recurrentDropout === 0;
  }

  protected override get supportsMasking(): boolean {
    return true;
  }

  /** The output sequence keeps the input's mask; a last state or the returned states have none. */
  override computeMask(_inputs: LayerOutput, mask: Masks | null): Masks | null {
    const m = Array.isArray(mask) ? (mask[0] ?? null) : mask;
    const out = this.returnSequences ? m : null;
    return this.returnState ? [out, ...Array.from({ length: this.stateCount }, () => null)] : out;
  }

  protected get stateCount(): number {
    return this.kind === "lstm" ? 2 : 1;
  }

  protected biasShape(): number[] {
    return [this.gates * this.units];
  }

  protected biasInitializer(): Initializer {
    return this.args.biasInitializer ?? "zeros";
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
    this.kernel = this.addWeight("kernel", [features, gu], this.args.kernelInitializer ?? "glorotUniform", {
      regularizer: assertRegularizer(this.args.kernelRegularizer, this.who),
    });
    this.recurrentKernel = this.addWeight("recurrent_kernel", [this.units, gu], this.args.recurrentInitializer ?? "orthogonal", {
      regularizer: assertRegularizer(this.args.recurrentRegularizer, this.who),
    });
    if (this.useBias) {
      this.bias = this.addWeight("bias", this.biasShape(), this.biasInitializer(), {
        regularizer: assertRegularizer(this.args.biasRegularizer, this.who),
      });
    }
  }

  protected override checkInputShape(inputShape: SymShape | SymShape[]): void {
    const shape = this.sequenceShape(inputShape);
    if (shape[2] !== this.kernel.shape[0])
      throw new RangeError(`${this.who}: expected input with ${this.kernel.shape[0]} features per step, got ${shapeString(shape)}`);
    if (isShapeList(inputShape) && inputShape.length !== 1 + this.stateCount) {
      throw new RangeError(`${this.who}: initial state needs ${this.stateCount} tensor(s) [batch, ${this.units}], got ${inputShape.length - 1}`);
    }
  }

  call(inputs: LayerOutput, options: CallOptions): LayerOutput {
    const [x0, ...initialState] = Array.isArray(inputs) ? inputs : [inputs];
    let x = x0;
    let mask: Mask = (Array.isArray(options.mask) ? options.mask[0] : options.mask) ?? null;
    const [batch, , features] = x.shape;
    const seed = this.args.seed === undefined ? undefined : this.args.seed + this.calls++;
    if (options.training && this.dropout > 0) {
      x = mul(x, reshape(dropoutMask([batch, features], this.dropout, seed), [batch, 1, features]));
    }
    const recurrentMask =
      options.training && this.recurrentDropout > 0
        ? dropoutMask([batch, this.units], this.recurrentDropout, seed === undefined ? undefined : seed + 7919)
        : null;
    if (this.goBackwards) {
      x = flip(x, 1);
      if (mask) mask = flip(mask, 1);
    }
    const { sequence, states } =
      this.fusedKernel && this.resetAfter
        ? rnn(this.kind, x, this.kernel, this.recurrentKernel, this.bias, {
            initialState: initialState.length ? initialState : undefined,
            mask,
            recurrentMask,
            activation: this.activation as FusedActivation,
            recurrentActivation: this.recurrentActivation as FusedActivation,
          })
        : runUnrolled(
            { kind: this.kind, units: this.units, activation: this.activation, recurrentActivation: this.recurrentActivation, resetAfter: this.resetAfter },
            {
              x,
              kernel: this.kernel,
              recurrentKernel: this.recurrentKernel,
              bias: this.bias,
              mask,
              recurrentMask,
              states: initialState.length ? initialState : Array.from({ length: this.stateCount }, () => zeros([batch, this.units])),
            },
          );
    const output = this.returnSequences ? sequence : states[0];
    return this.returnState ? [output, ...states] : output;
  }

  computeOutputShape(inputShape: SymShape | SymShape[]): SymShape | SymShape[] {
    const [batch, steps] = this.sequenceShape(inputShape);
    const output = this.returnSequences ? [batch, steps, this.units] : [batch, this.units];
    return this.returnState ? [output, ...Array.from({ length: this.stateCount }, () => [batch, this.units])] : output;
  }

  override getConfig(): Record<string, unknown> {
    const a = this.args;
    return {
      ...super.getConfig(),
      units: this.units,
      activation: this.activation,
      recurrentActivation: this.recurrentActivation,
      useBias: this.useBias,
      returnSequences: this.returnSequences,
      returnState: this.returnState,
      goBackwards: this.goBackwards,
      dropout: this.dropout,
      recurrentDropout: this.recurrentDropout,
      kernelInitializer: a.kernelInitializer ?? "glorotUniform",
      recurrentInitializer: a.recurrentInitializer ?? "orthogonal",
      biasInitializer: a.biasInitializer ?? "zeros",
      kernelRegularizer: a.kernelRegularizer ?? null,
      recurrentRegularizer: a.recurrentRegularizer ?? null,
      biasRegularizer: a.biasRegularizer ?? null,
      seed: a.seed ?? null,
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

  constructor(override readonly args: LSTMArgs) {
    super(args);
  }

  protected override biasInitializer(): Initializer {
    if (this.args.biasInitializer || this.args.unitForgetBias === false) return super.biasInitializer();
    const u = this.units;
    return (shape: number[]) => {
      const b = fill(shape, 0);
      b.data().fill(1, u, 2 * u);
      return b;
    };
  }

  override getConfig(): Record<string, unknown> {
    const c = super.getConfig();
    // the forget-bias initializer is a function; the flag recreates it
    return { ...c, biasInitializer: this.args.biasInitializer ?? "zeros", unitForgetBias: this.args.unitForgetBias ?? true };
  }
}

export interface GRUArgs extends RNNArgs {
  /**
   * Apply the reset gate after the recurrent product (Keras 2/3 default, and cuDNN's; bias
   * [2, 3 * units]) or before it (Keras 1 and TF.js's default; bias [3 * units], unrolled path).
   */
  resetAfter?: boolean;
}

export class GRU extends RNNBase {
  static override readonly className = "GRU";
  protected readonly kind = "gru";
  protected readonly gates = 3;

  constructor(override readonly args: GRUArgs) {
    super(args);
  }

  protected override get resetAfter(): boolean {
    return this.args.resetAfter ?? true;
  }

  protected override biasShape(): number[] {
    return this.resetAfter ? [2, this.gates * this.units] : [this.gates * this.units];
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), resetAfter: this.resetAfter };
  }
}
