/**
 * Layer wrappers: Bidirectional runs a recurrent layer forward and a copy of it backward and
 * merges the two; TimeDistributed applies a layer to every time step.
 */
import { add, mul } from "../ops/arithmetic.js";
import { concat, flip, reshape } from "../ops/shape.js";
import type { Tensor } from "../tensor/tensor.js";
import {
  type CallOptions,
  isShapeList,
  Layer,
  type LayerArgs,
  type LayerOutput,
  type Masks,
  type SymShape,
  shapeString,
  single,
  singleShape,
} from "./layer.js";

export type MergeMode = "concat" | "sum" | "mul" | "ave" | null;

interface RecurrentLike extends Layer {
  readonly returnSequences: boolean;
  readonly returnState: boolean;
  readonly goBackwards: boolean;
}

export interface BidirectionalArgs extends LayerArgs {
  layer: Layer;
  mergeMode?: MergeMode;
}

export class Bidirectional extends Layer {
  static override readonly className = "Bidirectional";
  readonly forwardLayer: RecurrentLike;
  readonly backwardLayer: RecurrentLike;
  readonly mergeMode: MergeMode;

  constructor(override readonly args: BidirectionalArgs) {
    super(args);
    const layer = args?.layer as RecurrentLike;
    if (!(layer instanceof Layer) || !("returnSequences" in layer)) throw new TypeError(`${this.who}: wraps a recurrent layer (SimpleRNN, LSTM, GRU)`);
    this.mergeMode = args.mergeMode === undefined ? "concat" : args.mergeMode;
    // two fresh copies of the wrapped layer from its config, as Keras does; the second runs backwards
    const copy = (overrides: Record<string, unknown>) => {
      const Class = layer.constructor as new (args: Record<string, unknown>) => RecurrentLike;
      return new Class({ ...layer.getConfig(), ...overrides });
    };
    this.forwardLayer = copy({ name: `forward_${layer.name}` });
    this.backwardLayer = copy({ name: `backward_${layer.name}`, goBackwards: !layer.goBackwards });
  }

  protected override get supportsMasking(): boolean {
    return true;
  }

  override get deterministic(): boolean {
    return this.forwardLayer.deterministic && this.backwardLayer.deterministic;
  }

  /** The merged sequence keeps the input's mask (the forward layer's rule); states have none. */
  override computeMask(inputs: LayerOutput, mask: Masks | null): Masks | null {
    const m = this.forwardLayer.computeMask(inputs, mask);
    const first = Array.isArray(m) ? (m[0] ?? null) : m;
    if (!this.forwardLayer.returnState) return this.mergeMode === null ? [first, first] : first;
    const states = (Array.isArray(m) ? m.slice(1) : []).map(() => null);
    return [...(this.mergeMode === null ? [first, first] : [first]), ...states, ...states];
  }

  protected override sublayers(): Layer[] {
    return [this.forwardLayer, this.backwardLayer];
  }

  override build(inputShape: SymShape | SymShape[]): void {
    this.forwardLayer.ensureBuilt(inputShape);
    this.backwardLayer.ensureBuilt(inputShape);
  }

  private merge(a: Tensor, b: Tensor): LayerOutput {
    switch (this.mergeMode) {
      case "concat":
        return concat([a, b], -1);
      case "sum":
        return add(a, b);
      case "mul":
        return mul(a, b);
      case "ave":
        return mul(add(a, b), 0.5);
      default:
        return [a, b];
    }
  }

  call(inputs: LayerOutput, options: CallOptions): LayerOutput {
    const x = single(inputs, this.who);
    const f = this.forwardLayer.apply(x, options),
      b = this.backwardLayer.apply(x, options);
    const fs = Array.isArray(f) ? f : [f],
      bs = Array.isArray(b) ? b : [b];
    // the backward layer's sequence runs last step first: flip it back to line up in time
    const bOut = this.forwardLayer.returnSequences ? flip(bs[0], 1) : bs[0];
    const merged = this.merge(fs[0], bOut);
    const outs = Array.isArray(merged) ? merged : [merged];
    return this.forwardLayer.returnState ? [...outs, ...fs.slice(1), ...bs.slice(1)] : outs.length === 1 ? outs[0] : outs;
  }

  computeOutputShape(inputShape: SymShape | SymShape[]): SymShape | SymShape[] {
    const f = this.forwardLayer.computeOutputShape(inputShape);
    const fs = isShapeList(f) ? f : [f];
    const out = fs[0];
    const merged = this.mergeMode === "concat" ? [[...out.slice(0, -1), (out[out.length - 1] as number) * 2]] : this.mergeMode === null ? [out, out] : [out];
    const all = this.forwardLayer.returnState ? [...merged, ...fs.slice(1), ...fs.slice(1)] : merged;
    return all.length === 1 ? all[0] : all;
  }

  override getConfig(): Record<string, unknown> {
    const inner = { ...this.forwardLayer.getConfig(), name: this.forwardLayer.name.replace(/^forward_/, "") };
    return { ...super.getConfig(), mergeMode: this.mergeMode, layer: { className: this.forwardLayer.className, config: inner } };
  }
}

export class TimeDistributed extends Layer {
  static override readonly className = "TimeDistributed";
  readonly layer: Layer;

  constructor(override readonly args: LayerArgs & { layer: Layer }) {
    super(args);
    if (!(args?.layer instanceof Layer)) throw new TypeError(`${this.who}: wraps a layer`);
    this.layer = args.layer;
  }

  override get deterministic(): boolean {
    return this.layer.deterministic;
  }

  /** The per-step mask of the input passes through (the wrapped layer sees single steps). */
  protected override get supportsMasking(): boolean {
    return true;
  }

  protected override sublayers(): Layer[] {
    return [this.layer];
  }

  private stepShape(inputShape: SymShape | SymShape[]): SymShape {
    const shape = singleShape(inputShape, this.who);
    if (shape.length < 3) throw new RangeError(`${this.who}: expected input [batch, timesteps, ...], got ${shapeString(shape)}`);
    return [null, ...shape.slice(2)];
  }

  override build(inputShape: SymShape | SymShape[]): void {
    this.layer.ensureBuilt(this.stepShape(inputShape));
  }

  call(inputs: LayerOutput, options: CallOptions): Tensor {
    const x = single(inputs, this.who);
    const [b, t] = x.shape;
    const y = single(this.layer.apply(reshape(x, [b * t, ...x.shape.slice(2)]), { training: options.training }), this.who);
    return reshape(y, [b, t, ...y.shape.slice(1)]);
  }

  computeOutputShape(inputShape: SymShape | SymShape[]): SymShape {
    const shape = singleShape(inputShape, this.who);
    const inner = singleShape(this.layer.computeOutputShape(this.stepShape(inputShape)), this.who);
    return [shape[0], shape[1], ...inner.slice(1)];
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), layer: { className: this.layer.className, config: this.layer.getConfig() } };
  }
}
