/**
 * fashion-mnist-hierarchical: divide and conquer on Fashion-MNIST, measured against a flat model.
 * A flat classifier (Flatten, Dense(128, relu), Dense(10, softmax); --cnn for the course's CNN)
 * trains on 54,000 training images; its confusion matrix on the 6,000 held out clusters the
 * classes (Ward on the rows of confusion rates, --groups k, default 4; --linkage average); a coarse
 * model over the groups and one expert per group train with the same architecture and epochs; the
 * joined model predicts by the product of probabilities (and by routing). Test accuracy of both,
 * per-level accuracy, the groups, the dendrogram, and the training times.
 */
import { join } from "node:path";
import type { Model } from "@kerno/core/models/model.js";
import { div } from "@kerno/core/ops/arithmetic.js";
import { argmax } from "@kerno/core/ops/reduce.js";
import { gather, reshape } from "@kerno/core/ops/shape.js";
import { generator, setSeed } from "@kerno/core/tensor/random.js";
import type { Tensor } from "@kerno/core/tensor/tensor.js";
import { confusionMatrix } from "@kerno/core/training/classification-report.js";
import { fashionMnist } from "@kerno/node/data/mnist.js";
import { writeAtomic } from "@kerno/node/util/files.js";
import { combineHierarchy, groupClasses, groupLabels, trainHierarchy } from "../hierarchical/classifier.js";
import { dendrogramSvg, type Linkage } from "../hierarchical/clustering.js";
import { priorsModel } from "./class-priors.js";
import { mnistCnnModel } from "./mnist-models.js";
import { baseResult, outputDir, type Recipe, type RecipeOptions, type RecipeResult, runFolder } from "./recipe.js";

/** The architecture with `classes` outputs, compiled: the dense network, or the course's CNN. */
function architecture(classes: number, cnn: boolean, name: string): Model {
  const model = cnn ? mnistCnnModel(classes, name) : priorsModel(classes, name);
  model.compile({ optimizer: "rmsprop", loss: "sparse_categorical_crossentropy", metrics: ["accuracy"] });
  return model;
}

/** The predicted class of each row. */
const classesOf = (probs: Tensor) => Array.from(argmax(probs).data());

const accuracy = (pred: number[], truth: ArrayLike<number>) => pred.filter((p, i) => p === Number(truth[i])).length / pred.length;

