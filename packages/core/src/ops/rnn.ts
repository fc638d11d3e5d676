/**
 * Recurrent layers as single ops over a whole sequence (SimpleRNN, LSTM, GRU with reset_after),
 * in Keras's weight layout. One kernel call runs the forward pass and one the backward pass.
 */
import type { FusedActivation, RnnKind, RnnSpec } from "../backends/kernels.js";
import { zeros } from "../tensor/creation.js";
import { isDeviceBackend } from "../tensor/device.js";
import { allocate } from "../tensor/dtype.js";
import { shapeToString } from "../tensor/shape.js";
import { assertTensor, type Tensor } from "../tensor/tensor.js";
import { cast } from "./compare.js";
import { assertFloat, assertRank, backend, f32, record } from "./core.js";
import { reshape, slice } from "./shape.js";

export type { RnnKind };

export interface RnnOptions {
  /** Initial hidden state [batch, units]; LSTM also takes the cell state: [h0, c0]. Zeros by default. */
  initialState?: Tensor[];
  /** [batch, steps]: steps where it is 0 (or false) leave the state unchanged. */
  mask?: Tensor | null;
  activation?: FusedActivation;
  recurrentActivation?: FusedActivation;
  /** [batch, units], fixed over time and already scaled: recurrent dropout on the state. */
  recurrentMask?: Tensor | null;
}

export interface RnnResult {
  /** Hidden state after every step, [batch, steps, units]. */
  sequence: Tensor;
  /** Final states: [h] or, for LSTM, [h, c]; each [batch, units]. */
  states: Tensor[];
}

const GATES: Record<RnnKind, number> = { simple: 1, lstm: 4, gru: 3 };
const NAMES: Record<RnnKind, string> = { simple: "simpleRnn", lstm: "lstm", gru: "gru" };

function check(kind: RnnKind, x: Tensor, kernel: Tensor, recurrent: Tensor, bias: Tensor | null, who: string): number {
  assertTensor(x, who);
  assertRank(x, 3, who, "[batch, timesteps, features]");
  assertFloat(x, who);
  const units = recurrent.shape[0];
  const gu = GATES[kind] * units;
  const [, , features] = x.shape;
  if (kernel.rank !== 2 || kernel.shape[0] !== features || kernel.shape[1] !== gu) {
    throw new RangeError(
      `${who}: kernel must be [${features}, ${gu}] for input ${shapeToString(x.shape)} and ${units} units, got ${shapeToString(kernel.shape)}`,
    );
  }
  if (recurrent.rank !== 2 || recurrent.shape[1] !== gu) {
    throw new RangeError(`${who}: recurrent kernel must be [${units}, ${gu}], got ${shapeToString(recurrent.shape)}`);
  }
  const biasSize = kind === "gru" ? 2 * gu : gu;
  if (bias && bias.size !== biasSize) {
    throw new RangeError(`${who}: bias must have ${biasSize} values${kind === "gru" ? " ([2, 3 * units])" : ""}, got ${shapeToString(bias.shape)}`);
  }
  return units;
}

