import assert from "node:assert/strict";
import { test } from "node:test";
import { GRU, LSTM, mul, randomNormal, SimpleRNN, sum, type Tensor, tensor, Variable, valueAndGrad } from "../../src/index.js";
import { runUnrolled } from "../../src/layers/recurrent-unrolled.js";
import { rnn } from "../../src/ops/rnn.js";
import { assertClose, checkGrad } from "../helpers/gradcheck.js";

const G = { simple: 1, lstm: 4, gru: 3 } as const;

test("the unrolled cells agree with the fused kernels (values and gradients), masks and recurrent dropout included", () => {
  for (const kind of ["simple", "lstm", "gru"] as const) {
    const [batch, steps, features, units] = [3, 4, 2, 5];
    const x = randomNormal([batch, steps, features], 0, 1, { seed: 1 });
    const W = new Variable(randomNormal([features, G[kind] * units], 0, 0.5, { seed: 2 }));
    const R = new Variable(randomNormal([units, G[kind] * units], 0, 0.5, { seed: 3 }));
    const b = new Variable(randomNormal(kind === "gru" ? [2, 3 * units] : [G[kind] * units], 0, 0.5, { seed: 4 }));
    const states = Array.from({ length: kind === "lstm" ? 2 : 1 }, (_, i) => randomNormal([batch, units], 0, 1, { seed: 5 + i }));
    const mask = tensor([
      [1, 1, 0, 1],
      [1, 0, 0, 0],
      [1, 1, 1, 1],
    ]);
    const recurrentMask = tensor(
      Float32Array.from({ length: batch * units }, (_, i) => (i % 3 === 0 ? 0 : 1.5)),
      [batch, units],
    );
    const weights = tensor(
      Float32Array.from({ length: batch * steps * units }, (_, i) => Math.sin(i)),
      [batch, steps, units],
    );
    const objective = (seq: Tensor) => sum(mul(seq, weights));
    const fused = valueAndGrad((vs: Variable[]) => objective(rnn(kind, x, vs[0], vs[1], vs[2], { initialState: states, mask, recurrentMask }).sequence))([
      W,
      R,
      b,
    ]);
    const unrolled = valueAndGrad((vs: Variable[]) =>
      objective(
        runUnrolled(
          { kind, units, activation: kind === "simple" ? "tanh" : "tanh", recurrentActivation: "sigmoid", resetAfter: true },
          { x, kernel: vs[0], recurrentKernel: vs[1], bias: vs[2], states, mask, recurrentMask },
        ).sequence,
      ),
    )([W, R, b]);
    assertClose([unrolled.value.item()], [fused.value.item()], 1e-4, 1e-5, `${kind} value`);
    unrolled.grads.forEach((g, i) => assertClose(g.floats(), fused.grads[i].floats(), 1e-3, 1e-4, `${kind} gradient ${i}`));
  }
});

test("GRU with resetAfter false: the reset gate applies to the state before the recurrent product (Keras 1 / TF.js)", () => {
  const gru = new GRU({ units: 2, resetAfter: false, recurrentActivation: "sigmoid" });
  const x = tensor([[[0.5], [-1]]]);
  const out = gru.apply(x) as Tensor;
  assert.deepEqual(gru.bias!.shape, [6], "one bias of 3 * units");
  // the same two steps by hand
  const [W, R, bias] = gru.weights.map((w) => Array.from(w.floats()));
  const sig = (v: number) => 1 / (1 + Math.exp(-v));
  let h = [0, 0];
  for (const xt of [0.5, -1]) {
    const pre = (gate: number, j: number, hv: number[]) =>
      xt * W[gate * 2 + j] + bias[gate * 2 + j] + hv[0] * R[0 * 6 + gate * 2 + j] + hv[1] * R[1 * 6 + gate * 2 + j];
    const z = [0, 1].map((j) => sig(pre(0, j, h))),
      r = [0, 1].map((j) => sig(pre(1, j, h)));
    const rh = [r[0] * h[0], r[1] * h[1]];
    const hh = [0, 1].map((j) => Math.tanh(pre(2, j, rh)));
    h = [0, 1].map((j) => z[j] * h[j] + (1 - z[j]) * hh[j]);
  }
  assertClose(out.floats(), h, 1e-5, 1e-6, "final state");
  assert.equal(gru.getConfig().resetAfter, false);
});

test("any activation by name runs (unrolled) and has correct gradients: LSTM(elu, hard_sigmoid), SimpleRNN(softsign)", () => {
  const x = randomNormal([2, 3, 2], 0, 1, { seed: 9 });
  for (const layer of [new LSTM({ units: 3, activation: "elu", recurrentActivation: "hard_sigmoid" }), new SimpleRNN({ units: 3, activation: "softsign" })]) {
    layer.apply(x);
    checkGrad((input) => layer.apply(input) as Tensor, [x], { eps: 1e-3 });
  }
});
