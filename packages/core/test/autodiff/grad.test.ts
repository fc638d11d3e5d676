import assert from "node:assert/strict";
import { test } from "node:test";
import { add, grad, matMul, mean, mul, noGrad, randomUniform, relu, square, sub, sum, type Tensor, tensor, Variable, valueAndGrad } from "../../src/index.js";
import { assertClose } from "../helpers/gradcheck.js";

test("grad of a scalar function of one tensor", () => {
  const g = grad((x: Tensor) => sum(square(x)))(tensor([1, 2, 3]));
  assert.deepEqual(g.toArray(), [2, 4, 6]);
});

test("valueAndGrad over an object of tensors keeps the structure; other arguments pass through", () => {
  const f = (p: { w: Tensor; b: Tensor }, x: Tensor) => sum(add(mul(p.w, x), p.b));
  const { value, grads } = valueAndGrad(f)({ w: tensor([2]), b: tensor([1]) }, tensor([3, 4]));
  assert.equal(value.item(), 16);
  assert.deepEqual(grads.w.toArray(), [7]);
  assert.deepEqual(grads.b.toArray(), [2]);
});

test("a tensor used several times accumulates its gradient; unused inputs get zeros", () => {
  const [ga, gb] = grad(([a, _b]: Tensor[]) => sum(mul(a, add(a, a))))([tensor([3]), tensor([5])]);
  assert.deepEqual(ga.toArray(), [12]);
  assert.deepEqual(gb.toArray(), [0]);
});

test("gradients with respect to the input (saliency-style)", () => {
  const w = tensor([
    [1, -2],
    [3, 4],
  ]);
  const g = grad((x: Tensor) => sum(relu(matMul(x, w))))(tensor([[1, 1]]));
  assert.deepEqual(
    g.toArray(),
    [[1 + -2 * 0 + 0, 3 + 4]].map(() => [1 * 1 + -2 * 1, 3 + 4]),
  );
});

test("Variables are watched in place, so closures reading them get gradients", () => {
  const w = new Variable(tensor([1, 2]), { name: "w" });
  const x = tensor([3, 4]);
  const loss = () => sum(mul(w, x));
  const { grads } = valueAndGrad((_vars: Variable[]) => loss())([w]);
  assert.deepEqual(grads[0].toArray(), [3, 4]);
  assert.equal(w.tape, null, "the tape mark is removed afterwards");
});

test("fit a line with valueAndGrad (the example of docs/tensors-and-autodiff.md)", () => {
  const x = randomUniform([64, 1], -1, 1, { seed: 1 });
  const y = add(mul(x, 3), 2);
  let params = { w: tensor([[0]]), b: tensor([0]) };
  const lossAndGrads = valueAndGrad((p: typeof params) => mean(square(sub(add(matMul(x, p.w), p.b), y))));
  for (let i = 0; i < 200; i++) {
    const { grads } = lossAndGrads(params);
    params = { w: sub(params.w, mul(grads.w, 0.1)), b: sub(params.b, mul(grads.b, 0.1)) };
  }
  assertClose(params.w.data(), [3], 1e-3, 1e-3);
  assertClose(params.b.data(), [2], 1e-3, 1e-3);
});

test("noGrad records nothing; f must return a float32 scalar", () => {
  const g = grad((x: Tensor) => noGrad(() => sum(square(x))))(tensor([1, 2]));
  assert.deepEqual(g.toArray(), [0, 0]);
  assert.throws(() => grad((x: Tensor) => square(x))(tensor([1, 2])), /grad: f must return a scalar float32 tensor, got float32 of shape \[2\]/);
  assert.throws(() => grad((x: Tensor) => sum(x))(tensor([1], undefined, "int32")), /can only differentiate with respect to float32 tensors, got int32/);
  assert.throws(() => grad((x: Tensor) => sum(x))(null as never), /grad: argument must be a Tensor/);
});

test("deep graphs do not overflow the stack", () => {
  const g = grad((x: Tensor) => {
    let y = x;
    for (let i = 0; i < 20000; i++) y = add(y, 1);
    return sum(y);
  })(tensor([1]));
  assert.deepEqual(g.toArray(), [1]);
});
