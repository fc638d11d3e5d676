/**
 * kerno train --images DIR --hierarchical: after the flat model, the divide-and-conquer one. The
 * flat model's confusion on the validation photos groups the classes (Ward; --groups k, default
 * about the square root of the class count), a coarse CNN and one expert CNN per group train like
 * the flat one, and the joined model is scored on the same photos, saved as hierarchical.kerno
 * beside a dendrogram.
 */
import { join } from "node:path";
import type { Dataset, Example } from "@kerno/core/data/dataset.js";
import type { Model } from "@kerno/core/models/model.js";
import { argmax } from "@kerno/core/ops/reduce.js";
import type { Tensor } from "@kerno/core/tensor/tensor.js";
import { confusionMatrix } from "@kerno/core/training/classification-report.js";
import { EarlyStopping } from "@kerno/core/training/monitor-callbacks.js";
import { writeAtomic } from "@kerno/node/util/files.js";
import { combineHierarchy, groupClasses, trainHierarchy } from "../hierarchical/classifier.js";
import { dendrogramSvg } from "../hierarchical/clustering.js";

export interface OwnHierarchyInput {
  /** The training and validation photos as tensors (decoded once by the caller). */
  train: { x: Tensor; y: Tensor };
  validation: { x: Tensor; y: Tensor };
  evaluation: Dataset<Example>;
  classNames: string[];
  /** The flat model's predictions on the validation photos, beside the truth. */
  validationTruth: number[];
  validationPredicted: number[];
  build: (classes: number, role: string) => Model;
  epochs: number;
  batchSize: number;
  patience: number;
  seed: number;
  groups?: number;
  out: string;
  log: (line: string) => void;
}

export async function trainOwnHierarchy(input: OwnHierarchyInput) {
  const k = input.classNames.length;
  if (k < 3) throw new Error(`kerno train --images --hierarchical: needs at least 3 classes to group, got ${k}`);
  const groupsWanted = input.groups ?? Math.max(2, Math.round(Math.sqrt(k)));
  if (!(Number.isInteger(groupsWanted) && groupsWanted >= 2 && groupsWanted < k))
    throw new Error(`kerno train --images --hierarchical: --groups must be an integer from 2 to ${k - 1}, got '${input.groups}'`);
  const confusion = confusionMatrix(input.validationTruth, input.validationPredicted, k);
  const { groups, merges } = groupClasses(confusion, { k: groupsWanted });
  input.log(`hierarchy: ${groups.map((g) => `{${g.map((c) => input.classNames[c]).join(", ")}}`).join(" ")}`);
  const t0 = performance.now();
  const parts = await trainHierarchy(input.train.x, input.train.y, {
    groups,
    build: input.build,
    epochs: input.epochs,
    batchSize: input.batchSize,
    validation: input.validation,
    callbacks: () => [new EarlyStopping({ monitor: "val_loss", patience: input.patience, restoreBestWeights: true })],
    seed: input.seed,
    log: input.log,
  });
  const seconds = (performance.now() - t0) / 1000;
  const model = combineHierarchy(parts, "product");
  model.classNames = input.classNames;
  let right = 0,
    total = 0;
  for await (const batch of input.evaluation) {
    const predicted = argmax(model.predict(batch.x as Tensor) as Tensor).data();
    const labels = (batch.y as Tensor).data();
    for (let i = 0; i < labels.length; i++) if (predicted[i] === Number(labels[i])) right++;
    total += labels.length;
  }
  const modelPath = join(input.out, "hierarchical.kerno");
  model.save(modelPath);
  writeAtomic(join(input.out, "dendrogram.svg"), dendrogramSvg(merges, input.classNames));
  const accuracy = right / Math.max(1, total);
  input.log(`hierarchical model: accuracy ${(100 * accuracy).toFixed(2)}% (${seconds.toFixed(1)} s to train); saved to ${modelPath}`);
  return { groups: groups.map((g) => g.map((c) => input.classNames[c])), accuracy, seconds, modelPath };
}
