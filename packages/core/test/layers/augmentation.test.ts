import assert from "node:assert/strict";
import { test } from "node:test";
import {
  flip,
  RandomBrightness,
  RandomContrast,
  RandomFlip,
  RandomRotation,
  RandomTranslation,
  RandomZoom,
  randomUniform,
  type Tensor,
  tensor,
} from "../../src/index.js";
import { assertClose } from "../helpers/gradcheck.js";

const images = () => randomUniform([4, 6, 5, 3], 0, 255, { seed: 3 });
const values = (t: Tensor) => Array.from(t.floats());

test("random layers are the identity outside training, and reproducible from their seed in training", () => {
  const x = images();
  for (const make of [
    () => new RandomFlip({ seed: 1 }),
    () => new RandomRotation({ factor: 0.2, seed: 1 }),
    () => new RandomZoom({ heightFactor: 0.3, seed: 1 }),
    () => new RandomTranslation({ heightFactor: 0.2, widthFactor: 0.2, seed: 1 }),
    () => new RandomContrast({ factor: 0.5, seed: 1 }),
    () => new RandomBrightness({ factor: 0.3, seed: 1 }),
  ]) {
    const layer = make();
    assert.equal(layer.apply(x), x, `${layer.className}: identity at inference`);
    const a = layer.apply(x, { training: true }) as Tensor;
    const b = make().apply(x, { training: true }) as Tensor;
    assert.deepEqual(a.shape, x.shape);
    assert.deepEqual(values(a), values(b), `${layer.className}: same seed, same augmentation`);
    assert.notDeepEqual(values(a), values(x), `${layer.className}: training changes the images`);
  }
});

test("RandomFlip flips whole images, each with probability 1/2", () => {
  const x = images();
  const y = new RandomFlip({ mode: "horizontal", seed: 5 }).apply(x, { training: true }) as Tensor;
  const flipped = flip(x, 2);
  let flips = 0;
  for (let i = 0; i < 4; i++) {
    const row = (t: Tensor) => values(t).slice(i * 90, (i + 1) * 90);
    const isFlip = row(y).every((v, j) => v === row(flipped)[j]);
    assert.ok(isFlip || row(y).every((v, j) => v === row(x)[j]), `image ${i} is itself or its mirror`);
    if (isFlip) flips++;
  }
  // both axes: each image is one of its four mirrors, exactly
  const both = new RandomFlip({ seed: 9 }).apply(x, { training: true }) as Tensor;
  const variants = [x, flip(x, 1), flip(x, 2), flip(x, [1, 2])];
  for (let i = 0; i < 4; i++) {
    const row = (t: Tensor) => values(t).slice(i * 90, (i + 1) * 90);
    assert.ok(
      variants.some((v) => row(v).every((p, j) => p === row(both)[j])),
      `image ${i} is a mirror of itself`,
    );
  }
  const many = new RandomFlip({ mode: "vertical", seed: 2 });
  let total = 0;
  const one = tensor([1, 2], [1, 2, 1, 1]);
  for (let k = 0; k < 400; k++) total += (many.apply(one, { training: true }) as Tensor).floats()[0] === 2 ? 1 : 0;
  assert.ok(total > 160 && total < 240, `about half of 400 flipped: ${total} (and ${flips} of 4 here)`);
});

test("half a turn is a point reflection; a zero zoom, a whole-pixel translation and unit contrast are exact", () => {
  const x = images();
  const turned = new RandomRotation({ factor: [0.5, 0.5], fillMode: "constant" }).apply(x, { training: true }) as Tensor;
  assertClose(turned.floats(), flip(flip(x, 1), 2).floats(), 1e-4, 1e-3);
  const same = new RandomZoom({ heightFactor: [0, 0] }).apply(x, { training: true }) as Tensor;
  assertClose(same.floats(), x.floats(), 0, 1e-4);
  // one row down with constant fill: the first row is zero, the rest is the image moved
  const shifted = new RandomTranslation({ heightFactor: [1 / 6, 1 / 6], widthFactor: [0, 0], fillMode: "constant" }).apply(x, { training: true }) as Tensor;
  const v = shifted.floats(),
    xv = x.floats();
  assert.ok(v.subarray(0, 15).every((p) => p === 0));
  assertClose(v.subarray(15, 90), xv.subarray(0, 75), 1e-5, 1e-3);
  const unit = new RandomContrast({ factor: 0 }).apply(x, { training: true }) as Tensor;
  assertClose(unit.floats(), x.floats(), 1e-5, 1e-3);
});

test("contrast and brightness keep pixels in the value range; bad factors are errors", () => {
  const x = images();
  for (const layer of [new RandomContrast({ factor: 0.9, seed: 4 }), new RandomBrightness({ factor: 0.9, seed: 4 })]) {
    const y = layer.apply(x, { training: true }) as Tensor;
    assert.ok(
      y.floats().every((p) => p >= 0 && p <= 255),
      layer.className,
    );
  }
  const bright = new RandomBrightness({ factor: [0.5, 0.5], valueRange: [0, 1] }).apply(tensor([0.2, 0.7], [1, 1, 2, 1]), { training: true }) as Tensor;
  assertClose(bright.floats(), [0.7, 1], 1e-6);
  assert.throws(() => new RandomRotation({ factor: [0.3, 0.1] }), /RandomRotation 'random_rotation.*': factor must be a number or \[lower, upper\]/);
  assert.throws(() => new RandomBrightness({ factor: 2 }), /factor must be within \[-1, 1\]/);
  assert.throws(() => new RandomFlip({ mode: "diagonal" as never }), /mode must be horizontal, vertical or horizontal_and_vertical/);
  assert.throws(() => new RandomZoom({ heightFactor: 0.1 }).apply(tensor([1, 2, 3]), { training: true }), /RandomZoom '.*': expected images of rank 4/);
});
