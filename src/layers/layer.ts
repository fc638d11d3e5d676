/**
 * The base of every layer, as in Keras: `build` creates the weights once the input shape is
 * known, `call` computes, `computeOutputShape` propagates shapes without computing, and
 * `getConfig` returns the options that recreate the layer. `apply` works on concrete tensors
 * (eager) and on symbolic ones (the functional API), where it records a node of the graph.
 */
import { Variable } from "../autodiff/variable.js";
import type { DType } from "../tensor/dtype.js";
import { assertTensor, Tensor } from "../tensor/tensor.js";
import { noGrad } from "../autodiff/grad.js";
import { type Initializer, initialize } from "./initializers.js";
import { assertRegularizer, penalty, type Regularizer } from "./regularizers.js";

/** A shape whose batch dimension (or any other) may be unknown: null. */
export type SymShape = (number | null)[];

export interface LayerNode {
  layer: Layer;
  inputs: SymbolicTensor[];
  outputs: SymbolicTensor[];
}

let symbolicIds = 0;

/** A placeholder in a functional graph: a shape (batch None) and where it comes from. */
export class SymbolicTensor {
  readonly id = symbolicIds++;
  constructor(
    readonly shape: SymShape,
    readonly dtype: DType,
    /** The layer call that produced it (an InputLayer's for inputs). */
    readonly node: LayerNode,
    readonly index: number,
  ) {}

  get rank(): number {
    return this.shape.length;
  }

  get name(): string {
    return this.node.outputs.length > 1 ? `${this.node.layer.name}:${this.index}` : this.node.layer.name;
  }
}

export interface LayerArgs {
  name?: string;
  trainable?: boolean;
  /** Shape of one sample (without the batch), for the first layer of a Sequential model. */
  inputShape?: number[];
  dtype?: DType;
}

export interface CallOptions {
  /** Training mode: dropout active, batch normalization on batch statistics. Default false. */
  training?: boolean;
}

const nameCounts = new Map<string, number>();

/**
 * Keras's automatic names: dense, dense_1, dense_2, ... per prefix; one-based (input_1,
 * input_2, ...) for inputs, as Keras 2 names them.
 */
export function uniqueName(prefix: string, oneBased = false): string {
  const n = nameCounts.get(prefix) ?? 0;
  nameCounts.set(prefix, n + 1);
  if (oneBased) return `${prefix}_${n + 1}`;
  return n === 0 ? prefix : `${prefix}_${n}`;
}

/** Forgets automatic names (Keras's clear_session): the next Dense is 'dense' again. */
export function clearSession(): void {
  nameCounts.clear();
}

/** Keras's to_snake_case: Conv2D -> conv2d, MaxPooling2D -> max_pooling2d, LeakyReLU -> leaky_re_lu. */
export function snakeCase(name: string): string {
  return name.replace(/(.)([A-Z][a-z0-9]+)/g, "$1_$2").replace(/([a-z])([A-Z])/g, "$1_$2").toLowerCase();
}

export function shapeString(shape: SymShape | readonly number[]): string {
  return `(${shape.map((d) => (d === null ? "None" : String(d))).join(", ")}${shape.length === 1 ? "," : ""})`;
}

interface WeightEntry { variable: Variable; trainable: boolean; regularizer: Regularizer | null }

/** The options of layers with a kernel and an optional bias (Dense, Conv1D, Conv2D). */
export interface KernelBiasArgs {
  useBias?: boolean;
  kernelInitializer?: Initializer;
  biasInitializer?: Initializer;
  kernelRegularizer?: Regularizer | null;
  biasRegularizer?: Regularizer | null;
}

/** Those options with Keras's defaults filled in, for getConfig. */
export function kernelBiasConfig(args: KernelBiasArgs): Record<string, unknown> {
  return {
    useBias: args.useBias ?? true,
    kernelInitializer: args.kernelInitializer ?? "glorotUniform", biasInitializer: args.biasInitializer ?? "zeros",
    kernelRegularizer: args.kernelRegularizer ?? null, biasRegularizer: args.biasRegularizer ?? null,
  };
}

