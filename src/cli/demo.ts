/**
 * `kerno demo`: a two-layer network learns a noisy XOR-like pattern from generated points, with
 * the autodiff API only (valueAndGrad, Variables and a fused Adam update).
 */

import { backend } from "@kerno/core/backends/registry.js";
import {
  add,
  biasActivation,
  getBackend,
  matMul,
  mean,
  randomNormal,
  randomUniform,
  sigmoidCrossEntropyWithLogits,
  type Tensor,
  tensor,
  Variable,
  valueAndGrad,
} from "../index.js";
import { parse } from "./args.js";

export function makeXorData(n: number, seed: number): { x: Tensor; y: Tensor } {
  const x = randomUniform([n, 2], -1, 1, { seed });
  const noise = randomNormal([n, 2], 0, 0.05, { seed: seed + 1 }).data();
  const xv = x.data();
  const labels = new Float32Array(n);
  for (let i = 0; i < n; i++) labels[i] = (xv[2 * i] + noise[2 * i]) * (xv[2 * i + 1] + noise[2 * i + 1]) > 0 ? 1 : 0;
  return { x, y: tensor(labels, [n, 1]) };
}

export function trainXor(steps: number, log: (step: number, loss: number) => void): number {
  const { x, y } = makeXorData(512, 1);
  const params = [
    new Variable(randomNormal([2, 16], 0, 0.7, { seed: 2 })),
    new Variable(tensor(new Float32Array(16), [16])),
    new Variable(randomNormal([16, 1], 0, 0.3, { seed: 3 })),
    new Variable(tensor(new Float32Array(1), [1])),
  ];
  const [w1, b1, w2, b2] = params;
  const slots = params.map((p) => [new Float32Array(p.size), new Float32Array(p.size)]);
  const lossAndGrads = valueAndGrad((_p: Variable[]) => {
    const hidden = biasActivation(matMul(x, w1), b1, "tanh");
    return mean(sigmoidCrossEntropyWithLogits(y, add(matMul(hidden, w2), b2)));
  });
  let loss = NaN;
  for (let step = 1; step <= steps; step++) {
    const { value, grads } = lossAndGrads(params);
    loss = value.item();
    params.forEach((p, i) => backend().adamUpdate(p.data(), grads[i].data(), slots[i][0], slots[i][1], 0.05, 0.9, 0.999, 1e-7, step, 0));
    log(step, loss);
  }
  return loss;
}

export function runDemo(argv: string[]): number {
  parse("demo", argv);
  console.log(`kerno demo: a 2-16-1 network learns the sign of x*y on 512 generated points (backend: ${getBackend()})`);
  const final = trainXor(200, (step, loss) => {
    if (step === 1 || step % 25 === 0) console.log(`step ${String(step).padStart(3)}  loss ${loss.toFixed(4)}`);
  });
  console.log(`final loss ${final.toFixed(4)} (it started near ln 2 = 0.693)`);
  return 0;
}
