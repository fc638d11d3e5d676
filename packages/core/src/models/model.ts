/**
 * The functional Model (Keras's keras.Model(inputs, outputs)): a graph of layer calls between
 * symbolic inputs and outputs, with several inputs and outputs and shared layers. A Model is
 * itself a Layer, so a whole model can be a layer of another (a frozen VGG16 base in a
 * Sequential). compile/fit/evaluate/predict, summary and save live here.
 */
import type { Variable } from "../autodiff/variable.js";
import type { Dataset, Example } from "../data/dataset.js";
import type { ActivationName } from "../layers/activation-names.js";
import { InputLayer } from "../layers/input.js";
import {
  type CallOptions,
  Layer,
  type LayerNode,
  type LayerOutput,
  type Mask,
  type Masks,
  SymbolicTensor,
  type SymShape,
  shapeString,
  uniqueName,
} from "../layers/layer.js";
import { readArrays, staleOn } from "../tensor/device.js";
import type { Tensor } from "../tensor/tensor.js";
import type { History, Logs } from "../training/callbacks.js";
import { type CompileArgs, type CompileConfig, type Compiled, resolveCompile } from "../training/compile.js";
import { type EvaluateOptions, evaluate, type FitOptions, fit, type Inputs, predict } from "../training/fit.js";
import type { Optimizer } from "../training/optimizers.js";
import { type FrozenSplit, splitFrozenPrefix } from "./frozen-prefix.js";
import { buildGraph, type Graph, runGraph, tensorRef } from "./graph.js";
import { saveModel } from "./save.js";
import { formatSummary, type SummaryOptions } from "./summary.js";
import { modelWriter } from "./writers.js";

export type { CompileArgs, CompileConfig };

export interface ModelArgs {
  inputs: SymbolicTensor | SymbolicTensor[];
  outputs: SymbolicTensor | SymbolicTensor[];
  name?: string;
  trainable?: boolean;
}

export class Model extends Layer {
  static override readonly className: string = "Functional";
  inputs: SymbolicTensor[] = [];
  outputs: SymbolicTensor[] = [];
  protected graph: Graph | null = null;
  compiled: Compiled | null = null;
  compileConfig: CompileConfig | null = null;
  stopTraining = false;
  /** The names of the classes the outputs stand for (a folder's subfolders), saved with the model. */
  classNames: string[] | null = null;

  /** Functional models take inputs and outputs; Sequential calls this with none (and its name). */
  constructor(args?: ModelArgs, sequentialName?: string) {
    super({ name: args?.name ?? sequentialName ?? uniqueName(args ? "model" : "sequential"), trainable: args?.trainable });
    if (args) this.setGraph(Array.isArray(args.inputs) ? args.inputs : [args.inputs], Array.isArray(args.outputs) ? args.outputs : [args.outputs]);
  }

  protected setGraph(inputs: SymbolicTensor[], outputs: SymbolicTensor[]): void {
    for (const t of [...inputs, ...outputs]) {
      if (!(t instanceof SymbolicTensor)) throw new TypeError(`${this.who}: inputs and outputs must be symbolic tensors (from Input() and layer.apply())`);
    }
    this.graph = buildGraph(inputs, outputs, this.who);
    this.inputs = inputs;
    this.outputs = outputs;
    this.built = true;
  }

  protected requireGraph(): Graph {
    if (!this.graph)
      throw new Error(`${this.who}: the model has no input shape yet; start it with Input(), give its first layer inputShape, or call it on data`);
    return this.graph;
  }

  /** Layers in order (InputLayers included for functional models, as in Keras). */
  get layers(): Layer[] {
    return this.graph ? this.graph.layers : [];
  }

  /** The layer called `name`, or at position `index` of `layers`. */
  getLayer(nameOrIndex: string | number): Layer {
    const layers = this.layers;
    if (typeof nameOrIndex === "number") {
      const l = layers[nameOrIndex];
      if (!l) throw new RangeError(`${this.who}: no layer at index ${nameOrIndex} (it has ${layers.length})`);
      return l;
    }
    const l = layers.find((x) => x.name === nameOrIndex);
    if (!l) throw new RangeError(`${this.who}: no layer named '${nameOrIndex}'; layers: ${layers.map((x) => x.name).join(", ")}`);
    return l;
  }

  override get trainable(): boolean {
    return super.trainable;
  }

  /** Freezing a model freezes every layer in it (and unfreezing unfreezes them), as in Keras. */
  override set trainable(value: boolean) {
    super.trainable = value;
    for (const l of this.layers) l.trainable = value;
  }

  private distinct(pick: (l: Layer) => Variable[]): Variable[] {
    const seen = new Set<Variable>();
    const out: Variable[] = [];
    for (const l of this.layers)
      for (const v of pick(l))
        if (!seen.has(v)) {
          seen.add(v);
          out.push(v);
        }
    return out;
  }

  override get weights(): Variable[] {
    return this.distinct((l) => l.weights);
  }