export type LayerOutput = Tensor | Tensor[];

export abstract class Layer {
  /** Keras's class name, used in summaries and saved configurations. */
  static readonly className: string = "Layer";

  name: string;
  built = false;
  /** Calls of this layer in functional graphs (several for a shared layer). */
  readonly inboundNodes: LayerNode[] = [];
  protected readonly args: LayerArgs;
  private _trainable: boolean;
  private readonly weightEntries: WeightEntry[] = [];

  constructor(args: LayerArgs = {}) {
    this.args = args;
    this.name = args.name ?? uniqueName(snakeCase(this.className));
    this._trainable = args.trainable ?? true;
  }

  get className(): string {
    return (this.constructor as typeof Layer).className;
  }

  /** Who the layer is in error messages: Dense 'dense_1'. */
  get who(): string {
    return `${this.className} '${this.name}'`;
  }

  get trainable(): boolean {
    return this._trainable;
  }

  /** Setting it sets the wrapped layers' too (Bidirectional, TimeDistributed). */
  set trainable(value: boolean) {
    this._trainable = value;
    for (const l of this.sublayers()) l.trainable = value;
  }

  /** Layers this one wraps; their weights count as its own. */
  protected sublayers(): Layer[] {
    return [];
  }

  /** The sample shape given by inputShape (Sequential's first layer), with the batch as null. */
  get declaredInputShape(): SymShape | null {
    return this.args.inputShape ? [null, ...this.args.inputShape] : null;
  }

  /** All weights, in creation order (Keras's get_weights order), wrapped layers' after its own. */
  get weights(): Variable[] {
    return [...this.weightEntries.map((e) => e.variable), ...this.sublayers().flatMap((l) => l.weights)];
  }

  get trainableWeights(): Variable[] {
    if (!this.trainable) return [];
    return [...this.weightEntries.filter((e) => e.trainable).map((e) => e.variable), ...this.sublayers().flatMap((l) => l.trainableWeights)];
  }

  get nonTrainableWeights(): Variable[] {
    const trainable = new Set(this.trainableWeights);
    return this.weights.filter((w) => !trainable.has(w));
  }

  protected addWeight(name: string, shape: number[], initializer: Initializer, options: { trainable?: boolean; regularizer?: Regularizer | null } = {}): Variable {
    const variable = new Variable(initialize(initializer, shape, this.who), { name: `${this.name}/${name}` });
    this.weightEntries.push({ variable, trainable: options.trainable ?? true, regularizer: options.regularizer ?? null });
    return variable;
  }

  /** A kernel of `kernelShape` and (unless useBias is false) a bias of `units`, initialized and regularized as `args` say. */
  protected addKernelAndBias(kernelShape: number[], units: number, args: KernelBiasArgs): { kernel: Variable; bias: Variable | null } {
    const kernel = this.addWeight("kernel", kernelShape, args.kernelInitializer ?? "glorotUniform", {
      regularizer: assertRegularizer(args.kernelRegularizer, this.who),
    });
    const bias = (args.useBias ?? true)
      ? this.addWeight("bias", [units], args.biasInitializer ?? "zeros", { regularizer: assertRegularizer(args.biasRegularizer, this.who) })
      : null;
    return { kernel, bias };
  }

  /** Penalties of the regularized weights (for the training loss). */
  regularizationLosses(): Tensor[] {
    if (!this.trainable) return [];
    const out: Tensor[] = [];
    for (const e of this.weightEntries) {
      const p = e.regularizer && penalty(e.regularizer, e.variable);
      if (p) out.push(p);
    }
    for (const l of this.sublayers()) out.push(...l.regularizationLosses());
    return out;
  }

  /** Creates the weights from the input shape (batch may be null). */
  build(_inputShape: SymShape | SymShape[]): void {}

  /** Throws a clear error when the input shape does not fit (after build). */
  protected checkInputShape(_inputShape: SymShape | SymShape[]): void {}

