import assert from "node:assert/strict";
import { test } from "node:test";
import { CenterCrop, Input, RandomCrop, Resizing, range, reshape, resizeBilinear, type Tensor } from "../../src/index.js";

const grid = () => reshape(range(0, 2 * 6 * 8), [2, 6, 8, 1]);

test("Resizing: bilinear or nearest to the target, optionally cropping to the aspect ratio first", () => {
  const x = grid();
  const r = new Resizing({ height: 3, width: 4 });
  assert.deepEqual((r.apply(Input({ shape: [6, 8, 1] })) as { shape: unknown }).shape, [null, 3, 4, 1]);
  assert.deepEqual(Array.from((r.apply(x) as Tensor).floats()), Array.from(resizeBilinear(x, [3, 4]).floats()));
  // 6x8 cropped to a square is the middle 6x6 (columns 1..6), then halved
  const square = new Resizing({ height: 6, width: 6, cropToAspectRatio: true }).apply(x) as Tensor;
  assert.deepEqual(Array.from(square.floats().subarray(0, 6)), [1, 2, 3, 4, 5, 6]);
  assert.throws(() => new Resizing({ height: 0, width: 3 }), /height must be a positive integer/);
});

test("CenterCrop takes the central window; RandomCrop a random one in training and the center at inference", () => {
  const x = grid();
  const c = new CenterCrop({ height: 2, width: 4 }).apply(x) as Tensor;
  assert.deepEqual(c.toArray(), [
    [
      [[18], [19], [20], [21]],
      [[26], [27], [28], [29]],
    ],
    [
      [[66], [67], [68], [69]],
      [[74], [75], [76], [77]],
    ],
  ]);
  const rc = new RandomCrop({ height: 2, width: 4, seed: 3 });
  const train = rc.apply(x, { training: true }) as Tensor;
  assert.deepEqual(train.shape, [2, 2, 4, 1]);
  const first = train.floats()[0];
  const [top, left] = [Math.floor(first / 8), first % 8];
  assert.ok(top <= 4 && left <= 4, "the window lies inside the image");
  assert.deepEqual(Array.from(train.floats().subarray(0, 4)), [first, first + 1, first + 2, first + 3]);
  assert.deepEqual((rc.apply(x) as Tensor).shape, [2, 2, 4, 1]);
  // a smaller image is cropped to the aspect ratio and resized up
  assert.deepEqual((new CenterCrop({ height: 12, width: 16 }).apply(x) as Tensor).shape, [2, 12, 16, 1]);
});
