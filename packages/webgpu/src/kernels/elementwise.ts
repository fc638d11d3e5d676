/**
 * Broadcasting kernels on the GPU: binary ops and comparisons, where, cast (and, from
 * bias-activation.ts, the fused bias + activation and its gradient). An operand is read at the
 * output's index when it has the output's size, at 0 when it is a scalar, and else through its
 * broadcast strides: one small i32 input `dims` = [outShape, strides of each strided operand].
 */
import { type BinaryOp, isComparison, type Kernels } from "@kerno/core/backends/kernels.js";
import { type DType, dtypeOf, type TypedArray } from "@kerno/core/tensor/dtype.js";
import { type Shape, sizeOf } from "@kerno/core/tensor/shape.js";
import { type Gpu, u32 } from "../gpu.js";
import { flatKernel, grid, IS_NAN, WGSL_TYPE } from "../wgsl.js";
import { biasActivationKernels } from "./bias-activation.js";
import type { KernelGroup } from "./index.js";

/** The strides of `shape` broadcast to `outShape` (0 along broadcast dimensions), as the reference. */
function broadcastStrides(shape: Shape, outShape: Shape): number[] {
  const rank = outShape.length;
  const strides = new Array<number>(rank).fill(0);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i + rank - shape.length] = shape[i] === 1 ? 0 : s;
    s *= shape[i];
  }
  return strides;
}

/** An operand of a broadcasting kernel: its WGSL array name and how it is indexed. */
interface Operand {
  name: string;
  mode: "same" | "scalar" | "strided";
}

const modeOf = (length: number, total: number): Operand["mode"] => (length === total ? "same" : length === 1 ? "scalar" : "strided");

/**
 * WGSL that sets `<name>I`, the index into each operand, for output element `o`; strided operands
 * walk the output's coordinates through `dims` (the k-th strided operand's strides at (k+1)*rank).
 */
function indexing(operands: readonly Operand[]): string {
  const strided = operands.filter((op) => op.mode === "strided");
  const lines = operands.map((op) => `var ${op.name}I = ${op.mode === "same" ? "o" : "0u"};`);
  if (strided.length > 0) {
    lines.push(
      "var rest = o;",
      "for (var d = i32(p.rank) - 1; d >= 0; d--) {",
      "  let size = u32(dims[d]);",
      "  let c = rest % size;",
      "  rest = rest / size;",
      ...strided.map((op, k) => `  ${op.name}I += c * u32(dims[${k + 1}u * p.rank + u32(d)]);`),
      "}",
    );
  }
  return lines.map((l) => `  ${l}`).join("\n");
}

/** The `dims` input of a launch whose operands have these shapes (null when none is strided). */
function dimsFor(shapes: readonly Shape[], operands: readonly Operand[], outShape: Shape): Int32Array | null {
  const strided = shapes.filter((_, i) => operands[i].mode === "strided");
  if (strided.length === 0) return null;
  return Int32Array.from([...outShape, ...strided.flatMap((s) => broadcastStrides(s, outShape))]);
}

/** Float ops as WGSL expressions of f32 `a` and `b`, as the reference (Math.pow, NaN-keeping max/min). */
const FLOAT_WGSL: Record<BinaryOp, string> = {
  add: "a + b",
  sub: "a - b",
  mul: "a * b",
  div: "a / b",
  pow: "powJs(a, b)",
  maximum: "select(b, a, a >= b || isNan(a))",
  minimum: "select(b, a, a <= b || isNan(a))",
  equal: "a == b",
  notEqual: "a != b || isNan(a) || isNan(b)",
  greater: "a > b",
  greaterEqual: "a >= b",
  less: "a < b",
  lessEqual: "a <= b",
};

/** Integer ops on i32 `a` and `b` (wrapping), as JavaScript's double result stored in an Int32Array. */
const INT_WGSL: Record<BinaryOp, string> = {
  ...FLOAT_WGSL,
  notEqual: "a != b",
  div: "select(a / b, 0, b == 0)",
  pow: "powInt(a, b)",
  maximum: "max(a, b)",
  minimum: "min(a, b)",
};

const BINARY_MATH_WGSL = /* wgsl */ `${IS_NAN}
fn isOddInteger(y: f32) -> bool {
  return abs(y) < 16777216.0 && trunc(y) == y && (i32(y) & 1) == 1;
}
// NaN and infinity from a runtime value's bits (constant NaNs and infinities do not compile)
fn nanFrom(x: f32) -> f32 {
  return bitcast<f32>(bitcast<u32>(x) | 0x7fc00000u);
}
// Math.pow: x^0 = 1 (even for NaN), NaN otherwise propagates, a negative x needs an integer y
fn powJs(x: f32, y: f32) -> f32 {
  if (y == 0.0) { return 1.0; }
  if (isNan(x) || isNan(y)) { return nanFrom(x); }
  let ax = abs(x);
  var r: f32;
  if (ax == 0.0) {
    r = select(bitcast<f32>(bitcast<u32>(ax) | 0x7f800000u), 0.0, y > 0.0);
  } else if (ax == 1.0) {
    // 1^y is 1 but (-)1^±Infinity is NaN
    if ((bitcast<u32>(y) & 0x7fffffffu) == 0x7f800000u) { return nanFrom(x); }
    r = 1.0;
  } else {
    r = exp2(y * log2(ax));
  }
  if ((bitcast<u32>(x) >> 31u) == 1u) {
    if (ax != 0.0 && trunc(y) != y) { return nanFrom(x); }
    if (isOddInteger(y)) { return -r; }
  }
  return r;
}
// Math.pow on integers, truncated and wrapped to i32: a negative exponent gives 0 but for 1 and -1
fn powInt(a: i32, b: i32) -> i32 {
  if (b < 0) {
    if (a == 1) { return 1; }
    if (a == -1) { return select(1, -1, (b & 1) == 1); }
    return 0;
  }
  var r = 1;
  var base = a;
  var e = u32(b);
  while (e > 0u) {
    if ((e & 1u) == 1u) { r = r * base; }
    base = base * base;
    e = e >> 1u;
  }
  return r;
}
`;

