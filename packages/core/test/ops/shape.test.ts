import assert from "node:assert/strict";
import { test } from "node:test";
import {
  broadcastTo,
  concat,
  expandDims,
  flip,
  gather,
  grad,
  mul,
  pad,
  reshape,
  slice,
  split,
  squeeze,
  stack,
  stopGradient,
  sum,
  type Tensor,
  tensor,
  tile,
  transpose,
  unstack,
} from "../../src/index.js";
import { checkGrad, rand } from "../helpers/gradcheck.js";

const x = tensor([
  [1, 2, 3],
  [4, 5, 6],
]);

test("reshape, squeeze and expandDims share storage", () => {
  const y = reshape(x, [3, -1]);
  assert.deepEqual(y.shape, [3, 2]);
  assert.equal(y.data(), x.data());
  assert.deepEqual(squeeze(reshape(x, [1, 2, 1, 3])).shape, [2, 3]);
  assert.deepEqual(expandDims(x, -1).shape, [2, 3, 1]);
  assert.throws(() => reshape(x, [4, 2]), /reshape: cannot reshape \[2,3\] \(6 elements\) into \[4,2\]/);
  assert.throws(() => reshape(x, [-1, -1]), /only one dimension can be -1/);
  assert.throws(() => squeeze(x, 0), /squeeze: axis 0 of \[2,3\] has size 2, not 1/);
});

test("movement ops compute the right values", () => {
  assert.deepEqual(transpose(x).toArray(), [
    [1, 4],
    [2, 5],
    [3, 6],
  ]);
  assert.deepEqual(transpose(reshape(x, [1, 2, 3]), [2, 0, 1]).shape, [3, 1, 2]);
  assert.deepEqual(concat([x, x], 1).toArray(), [
    [1, 2, 3, 1, 2, 3],
    [4, 5, 6, 4, 5, 6],
  ]);
  assert.deepEqual(stack([tensor([1, 2]), tensor([3, 4])], 1).toArray(), [
    [1, 3],
    [2, 4],
  ]);
  assert.deepEqual(
    unstack(x, 1).map((t) => t.toArray()),
    [
      [1, 4],
      [2, 5],
      [3, 6],
    ],
  );
  assert.deepEqual(
    split(x, [1, 2], 1).map((t) => t.toArray()),
    [
      [[1], [4]],
      [
        [2, 3],
        [5, 6],
      ],
    ],
  );
  assert.deepEqual(slice(x, [0, 1], [-1, 2]).toArray(), [
    [2, 3],
    [5, 6],
  ]);
  assert.deepEqual(gather(x, [2, 0], 1).toArray(), [
    [3, 1],
    [6, 4],
  ]);
  assert.deepEqual(
    pad(
      tensor([[1]]),
      [
        [1, 0],
        [0, 1],
      ],
      9,
    ).toArray(),
    [
      [9, 9],
      [1, 9],
    ],
  );
  assert.deepEqual(tile(tensor([[1, 2]]), [2, 2]).toArray(), [
    [1, 2, 1, 2],
    [1, 2, 1, 2],
  ]);
  assert.deepEqual(flip(x, 1).toArray(), [
    [3, 2, 1],
    [6, 5, 4],
  ]);
  assert.deepEqual(flip(x).toArray(), [
    [6, 5, 4],
    [3, 2, 1],
  ]);
  assert.deepEqual(broadcastTo(tensor([1, 2]), [2, 2]).toArray(), [
    [1, 2],
    [1, 2],
  ]);
});

test("gradients of movement ops", () => {
  const t = rand([2, 3, 4], 1);
  checkGrad((u) => reshape(u, [6, 4]), [t]);
  checkGrad((u) => transpose(u, [2, 0, 1]), [t]);
  checkGrad((a, b) => concat([a, b], 1), [t, rand([2, 2, 4], 2)]);
  checkGrad((a, b) => stack([a, b], 0), [t, rand([2, 3, 4], 3)]);
  checkGrad((u) => split(u, 2, 2)[1], [t]);
  checkGrad((u) => slice(u, [1, 0, 1], [1, 2, 3]), [t]);
  checkGrad((u) => gather(u, [2, 0, 2], 1), [t]);
  checkGrad(
    (u) =>
      pad(u, [
        [0, 1],
        [2, 0],
        [1, 1],
      ]),
    [t],
  );
  checkGrad((u) => tile(u, [2, 1, 3]), [t]);
  checkGrad((u) => flip(u, [0, 2]), [t]);
  checkGrad((u) => broadcastTo(u, [2, 2, 3, 4]), [t]);
  checkGrad((u) => unstack(u, 2)[3], [t]);
});

test("bad shapes and indices give clear errors", () => {
  assert.throws(() => concat([x, tensor([1, 2])]), /concat: shapes \[2,3\] and \[2\] differ outside axis 0/);
  assert.throws(() => slice(x, [0, 2], [2, 2]), /slice: begin \[0,2\] size \[2,2\] is out of bounds for \[2,3\]/);
  assert.throws(() => gather(x, [3], 1), /gather: index 3 is out of range \[0, 3\) along axis 1/);
  assert.throws(() => gather(x, [0, 1.5], 1), /gather: indices must be integers, got 1.5 at position 1/);
  assert.throws(() => gather(x, [Number.NaN]), /gather: indices must be integers, got NaN/);
  assert.throws(() => transpose(x, [0, 0]), /transpose: perm \[0,0\] is not a permutation/);
  assert.throws(() => split(x, 2, 1), /split: cannot split axis 1 of size 3 into 2 equal parts/);
  assert.throws(() => tile(x, [1]), /tile: reps \[1\] must be 2 non-negative integers/);
});

test("stopGradient blocks gradients", () => {
  const g = grad((u: Tensor) => sum(mul(stopGradient(u), u)))(tensor([2, 3]));
  assert.deepEqual(g.toArray(), [2, 3]);
});