  override get trainableWeights(): Variable[] {
    return this.trainable ? this.distinct((l) => l.trainableWeights) : [];
  }

  override regularizationLosses(): Tensor<"float32">[] {
    return this.layers.flatMap((l) => l.regularizationLosses());
  }

  protected override checkInputShape(inputShape: SymShape | SymShape[]): void {
    const shapes = this.inputs.length === 1 && !Array.isArray(inputShape[0]) ? [inputShape as SymShape] : (inputShape as SymShape[]);
    if (shapes.length !== this.inputs.length) throw new RangeError(`${this.who}: expected ${this.inputs.length} input(s), got ${shapes.length}`);
    shapes.forEach((s, i) => {
      const want = this.inputs[i].shape;
      if (s.length !== want.length || s.some((d, j) => j > 0 && want[j] !== null && d !== null && d !== want[j])) {
        throw new RangeError(`${this.who}: expected input of shape ${shapeString(want)}, got ${shapeString(s)}`);
      }
    });
  }

  /** Runs the graph on concrete inputs; outputs flagged in `logits` come back before their softmax/sigmoid. */
  forward(inputs: Tensor[], training: boolean, logits?: readonly boolean[]): Tensor[] {
    return this.run(inputs, { training }, logits).outputs;
  }

  private run(inputs: Tensor[], options: CallOptions, logits?: readonly boolean[]): { outputs: Tensor[]; masks: Mask[] } {
    const graph = this.requireGraph();
    this.checkInputShape(inputs.map((t) => t.shape as SymShape));
    return runGraph(graph, this.inputs, this.outputs, inputs, options, logits);
  }

  call(inputs: LayerOutput, options: CallOptions): LayerOutput {
    return this.callWithMask(inputs, options).outputs;
  }

  protected override callWithMask(inputs: LayerOutput, options: CallOptions): { outputs: LayerOutput; mask: Masks | null } {
    const { outputs, masks } = this.run(
      Array.isArray(inputs) ? inputs : [inputs],
      options,
      this.outputs.map(() => options.logits ?? false),
    );
    return outputs.length === 1 ? { outputs: outputs[0], mask: masks[0] } : { outputs, mask: masks };
  }

  /**
   * The activation that output `i` ends in, when the model can return the values before it:
   * the output is its layer's only output and no other layer reads it.
   */
  outputActivationOf(i: number): ActivationName | null {
    const t = this.outputs[i];
    if (t?.node.outputs.length !== 1 || this.nodes.some((n) => n.inputs.includes(t))) return null;
    return t.node.layer.outputActivation();
  }

  override outputActivation(): ActivationName {
    return this.outputs.length === 1 ? (this.outputActivationOf(0) ?? "linear") : "linear";
  }

  /** A model with one input knows its input shape: a Sequential that starts with it builds at once. */
  override get declaredInputShape(): SymShape | null {
    return this.graph && this.inputs.length === 1 ? [null, ...this.inputs[0].shape.slice(1)] : super.declaredInputShape;
  }

  /** The model's own output(s) (Keras's model.output). */
  override get output(): SymbolicTensor | SymbolicTensor[] {
    this.requireGraph();
    return this.outputs.length === 1 ? this.outputs[0] : this.outputs;
  }

  /** Each layer casts its own inputs. */
  protected override get inputDtype(): null {
    return null;
  }

  /** The frozen, deterministic beginning of the model that fit's cacheFrozenPrefix caches, or null. */
  frozenPrefix(): FrozenSplit | null {
    return this.graph ? splitFrozenPrefix(this) : null;
  }

  /** The outputs' names (their layers' names). */
  get outputNames(): string[] {
    this.requireGraph();
    return this.outputs.map((t) => t.node.layer.name);
  }

  computeOutputShape(inputShape: SymShape | SymShape[]): SymShape | SymShape[] {
    const batch = (Array.isArray(inputShape[0]) ? (inputShape as SymShape[])[0] : (inputShape as SymShape))[0] ?? null;
    const shapes = this.outputs.map((t) => [batch, ...t.shape.slice(1)]);
    return shapes.length === 1 ? shapes[0] : shapes;
  }

  /** Names and shapes of the outputs (the loop's view), building a deferred model from `sample`. */
  outputSpecs(sample: Tensor[]): { name: string; shape: SymShape }[] {
    if (!this.graph) this.buildFromData(sample);
    return this.outputNames.map((name, i) => ({ name, shape: this.outputs[i].shape }));
  }

  /** Builds a model whose input shape was not known (Sequential without Input). */
  protected buildFromData(_sample: Tensor[]): void {}

  /**
   * Bytes of the largest activation one sample makes (float32), nested models included: what
   * predict sizes its chunks by. Null when a shape is not known ahead (a dynamic dimension).
   */
  largestActivationBytes(): number | null {
    let most = 0;
    for (const node of this.nodes) {
      const inner = node.layer instanceof Model ? node.layer.largestActivationBytes() : 0;
      if (inner === null) return null;
      most = Math.max(most, inner);
      for (const out of node.outputs) {
        const dims = out.shape.slice(1);
        if (dims.some((d) => d === null)) return null;
        most = Math.max(most, 4 * (dims as number[]).reduce((a, b) => a * b, 1));
      }
    }
    return most;
  }

