/**
 * The functional Model (Keras's keras.Model(inputs, outputs)): a graph of layer calls between
 * symbolic inputs and outputs, with several inputs and outputs and shared layers. A Model is
 * itself a Layer, so a whole model can be a layer of another (a frozen VGG16 base in a
 * Sequential). compile/fit/evaluate/predict, summary and save live here.
 */
import type { Variable } from "../autodiff/variable.js";
import type { Dataset, Example } from "../data/dataset.js";
import { InputLayer } from "../layers/input.js";
import {
  type CallOptions, type LayerOutput, Layer, type LayerNode, shapeString, SymbolicTensor, type SymShape, uniqueName,
} from "../layers/layer.js";
import type { Tensor } from "../tensor/tensor.js";
import type { History, Logs } from "../training/callbacks.js";
import { type Compiled, type EvaluateOptions, evaluate, fit, type FitOptions, type Inputs, predict } from "../training/fit.js";
import { getLoss, type Loss } from "../training/losses.js";
import { getMetric, type MetricSpec } from "../training/metrics.js";
import { getOptimizer, type Optimizer, type OptimizerSpec } from "../training/optimizers.js";
import { buildGraph, type Graph } from "./graph.js";
import { formatSummary, type SummaryOptions } from "./summary.js";

export interface ModelArgs {
  inputs: SymbolicTensor | SymbolicTensor[];
  outputs: SymbolicTensor | SymbolicTensor[];
  name?: string;
  trainable?: boolean;
}

export interface CompileArgs {
  optimizer: OptimizerSpec | string;
  /** One loss for every output, or one per output (array in output order, or by output name). */
  loss: string | Loss | (string | Loss)[] | Record<string, string | Loss>;
  /** Metrics for every output, or per output name. */
  metrics?: MetricSpec[] | Record<string, MetricSpec[]>;
  lossWeights?: number[] | Record<string, number>;
}

/** What compile() was given in serializable form (for save/load). */
export interface CompileConfig {
  optimizer: { className: string; config: Record<string, unknown> };
  losses: { name: string; config: Record<string, unknown> }[];
  metrics: Record<string, string[]>;
  lossWeights: number[];
}