async function runHierarchical(options: RecipeOptions): Promise<RecipeResult> {
  const started = performance.now();
  const log = options.log ?? console.log;
  const f = options.flags ?? {};
  const seed = options.seed ?? 1;
  const cnn = f.cnn === true;
  const k = Number(f.groups ?? 4);
  const linkage = String(f.linkage ?? "ward") as Linkage;
  if (linkage !== "ward" && linkage !== "average") throw new Error(`fashion-mnist-hierarchical: --linkage must be ward or average, got '${f.linkage}'`);
  const epochs = options.epochs ?? 5;
  const data = await fashionMnist();
  const prep = (t: Tensor) => (cnn ? reshape(div(t, 255), [t.shape[0], 28, 28, 1]) : div(t, 255));
  const order = generator(seed).shuffle(Array.from({ length: 60000 }, (_, i) => i));
  const [trainIdx, heldIdx] = [order.slice(0, 54000), order.slice(54000)];
  const all = prep(data.train.images);
  const x = gather(all, trainIdx, 0),
    y = gather(data.train.labels, trainIdx, 0);
  const xHeld = gather(all, heldIdx, 0),
    yHeld = gather(data.train.labels, heldIdx, 0);
  const xTest = prep(data.test.images);
  const yTest = data.test.labels.data();
  const names = data.classNames;
  setSeed(seed);
  const t0 = performance.now();
  const flat = architecture(10, cnn, "flat");
  await flat.fit(x, y, { epochs, batchSize: 32, verbose: 0, seed, callbacks: runFolder(options) });
  const flatSeconds = (performance.now() - t0) / 1000;
  const flatAccuracy = accuracy(classesOf(flat.predict(xTest, { batchSize: 1024 }) as Tensor), yTest);
  log(`flat ${cnn ? "CNN" : "dense network"}: test accuracy ${(100 * flatAccuracy).toFixed(2)}% (${flatSeconds.toFixed(1)} s)`);
  const held = classesOf(flat.predict(xHeld, { batchSize: 1024 }) as Tensor);
  const confusion = confusionMatrix(Array.from(yHeld.data(), Number), held, 10);
  const { groups, merges } = groupClasses(confusion, { k }, linkage);
  log(`groups (${linkage} linkage on the held-out confusion matrix): ${groups.map((g) => `{${g.map((c) => names[c]).join(", ")}}`).join(" ")}`);
  const t1 = performance.now();
  setSeed(seed);
  const parts = await trainHierarchy(x, y, { groups, epochs, seed, build: (classes, role) => architecture(classes, cnn, role), log });
  const hierSeconds = (performance.now() - t1) / 1000;
  const product = combineHierarchy(parts, "product");
  const route = combineHierarchy(parts, "route");
  const productAccuracy = accuracy(classesOf(product.predict(xTest, { batchSize: 1024 }) as Tensor), yTest);
  const routeAccuracy = accuracy(classesOf(route.predict(xTest, { batchSize: 1024 }) as Tensor), yTest);
  // per level: the coarse model's group accuracy, and each expert's accuracy on its own group's images
  const testGroups = groupLabels(data.test.labels, groups).data();
  const coarseAccuracy = accuracy(classesOf(parts.coarse.predict(xTest, { batchSize: 1024 }) as Tensor), testGroups);
  const withinGroup = groups
    .filter((g) => g.length > 1)
    .map((g, e) => {
      const rows = Array.from(yTest.keys()).filter((i) => g.includes(Number(yTest[i])));
      const pred = classesOf(parts.experts[e].predict(gather(xTest, rows, 0), { batchSize: 1024 }) as Tensor);
      return {
        group: g.map((c) => names[c]),
        accuracy: accuracy(
          pred,
          rows.map((i) => g.indexOf(Number(yTest[i]))),
        ),
      };
    });
  log(
    `hierarchical: test accuracy ${(100 * productAccuracy).toFixed(2)}% by the product of probabilities, ${(100 * routeAccuracy).toFixed(2)}% by routing (${hierSeconds.toFixed(1)} s to train)`,
  );
  log(
    `  coarse model (groups): ${(100 * coarseAccuracy).toFixed(2)}%; experts within their groups: ${withinGroup.map((w) => `${(100 * w.accuracy).toFixed(2)}%`).join(", ")}`,
  );
  const helped = productAccuracy > flatAccuracy;
  log(`the hierarchy ${helped ? "helped" : "did not help"}: ${(100 * (productAccuracy - flatAccuracy)).toFixed(2)} points`);
  const out = outputDir("fashion-mnist-hierarchical", options.out);
  const modelPath = join(out, "hierarchical.kerno");
  product.classNames = names;
  product.save(modelPath);
  writeAtomic(join(out, "dendrogram.svg"), dendrogramSvg(merges, names, `Fashion-MNIST classes (${linkage} linkage on confusion)`));
  const result: RecipeResult = {
    ...baseResult("fashion-mnist-hierarchical", epochs, started),
    train: {},
    validation: {},
    test: { accuracy: productAccuracy },
    modelPath,
    architecture: cnn ? "cnn" : "dense",
    groups: groups.map((g) => g.map((c) => names[c])),
    flat: { accuracy: flatAccuracy, seconds: flatSeconds },
    hierarchical: { productAccuracy, routeAccuracy, coarseAccuracy, withinGroup, seconds: hierSeconds },
    helped,
    plots: [join(out, "dendrogram.svg")],
  };
  writeAtomic(join(out, "report.json"), `${JSON.stringify(result, null, 1)}\n`);
  return result;
}

export const fashionHierarchical: Recipe = {
  name: "fashion-mnist-hierarchical",
  description: "Divide and conquer on Fashion-MNIST: classes clustered by confusion, a coarse model and per-group experts vs one flat model",
  model: () => architecture(10, false, "flat"),
  run: runHierarchical,
};
