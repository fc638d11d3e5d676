/**
 * Divide and conquer (the course's trick for many classes): cluster the classes into groups of
 * look-alikes (from a first model's confusion matrix or from class-mean embeddings), train a
 * coarse model that tells the groups apart and one expert per group of more than one class, and
 * join them with a HierarchyCombine layer into one model that predicts, saves and loads like any
 * other.
 */

import { HierarchyCombine } from "@kerno/core/layers/hierarchy-combine.js";
import { Input } from "@kerno/core/layers/input.js";
import { Model } from "@kerno/core/models/model.js";
import { gather } from "@kerno/core/ops/shape.js";
import { tensor } from "@kerno/core/tensor/creation.js";
import type { Tensor } from "@kerno/core/tensor/tensor.js";
import type { Callback } from "@kerno/core/training/callback-base.js";
import { agglomerate, confusionDistance, confusionProfiles, cutTree, euclidean, type Linkage, type Merge } from "./clustering.js";

/** Groups of classes from a confusion matrix: Ward on the rows of confusion rates, or average linkage on mutual confusion. */
export function groupClasses(
  confusion: number[][],
  cut: { k: number } | { threshold: number },
  linkage: Linkage = "ward",
): { groups: number[][]; merges: Merge[] } {
  const distances = linkage === "ward" ? euclidean(confusionProfiles(confusion)) : confusionDistance(confusion);
  const merges = agglomerate(distances, linkage);
  return { groups: cutTree(merges, cut), merges };
}

/** Groups of classes from embeddings [n, d] (e.g. a layer's activations): Ward or average linkage on the class means. */
export function groupByEmbeddings(
  embeddings: Tensor,
  labels: ArrayLike<number>,
  classes: number,
  cut: { k: number } | { threshold: number },
  linkage: Linkage = "ward",
) {
  const [n, d] = embeddings.shape;
  const v = embeddings.floats();
  const means = Array.from({ length: classes }, () => new Array<number>(d).fill(0));
  const counts = new Array<number>(classes).fill(0);
  for (let i = 0; i < n; i++) {
    counts[labels[i]]++;
    for (let j = 0; j < d; j++) means[labels[i]][j] += v[i * d + j];
  }
  means.forEach((m, c) => m.forEach((_, j) => (m[j] /= Math.max(1, counts[c]))));
  const merges = agglomerate(euclidean(means), linkage);
  return { groups: cutTree(merges, cut), merges };
}

export interface HierarchicalParts {
  coarse: Model;
  /** One per group of more than one class, in group order. */
  experts: Model[];
  groups: number[][];
}

export interface TrainHierarchyOptions {
  groups: number[][];
  /** A fresh, compiled model with `classes` softmax outputs. */
  build: (classes: number, role: string) => Model;
  epochs: number;
  batchSize?: number;
  validation?: { x: Tensor; y: Tensor };
  callbacks?: () => Callback[];
  seed?: number;
  log?: (line: string) => void;
}

/** Rows of x and y whose class is in `group`, with labels renumbered 0..size-1. */
function subset(x: Tensor, y: Tensor, group: number[]): { x: Tensor; y: Tensor } {
  const labels = y.data();
  const rows: number[] = [];
  const local: number[] = [];
  for (let i = 0; i < labels.length; i++) {
    const at = group.indexOf(Number(labels[i]));
    if (at >= 0) {
      rows.push(i);
      local.push(at);
    }
  }
  return { x: gather(x, rows, 0), y: tensor(Int32Array.from(local), [local.length], "int32") };
}

/** Group labels for class labels. */
export function groupLabels(y: Tensor, groups: number[][]): Tensor {
  const of = new Map<number, number>();
  groups.forEach((g, gi) => g.forEach((c) => of.set(c, gi)));
  return tensor(
    Int32Array.from(y.data(), (c) => of.get(Number(c))!),
    [y.size],
    "int32",
  );
}

/** Trains the coarse model on groups and an expert on each group of more than one class. */
export async function trainHierarchy(x: Tensor, y: Tensor, options: TrainHierarchyOptions): Promise<HierarchicalParts> {
  const { groups } = options;
  const fit = async (model: Model, tx: Tensor, ty: Tensor, val?: { x: Tensor; y: Tensor }) =>
    model.fit(tx, ty, {
      epochs: options.epochs,
      batchSize: options.batchSize ?? 32,
      verbose: 0,
      seed: options.seed,
      callbacks: options.callbacks?.() ?? [],
      validationData: val ? [val.x, val.y] : undefined,
    });
  const log = options.log ?? (() => {});
  const coarse = options.build(groups.length, "coarse");
  const t0 = performance.now();
  await fit(coarse, x, groupLabels(y, groups), options.validation && { x: options.validation.x, y: groupLabels(options.validation.y, groups) });
  log(`coarse model over ${groups.length} groups: ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  const experts: Model[] = [];
  for (const [gi, group] of groups.entries()) {
    if (group.length < 2) continue;
    const t1 = performance.now();
    const expert = options.build(group.length, `expert_${gi}`);
    const train = subset(x, y, group);
    await fit(expert, train.x, train.y, options.validation && subset(options.validation.x, options.validation.y, group));
    log(`expert for group ${gi} (${group.length} classes, ${train.y.size} examples): ${((performance.now() - t1) / 1000).toFixed(1)} s`);
    experts.push(expert);
  }
  return { coarse, experts, groups };
}

/** The parts joined into one model (input shape from the coarse model). */
export function combineHierarchy(parts: HierarchicalParts, mode: "product" | "route" = "product", name = "hierarchical_classifier"): Model {
  const shape = parts.coarse.inputs[0].shape.slice(1) as number[];
  const inputs = Input({ shape });
  const coarse = parts.coarse.apply(inputs) as typeof inputs;
  const experts = parts.experts.map((e) => e.apply(inputs) as typeof inputs);
  const outputs = new HierarchyCombine({ groups: parts.groups, mode }).apply([coarse, ...experts]) as typeof inputs;
  return new Model({ inputs, outputs, name });
}
