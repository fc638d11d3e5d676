/**
 * The training loop behind Model.fit: batches (a gather of shuffled rows, or a Dataset), the
 * gradient step, optimizer updates, sample and class weights, running metrics, validation,
 * callbacks and the History.
 */
import { valueAndGrad } from "../autodiff/grad.js";
import type { Variable } from "../autodiff/variable.js";
import { backend } from "../backends/registry.js";
import { Dataset, type Example } from "../data/dataset.js";
import { zerosLike } from "../tensor/creation.js";
import { isDeviceBackend, readArrays, readingAfter } from "../tensor/device.js";
import type { Tensor } from "../tensor/tensor.js";
import { Callback, type CallbackHooks, History } from "./callbacks.js";
import type { Compiled } from "./compile.js";
import { assertCompiled, EpochLogs, evaluateLogs, type FitModel, type Inputs, list, predictions } from "./evaluate.js";
import type { FitOptions } from "./fit-options.js";
import { frozenView } from "./frozen-features.js";
import { weightedLoss } from "./objective.js";
import { ProgbarLogger } from "./progress.js";
import { type Batch, datasetSource, tensorSource } from "./sources.js";
import type { TrainingStrategy } from "./strategy.js";
import { checkTargets } from "./targets.js";

export { type EvaluateOptions, evaluate, type FitModel, type Inputs, predict, type ValidationData } from "./evaluate.js";
export type { FitOptions } from "./fit-options.js";

/** A training step: forward in training mode, the objective, gradients, the optimizer's update. */
function makeTrainStep(model: FitModel, compiled: Compiled, parallel: TrainingStrategy | null) {
  const wantLogits = compiled.logits.map((a) => a !== null);
  const lossAndGrads = valueAndGrad(
    (_vars: Variable[], b: Batch) => {
      const outputs = model.forward(b.xs, true, wantLogits);
      const { total, parts } = weightedLoss(compiled, b.ys, outputs, b.sw, model.regularizationLosses());
      return [total, { outputs, parts }] as const;
    },
    // the step's activations and gradients are reused by the next step (autodiff/recycle.ts)
    { hasAux: true, recycle: true },
  );
  return (b: Batch) => {
    const vars = model.trainableWeights;
    const rows = b.ys[0].shape[0];
    // a rank whose shard of a short last batch is empty still joins the allreduce, with zeros
    const r = rows > 0 ? lossAndGrads(vars, b) : null;
    let grads: Tensor<"float32">[] = r ? r.grads : vars.map((v) => zerosLike(v));
    if (parallel) grads = parallel.averageGradients(grads, rows, b.globalRows ?? rows);
    if (vars.length > 0) compiled.optimizer.apply(grads, vars);
    if (!r) return null;
    return { loss: r.value, outputLosses: r.aux.parts, preds: predictions(compiled, r.aux.outputs) };
  };
}

class CallbackList {
  constructor(private readonly callbacks: (Callback | CallbackHooks)[]) {}
  async call<K extends keyof CallbackHooks>(hook: K, ...args: Parameters<NonNullable<CallbackHooks[K]>>): Promise<void> {
    for (const cb of this.callbacks) {
      const fn = (cb as CallbackHooks)[hook] as ((...a: unknown[]) => unknown) | undefined;
      if (fn) await fn.apply(cb, args);
    }
  }
}

/** Every option of fit (the type makes the list complete), so that one fit does not take is an error, not ignored. */
const FIT_OPTIONS: Record<keyof FitOptions, true> = {
  epochs: true,
  batchSize: true,
  verbose: true,
  validationData: true,
  validationSplit: true,
  shuffle: true,
  seed: true,
  classWeight: true,
  sampleWeight: true,
  callbacks: true,
  initialEpoch: true,
  stepsPerEpoch: true,
  validationBatchSize: true,
  cacheFrozenPrefix: true,
  strategy: true,
};

export async function fit(model: FitModel, x: Inputs | Dataset<Example>, y: Inputs | undefined, options: FitOptions = {}): Promise<History> {
  const unknown = Object.entries(options).filter(([k, v]) => v !== undefined && !(k in FIT_OPTIONS));
  if (unknown.length > 0)
    throw new TypeError(
      `Model '${model.name}'.fit: unknown option ${unknown.map(([k]) => `'${k}'`).join(", ")}; fit takes ${Object.keys(FIT_OPTIONS).join(", ")} ` +
        "(a run folder is a callback, new RunHistory(dir); training over MPI a strategy, dataParallel())",
    );
  const frozen = await frozenView(model, x, y, options, `Model '${model.name}'.fit`);
  if (frozen) {
    try {
      return await fitModel(model, frozen.view, frozen.x, frozen.y, frozen.options);
    } finally {
      frozen.release();
    }
  }
  return fitModel(model, model, x, y, options);
}

