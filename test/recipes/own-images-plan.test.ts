/**
 * kerno train --images: the network and training it picks for a folder (issue 26: a small,
 * low-resolution folder of shapes underfit), and what it says when the training accuracy stays
 * low. No training here: these run in milliseconds.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { type ImageFacts, imagePlan, originalPlan, planCnn } from "../../src/recipes/own-image-plan.js";
import { type FitFacts, fitAdvice } from "../../src/recipes/own-report.js";

const facts = (side: number, trainCount: number, more: Partial<ImageFacts> = {}): ImageFacts => ({
  size: [side, side],
  channels: 3,
  classes: 3,
  trainCount,
  batchSize: 32,
  augment: true,
  ...more,
});

/** The folder: three classes of shapes, about 100 photos each (80 for training), 40-90 px (median about 62). */
const SHAPES = facts(62, 241);

test("the issue's shapes folder: the old rule's network cannot find a shape wherever it is, and stopped after a few hundred steps", () => {
  const old = originalPlan(SHAPES);
  // valid convolutions while the map is >= 10 px: three blocks, a 6x6x128 map flattened into the classifier
  assert.deepEqual([old.blocks, old.padding, old.head, old.minEpochs, old.patience], [3, "valid", "flatten", 0, 10]);
  const model = planCnn(SHAPES.size, 3, 3, old, { seed: 1 });
  const flatten = model.layers.find((l) => l.className === "Flatten");
  assert.ok(flatten);
  assert.deepEqual((flatten.output as { shape: unknown }).shape, [null, 6 * 6 * 128]);
});

test("the shapes folder gets four 'same' blocks, global max pooling, Adam, and early stopping that waits for enough steps", () => {
  const plan = imagePlan(SHAPES);
  assert.deepEqual([plan.blocks, plan.padding, plan.head, plan.optimizer], [4, "same", "global-max", "adam"]);
  assert.deepEqual(plan.augment, { flip: true, rotation: 0, zoom: 0, translation: 0 }, "few small photos: horizontal flips only");
  assert.ok((imagePlan(facts(180, 241)).augment?.rotation ?? 0) > 0, "larger photos are also rotated and zoomed a little");
  const steps = Math.ceil(SHAPES.trainCount / SHAPES.batchSize);
  assert.ok(plan.minEpochs * steps >= 1000, `early stopping starts after ${plan.minEpochs} epochs of ${steps} steps`);
  assert.ok(plan.minEpochs + plan.patience <= plan.epochs, "the best epoch can still be chosen after early stopping starts");
  const model = planCnn(SHAPES.size, 3, 3, plan, { seed: 1 });
  assert.equal(model.layers.filter((l) => l.className === "Conv2D").length, 4);
  assert.ok(model.layers.some((l) => l.className === "GlobalMaxPooling2D"));
  assert.deepEqual(model.outputs[0].shape, [null, 3]);
});

test("the rule holds from 28 to 512 px, 2 to 100 classes, 50 to 50,000 photos, gray and colour", () => {
  // the input side is the photos' median, at most 180 (own-image-data.ts): 512 px photos come in at 180
  const blocksAt: Record<number, number> = { 8: 1, 16: 2, 28: 3, 32: 3, 48: 4, 62: 4, 90: 4, 96: 5, 180: 5 };
  for (const [side, blocks] of Object.entries(blocksAt)) {
    for (const [channels, classes, count] of [
      [1, 2, 50],
      [3, 100, 50_000],
      [1, 10, 2_000],
    ]) {
      const f = facts(Number(side), count, { channels, classes });
      const plan = imagePlan(f);
      assert.equal(plan.blocks, blocks, `${side} px`);
      const model = planCnn(f.size, channels, classes, plan, { seed: 1 });
      assert.deepEqual(model.outputs[0].shape, [null, classes]);
      const steps = Math.ceil(count / 32);
      assert.ok(plan.minEpochs >= 1 && plan.minEpochs + plan.patience <= plan.epochs, `${count} photos: ${JSON.stringify(plan)}`);
      // a large folder is not run for hundreds of epochs; a small one gets enough steps to learn (up to 200 epochs)
      assert.ok(
        plan.epochs <= 200 && (steps > 100 ? plan.epochs === 60 : plan.epochs * steps >= Math.min(1500, 200 * steps)),
        `${count} photos: ${plan.epochs} epochs`,
      );
      assert.equal(plan.augment === null, count >= 5000, `${count} photos: augmentation`);
    }
  }
  assert.equal(imagePlan(facts(62, 241, { augment: false })).augment, null, "--no-augment");
});

