/**
 * What model.compile() settles: one loss, weight and metric list per output, the optimizer, and
 * for each output whether the loss works from its logits. A cross-entropy on a softmax
 * (categorical, sparse) or sigmoid (binary) output is computed from the logits behind it, stable
 * and exact as in Keras; the model is asked for those logits (call option `logits`) and the
 * probabilities that metrics see are computed from them.
 */
import type { ActivationName } from "../layers/activation-names.js";
import { getLoss, type Loss, lossFromConfig } from "./losses.js";
import { getMetric, type Metric, type MetricSpec } from "./metrics.js";
import { getOptimizer, type Optimizer, type OptimizerSpec } from "./optimizers.js";

export interface CompileArgs {
  /** "rmsprop" when left out, as in Keras. */
  optimizer?: OptimizerSpec | string;
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

/** What compile() settled: one loss (and metric list) per model output. */
export interface Compiled {
  optimizer: Optimizer;
  /** The losses as computed: a cross-entropy folded into a softmax/sigmoid output takes logits. */
  losses: Loss[];
  lossWeights: number[];
  metrics: Metric[][];
  /** Per output: the activation that turns the logits the model returns into predictions, or null when it returns predictions. */
  logits: (ActivationName | null)[];
}

/** The activation a loss of this kind can fold in, when the loss takes probabilities. */
function foldable(loss: Loss): ActivationName | null {
  if (loss.config.fromLogits !== false) return null;
  if (loss.name === "binary_crossentropy") return "sigmoid";
  if (loss.name === "categorical_crossentropy" || loss.name === "sparse_categorical_crossentropy") return "softmax";
  return null;
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

/**
 * Resolves compile's arguments for outputs `names`, whose final activations are `activations`
 * (null where the output cannot hand out its logits).
 */
export function resolveCompile(args: CompileArgs, names: string[], activations: (ActivationName | null)[]): { compiled: Compiled; config: CompileConfig } {
  const optimizer = getOptimizer(args.optimizer ?? "rmsprop");
  const lossSpecs = lossesPerOutput(args.loss, names);
  if (lossSpecs.length !== names.length) throw new RangeError(`compile: ${lossSpecs.length} losses for ${names.length} outputs`);
  const userLosses = lossSpecs.map(getLoss);
  const lossWeights = Array.isArray(args.lossWeights) ? args.lossWeights : names.map((n) => (args.lossWeights as Record<string, number> | undefined)?.[n] ?? 1);
  const perOutput = names.map((n) => (Array.isArray(args.metrics) ? args.metrics : (args.metrics?.[n] ?? [])));
  const logits = userLosses.map((l, i) => (foldable(l) !== null && foldable(l) === activations[i] ? activations[i] : null));
  const compiled: Compiled = {
    optimizer,
    lossWeights,
    logits,
    losses: userLosses.map((l, i) => (logits[i] ? lossFromConfig(l.name, { ...l.config, fromLogits: true }) : l)),
    // metrics see probabilities, as the user's loss does
    metrics: userLosses.map((l, i) => perOutput[i].map((m) => getMetric(m, l))),
  };
  const config: CompileConfig = {
    optimizer: { className: optimizer.className, config: optimizer.getConfig() },
    losses: userLosses.map((l) => ({ name: l.name, config: l.config })),
    metrics: Object.fromEntries(names.map((n, i) => [n, perOutput[i].filter((m): m is string => typeof m === "string")])),
    lossWeights,
  };
  return { compiled, config };
}
