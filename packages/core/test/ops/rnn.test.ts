import assert from "node:assert/strict";
import { test } from "node:test";
import { concat, gru, lstm, mul, reshape, simpleRnn, sum, type Tensor, tensor, valueAndGrad } from "../../src/index.js";
import { golden, goldenData, goldenTensor } from "../helpers/golden.js";
import { assertClose, checkGrad, rand } from "../helpers/gradcheck.js";

const run = { lstm, gru, simple_rnn: simpleRnn } as const;

for (const name of ["lstm", "gru", "simple_rnn"] as const) {
  test(`${name} matches PyTorch on the same weights (Keras layout), values and gradients`, () => {
    const c = golden(name);
    const f = run[name];
    const x = goldenTensor(c, "x"),
      k = goldenTensor(c, "kernel"),
      r = goldenTensor(c, "recurrent"),
      b = goldenTensor(c, "bias");
    const h0 = goldenTensor(c, "h0");
    const isLstm = name === "lstm";
    const init = isLstm ? [h0, goldenTensor(c, "c0")] : [h0];
    const { value: _v, grads } = valueAndGrad(([xx, kk, rr, bb, ...st]: Tensor[]) => {
      const out = f(xx, kk, rr, bb, { initialState: st });
      let loss = sum(mul(out.sequence, goldenTensor(c, "dseq")));
      if (isLstm) loss = sum(concat([reshape(loss, [1]), reshape(sum(mul(out.states[1], goldenTensor(c, "dc"))), [1])]));
      return loss;
    })([x, k, r, b, ...init]);
    const out = f(x, k, r, b, { initialState: init });
    assertClose(out.sequence.data(), goldenData(c, "seq"), 1e-4, 1e-5, "sequence");
    if (isLstm) assertClose(out.states[1].data(), goldenData(c, "c"), 1e-4, 1e-5, "final c");
    assertClose(grads[0].data(), goldenData(c, "dx"), 1e-4, 1e-5, "dx");
    assertClose(grads[1].data(), goldenData(c, "dkernel"), 1e-4, 1e-5, "dkernel");
    assertClose(grads[2].data(), goldenData(c, "drecurrent"), 1e-4, 1e-5, "drecurrent");
    assertClose(grads[3].data(), goldenData(c, "dbias"), 1e-4, 1e-5, "dbias");
    assertClose(grads[4].data(), goldenData(c, "dh0"), 1e-4, 1e-5, "dh0");
    if (isLstm) assertClose(grads[5].data(), goldenData(c, "dc0"), 1e-4, 1e-5, "dc0");
  });
}

test("gradient checks of every cell, through the sequence and the final states, with a mask and recurrent dropout", () => {
  const B = 2,
    T = 4,
    F = 3,
    U = 3;
  const x = rand([B, T, F], 1);
  const mask = tensor([
    [1, 1, 0, 1],
    [1, 0, 1, 1],
  ]);
  for (const [kind, f, gates] of [
    ["simple", simpleRnn, 1],
    ["lstm", lstm, 4],
    ["gru", gru, 3],
  ] as const) {
    const k = rand([F, gates * U], 2),
      r = rand([U, gates * U], 3),
      b = rand(kind === "gru" ? [2, gates * U] : [gates * U], 4, -0.2, 0.2);
    const h0 = rand([B, U], 5),
      c0 = rand([B, U], 6);
    const init = kind === "lstm" ? [h0, c0] : [h0];
    const recMask = tensor(
      Float32Array.from({ length: B * U }, (_, i) => (i % 3 === 0 ? 0 : 1.5)),
      [B, U],
    );
    for (const [m, rm] of [
      [null, null],
      [mask, null],
      [mask, recMask],
    ]) {
      checkGrad(
        (xx, kk, rr, bb, ...st) => {
          const out = f(xx, kk, rr, bb, { initialState: st, mask: m, recurrentMask: rm });
          return concat([reshape(out.sequence, [B, T * U]), ...out.states], 1);
        },
        [x, k, r, b, ...init],
        { eps: 1e-3 },
      );
    }
  }
});

test("relu activation and a masked step that carries the state", () => {
  const x = rand([1, 3, 2], 7),
    k = rand([2, 2], 8),
    r = rand([2, 2], 9);
  const out = simpleRnn(x, k, r, null, { activation: "relu", mask: tensor([[1, 0, 1]]) });
  const seq = out.sequence.data();
  assert.deepEqual(Array.from(seq.subarray(2, 4)), Array.from(seq.subarray(0, 2)), "step 2 is masked: the state is carried");
  assert.ok(seq.every((v) => v >= 0));
});

test("shape errors name the layer and the expected shapes", () => {
  assert.throws(
    () => lstm(rand([2, 6], 1), rand([6, 64], 2), rand([16, 64], 3), null),
    /lstm: expected input of rank 3 \[batch, timesteps, features\], got \[2,6\]/,
  );
  assert.throws(() => lstm(rand([2, 1, 6], 1), rand([5, 64], 2), rand([16, 64], 3), null), /lstm: kernel must be \[6, 64\]/);
  assert.throws(() => gru(rand([2, 1, 6], 1), rand([6, 48], 2), rand([16, 48], 3), rand([48], 4)), /gru: bias must have 96 values/);
});