  /** Nodes of this model's graph (for summary and plots). */
  get nodes(): LayerNode[] {
    return this.graph ? this.graph.nodes : [];
  }

  /** Keras's compile: the optimizer, one loss (and metrics, weight) per output. */
  compile(args: CompileArgs): void {
    const count = this.graph ? this.outputs.length : 1;
    const names = this.graph ? this.outputNames : [""];
    const activations = Array.from({ length: count }, (_, i) => this.outputActivationOf(i));
    ({ compiled: this.compiled, config: this.compileConfig } = resolveCompile(args, names, activations));
  }

  get optimizer(): Optimizer | null {
    return this.compiled?.optimizer ?? null;
  }

  fit(x: Inputs | Dataset<Example>, y?: Inputs | FitOptions, options?: FitOptions): Promise<History> {
    // fit(dataset, options) as well as fit(x, y, options)
    if (y !== undefined && !isInputs(y)) return fit(this, x, undefined, y);
    return fit(this, x, y as Inputs | undefined, options);
  }

  evaluate(x: Inputs | Dataset<Example>, y?: Inputs | EvaluateOptions, options?: EvaluateOptions): Promise<Logs> {
    if (y !== undefined && !isInputs(y)) return evaluate(this, x, undefined, y);
    return evaluate(this, x, y as Inputs | undefined, options);
  }

  /** Outputs for x in inference mode (a list when the model has several outputs). */
  predict(x: Inputs, options: { batchSize?: number } = {}): Tensor | Tensor[] {
    const xs = Array.isArray(x) ? x : [x];
    if (!this.graph) this.buildFromData(xs);
    const outs = predict(this, x, options);
    return outs.length === 1 ? outs[0] : outs;
  }

  /** Keras's summary table; printed unless `print` is false, and returned. */
  summary(options: SummaryOptions = {}): string {
    this.requireGraph();
    const text = formatSummary(this, options);
    if (options.print ?? true) (options.printFn ?? console.log)(text);
    return text;
  }

  /**
   * Saves the model atomically. Kerno's own format (any name but .keras: architecture, weights,
   * optimizer state in one file) is written before this returns; a path ending in .keras gets
   * Keras 3's archive (architecture and weights), complete when the promise resolves. Weights a
   * device backend (webgpu) updated are read back first: then the file is complete only when the
   * promise resolves.
   */
  save(path: string): Promise<void> {
    const arrays = [...this.weights.map((w) => w.values), ...(this.optimizer?.slotEntries().map((e) => e[2]) ?? [])];
    if (arrays.some((a) => staleOn(a))) return readArrays(arrays).then(() => this.save(path));
    if (path.endsWith(".keras")) return modelWriter("keras", `Model '${this.name}'.save`)(this, path);
    saveModel(this, path);
    return Promise.resolve();
  }

  /** Writes the model as ONNX (opset 17, dynamic batch) for serving engines; see src/interop/onnx-export.ts. */
  export(path: string): string {
    return modelWriter("onnx", `Model '${this.name}'.export`)(this, path);
  }

  /** Stable keys for every weight: nested models prefix their name (vgg16/block1_conv1/kernel). */
  weightKeys(prefix = ""): Map<Variable, string> {
    const keys = new Map<Variable, string>();
    for (const layer of this.layers) {
      if (layer instanceof Model) {
        for (const [v, k] of layer.weightKeys(`${prefix}${layer.name}/`)) if (!keys.has(v)) keys.set(v, k);
        continue;
      }
      for (const v of layer.weights) {
        // a wrapper's weights belong to its inner layers: keep their names (bidirectional/forward_lstm/kernel)
        const own = v.name.startsWith(`${layer.name}/`);
        if (!keys.has(v)) keys.set(v, `${prefix}${layer.name}/${own ? v.name.slice(layer.name.length + 1) : v.name}`);
      }
    }
    return keys;
  }

  /**
   * The graph as JSON: each layer's class and config, and for each of its calls in this model
   * the [layer, call, output] triples it was applied to (calls counted within this model).
   */
  override getConfig(): Record<string, unknown> {
    const graph = this.requireGraph();
    const ref = (t: SymbolicTensor) => tensorRef(graph.nodes, t);
    return {
      name: this.name,
      trainable: this.trainable,
      layers: graph.layers.map((l) => ({
        className: l.className,
        config: l.getConfig(),
        inboundNodes: graph.nodes.filter((n) => n.layer === l && !(l instanceof InputLayer)).map((n) => n.inputs.map(ref)),
      })),
      inputLayers: this.inputs.map(ref),
      outputLayers: this.outputs.map(ref),
    };
  }
}

function isInputs(v: unknown): v is Inputs {
  return v instanceof Object && ("shape" in (v as object) || Array.isArray(v));
}
