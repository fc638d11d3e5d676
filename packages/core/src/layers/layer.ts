/**
 * The base of every layer, as in Keras: `build` creates the weights once the input shape is
 * known, `call` computes, `computeOutputShape` propagates shapes without computing, and
 * `getConfig` returns the options that recreate the layer. `apply` works on concrete tensors
 * (eager) and on symbolic ones (the functional API), where it records a node of the graph.
 */

import { noGrad } from "../autodiff/grad.js";
import { Variable } from "../autodiff/variable.js";
import type { Precision } from "../backends/kernels.js";
import { cast } from "../ops/compare.js";
import type { DType } from "../tensor/dtype.js";
import { assertTensor, Tensor } from "../tensor/tensor.js";
import type { ActivationName } from "./activation-names.js";
import { assertPolicyRuns, type DTypePolicyName, isDTypePolicy, mixedPrecision, policyPrecision } from "./dtype-policy.js";
import { type Initializer, initialize } from "./initializers.js";
import { assertRegularizer, penalty, type Regularizer } from "./regularizers.js";
import { isShapeList, type LayerNode, SymbolicTensor, type SymShape, snakeCase, uniqueName } from "./symbolic.js";

export {
  clearSession,
  isShapeList,
  type LayerNode,
  SymbolicTensor,
  type SymShape,
  shapeString,
  singleShape,
  snakeCase,
  uniqueName,
} from "./symbolic.js";

export interface LayerArgs {
  name?: string;
  trainable?: boolean;
  /** Shape of one sample (without the batch), for the first layer of a Sequential model. */
  inputShape?: number[];
  /** A dtype policy ("float32", "mixed_bfloat16"; default: the global policy), or an Input's dtype. */
  dtype?: DType | DTypePolicyName;
}

/** A layer's mask: [batch, steps] bool (true: a real step), one per input or output, or null. */
export type Mask = Tensor | null;
export type Masks = Mask | Mask[];

export interface CallOptions {
  /** Training mode: dropout active, batch normalization on batch statistics. Default false. */
  training?: boolean;
  /** The inputs' masks (Keras's `mask` argument): recurrent layers skip masked steps. */
  mask?: Masks | null;
  /**
   * Return the values before the layer's output activation (see outputActivation): how a
   * cross-entropy loss gets the logits behind a softmax or sigmoid output.
   */
  logits?: boolean;
}

interface WeightEntry {
  variable: Variable;
  trainable: boolean;
  regularizer: Regularizer | null;
}

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
    kernelInitializer: args.kernelInitializer ?? "glorotUniform",
    biasInitializer: args.biasInitializer ?? "zeros",
    kernelRegularizer: args.kernelRegularizer ?? null,
    biasRegularizer: args.biasRegularizer ?? null,
  };
}

export type LayerOutput = Tensor | Tensor[];

/** Who sees each weight's shape before it is allocated (a loader rebuilding a model from a file), or null. */
type WeightGate = (who: string, name: string, shape: readonly number[]) => void;
let weightGate: WeightGate | null = null;

/**
 * Runs `build` with every weight's shape passed to `gate` before anything is allocated, the
 * weights created as zeros (the file's values overwrite them): loaders refuse a file whose
 * architecture declares more than it holds, and skip initializers (an orthogonal one is cubic).
 */
export function withWeightGate<T>(gate: WeightGate, build: () => T): T {
  const outer = weightGate;
  weightGate = gate;
  try {
    return build();
  } finally {
    weightGate = outer;
  }
}

export abstract class Layer {
  /** Keras's class name, used in summaries and saved configurations. */
  static readonly className: string = "Layer";

  name: string;
  built = false;
  /** Calls of this layer in functional graphs (several for a shared layer). */
  readonly inboundNodes: LayerNode[] = [];
  /** The options the layer was made with (Keras's constructor arguments); subclasses narrow its type. */
  readonly args: LayerArgs;
  private _trainable: boolean;
  private readonly weightEntries: WeightEntry[] = [];

  /** Keras's dtype policy, fixed at construction: "mixed_bfloat16" runs the layer's products in bfloat16. */
  readonly dtypePolicy: DTypePolicyName;

  constructor(args: LayerArgs = {}) {
    this.args = args;
    this.name = args.name ?? uniqueName(snakeCase(this.className));
    this._trainable = args.trainable ?? true;
    this.dtypePolicy = isDTypePolicy(args.dtype) ? args.dtype : mixedPrecision.globalPolicy();
    assertPolicyRuns(this.dtypePolicy, this.who);
  }

