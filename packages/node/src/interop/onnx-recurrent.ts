/**
 * Recurrent layers as ONNX RNN, LSTM and GRU (time-major inside, batch-first outside). Keras keeps one kernel
 * [input, gates * units] with gates in the order i, f, c, o for LSTM (z, r, h for GRU); ONNX wants
 * W [directions, gates * units, input] with LSTM's gates in the order i, o, f, c, and the input and
 * recurrent biases side by side. GRU's resetAfter is ONNX's linear_before_reset. Bidirectional
 * runs both directions in one node; its concatenation (or sum, or average) follows.
 */
import type { Variable } from "@kerno/core/autodiff/variable.js";
import type { Layer } from "@kerno/core/layers/layer.js";
import type { OnnxGraphBuilder, OnnxValue } from "./onnx-graph.js";

interface Recurrent {
  className: string;
  units: number;
  activation: string;
  recurrentActivation: string;
  returnSequences: boolean;
  returnState: boolean;
  goBackwards: boolean;
  kernel: Variable;
  recurrentKernel: Variable;
  bias: Variable | null;
  getConfig(): Record<string, unknown>;
}

/** ONNX's gate order as indices into Keras's. */
const GATE_ORDER: Record<string, number[]> = { SimpleRNN: [0], LSTM: [0, 3, 1, 2], GRU: [0, 1, 2] };
const OP: Record<string, string> = { SimpleRNN: "RNN", LSTM: "LSTM", GRU: "GRU" };

/** Keras's [rows, gates * units] as ONNX's [gates * units, rows], gates reordered. */
function gatesTransposed(v: Variable, order: number[], units: number): Float32Array {
  const [rows, cols] = v.shape;
  const src = v.floats();
  const out = new Float32Array(rows * cols);
  order.forEach((gate, at) => {
    for (let u = 0; u < units; u++) for (let r = 0; r < rows; r++) out[(at * units + u) * rows + r] = src[r * cols + gate * units + u];
  });
  return out;
}

function biases(cell: Recurrent, order: number[]): Float32Array {
  const n = order.length * cell.units;
  const out = new Float32Array(2 * n);
  if (!cell.bias) return out;
  const b = cell.bias.floats();
  // GRU with resetAfter keeps two rows [input bias; recurrent bias], the others one input bias
  const rows = cell.bias.shape.length === 2 ? 2 : 1;
  for (let row = 0; row < rows; row++)
    order.forEach((gate, at) => {
      for (let u = 0; u < cell.units; u++) out[row * n + at * cell.units + u] = b[row * n + gate * cell.units + u];
    });
  return out;
}

function checkCell(cell: Recurrent, who: string): void {
  if (cell.returnState) throw new Error(`ONNX export: ${who}: returnState is not supported`);
  const expected = cell.className === "SimpleRNN" ? ["tanh"] : ["tanh", "sigmoid"];
  const given = cell.className === "SimpleRNN" ? [cell.activation] : [cell.activation, cell.recurrentActivation];
  if (given.some((a, i) => a !== expected[i]))
    throw new Error(`ONNX export: ${who}: only the default activations (${expected.join(", ")}) are supported, got ${given.join(", ")}`);
  if (cell.className === "GRU" && cell.getConfig().resetAfter === false && cell.bias)
    throw new Error(
      `ONNX export: ${who}: GRU with resetAfter false has one bias per gate; ONNX's GRU without linear_before_reset needs it split (not supported)`,
    );
}

export function recurrentToOnnx(g: OnnxGraphBuilder, layer: Layer, x: OnnxValue, who: string): OnnxValue {
  const bidirectional = layer.className === "Bidirectional";
  const wrapper = layer as unknown as { forwardLayer: Recurrent; backwardLayer: Recurrent; mergeMode: string | null };
  const cells = bidirectional ? [wrapper.forwardLayer, wrapper.backwardLayer] : [layer as unknown as Recurrent];
  for (const cell of cells) checkCell(cell, who);
  const first = cells[0];
  if (!bidirectional && first.goBackwards) throw new Error(`ONNX export: ${who}: goBackwards is supported inside Bidirectional only`);
  const order = GATE_ORDER[first.className];
  const units = first.units;
  const gu = order.length * units;
  const inputSize = first.kernel.shape[0];
  const join = (parts: Float32Array[]) => {
    const out = new Float32Array(parts.reduce((s, p) => s + p.length, 0));
    let at = 0;
    for (const p of parts) {
      out.set(p, at);
      at += p.length;
    }
    return out;
  };
  const dirs = cells.length;
  const W = g.floats("W", join(cells.map((c) => gatesTransposed(c.kernel, order, units))), [dirs, gu, inputSize]);
  const R = g.floats("R", join(cells.map((c) => gatesTransposed(c.recurrentKernel, order, units))), [dirs, gu, units]);
  const B = g.floats("B", join(cells.map((c) => biases(c, order))), [dirs, 2 * gu]);
  const attrs: Record<string, number | string> = { hidden_size: units, direction: bidirectional ? "bidirectional" : "forward" };
  if (first.className === "GRU") attrs.linear_before_reset = first.getConfig().resetAfter === false ? 0 : 1;
  const out = g.fresh(OP[first.className].toLowerCase());
  const hidden = `${out}_h`;
  const outputs = first.className === "LSTM" ? [out, hidden, `${out}_c`] : [out, hidden];
  // time-major (layout 0, which every runtime supports): [steps, batch, features] in
  const timeMajor = g.op("Transpose", [x.name], { perm: [1, 0, 2] }, "time_major");
  g.nodes.push({
    opType: OP[first.className],
    name: out,
    input: [timeMajor, W, R, B],
    output: outputs,
    attribute: Object.entries(attrs).map(([name, v]) => (typeof v === "string" ? { name, type: 3, s: Buffer.from(v) } : { name, type: 2, i: v })),
  });
  const merge = bidirectional ? wrapper.mergeMode : "concat";
  if (merge !== "concat" && merge !== "sum" && merge !== "ave") throw new Error(`ONNX export: ${who}: merge mode '${merge}' is not supported`);
  // Y [steps, directions, batch, units] -> [batch, steps, directions, units]; Y_h [directions, batch, units] -> [batch, directions, units]
  const sequences = first.returnSequences;
  const source = sequences ? g.op("Transpose", [out], { perm: [2, 0, 1, 3] }, "batch_major") : g.op("Transpose", [hidden], { perm: [1, 0, 2] }, "batch_major");
  const dirAxis = sequences ? 2 : 1;
  if (merge === "concat") {
    const shape = sequences ? [0, 0, -1] : [0, -1];
    return { name: g.op("Reshape", [source, g.int64s("shape", shape)]), rank: sequences ? 3 : 2, layout: "nhwc" };
  }
  // opset 17: ReduceSum takes its axes as an input, ReduceMean still as an attribute
  const reduced =
    merge === "sum"
      ? g.op("ReduceSum", [source, g.int64s("axes", [dirAxis])], { keepdims: 0 })
      : g.op("ReduceMean", [source], { axes: [dirAxis], keepdims: 0 });
  return { name: reduced, rank: sequences ? 3 : 2, layout: "nhwc" };
}