/** Runs a recurrent layer over x [batch, steps, features]. */
export function rnn(kind: RnnKind, x: Tensor, kernel: Tensor, recurrentKernel: Tensor, bias: Tensor | null, options: RnnOptions = {}): RnnResult {
  const who = NAMES[kind];
  const units = check(kind, x, kernel, recurrentKernel, bias, who);
  const [batch, steps, features] = x.shape;
  const spec: RnnSpec = {
    kind,
    batch,
    steps,
    features,
    units,
    activation: options.activation ?? "tanh",
    recurrentActivation: options.recurrentActivation ?? "sigmoid",
  };
  const nStates = kind === "lstm" ? 2 : 1;
  const init = options.initialState ?? [];
  if (init.length !== 0 && init.length !== nStates) throw new RangeError(`${who}: initialState must hold ${nStates} tensor(s), got ${init.length}`);
  const states = init.length ? init : Array.from({ length: nStates }, () => zeros([batch, units]));
  for (const s of states) {
    if (s.rank !== 2 || s.shape[0] !== batch || s.shape[1] !== units) {
      throw new RangeError(`${who}: initial state must be [${batch}, ${units}], got ${shapeToString(s.shape)}`);
    }
  }
  let mask: Float32Array | null = null;
  if (options.mask) {
    const m = cast(options.mask, "float32");
    if (m.size !== batch * steps) throw new RangeError(`${who}: mask must be [${batch}, ${steps}], got ${shapeToString(m.shape)}`);
    mask = m.values;
  }
  const k = backend();
  const xv = assertFloat(x, who),
    wv = assertFloat(kernel, who, "kernel"),
    rv = assertFloat(recurrentKernel, who, "recurrent kernel");
  const bv = bias ? assertFloat(bias, who, "bias") : null;
  const h0 = assertFloat(states[0], who, "initial state"),
    c0 = kind === "lstm" ? assertFloat(states[1], who, "initial cell state") : null;
  const recMask = options.recurrentMask ? assertFloat(options.recurrentMask, who, "recurrent mask") : null;
  if (recMask && recMask.length !== batch * units) throw new RangeError(`${who}: recurrent mask must be [${batch}, ${units}]`);
  const saved = k.rnnForward(spec, xv, wv, rv, bv, h0, c0, mask, recMask);
  // one packed output [batch, steps*units (+ units for the final cell state)], so that a single
  // backward call receives the gradients of the sequence and of the final cell state together
  const seqLen = steps * units;
  const width = seqLen + (kind === "lstm" ? units : 0);
  let packedValues = saved.hs;
  // where a device backend (webgpu) is loaded, packing and unpacking go through the kernels: its
  // values are not on the CPU (decided by what is loaded, not by where these arrays are, so that a
  // replayed call sequence stays the same)
  const onDevice = isDeviceBackend(k.name);
  if (kind === "lstm" && onDevice) {
    const lastC = k.slice(saved.cs!, [batch, steps, units], [0, steps - 1, 0], [batch, 1, units]);
    packedValues = k.concat(
      [saved.hs, lastC],
      [
        [batch, seqLen],
        [batch, units],
      ],
      1,
    ) as Float32Array;
  } else if (kind === "lstm") {
    // element loops: a subarray per row costs more than copying 16 floats
    const hs = saved.hs,
      cs = saved.cs!;
    packedValues = allocate("float32", batch * width);
    for (let b = 0; b < batch; b++) {
      const dst = b * width,
        src = b * seqLen,
        last = (b * steps + steps - 1) * units;
      for (let j = 0; j < seqLen; j++) packedValues[dst + j] = hs[src + j];
      for (let u = 0; u < units; u++) packedValues[dst + seqLen + u] = cs[last + u];
    }
  }
  const inputs = [x, kernel, recurrentKernel, ...(bias ? [bias] : []), ...states];
  const packed = record(who, inputs, f32(packedValues, [batch, width]), (dy) => {
    const dv = dy.values;
    let dhs = dv,
      dcT: Float32Array | null = null;
    if (kind === "lstm" && onDevice) {
      dhs = k.slice(dv, [batch, width], [0, 0], [batch, seqLen]) as Float32Array;
      dcT = k.slice(dv, [batch, width], [0, seqLen], [batch, units]) as Float32Array;
    } else if (kind === "lstm") {
      dhs = allocate("float32", batch * seqLen);
      dcT = allocate("float32", batch * units);
      for (let b = 0; b < batch; b++) {
        const src = b * width;
        for (let j = 0; j < seqLen; j++) dhs[b * seqLen + j] = dv[src + j];
        for (let u = 0; u < units; u++) dcT[b * units + u] = dv[src + seqLen + u];
      }
    }
    const g = k.rnnBackward(spec, dhs, dcT, xv, wv, rv, bv, h0, c0, mask, recMask, saved);
    const grads: (Tensor<"float32"> | null)[] = [f32(g.dx, x.shape), f32(g.dW, kernel.shape), f32(g.dR, recurrentKernel.shape)];
    if (bias) grads.push(f32(g.db!, bias.shape));
    grads.push(f32(g.dh0, [batch, units]));
    if (kind === "lstm") grads.push(f32(g.dc0!, [batch, units]));
    return grads;
  });
  const sequence = kind === "lstm" ? reshape(slice(packed, [0, 0], [batch, seqLen]), [batch, steps, units]) : reshape(packed, [batch, steps, units]);
  // the final state straight from the packed output (one slice, one pad in the backward pass),
  // and without a copy when it is all there is (one step, no cell state)
  const lastH = steps === 1 && kind !== "lstm" ? reshape(packed, [batch, units]) : slice(packed, [0, (steps - 1) * units], [batch, units]);
  const outStates = kind === "lstm" ? [lastH, slice(packed, [0, seqLen], [batch, units])] : [lastH];
  return { sequence, states: outStates };
}

export const simpleRnn = (x: Tensor, kernel: Tensor, recurrentKernel: Tensor, bias: Tensor | null, options?: RnnOptions): RnnResult =>
  rnn("simple", x, kernel, recurrentKernel, bias, options);
export const lstm = (x: Tensor, kernel: Tensor, recurrentKernel: Tensor, bias: Tensor | null, options?: RnnOptions): RnnResult =>
  rnn("lstm", x, kernel, recurrentKernel, bias, options);
export const gru = (x: Tensor, kernel: Tensor, recurrentKernel: Tensor, bias: Tensor | null, options?: RnnOptions): RnnResult =>
  rnn("gru", x, kernel, recurrentKernel, bias, options);
