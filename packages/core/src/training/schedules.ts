/** Learning-rate schedules (functions of the optimizer's step count), as keras.optimizers.schedules. */

export interface LearningRateSchedule {
  readonly className: string;
  /** Learning rate at `step` (0-based count of updates so far). */
  at(step: number): number;
  getConfig(): Record<string, unknown>;
}

export class ExponentialDecay implements LearningRateSchedule {
  readonly className = "ExponentialDecay";
  constructor(readonly config: { initialLearningRate: number; decaySteps: number; decayRate: number; staircase?: boolean }) {
    if (!(config.decaySteps > 0)) throw new RangeError(`ExponentialDecay: decaySteps must be positive, got ${config.decaySteps}`);
  }
  at(step: number): number {
    const p = step / this.config.decaySteps;
    return this.config.initialLearningRate * this.config.decayRate ** (this.config.staircase ? Math.floor(p) : p);
  }
  getConfig(): Record<string, unknown> {
    return { ...this.config };
  }
}

/** Cosine decay from the initial rate to alpha * initial over decaySteps (optionally after a linear warmup). */
export class CosineDecay implements LearningRateSchedule {
  readonly className = "CosineDecay";
  constructor(readonly config: { initialLearningRate: number; decaySteps: number; alpha?: number; warmupSteps?: number; warmupTarget?: number }) {
    if (!(config.decaySteps > 0)) throw new RangeError(`CosineDecay: decaySteps must be positive, got ${config.decaySteps}`);
  }
  at(step: number): number {
    const { initialLearningRate: lr0, decaySteps, alpha = 0, warmupSteps = 0, warmupTarget } = this.config;
    if (warmupSteps > 0 && step < warmupSteps && warmupTarget !== undefined) return lr0 + (warmupTarget - lr0) * (step / warmupSteps);
    const start = warmupSteps > 0 && warmupTarget !== undefined ? warmupTarget : lr0;
    const t = Math.min(Math.max(step - warmupSteps, 0), decaySteps) / decaySteps;
    return start * ((1 - alpha) * 0.5 * (1 + Math.cos(Math.PI * t)) + alpha);
  }
  getConfig(): Record<string, unknown> {
    return { ...this.config };
  }
}

/** values[i] while step <= boundaries[i] (values has one more entry than boundaries). */
export class PiecewiseConstantDecay implements LearningRateSchedule {
  readonly className = "PiecewiseConstantDecay";
  constructor(readonly config: { boundaries: number[]; values: number[] }) {
    if (config.values.length !== config.boundaries.length + 1) {
      throw new RangeError(
        `PiecewiseConstantDecay: values needs ${config.boundaries.length + 1} entries for ${config.boundaries.length} boundaries, got ${config.values.length}`,
      );
    }
  }
  at(step: number): number {
    const i = this.config.boundaries.findIndex((b) => step <= b);
    return this.config.values[i === -1 ? this.config.values.length - 1 : i];
  }
  getConfig(): Record<string, unknown> {
    return { ...this.config };
  }
}

export function scheduleFromConfig(className: string, config: Record<string, unknown>): LearningRateSchedule {
  switch (className) {
    case "ExponentialDecay":
      return new ExponentialDecay(config as never);
    case "CosineDecay":
      return new CosineDecay(config as never);
    case "PiecewiseConstantDecay":
      return new PiecewiseConstantDecay(config as never);
    default:
      throw new RangeError(`unknown learning-rate schedule '${className}'`);
  }
}