export class Model extends Layer {
  static override readonly className: string = "Functional";
  inputs: SymbolicTensor[] = [];
  outputs: SymbolicTensor[] = [];
  protected graph: Graph | null = null;
  compiled: Compiled | null = null;
  compileConfig: CompileConfig | null = null;
  stopTraining = false;

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
    if (!this.graph) throw new Error(`${this.who}: the model has no input shape yet; start it with Input(), give its first layer inputShape, or call it on data`);
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
    for (const l of this.layers) for (const v of pick(l)) if (!seen.has(v)) { seen.add(v); out.push(v); }
    return out;
  }

  override get weights(): Variable[] {
    return this.distinct((l) => l.weights);
  }

  override get trainableWeights(): Variable[] {
    return this.trainable ? this.distinct((l) => l.trainableWeights) : [];
  }

  override regularizationLosses(): Tensor[] {
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

  /** Runs the graph on concrete inputs. */
  forward(inputs: Tensor[], training: boolean): Tensor[] {
    const graph = this.requireGraph();
    this.checkInputShape(inputs.map((t) => t.shape as SymShape));
    const values = new Map<number, Tensor>();
    this.inputs.forEach((t, i) => values.set(t.id, inputs[i]));
    for (const node of graph.nodes) {
      if (node.layer instanceof InputLayer) continue;
      const args = node.inputs.map((t) => values.get(t.id)!);
      const out: LayerOutput = node.inputs.length === 1 ? node.layer.apply(args[0], { training }) : node.layer.apply(args, { training });
      const outs = Array.isArray(out) ? out : [out];
      node.outputs.forEach((t, i) => values.set(t.id, outs[i]));
    }
    return this.outputs.map((t) => values.get(t.id)!);
  }

  call(inputs: LayerOutput, options: CallOptions): LayerOutput {
    const outs = this.forward(Array.isArray(inputs) ? inputs : [inputs], options.training ?? false);
    return outs.length === 1 ? outs[0] : outs;
  }

  computeOutputShape(inputShape: SymShape | SymShape[]): SymShape | SymShape[] {
    const batch = (Array.isArray(inputShape[0]) ? (inputShape as SymShape[])[0] : (inputShape as SymShape))[0] ?? null;
    const shapes = this.outputs.map((t) => [batch, ...t.shape.slice(1)]);
    return shapes.length === 1 ? shapes[0] : shapes;
  }

  /** Names and shapes of the outputs (the loop's view); `sample` builds a deferred model. */
  outputSpecs(sample: Tensor[]): { name: string; shape: SymShape }[] {
    if (!this.graph && sample.length) this.buildFromData(sample);
    this.requireGraph();
    return this.outputs.map((t) => ({ name: t.node.layer.name, shape: t.shape }));
  }

  /** Builds a model whose input shape was not known (Sequential without Input). */
  protected buildFromData(_sample: Tensor[]): void {}

  /** Nodes of this model's graph (for summary and plots). */
  get nodes(): LayerNode[] {
    return this.graph ? this.graph.nodes : [];
  }

  compile(args: CompileArgs): void {
    const optimizer = getOptimizer(args.optimizer);
    const outputs = this.graph ? this.outputs : [null];
    const names = outputs.map((t) => t?.node.layer.name ?? "");
    const lossSpecs = lossesPerOutput(args.loss, names);
    if (lossSpecs.length !== outputs.length) throw new RangeError(`compile: ${lossSpecs.length} losses for ${outputs.length} outputs`);
    const losses = lossSpecs.map(getLoss);
    const lossWeights = Array.isArray(args.lossWeights) ? args.lossWeights : names.map((n) => (args.lossWeights as Record<string, number> | undefined)?.[n] ?? 1);
    const perOutput = names.map((n) => (Array.isArray(args.metrics) ? args.metrics : args.metrics?.[n] ?? []));
    this.compiled = { optimizer, losses, lossWeights, metrics: losses.map((l, i) => perOutput[i].map((m) => getMetric(m, l))) };
    this.compileConfig = {
      optimizer: { className: optimizer.className, config: optimizer.getConfig() },
      losses: losses.map((l) => ({ name: l.name, config: l.config })),
      metrics: Object.fromEntries(names.map((n, i) => [n, perOutput[i].filter((m): m is string => typeof m === "string")])),
      lossWeights,
    };
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

  /** Saves architecture, weights and optimizer state to one file, atomically. */
  async save(path: string): Promise<void> {
    const { saveModel } = await import("./save.js");
    saveModel(this, path);
  }

  /**
   * The graph as JSON: each layer's class and config, and for each of its calls in this model
   * the [layer, call, output] triples it was applied to (calls counted within this model).
   */
  override getConfig(): Record<string, unknown> {
    const graph = this.requireGraph();
    const callIndex = (node: LayerNode) => graph.nodes.filter((n) => n.layer === node.layer).indexOf(node);
    const ref = (t: SymbolicTensor) => [t.node.layer.name, callIndex(t.node), t.index];
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

/** compile's loss option as one loss per output: shared, a list in output order, or by output name. */
function lossesPerOutput(loss: CompileArgs["loss"], names: string[]): (string | Loss)[] {
  if (Array.isArray(loss)) return loss;
  if (typeof loss === "string" || "perSample" in loss) return names.map(() => loss as string | Loss);
  const byName = loss as Record<string, string | Loss>;
  return names.map((n) => {
    if (!(n in byName)) throw new RangeError(`compile: no loss for output '${n}' (losses given for ${Object.keys(byName).join(", ")})`);
    return byName[n];
  });
}

function isInputs(v: unknown): v is Inputs {
  return v instanceof Object && ("shape" in (v as object) || Array.isArray(v));
}