/** The loop: `runner` computes (the model, or its part after a cached prefix); callbacks see `model`. */
async function fitModel(model: FitModel, runner: FitModel, x: Inputs | Dataset<Example>, y: Inputs | undefined, options: FitOptions): Promise<History> {
  const who = `Model '${model.name}'.fit`;
  const compiled = assertCompiled(model, who);
  const epochs = options.epochs ?? 1;
  const batchSize = options.batchSize ?? 32;
  const verbose = options.verbose ?? 1;
  if (!Number.isInteger(epochs) || epochs < 0) throw new RangeError(`${who}: epochs must be a non-negative integer, got ${epochs}`);
  if (!Number.isInteger(batchSize) || batchSize <= 0) throw new RangeError(`${who}: batchSize must be a positive integer, got ${batchSize}`);
  if (x instanceof Dataset && y !== undefined) throw new RangeError(`${who}: when x is a Dataset, it yields the targets too; do not pass y`);
  const parallel = options.strategy ?? null;
  if (parallel && x instanceof Dataset)
    throw new RangeError(
      `${who}: distributed training (a strategy) takes tensors (each rank gathers its shard of every batch); read the Dataset into tensors first`,
    );
  if (parallel) {
    options = { ...options, seed: parallel.sharedSeed(options.seed) };
    parallel.broadcastVariables(model.weights, "broadcast of the initial weights from rank 0");
  }
  const source = x instanceof Dataset ? datasetSource(runner, compiled, x, options, who) : tensorSource(runner, compiled, x, y, options, who, parallel);
  if (source.validation && !(source.validation instanceof Dataset)) {
    const [vx, vy] = source.validation;
    checkTargets(runner, compiled, list(vx), list(vy), `${who} (validationData)`);
  }
  const step = makeTrainStep(runner, compiled, parallel);
  const history = new History();
  // under distributed training the other workers keep only the history (worker 0 writes and decides)
  const callbacks: (Callback | CallbackHooks)[] = [history];
  if (!parallel || parallel.rank === 0) {
    callbacks.push(...(options.callbacks ?? []));
    if (verbose > 0) callbacks.push(new ProgbarLogger(verbose));
  }
  for (const cb of callbacks) {
    if (cb instanceof Callback) {
      cb.setModel(model);
      cb.setParams({ epochs, steps: source.steps, verbose });
    }
  }
  const cbs = new CallbackList(callbacks);
  // a device backend (webgpu) computes asynchronously: fit reads what it needs once per batch
  const device = isDeviceBackend(backend().name);
  const weightsAndSlots = () => [...model.weights.map((w) => w.values), ...compiled.optimizer.slotEntries().map((e) => e[2])];
  model.stopTraining = false;
  await cbs.call("onTrainBegin", {});
  for (let epoch = options.initialEpoch ?? 0; epoch < epochs && !model.stopTraining; epoch++) {
    await cbs.call("onEpochBegin", epoch, {});
    const running = new EpochLogs(compiled, () => model.outputNames);
    let batch = 0;
    const epochBatches = async () => {
      for await (const b of source.epochBatches(epoch)) {
        await cbs.call("onTrainBatchBegin", batch, {});
        const r = step(b);
        if (r) {
          // the step's results (and the targets, when a kernel cut them) to the CPU
          if (device) await readArrays([r.loss, ...r.outputLosses, ...r.preds, ...b.ys, ...(b.sw ? [b.sw] : [])].map((t) => t.values));
          running.add(
            r.loss.item(),
            r.outputLosses.map((p) => p.item()),
            b.ys,
            r.preds,
            b.sw,
          );
        }
        await cbs.call("onTrainBatchEnd", batch++, running.logs());
        if (parallel) model.stopTraining = parallel.agree(model.stopTraining, "broadcast of rank 0's stop flag");
        if (model.stopTraining) break;
      }
    };
    // the weights and the optimizer's slots back on the CPU before validation and the callbacks
    // read or replace them, and when a step failed
    if (device) await readingAfter(epochBatches, weightsAndSlots);
    else await epochBatches();
    if (parallel) {
      const state = running.state();
      parallel.sumState(state, `allreduce of epoch ${epoch + 1}'s metrics`);
      running.setState(state);
    }
    const logs = running.logs();
    if (source.validation && !model.stopTraining) {
      Object.assign(logs, await evaluateLogs(runner, compiled, source.validation, options.validationBatchSize ?? batchSize, "val_"));
    }
    await cbs.call("onEpochEnd", epoch, logs);
    if (parallel) model.stopTraining = parallel.agree(model.stopTraining, "broadcast of rank 0's stop flag");
  }
  await cbs.call("onTrainEnd", {});
  // rank 0's callbacks may have restored other weights (EarlyStopping's best): every rank ends alike
  if (parallel) parallel.broadcastVariables(model.weights, "broadcast of the final weights from rank 0");
  return history;
}