  /** The precision of this layer's products (matMul, conv) under its policy. */
  protected get precision(): Precision {
    return policyPrecision(this.dtypePolicy);
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

  protected addWeight(
    name: string,
    shape: number[],
    initializer: Initializer,
    options: { trainable?: boolean; regularizer?: Regularizer | null } = {},
  ): Variable {
    weightGate?.(this.who, name, shape);
    const variable = new Variable(initialize(weightGate ? "zeros" : initializer, shape, this.who), { name: `${this.name}/${name}` });
    this.weightEntries.push({ variable, trainable: options.trainable ?? true, regularizer: options.regularizer ?? null });
    return variable;
  }

  /** A kernel of `kernelShape` and (unless useBias is false) a bias of `units`, initialized and regularized as `args` say. */
  protected addKernelAndBias(kernelShape: number[], units: number, args: KernelBiasArgs): { kernel: Variable; bias: Variable | null } {
    const kernel = this.addWeight("kernel", kernelShape, args.kernelInitializer ?? "glorotUniform", {
      regularizer: assertRegularizer(args.kernelRegularizer, this.who),
    });
    const bias =
      (args.useBias ?? true)
        ? this.addWeight("bias", [units], args.biasInitializer ?? "zeros", { regularizer: assertRegularizer(args.biasRegularizer, this.who) })
        : null;
    return { kernel, bias };
  }

  /** Penalties of the regularized weights (for the training loss). */
  regularizationLosses(): Tensor<"float32">[] {
    if (!this.trainable) return [];
    const out: Tensor<"float32">[] = [];
    for (const e of this.weightEntries) {
      const p = e.regularizer && penalty(e.regularizer, e.variable);
      if (p) out.push(p);
    }
    for (const l of this.sublayers()) out.push(...l.regularizationLosses());
    return out;
  }

  /**
   * The symbolic output of the layer's call in a functional graph (Keras's layer.output), e.g. to
   * build a model that stops at this layer: new Model({ inputs: model.inputs, outputs: layer.output }).
   */
  get output(): SymbolicTensor | SymbolicTensor[] {
    const node = this.inboundNodes[0];
    if (!node) throw new Error(`${this.who}: has no output yet (it has not been called on a symbolic input)`);
    if (this.inboundNodes.length > 1) throw new Error(`${this.who}: is called ${this.inboundNodes.length} times; pick one of layer.inboundNodes`);
    return node.outputs.length === 1 ? node.outputs[0] : node.outputs;
  }

  /**
   * Whether the layer computes the same output for the same input in training (no dropout or
   * augmentation draws, no batch statistics): what fit's cacheFrozenPrefix relies on.
   */
  get deterministic(): boolean {
    return true;
  }

  /** Whether a mask passes through this layer unchanged (Keras's supports_masking). */
  protected get supportsMasking(): boolean {
    return false;
  }

  /**
   * The masks of this layer's outputs, given its inputs and their masks (Keras's compute_mask):
   * the input mask when the layer supports masking, else none. Embedding and Masking make masks;
   * recurrent layers consume them.
   */
  computeMask(_inputs: LayerOutput, mask: Masks | null): Masks | null {
    if (!this.supportsMasking || mask === null) return null;
    return Array.isArray(mask) ? (mask[0] ?? null) : mask;
  }

  /**
   * The activation this layer applies last ("linear" for none). When it is softmax or sigmoid
   * and the layer produces a model output, compile() has the loss work from the logits, which
   * `call(x, { logits: true })` returns.
   */
  outputActivation(): ActivationName {
    return "linear";
  }

  /** Creates the weights from the input shape (batch may be null). */
  build(_inputShape: SymShape | SymShape[]): void {}

  /** Throws a clear error when the input shape does not fit (after build). */
  protected checkInputShape(_inputShape: SymShape | SymShape[]): void {}

  abstract call(inputs: LayerOutput, options: CallOptions): LayerOutput;

  abstract computeOutputShape(inputShape: SymShape | SymShape[]): SymShape | SymShape[];

  /** The options that recreate this layer with `new Class(config)`. */
  getConfig(): Record<string, unknown> {
    return {
      name: this.name,
      trainable: this.trainable,
      ...(this.args.inputShape ? { inputShape: this.args.inputShape } : {}),
      ...(this.dtypePolicy !== "float32" ? { dtype: this.dtypePolicy } : {}),
    };
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
    if (list.every((t) => t instanceof SymbolicTensor)) return this.named(() => this.applySymbolic(inputs as SymbolicTensor | SymbolicTensor[]));
    return this.named(() => {
      const x = this.prepare(inputs as LayerOutput);
      this.ensureBuiltFor(x);
      return this.call(x, options);
    });
  }

  /** apply() on concrete tensors that also returns the outputs' masks (how models propagate masks). */
  applyWithMask(inputs: LayerOutput, options: CallOptions = {}): { outputs: LayerOutput; mask: Masks | null } {
    return this.named(() => {
      const x = this.prepare(inputs);
      this.ensureBuiltFor(x);
      return this.callWithMask(x, options);
    });
  }

  /** The dtype inputs are cast to before call (Keras's autocast); null keeps them (Embedding takes integer ids). */
  protected get inputDtype(): DType | null {
    return "float32";
  }

  private prepare(inputs: LayerOutput): LayerOutput {
    const want = this.inputDtype;
    const castOne = (t: Tensor) => (want === null || !(t instanceof Tensor) || t.dtype === want ? t : cast(t, want));
    return Array.isArray(inputs) ? inputs.map(castOne) : castOne(inputs);
  }

  /** Runs fn; an error that does not name this layer yet gets its name in front (who failed, then why). */
  named<T>(fn: () => T): T {
    try {
      return fn();
    } catch (err) {
      if (err instanceof Error && !err.message.startsWith(this.who)) err.message = `${this.who}: ${err.message}`;
      throw err;
    }
  }

  /** call() and computeMask() together; models override it to run their graph once. */
  protected callWithMask(inputs: LayerOutput, options: CallOptions): { outputs: LayerOutput; mask: Masks | null } {
    return { outputs: this.call(inputs, options), mask: this.computeMask(inputs, options.mask ?? null) };
  }

  private ensureBuiltFor(inputs: LayerOutput): void {
    const list = Array.isArray(inputs) ? inputs : [inputs];
    list.forEach((t, i) => assertTensor(t, this.who, `input ${i}`));
    const shapes = list.map((t) => t.shape as SymShape);
    this.ensureBuilt(Array.isArray(inputs) ? shapes : shapes[0]);
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

export function single(x: LayerOutput, who: string): Tensor {
  if (Array.isArray(x)) {
    if (x.length !== 1) throw new RangeError(`${who}: expects one input, got ${x.length}`);
    return x[0];
  }
  return x;
}
