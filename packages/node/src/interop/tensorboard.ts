/**
 * The TensorBoard callback, with Keras's name and options: event files under `logDir/train` and
 * `logDir/validation` (Keras's layout), epoch scalars `epoch_<metric>` in both, batch scalars
 * `batch_<metric>` with updateFreq "batch" or every N batches, a histogram of every weight each
 * `histogramFreq` epochs, and the layer graph when `writeGraph`. An existing TensorBoard reads it.
 * A training callback that lives here, beside its event-file writer, so that training stays free of
 * files and protobuf.
 */
import { join } from "node:path";
import type { Model } from "@kerno/core/models/model.js";
import { Callback, type Logs } from "@kerno/core/training/callback-base.js";
import { EventFileWriter, type GraphNode } from "./tensorboard-events.js";

export interface TensorBoardOptions {
  logDir?: string;
  /** "epoch" (default), "batch", or every this many batches. */
  updateFreq?: "epoch" | "batch" | number;
  /** Weight histograms every this many epochs (0: none, the default). */
  histogramFreq?: number;
  writeGraph?: boolean;
}

/** The model's layer calls as graph nodes: each layer named, its op its class, its inputs the layers feeding it. */
export function layerGraph(model: Model): GraphNode[] {
  const producer = new Map<number, string>();
  for (const node of model.nodes) for (const t of node.outputs) producer.set(t.id, node.layer.name);
  return model.nodes.map((node) => ({
    name: node.layer.name,
    op: node.layer.className,
    inputs: node.inputs.map((t) => producer.get(t.id)).filter((n): n is string => n !== undefined),
  }));
}

export class TensorBoard extends Callback {
  readonly logDir: string;
  readonly updateFreq: "epoch" | "batch" | number;
  readonly histogramFreq: number;
  readonly writeGraph: boolean;
  private train: EventFileWriter | null = null;
  private validation: EventFileWriter | null = null;
  private step = 0;

  constructor(options: TensorBoardOptions = {}) {
    super();
    this.logDir = options.logDir ?? "logs";
    this.updateFreq = options.updateFreq ?? "epoch";
    if (typeof this.updateFreq === "number" && !(Number.isInteger(this.updateFreq) && this.updateFreq > 0))
      throw new RangeError(`TensorBoard: updateFreq must be "epoch", "batch" or a positive integer, got ${this.updateFreq}`);
    this.histogramFreq = options.histogramFreq ?? 0;
    this.writeGraph = options.writeGraph ?? true;
  }

  /** The model being trained, when it is a kerno Model (graph and weights need it). */
  private get trained(): Model | null {
    const m = this.model as unknown as Model;
    return m && Array.isArray(m.nodes) ? m : null;
  }

  onTrainBegin(): void {
    this.train = new EventFileWriter(join(this.logDir, "train"));
    this.validation = null;
    this.step = 0;
    const model = this.trained;
    if (this.writeGraph && model) this.train.graph(layerGraph(model));
  }

  onTrainBatchEnd(_batch: number, logs: Logs): void {
    this.step++;
    const every = this.updateFreq === "batch" ? 1 : this.updateFreq === "epoch" ? 0 : this.updateFreq;
    if (!every || this.step % every !== 0 || !this.train) return;
    for (const [k, v] of Object.entries(logs)) if (Number.isFinite(v)) this.train.scalar(`batch_${k}`, v, this.step);
  }

  onEpochEnd(epoch: number, logs: Logs): void {
    if (!this.train) return;
    for (const [k, v] of Object.entries(logs)) {
      if (!Number.isFinite(v)) continue;
      if (k.startsWith("val_")) {
        this.validation ??= new EventFileWriter(join(this.logDir, "validation"));
        this.validation.scalar(`epoch_${k.slice(4)}`, v, epoch);
      } else this.train.scalar(`epoch_${k}`, v, epoch);
    }
    const model = this.trained;
    if (model && this.histogramFreq > 0 && epoch % this.histogramFreq === 0)
      for (const layer of model.layers)
        for (const w of layer.weights) this.train.histogram(w.name.includes("/") ? w.name : `${layer.name}/${w.name}`, w.floats(), epoch);
  }
}
