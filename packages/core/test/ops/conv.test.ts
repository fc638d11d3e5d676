import assert from "node:assert/strict";
import { test } from "node:test";
import { conv1d, conv2d, mul, sum, type Tensor, tensor, valueAndGrad } from "../../src/index.js";
import { convOutput } from "../../src/ops/conv.js";
import { golden, goldenData, goldenTensor } from "../helpers/golden.js";
import { assertClose, checkGrad, rand } from "../helpers/gradcheck.js";

// The course's slide prints -2.2 for this sum, but its own numbers give -0.4 (rows: -1.3, 1.9, -2.0,
// plus the bias 1); either way ReLU outputs 0.
test("the course's worked example: a 3x3 patch, vertical-line kernel, bias 1, ReLU gives 0", () => {
  const patch = tensor([-0.4, 0.2, 2.1, 0.1, 1.7, 1.4, 0.0, -0.4, 1.2], [1, 3, 3, 1]);
  const kernel = tensor([-1, 2, -1, -1, 2, -1, -1, 2, -1], [3, 3, 1, 1]);
  const z = conv2d(patch, kernel, { bias: tensor([1]) });
  assertClose(z.data(), [-0.4], 1e-5, 1e-5);
  assert.equal(conv2d(patch, kernel, { bias: tensor([1]), activation: "relu" }).item(), 0);
});

test("output sizes follow TensorFlow's 'valid' and 'same' rules", () => {
  assert.deepEqual(convOutput(28, 3, 1, 1, "valid"), { out: 26, padBefore: 0 });
  assert.deepEqual(convOutput(28, 3, 1, 1, "same"), { out: 28, padBefore: 1 });
  assert.deepEqual(convOutput(7, 3, 2, 1, "same"), { out: 4, padBefore: 1 });
  assert.deepEqual(convOutput(8, 3, 2, 1, "same"), { out: 4, padBefore: 0 }); // odd padding goes after
  assert.deepEqual(convOutput(7, 3, 1, 2, "valid"), { out: 3, padBefore: 0 });
});

test("gradient checks for each padding, stride and dilation", () => {
  const x = rand([2, 6, 5, 3], 1),
    w = rand([3, 3, 3, 2], 2);
  for (const padding of ["valid", "same"] as const) {
    for (const strides of [1, 2]) {
      checkGrad((a, b) => conv2d(a, b, { padding, strides }), [x, w]);
    }
  }
  checkGrad((a, b) => conv2d(a, b, { padding: "same", dilationRate: 2 }), [x, w]);
  checkGrad((a, b) => conv2d(a, b, { strides: [1, 2] }), [x, rand([2, 1, 3, 4], 3)]);
  checkGrad((a, b, c) => conv2d(a, b, { bias: c, activation: "tanh", padding: "same" }), [x, w, rand([2], 4)]);
  checkGrad((a, b) => conv1d(a, b, { padding: "same", strides: 2 }), [rand([2, 9, 3], 5), rand([3, 3, 4], 6)]);
});

for (const name of ["conv2d_valid_s1", "conv2d_same_s1", "conv2d_same_s2", "conv2d_valid_s2", "conv2d_same_d2", "conv2d_1x1"]) {
  test(`conv2d matches PyTorch: ${name}`, () => {
    const c = golden(name);
    const opts = { strides: c.strides as number, padding: c.padding as "valid" | "same", dilationRate: c.dilation as number };
    const { grads } = valueAndGrad(([x, w]: Tensor[]) => sum(mul(conv2d(x, w, opts), goldenTensor(c, "dy"))))([goldenTensor(c, "x"), goldenTensor(c, "w")]);
    assertClose(conv2d(goldenTensor(c, "x"), goldenTensor(c, "w"), opts).data(), goldenData(c, "y"), 1e-4, 1e-4, "y");
    assertClose(grads[0].data(), goldenData(c, "dx"), 1e-4, 1e-4, "dx");
    assertClose(grads[1].data(), goldenData(c, "dw"), 1e-4, 1e-4, "dw");
  });
}

test("bad conv inputs name the op and the shapes", () => {
  assert.throws(() => conv2d(rand([28, 28], 1), rand([3, 3, 1, 8], 2)), /conv2d: expected input of rank 4 \[batch, h, w, channels\], got \[28,28\]/);
  assert.throws(() => conv2d(rand([1, 5, 5, 3], 1), rand([3, 3, 1, 8], 2)), /conv2d: input has 3 channels but the kernel expects 1/);
  assert.throws(() => conv2d(rand([1, 2, 2, 1], 1), rand([3, 3, 1, 1], 2)), /does not fit input \[1,2,2,1\]/);
  assert.throws(() => conv2d(rand([1, 5, 5, 1], 1), rand([3, 3, 1, 1], 2), { padding: "full" as never }), /padding must be 'valid' or 'same'/);
  assert.throws(() => conv2d(rand([1, 5, 5, 1], 1), rand([3, 3, 1, 1], 2), { strides: 0 }), /strides must be positive integers/);
});