function binaryShader(op: BinaryOp, dtype: DType, operands: readonly Operand[]): string {
  const type = WGSL_TYPE[dtype];
  const outType = isComparison(op) ? "u32" : type;
  // bool operands compute as i32 and store their result as a Uint8Array would (mod 256)
  const compute = dtype === "bool" ? "i32" : type;
  let result = (compute === "f32" ? FLOAT_WGSL : INT_WGSL)[op];
  if (isComparison(op)) result = `select(0u, 1u, ${result})`;
  else if (dtype === "bool") result = `u32(${result}) & 0xffu`;
  const strided = operands.some((o) => o.mode === "strided");
  return flatKernel({
    params: "n: u32, rank: u32",
    reads: [`as_: array<${type}>`, `bs_: array<${type}>`, ...(strided ? ["dims: array<i32>"] : [])],
    writes: [`out: array<${outType}>`],
    helpers: BINARY_MATH_WGSL,
    index: "o",
    body: /* wgsl */ `  _ = p.rank;
${indexing(operands)}
  let a = ${compute}(as_[aI]);
  let b = ${compute}(bs_[bI]);
  out[o] = ${result};`,
  });
}

/** where: every dtype is 4 bytes on the GPU, so a and b are copied as u32 bits. */
const whereShader = (operands: readonly Operand[]) => {
  const strided = operands.some((o) => o.mode === "strided");
  return flatKernel({
    params: "n: u32, rank: u32",
    reads: ["cs_: array<u32>", "as_: array<u32>", "bs_: array<u32>", ...(strided ? ["dims: array<i32>"] : [])],
    writes: ["out: array<u32>"],
    index: "o",
    body: /* wgsl */ `  _ = p.rank;
${indexing(operands)}
  out[o] = select(bs_[bI], as_[aI], cs_[cI] != 0u);`,
  });
};

/** Each conversion as a WGSL expression of `x` (the source element), as castArray. */
function castExpr(from: DType, to: DType): string {
  if (from === to) return "x";
  if (to === "bool") return from === "float32" ? "select(0u, 1u, x != 0.0 || isNan(x))" : "select(0u, 1u, x != 0)";
  if (to === "float32") return "f32(x)";
  return from === "float32" ? "truncInt32(x)" : "i32(x)";
}

const castShader = (from: DType, to: DType) =>
  flatKernel({
    params: "n: u32",
    reads: [`xs: array<${WGSL_TYPE[from]}>`],
    writes: [`ys: array<${WGSL_TYPE[to]}>`],
    helpers: /* wgsl */ `${IS_NAN}
// Math.trunc stored in an Int32Array: wrapped modulo 2^32, 0 for NaN and infinities
fn truncInt32(x: f32) -> i32 {
  if (abs(x) < 2147483648.0) { return i32(x); }
  let bits = bitcast<u32>(x);
  let e = i32((bits >> 23u) & 0xffu) - 150;
  if (e >= 32) { return 0; }
  let m = ((bits & 0x7fffffu) | 0x800000u) << u32(e);
  return select(i32(m), -i32(m), (bits >> 31u) == 1u);
}`,
    body: `  let x = xs[i];
  ys[i] = ${castExpr(from, to)};`,
  });

export const elementwiseKernels: KernelGroup = (gpu: Gpu): Partial<Kernels> => ({
  binary(op: BinaryOp, a: TypedArray, aShape: Shape, b: TypedArray, bShape: Shape, outShape: Shape): TypedArray {
    const total = sizeOf(outShape);
    const dtype = dtypeOf(a);
    const operands: Operand[] = [
      { name: "a", mode: modeOf(a.length, total) },
      { name: "b", mode: modeOf(b.length, total) },
    ];
    const dims = dimsFor([aShape, bShape], operands, outShape);
    return gpu.run({
      label: `binary ${op}`,
      code: binaryShader(op, dtype, operands),
      inputs: dims ? [a, b, dims] : [a, b],
      outputs: [{ dtype: isComparison(op) ? "bool" : dtype, length: total }],
      params: [u32(total), u32(outShape.length)],
      workgroups: grid(total),
    })[0];
  },
  where(cond: Uint8Array, condShape: Shape, a: TypedArray, aShape: Shape, b: TypedArray, bShape: Shape, outShape: Shape): TypedArray {
    const total = sizeOf(outShape);
    const operands: Operand[] = [
      { name: "c", mode: modeOf(cond.length, total) },
      { name: "a", mode: modeOf(a.length, total) },
      { name: "b", mode: modeOf(b.length, total) },
    ];
    const dims = dimsFor([condShape, aShape, bShape], operands, outShape);
    return gpu.run({
      label: "where",
      code: whereShader(operands),
      inputs: dims ? [cond, a, b, dims] : [cond, a, b],
      outputs: [{ dtype: dtypeOf(a), length: total }],
      params: [u32(total), u32(outShape.length)],
      workgroups: grid(total),
    })[0];
  },
  cast(x: TypedArray, dtype: DType): TypedArray {
    const from = dtypeOf(x);
    return gpu.run({
      label: `cast ${from} to ${dtype}`,
      code: castShader(from, dtype),
      inputs: [x],
      outputs: [{ dtype, length: x.length }],
      params: [u32(x.length)],
      workgroups: grid(x.length),
    })[0];
  },
  ...biasActivationKernels(gpu),
});
