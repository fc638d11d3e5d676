/**
 * Sequential: a plain stack of layers. With Input() first or inputShape on the first layer, the
 * graph is built as layers are added; otherwise on the first call, from the data's shape.
 */

import type { ActivationName } from "../layers/activation-names.js";
import { Input, InputLayer } from "../layers/input.js";
import { Layer, SymbolicTensor, type SymShape } from "../layers/layer.js";
import type { Tensor } from "../tensor/tensor.js";
import { Model } from "./model.js";

export class Sequential extends Model {
  static override readonly className: string = "Sequential";
  private readonly stack: Layer[] = [];
  private inputTensor: SymbolicTensor | null = null;
  private outputTensor: SymbolicTensor | null = null;

  constructor(layers: (Layer | SymbolicTensor)[] = [], args: { name?: string; trainable?: boolean } = {}) {
    super(undefined, args.name);
    for (const l of layers) this.add(l);
    if (args.trainable === false) this.trainable = false;
  }

  /** Appends a layer (or, first, an Input). */
  add(layer: Layer | SymbolicTensor): void {
    if (layer instanceof SymbolicTensor) {
      if (this.stack.length > 0 || this.inputTensor) throw new RangeError(`${this.who}: an Input can only come first`);
      if (!(layer.node.layer instanceof InputLayer))
        throw new TypeError(`${this.who}: add() takes layers or an Input(), not the output of ${layer.node.layer.who}`);
      this.inputTensor = this.outputTensor = layer;
      return;
    }
    if (!(layer instanceof Layer)) throw new TypeError(`${this.who}: add() takes a Layer, got ${layer === null ? "null" : typeof layer}`);
    if (layer instanceof InputLayer) {
      this.add(layer.output);
      return;
    }
    if (!this.outputTensor && this.stack.length === 0 && layer.declaredInputShape)
      this.inputTensor = this.outputTensor = Input({ shape: layer.declaredInputShape.slice(1) });
    this.stack.push(layer);
    if (this.outputTensor) {
      const out = layer.apply(this.outputTensor);
      if (Array.isArray(out)) throw new RangeError(`${this.who}: ${layer.who} has several outputs; use the functional API`);
      this.outputTensor = out;
      this.setGraph([this.inputTensor!], [this.outputTensor]);
    }
  }

  /** Removes the last layer. */
  pop(): Layer {
    const last = this.stack.pop();
    if (!last) throw new RangeError(`${this.who}: no layers to pop`);
    this.outputTensor = null;
    this.graph = null;
    if (this.inputTensor) {
      let x = this.inputTensor;
      for (const l of this.stack) x = l.apply(x) as SymbolicTensor;
      this.outputTensor = x;
      if (this.stack.length) this.setGraph([this.inputTensor], [x]);
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
    this.inputTensor = input;
    this.outputTensor = x;
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
      inputShape: this.inputTensor ? this.inputTensor.shape.slice(1) : null,
      layers: this.stack.map((l) => ({ className: l.className, config: l.getConfig() })),
    };
  }
}
