/**
 * Recurrent cells written with ordinary ops and unrolled over time, for what the fused sequence
 * kernels do not cover: any activation by name (hard_sigmoid, softsign, elu, ...) and the GRU
 * with the reset gate before the recurrent product (resetAfter false, as Keras 1 and TF.js's
 * default). Autodiff derives the gradients; it runs on every backend, slower than the fused path.
 * Weights are in Keras's layout (gate order: LSTM i, f, c, o; GRU z, r, h).
 */
import { add, mul, sub } from "../ops/arithmetic.js";
import { cast } from "../ops/compare.js";
import { matMul } from "../ops/matmul.js";
import { reshape, slice, split, stack } from "../ops/shape.js";
import type { Tensor } from "../tensor/tensor.js";
import { type ActivationName, applyActivation } from "./activation-names.js";

export interface UnrolledSpec {
  kind: "simple" | "lstm" | "gru";
  units: number;
  activation: ActivationName;
  recurrentActivation: ActivationName;
  /** GRU only: apply the reset gate after the recurrent product (bias [2, 3 * units]) or before it (bias [3 * units]). */
  resetAfter: boolean;
}

export interface UnrolledInputs {
  x: Tensor;
  kernel: Tensor;
  recurrentKernel: Tensor;
  bias: Tensor | null;
  states: Tensor[];
  /** [batch, steps]: where false/0 the state carries over. */
  mask: Tensor | null;
  /** [batch, units], already scaled: multiplies the state where it enters a recurrent product. */
  recurrentMask: Tensor | null;
}

/** Columns [from, from + units * count) of a [rows, cols] matrix. */
function columns(w: Tensor, from: number, width: number): Tensor {
  return slice(w, [0, from], [w.shape[0], width]);
}

/** Runs the sequence; returns every step's hidden state [batch, steps, units] and the final states. */
export function runUnrolled(spec: UnrolledSpec, inputs: UnrolledInputs): { sequence: Tensor; states: Tensor[] } {
  const { x, kernel, recurrentKernel: R, bias, mask, recurrentMask } = inputs;
  const [batch, steps] = x.shape;
  const u = spec.units;
  const act = (t: Tensor) => applyActivation(spec.activation, t);
  const rec = (t: Tensor) => applyActivation(spec.recurrentActivation, t);
  // the input projection of every step at once: [batch * steps, gates * units]
  const inBias = bias === null ? null : spec.kind === "gru" && spec.resetAfter ? reshape(slice(bias, [0, 0], [1, 3 * u]), [3 * u]) : reshape(bias, [-1]);
  const recBias = bias !== null && spec.kind === "gru" && spec.resetAfter ? reshape(slice(bias, [1, 0], [1, 3 * u]), [3 * u]) : null;
  const projected = matMul(reshape(x, [batch * steps, -1]), kernel);
  const xw = inBias ? add(projected, inBias) : projected;
  const xws = split(reshape(xw, [batch, steps, -1]), steps, 1).map((t) => reshape(t, [batch, -1]));
  const keep = mask ? split(reshape(cast(mask, "float32"), [batch, steps]), steps, 1) : null;
  let [h, c] = inputs.states;
  const outputs: Tensor[] = [];
  for (let t = 0; t < steps; t++) {
    const hr = recurrentMask ? mul(h, recurrentMask) : h;
    const zx = xws[t];
    let hNew: Tensor, cNew: Tensor | undefined;
    if (spec.kind === "simple") {
      hNew = act(add(zx, matMul(hr, R)));
    } else if (spec.kind === "lstm") {
      const z = add(zx, matMul(hr, R));
      const [zi, zf, zc, zo] = split(z, 4, 1);
      cNew = add(mul(rec(zf), c), mul(rec(zi), act(zc)));
      hNew = mul(rec(zo), act(cNew));
    } else {
      const [xz, xr, xh] = split(zx, 3, 1);
      let z: Tensor, r: Tensor, hh: Tensor;
      if (spec.resetAfter) {
        const hz = recBias ? add(matMul(hr, R), recBias) : matMul(hr, R);
        const [rz, rr, rh] = split(hz, 3, 1);
        z = rec(add(xz, rz));
        r = rec(add(xr, rr));
        hh = act(add(xh, mul(r, rh)));
      } else {
        z = rec(add(xz, matMul(hr, columns(R, 0, u))));
        r = rec(add(xr, matMul(hr, columns(R, u, u))));
        hh = act(add(xh, matMul(mul(r, hr), columns(R, 2 * u, u))));
      }
      hNew = add(mul(z, h), mul(sub(1, z), hh));
    }
    if (keep) {
      // masked steps keep the previous state: m * new + (1 - m) * old
      const m = keep[t];
      hNew = add(mul(m, hNew), mul(sub(1, m), h));
      if (cNew) cNew = add(mul(m, cNew), mul(sub(1, m), c));
    }
    h = hNew;
    if (cNew) c = cNew;
    outputs.push(h);
  }
  return { sequence: stack(outputs, 1), states: spec.kind === "lstm" ? [h, c] : [h] };
}
