/**
 * Optimizers with Keras's defaults and update rules, each a fused kernel call per variable.
 * Slots (momentum, moving averages) are created per variable on first use and saved with the
 * model so that training can resume.
 */
import type { Variable } from "../autodiff/variable.js";
import { backend } from "../backends/registry.js";
import { discardArrays } from "../tensor/device.js";
import type { Tensor } from "../tensor/tensor.js";
import { type LearningRateSchedule, scheduleFromConfig } from "./schedules.js";

export type LearningRate = number | LearningRateSchedule;

export abstract class Optimizer {
  abstract readonly className: string;
  /** Updates applied so far (the schedule's step). */
  iterations = 0;
  learningRate: LearningRate;
  protected readonly slots = new Map<Variable, Float32Array[]>();

  constructor(learningRate: LearningRate) {
    if (typeof learningRate === "number" && !(learningRate > 0)) throw new RangeError(`optimizer: learningRate must be positive, got ${learningRate}`);
    this.learningRate = learningRate;
  }

  /** The learning rate for the next update. */
  currentLearningRate(): number {
    return typeof this.learningRate === "number" ? this.learningRate : this.learningRate.at(this.iterations);
  }

  protected abstract slotNames(): string[];

  protected slotsFor(v: Variable): Float32Array[] {
    let s = this.slots.get(v);
    if (!s) {
      s = this.slotNames().map(() => new Float32Array(v.size));
      this.slots.set(v, s);
    }
    return s;
  }

  protected abstract update(v: Variable, g: Float32Array, slots: Float32Array[], lr: number): void;

  /** Applies one update to every variable from its gradient (same order). */
  apply(grads: Tensor<"float32">[], variables: Variable[]): void {
    const lr = this.currentLearningRate();
    this.iterations++;
    for (let i = 0; i < variables.length; i++) {
      this.update(variables[i], grads[i].values, this.slotsFor(variables[i]), lr);
    }
  }

  /** Slot arrays by name, for saving: [variable, slotName, values]. */
  slotEntries(): [Variable, string, Float32Array][] {
    const out: [Variable, string, Float32Array][] = [];
    for (const [v, arrays] of this.slots) arrays.forEach((a, i) => out.push([v, this.slotNames()[i], a]));
    return out;
  }

  /** Restores a slot saved by slotEntries. */
  setSlot(v: Variable, name: string, values: Float32Array): void {
    const i = this.slotNames().indexOf(name);
    if (i < 0) throw new RangeError(`${this.className}: no slot named '${name}'`);
    const s = this.slotsFor(v);
    if (values.length !== s[i].length) throw new RangeError(`${this.className}: slot '${name}' of ${v.name} has ${s[i].length} values, got ${values.length}`);
    discardArrays([s[i]]);
    s[i].set(values);
  }

  getConfig(): Record<string, unknown> {
    const lr = this.learningRate;
    return { learningRate: typeof lr === "number" ? lr : { className: lr.className, config: lr.getConfig() } };
  }
}

export class SGD extends Optimizer {
  readonly className = "SGD";
  readonly momentum: number;
  readonly nesterov: boolean;
  constructor(options: { learningRate?: LearningRate; momentum?: number; nesterov?: boolean } = {}) {
    super(options.learningRate ?? 0.01);
    this.momentum = options.momentum ?? 0;
    this.nesterov = options.nesterov ?? false;
  }
  protected slotNames(): string[] {
    return this.momentum > 0 ? ["momentum"] : [];
  }
  protected update(v: Variable, g: Float32Array, slots: Float32Array[], lr: number): void {
    backend().sgdUpdate(v.values, g, slots[0] ?? null, lr, this.momentum, this.nesterov);
  }
  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), momentum: this.momentum, nesterov: this.nesterov };
  }
}

export class RMSprop extends Optimizer {
  readonly className = "RMSprop";
  readonly rho: number;
  readonly momentum: number;
  readonly epsilon: number;
  constructor(options: { learningRate?: LearningRate; rho?: number; momentum?: number; epsilon?: number } = {}) {
    super(options.learningRate ?? 0.001);
    this.rho = options.rho ?? 0.9;
    this.momentum = options.momentum ?? 0;
    this.epsilon = options.epsilon ?? 1e-7;
  }
  protected slotNames(): string[] {
    return this.momentum > 0 ? ["velocity", "momentum"] : ["velocity"];
  }
  protected update(v: Variable, g: Float32Array, slots: Float32Array[], lr: number): void {
    backend().rmspropUpdate(v.values, g, slots[0], slots[1] ?? null, lr, this.rho, this.momentum, this.epsilon);
  }
  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), rho: this.rho, momentum: this.momentum, epsilon: this.epsilon };
  }
}

export class Adam extends Optimizer {
  readonly className: string = "Adam";
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  protected weightDecay = 0;
  constructor(options: { learningRate?: LearningRate; beta1?: number; beta2?: number; epsilon?: number } = {}) {
    super(options.learningRate ?? 0.001);
    this.beta1 = options.beta1 ?? 0.9;
    this.beta2 = options.beta2 ?? 0.999;
    this.epsilon = options.epsilon ?? 1e-7;
  }
  protected slotNames(): string[] {
    return ["m", "v"];
  }
  protected update(v: Variable, g: Float32Array, slots: Float32Array[], lr: number): void {
    backend().adamUpdate(v.values, g, slots[0], slots[1], lr, this.beta1, this.beta2, this.epsilon, this.iterations, this.weightDecay);
  }
  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), beta1: this.beta1, beta2: this.beta2, epsilon: this.epsilon };
  }
}

/** Adam with decoupled weight decay (variable -= lr * weightDecay * variable before each step). */
export class AdamW extends Adam {
  override readonly className = "AdamW";
  constructor(options: { learningRate?: LearningRate; weightDecay?: number; beta1?: number; beta2?: number; epsilon?: number } = {}) {
    super(options);
    this.weightDecay = options.weightDecay ?? 0.004;
  }
  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), weightDecay: this.weightDecay };
  }
}

export type OptimizerSpec = "sgd" | "rmsprop" | "adam" | "adamw" | Optimizer;

export function getOptimizer(spec: OptimizerSpec | string): Optimizer {
  if (typeof spec !== "string") return spec;
  switch (spec.toLowerCase()) {
    case "sgd":
      return new SGD();
    case "rmsprop":
      return new RMSprop();
    case "adam":
      return new Adam();
    case "adamw":
      return new AdamW();
    default:
      throw new RangeError(`compile: unknown optimizer '${spec}'; use sgd, rmsprop, adam, adamw or an Optimizer instance`);
  }
}

export function optimizerFromConfig(className: string, config: Record<string, unknown>): Optimizer {
  const lrConfig = config.learningRate as number | { className: string; config: Record<string, unknown> };
  const learningRate = typeof lrConfig === "number" ? lrConfig : scheduleFromConfig(lrConfig.className, lrConfig.config);
  const options = { ...config, learningRate };
  switch (className) {
    case "SGD":
      return new SGD(options);
    case "RMSprop":
      return new RMSprop(options);
    case "Adam":
      return new Adam(options);
    case "AdamW":
      return new AdamW(options);
    default:
      throw new RangeError(`unknown optimizer '${className}'`);
  }
}