  abstract call(inputs: LayerOutput, options: CallOptions): LayerOutput;

  abstract computeOutputShape(inputShape: SymShape | SymShape[]): SymShape | SymShape[];

  /** The options that recreate this layer with `new Class(config)`. */
  getConfig(): Record<string, unknown> {
    return { name: this.name, trainable: this.trainable, ...(this.args.inputShape ? { inputShape: this.args.inputShape } : {}) };
  }

  /** Output dtype (float32 unless a layer says otherwise). */
  protected outputDtype(): DType {
    return "float32";
  }

  apply(inputs: SymbolicTensor, options?: CallOptions): SymbolicTensor;
  apply(inputs: SymbolicTensor[], options?: CallOptions): SymbolicTensor | SymbolicTensor[];
  apply(inputs: Tensor, options?: CallOptions): Tensor;
  apply(inputs: Tensor[], options?: CallOptions): LayerOutput;
  apply(inputs: SymbolicTensor | SymbolicTensor[] | Tensor | Tensor[], options: CallOptions = {}): SymbolicTensor | SymbolicTensor[] | LayerOutput {
    const list = Array.isArray(inputs) ? inputs : [inputs];
    if (list.length === 0) throw new RangeError(`${this.who}: called with no inputs`);
    if (list.every((t) => t instanceof SymbolicTensor)) return this.applySymbolic(inputs as SymbolicTensor | SymbolicTensor[]);
    list.forEach((t, i) => assertTensor(t, this.who, `input ${i}`));
    const shapes = list.map((t) => (t as Tensor).shape as SymShape);
    this.ensureBuilt(Array.isArray(inputs) ? shapes : shapes[0]);
    return this.call(inputs as LayerOutput, options);
  }

  private applySymbolic(inputs: SymbolicTensor | SymbolicTensor[]): SymbolicTensor | SymbolicTensor[] {
    const shapes = Array.isArray(inputs) ? inputs.map((t) => t.shape) : inputs.shape;
    this.ensureBuilt(shapes);
    const out = this.computeOutputShape(shapes);
    const outShapes = isShapeList(out) ? out : [out];
    const node: LayerNode = { layer: this, inputs: Array.isArray(inputs) ? inputs : [inputs], outputs: [] };
    node.outputs = outShapes.map((s, i) => new SymbolicTensor(s, this.outputDtype(), node, i));
    this.inboundNodes.push(node);
    return isShapeList(out) ? node.outputs : node.outputs[0];
  }

  /** Builds on first use, then checks every later input against the built weights. */
  ensureBuilt(shapes: SymShape | SymShape[]): void {
    if (!this.built) {
      noGrad(() => this.build(shapes));
      this.built = true;
    }
    this.checkInputShape(shapes);
  }

  countParams(): number {
    return this.weights.reduce((s, w) => s + w.size, 0);
  }

  /** Copies of the weights' values, in creation order. */
  getWeights(): Tensor[] {
    return this.weights.map((w) => w.read());
  }

  /** Sets every weight, in getWeights() order; shapes must match exactly. */
  setWeights(values: Tensor[]): void {
    const ws = this.weights;
    if (values.length !== ws.length) throw new RangeError(`${this.who}.setWeights: expected ${ws.length} arrays, got ${values.length}`);
    ws.forEach((w, i) => w.assign(values[i]));
  }
}

export function isShapeList(s: SymShape | SymShape[]): s is SymShape[] {
  return s.length > 0 && Array.isArray(s[0]);
}

/** The single shape of a one-input layer (errors name the layer when given several). */
export function singleShape(shape: SymShape | SymShape[], who: string): SymShape {
  if (isShapeList(shape)) throw new RangeError(`${who}: expects one input, got ${shape.length}`);
  return shape;
}

export function single(x: LayerOutput, who: string): Tensor {
  if (Array.isArray(x)) {
    if (x.length !== 1) throw new RangeError(`${who}: expects one input, got ${x.length}`);
    return x[0];
  }
  return x;
}
