/**
 * Sequential: a plain stack of layers. With Input() first or inputShape on the first layer, the
 * graph is built as layers are added; otherwise on the first call, from the data's shape.
 */

import type { ActivationName } from "../layers/activations.js";
import { Input, InputLayer } from "../layers/input.js";
import { Layer, SymbolicTensor, type SymShape } from "../layers/layer.js";
import type { Tensor } from "../tensor/tensor.js";
import { Model } from "./model.js";

export class Sequential extends Model {
  static override readonly className: string = "Sequential";
  private readonly stack: Layer[] = [];
  private input: SymbolicTensor | null = null;
  private output: SymbolicTensor | null = null;

  constructor(layers: (Layer | SymbolicTensor)[] = [], args: { name?: string; trainable?: boolean } = {}) {
    super(undefined, args.name);
    for (const l of layers) this.add(l);
    if (args.trainable === false) this.trainable = false;
  }

  /** Appends a layer (or, first, an Input). */
  add(layer: Layer | SymbolicTensor): void {
    if (layer instanceof SymbolicTensor) {
      if (this.stack.length > 0 || this.input) throw new RangeError(`${this.who}: an Input can only come first`);
      if (!(layer.node.layer instanceof InputLayer))
        throw new TypeError(`${this.who}: add() takes layers or an Input(), not the output of ${layer.node.layer.who}`);
      this.input = this.output = layer;
      return;
    }
    if (!(layer instanceof Layer)) throw new TypeError(`${this.who}: add() takes a Layer, got ${layer === null ? "null" : typeof layer}`);
    if (layer instanceof InputLayer) {
      this.add(layer.output);
      return;
    }
    if (!this.output && this.stack.length === 0 && layer.declaredInputShape) this.input = this.output = Input({ shape: layer.declaredInputShape.slice(1) });
    this.stack.push(layer);
    if (this.output) {
      const out = layer.apply(this.output);
      if (Array.isArray(out)) throw new RangeError(`${this.who}: ${layer.who} has several outputs; use the functional API`);
      this.output = out;
      this.setGraph([this.input!], [this.output]);
    }
  }

  /** Removes the last layer. */
  pop(): Layer {
    const last = this.stack.pop();
    if (!last) throw new RangeError(`${this.who}: no layers to pop`);
    this.output = null;
    this.graph = null;
    if (this.input) {
      let x = this.input;
      for (const l of this.stack) x = l.apply(x) as SymbolicTensor;
      this.output = x;
      if (this.stack.length) this.setGraph([this.input], [x]);
    }
    return last;
  }

  /** The stacked layers (not the InputLayer, as in Keras). */
  override get layers(): Layer[] {
    return [...this.stack];
  }

  protected override buildFromData(sample: Tensor[]): void {
    if (this.graph || this.stack.length === 0) return;
    this.buildWithShape([null, ...sample[0].shape.slice(1)]);
  }

  /** Builds for inputs of `shape` (batch first, may be null). */
  buildWithShape(shape: SymShape): void {
    const input = Input({ shape: shape.slice(1) });
    let x = input;
    for (const l of this.stack) x = l.apply(x) as SymbolicTensor;
    this.input = input;
    this.output = x;
    this.setGraph([input], [x]);
  }

  override forward(inputs: Tensor[], training: boolean, logits?: readonly boolean[]): Tensor[] {
    if (!this.graph) this.buildFromData(inputs);
    return super.forward(inputs, training, logits);
  }

  /** Before the graph is built (no Input yet), the last layer tells. */
  override outputActivationOf(i: number): ActivationName | null {
    if (this.graph) return super.outputActivationOf(i);
    return i === 0 && this.stack.length > 0 ? this.stack[this.stack.length - 1].outputActivation() : null;
  }

  override getConfig(): Record<string, unknown> {
    return {
      name: this.name,
      trainable: this.trainable,
      inputShape: this.input ? this.input.shape.slice(1) : null,
      layers: this.stack.map((l) => ({ className: l.className, config: l.getConfig() })),
    };
  }
}
