/**
 * Building an ONNX graph: nodes, initializers and kerno's NHWC tensors tracked with their layout.
 * Convolutions, pooling and batch normalization run in ONNX's NCHW; a tensor is transposed only
 * when an op needs the other layout (a Flatten after convolutions sees NHWC again, so its order
 * is Keras's).
 */
import { noGrad } from "@kerno/core/autodiff/grad.js";
import { transpose } from "@kerno/core/ops/shape.js";
import type { Tensor } from "@kerno/core/tensor/tensor.js";

export type Layout = "nhwc" | "nchw";

/** A value in the ONNX graph: its name, rank and, for rank 4, its layout. */
export interface OnnxValue {
  name: string;
  rank: number;
  layout: Layout;
}

const ATTR = { FLOAT: 1, INT: 2, STRING: 3, FLOATS: 6, INTS: 7 } as const;

export type AttrValue = number | string | number[] | { float: number };

function attribute(name: string, v: AttrValue): Record<string, unknown> {
  if (typeof v === "string") return { name, type: ATTR.STRING, s: Buffer.from(v) };
  if (Array.isArray(v)) return { name, type: ATTR.INTS, ints: v };
  if (typeof v === "object") return { name, type: ATTR.FLOAT, f: v.float };
  return { name, type: ATTR.INT, i: v };
}

export class OnnxGraphBuilder {
  readonly nodes: Record<string, unknown>[] = [];
  readonly initializers: Record<string, unknown>[] = [];
  private count = 0;

  fresh(hint: string): string {
    return `${hint}_${this.count++}`;
  }

  /** Adds a node; returns its (first) output's name. */
  op(type: string, inputs: string[], attrs: Record<string, AttrValue> = {}, hint = type.toLowerCase()): string {
    const out = this.fresh(hint);
    this.nodes.push({ opType: type, name: out, input: inputs, output: [out], attribute: Object.entries(attrs).map(([k, v]) => attribute(k, v)) });
    return out;
  }

  /** A float32 initializer; returns its name. */
  floats(hint: string, data: Float32Array | number[], dims: number[]): string {
    const name = this.fresh(hint);
    const f = Float32Array.from(data);
    this.initializers.push({ name, dims, dataType: 1, rawData: Buffer.from(f.buffer, f.byteOffset, f.byteLength) });
    return name;
  }

  int64s(hint: string, data: number[]): string {
    const name = this.fresh(hint);
    this.initializers.push({ name, dims: [data.length], dataType: 7, int64Data: data });
    return name;
  }

  /** A weight, its axes permuted by `perm` when given (kerno's transpose op, outside any tape). */
  weight(hint: string, v: Tensor, perm?: number[]): string {
    const t = perm ? noGrad(() => transpose(v, perm)) : v;
    return this.floats(hint, t.floats(), [...t.shape]);
  }

  toNchw(v: OnnxValue): OnnxValue {
    if (v.rank !== 4 || v.layout === "nchw") return v;
    return { name: this.op("Transpose", [v.name], { perm: [0, 3, 1, 2] }, "to_nchw"), rank: 4, layout: "nchw" };
  }

  toNhwc(v: OnnxValue): OnnxValue {
    if (v.rank !== 4 || v.layout === "nhwc") return v;
    return { name: this.op("Transpose", [v.name], { perm: [0, 2, 3, 1] }, "to_nhwc"), rank: 4, layout: "nhwc" };
  }
}
