/**
 * The optimizer updates on the GPU (Keras's formulas, as the TypeScript reference): the variable
 * and its slots are updated in place (`inouts`, whose values then stay on the GPU), the gradient
 * is read. A missing slot (null) selects a shader without it. Scalars the reference derives in
 * float64 (1 - rho, Adam's bias correction) are derived on the CPU the same way and passed as f32.
 */
import type { F32, Kernels } from "@kerno/core/backends/kernels.js";
import { f32, type Gpu, type Param, u32 } from "../gpu.js";
import { flatKernel, floatArrays, grid } from "../wgsl.js";

/** A shader updating `inouts` in place from `grad`, one element per invocation; `body` sees `i` and `g`. */
function updateShader(inouts: readonly string[], params: readonly string[], body: string): string {
  return flatKernel({
    params: `n: u32, ${params.map((name) => `${name}: f32`).join(", ")}`,
    reads: ["grad: array<f32>"],
    writes: floatArrays(inouts),
    body: `  let g = grad[i];
  ${body}`,
  });
}

const SGD = updateShader(["param"], ["lr"], "param[i] -= p.lr * g;");
const sgdMomentum = (nesterov: boolean) =>
  updateShader(
    ["param", "velocity"],
    ["lr", "momentum"],
    `let v = p.momentum * velocity[i] - p.lr * g;
  velocity[i] = v;
  param[i] += ${nesterov ? "p.momentum * v - p.lr * g" : "v"};`,
  );
const SGD_MOMENTUM = sgdMomentum(false);
const SGD_NESTEROV = sgdMomentum(true);

const rmsprop = (withMomentum: boolean) =>
  updateShader(
    withMomentum ? ["param", "meanSquare", "momentumBuffer"] : ["param", "meanSquare"],
    ["lr", "rho", "oneMinusRho", "momentum", "epsilon"],
    `let ms = p.rho * meanSquare[i] + p.oneMinusRho * g * g;
  meanSquare[i] = ms;
  let step = (p.lr * g) / sqrt(ms + p.epsilon);
  ${withMomentum ? "let m = p.momentum * momentumBuffer[i] + step;\n  momentumBuffer[i] = m;\n  param[i] -= m;" : "param[i] -= step;"}`,
  );
const RMSPROP = rmsprop(false);
const RMSPROP_MOMENTUM = rmsprop(true);

const ADAM = updateShader(
  ["param", "m", "v"],
  ["alpha", "decay", "oneMinusBeta1", "oneMinusBeta2", "epsilon"],
  `let mi = m[i] + (g - m[i]) * p.oneMinusBeta1;
  let vi = v[i] + (g * g - v[i]) * p.oneMinusBeta2;
  m[i] = mi;
  v[i] = vi;
  param[i] = param[i] * p.decay - (p.alpha * mi) / (sqrt(vi) + p.epsilon);`,
);

type OptimizerMethods = "sgdUpdate" | "rmspropUpdate" | "adamUpdate";

export function optimizerKernels(gpu: Gpu): Pick<Kernels, OptimizerMethods> {
  const update = (label: string, code: string, grad: F32, inouts: F32[], scalars: number[]) => {
    const n = inouts[0].length;
    gpu.run({ label, code, inputs: [grad], inouts, params: [u32(n), ...scalars.map((s): Param => f32(s))], workgroups: grid(n) });
  };
  return {
    sgdUpdate(param, grad, velocity, lr, momentum, nesterov) {
      if (!velocity) update("sgdUpdate", SGD, grad, [param], [lr]);
      else update("sgdUpdate", nesterov ? SGD_NESTEROV : SGD_MOMENTUM, grad, [param, velocity], [lr, momentum]);
    },
    rmspropUpdate(param, grad, meanSquare, momentumBuffer, lr, rho, momentum, epsilon) {
      const scalars = [lr, rho, 1 - rho, momentum, epsilon];
      if (!momentumBuffer) update("rmspropUpdate", RMSPROP, grad, [param, meanSquare], scalars);
      else update("rmspropUpdate", RMSPROP_MOMENTUM, grad, [param, meanSquare, momentumBuffer], scalars);
    },
    adamUpdate(param, grad, m, v, lr, beta1, beta2, epsilon, step, weightDecay) {
      const alpha = (lr * Math.sqrt(1 - beta2 ** step)) / (1 - beta1 ** step);
      update("adamUpdate", ADAM, grad, [param, m, v], [alpha, 1 - lr * weightDecay, 1 - beta1, 1 - beta2, epsilon]);
    },
  };
}