const history = (accuracy: number[], val: number[] = accuracy) => ({
  accuracy,
  val_accuracy: val,
  loss: accuracy.map((a) => 1 - a),
  val_loss: val.map((a) => 1 - a),
});
const fit = (more: Partial<FitFacts>): FitFacts => ({
  history: history([0.5, 0.7, 0.9, 0.95, 0.97]),
  epochs: 60,
  stoppedEarly: false,
  bestEpoch: 5,
  patience: 10,
  augment: true,
  side: 62,
  photoSide: 62,
  base: null,
  accuracy: 0.95,
  evaluatedOn: "test",
  ...more,
});

test("the issue's run: 59% training accuracy when early stopping ended it at epoch 29 says the network underfits, and what to try", () => {
  const acc = Array.from({ length: 29 }, (_, i) => 0.34 + (0.25 * i) / 28);
  const [line, ...rest] = fitAdvice(
    fit({
      history: history(
        acc,
        acc.map((a) => a - 0.15),
      ),
      stoppedEarly: true,
      bestEpoch: 19,
      accuracy: 0.4,
    }),
  );
  assert.equal(rest.length, 0);
  assert.match(line, /^the network underfits: training accuracy 59\.0% at the end \(below 80\.0%\), test 40\.0%; try /);
  assert.match(line, /--patience 20 \(early stopping ended it at epoch 29, keeping epoch 19\)/);
  assert.match(line, /--no-augment/);
  assert.match(line, /--base tiny-darknet/);
  assert.doesNotMatch(line, /--size/, "the photos were not shrunk");
  assert.doesNotMatch(line, /--epochs/, "it did not run out of epochs");
});

test("underfit advice follows the run: more epochs when it ran them all while still learning, --size only when photos were shrunk", () => {
  const rising = Array.from({ length: 60 }, (_, i) => 0.3 + 0.4 * (i / 59));
  const [line] = fitAdvice(fit({ history: history(rising), accuracy: 0.6, augment: false, side: 180, photoSide: 375, evaluatedOn: "validation" }));
  assert.match(line, /training accuracy 70\.0%.*validation 60\.0%/);
  assert.match(line, /--epochs 120 \(training accuracy was still rising at the last of 60 epochs\)/);
  assert.match(line, /--size 360 \(the photos, 375 px, were shrunk to 180\)/);
  assert.doesNotMatch(line, /--no-augment|--patience/);
  const [withBase] = fitAdvice(fit({ history: history([0.5, 0.5, 0.5]), accuracy: 0.5, base: "tiny-darknet", epochs: 30, augment: false }));
  assert.match(withBase, /underfits.*--epochs 60/);
  assert.doesNotMatch(withBase, /--base|--size/, "a pretrained base is already there; its input size is its own");
});

test("a run that fits says nothing more; one that fits training but not test says it overfits", () => {
  assert.deepEqual(fitAdvice(fit({})), []);
  assert.deepEqual(fitAdvice(fit({ history: { loss: [1] } })), [], "no accuracy logged: nothing to say");
  const [over] = fitAdvice(fit({ history: history([0.9, 1, 1, 1]), accuracy: 0.7 }));
  assert.match(over, /^the network overfits: training accuracy 100\.0%, test 70\.0%/);
});
