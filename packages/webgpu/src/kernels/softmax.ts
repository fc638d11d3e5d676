/**
 * Softmax, log-softmax, their gradients and the cross-entropy losses on the GPU. Each works line
 * by line: a line is the n elements of one (outer, inner) pair of [outer, n, inner] (a row of
 * [rows, classes] for the losses, inner = 1). A few reductions over the line (its max, a sum) come
 * first, then one pass writes the line. Short lines take one invocation each; long ones a
 * workgroup each, reducing through workgroup memory. The sigmoid loss is elementwise.
 *
 * NaN and infinities: WGSL leaves exp and log of them, and max of a NaN, to the implementation
 * (SwiftShader's exp(NaN) is +Infinity), so NaN is tested on bits: the line's max keeps a NaN,
 * and a line of n > 0 whose max is not finite (a NaN, +Infinity, or every element -Infinity) is
 * all NaN, as the reference's exp(x - max) makes it.
 */
import type { F32, Kernels } from "@kerno/core/backends/kernels.js";
import type { TypedArray } from "@kerno/core/tensor/dtype.js";
import { f32, type Gpu, type OutputSpec, u32 } from "../gpu.js";
import { bindings, FLAT_INDEX, flatKernel, grid } from "../wgsl.js";
import { MATH_WGSL } from "./unary.js";

/** `name` = max or sum over the line of `term` (a WGSL expression of the element index `k`, the position `i`, earlier stages). */
interface Stage {
  name: string;
  combine: "max" | "sum";
  term: string;
}

interface LineKernel {
  /** Storage bindings in order: inputs (read) then outputs (read_write), as `name: type`. */
  reads: string[];
  writes: string[];
  /** Statements before the stages (`line` and `base`, the line's first element, are known). */
  prelude?: string;
  stages: Stage[];
  /** Statements run by every invocation after the stages. */
  derive?: string;
  /** Statements run once per line after the stages. */
  once?: string;
  /** Statements run for each element `k` (position `i`) of the line after the stages. */
  write: string;
}

const COMBINE = { max: (a: string, b: string) => `maxNaN(${a}, ${b})`, sum: (a: string, b: string) => `${a} + ${b}` };
/** NaN and -Infinity come from the uniform block: WGSL has no literal for them. */
const INIT = { max: "p.negInf", sum: "0.0" };

const NAN_WGSL = /* wgsl */ `
fn isNaN(x: f32) -> bool { return (bitcast<u32>(x) & 0x7fffffffu) > 0x7f800000u; }
fn isFinite(x: f32) -> bool { return (bitcast<u32>(x) & 0x7f800000u) != 0x7f800000u; }
/** Math.max: a NaN wins. */
fn maxNaN(a: f32, b: f32) -> f32 { return select(max(a, b), select(b, a, isNaN(a)), isNaN(a) || isNaN(b)); }
/** exp that keeps a NaN. */
fn expNaN(x: f32) -> f32 { return select(exp(x), x, isNaN(x)); }
`;

/** Lines of at least this many elements take a workgroup each. */
const GROUP_LINE = 64;
const groupSize = (n: number) => (n >= 1024 ? 256 : 64);

/** The WGSL of a line kernel: one invocation per line (`group` 0) or a workgroup of `group` invocations per line. */
function lineShader(kernel: LineKernel, group: number): string {
  const loop = (body: string) =>
    group === 0
      ? `for (var i = 0u; i < p.n; i++) { let k = base + i * p.inner; ${body} }`
      : `for (var i = t; i < p.n; i += ${group}u) { let k = base + i * p.inner; ${body} }`;
  const stages = kernel.stages.map(({ name, combine, term }) => {
    const reduce =
      group === 0
        ? `let ${name} = acc_${name};`
        : `scratch[t] = acc_${name};
  workgroupBarrier();
  for (var w = ${group / 2}u; w > 0u; w >>= 1u) {
    if (t < w) { scratch[t] = ${COMBINE[combine]("scratch[t]", "scratch[t + w]")}; }
    workgroupBarrier();
  }
  let ${name} = scratch[0];
  workgroupBarrier();`;
    return `var acc_${name} = ${INIT[combine]};
  ${loop(`acc_${name} = ${COMBINE[combine](`acc_${name}`, term)};`)}
  ${reduce}`;
  });
  const head =
    group === 0
      ? `@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) id: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let line = flatIndex(id, groups);`
      : `var<workgroup> scratch: array<f32, ${group}>;
@compute @workgroup_size(${group})
fn main(@builtin(local_invocation_index) t: u32, @builtin(workgroup_id) wg: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let line = wg.x + wg.y * groups.x;`;
  const once = kernel.once ? (group === 0 ? kernel.once : `if (t == 0u) { ${kernel.once} }`) : "";
  return /* wgsl */ `
struct Params { lines: u32, n: u32, inner: u32, nan: f32, negInf: f32 }
${bindings(kernel.reads, kernel.writes)}
${FLAT_INDEX}
${NAN_WGSL}
${head}
  if (line >= p.lines) { return; }
  let base = (line / p.inner) * p.n * p.inner + line % p.inner;
  ${kernel.prelude ?? ""}
  ${stages.join("\n  ")}
  ${kernel.derive ?? ""}
  ${once}
  ${loop(kernel.write)}
}
`;
}

/** Runs `kernel` over the outer*inner lines of n elements; outputs as given. */
function runLines(
  gpu: Gpu,
  label: string,
  kernel: LineKernel,
  inputs: readonly TypedArray[],
  outputs: OutputSpec[],
  outer: number,
  n: number,
  inner: number,
): F32[] {
  const lines = outer * inner;
  const group = n >= GROUP_LINE ? groupSize(n) : 0;
  return gpu.run({
    label,
    code: lineShader(kernel, group),
    inputs,
    outputs,
    params: [u32(lines), u32(n), u32(inner), f32(Number.NaN), f32(Number.NEGATIVE_INFINITY)],
    workgroups: group === 0 ? grid(lines) : grid(lines, 1),
  }) as F32[];
}

const max: Stage = { name: "mx", combine: "max", term: "xs[k]" };
const sumExp: Stage = { name: "total", combine: "sum", term: "exp(xs[k] - mx)" };
/** After max and sumExp: whether the line is all NaN, its log-sum-exp, 1 / its sum. */
const LSE = "let bad = p.n > 0u && !isFinite(mx);\n  let lse = mx + log(total);\n  let inv = 1.0 / total;";

const SOFTMAX: LineKernel = {
  reads: ["xs: array<f32>"],
  writes: ["ys: array<f32>"],
  stages: [max, sumExp],
  derive: LSE,
  write: "ys[k] = select(exp(xs[k] - mx) * inv, p.nan, bad);",
};
const LOG_SOFTMAX: LineKernel = {
  reads: ["xs: array<f32>"],
  writes: ["ys: array<f32>"],
  stages: [max, sumExp],
  derive: LSE,
  write: "ys[k] = select(xs[k] - lse, p.nan, bad);",
};
/** dx = y * (dy - sum(dy * y)) */
const SOFTMAX_GRAD: LineKernel = {
  reads: ["dy: array<f32>", "y: array<f32>"],
  writes: ["dx: array<f32>"],
  stages: [{ name: "dot", combine: "sum", term: "dy[k] * y[k]" }],
  write: "dx[k] = y[k] * (dy[k] - dot);",
};
/** dx = dy - exp(y) * sum(dy) */
const LOG_SOFTMAX_GRAD: LineKernel = {
  reads: ["dy: array<f32>", "y: array<f32>"],
  writes: ["dx: array<f32>"],
  stages: [{ name: "total", combine: "sum", term: "dy[k]" }],
  write: "dx[k] = dy[k] - expNaN(y[k]) * total;",
};
/** loss = sum(z * (lse - x)); dlogits = softmax(x) * sum(z) - z. */
const SOFTMAX_CROSS_ENTROPY: LineKernel = {
  reads: ["xs: array<f32>", "labels: array<f32>"],
  writes: ["loss: array<f32>", "dlogits: array<f32>"],
  stages: [max, sumExp, { name: "labelSum", combine: "sum", term: "labels[k]" }, { name: "l", combine: "sum", term: "labels[k] * (mx + log(total) - xs[k])" }],
  derive: LSE,
  once: "loss[line] = select(l, p.nan, bad);",
  write: "dlogits[k] = select(exp(xs[k] - mx) * inv * labelSum - labels[k], p.nan, bad);",
};
/** loss = lse - x[label]; dlogits = softmax(x) - onehot(label). A label outside the row gives a NaN loss. */
const SPARSE_SOFTMAX_CROSS_ENTROPY: LineKernel = {
  reads: ["xs: array<f32>", "labels: array<i32>"],
  writes: ["loss: array<f32>", "dlogits: array<f32>"],
  prelude: "let label = labels[line];\n  let valid = label >= 0 && u32(label) < p.n;",
  stages: [max, sumExp],
  derive: LSE,
  once: "loss[line] = select(p.nan, lse - xs[base + u32(label)], valid && !bad);",
  write: "dlogits[k] = select(exp(xs[k] - mx) * inv - select(0.0, 1.0, i32(i) == label), p.nan, bad);",
};

const SIGMOID_CROSS_ENTROPY = flatKernel({
  params: "n: u32",
  reads: ["xs: array<f32>", "zs: array<f32>"],
  writes: ["loss: array<f32>", "dlogits: array<f32>"],
  helpers: MATH_WGSL,
  body: /* wgsl */ `  let x = xs[i];
  let z = zs[i];
  loss[i] = max(x, 0.0) - x * z + log1p(exp(-abs(x)));
  dlogits[i] = sigmoid(x) - z;`,
});

type SoftmaxMethods = "softmax" | "logSoftmax" | "softmaxGrad" | "logSoftmaxGrad" | "softmaxCrossEntropy" | "sparseSoftmaxCrossEntropy" | "sigmoidCrossEntropy";

export function softmaxKernels(gpu: Gpu): Pick<Kernels, SoftmaxMethods> {
  const floats = (length: number): OutputSpec => ({ dtype: "float32", length });
  const lossAndGrad = (label: string, kernel: LineKernel, logits: F32, labels: F32 | Int32Array, rows: number, classes: number) => {
    const [loss, dlogits] = runLines(gpu, label, kernel, [logits, labels], [floats(rows), floats(logits.length)], rows, classes, 1);
    return { loss, dlogits };
  };
  return {
    softmax: (x, outer, n, inner) => runLines(gpu, "softmax", SOFTMAX, [x], [floats(x.length)], outer, n, inner)[0],
    logSoftmax: (x, outer, n, inner) => runLines(gpu, "logSoftmax", LOG_SOFTMAX, [x], [floats(x.length)], outer, n, inner)[0],
    softmaxGrad: (dy, y, outer, n, inner) => runLines(gpu, "softmaxGrad", SOFTMAX_GRAD, [dy, y], [floats(dy.length)], outer, n, inner)[0],
    logSoftmaxGrad: (dy, y, outer, n, inner) => runLines(gpu, "logSoftmaxGrad", LOG_SOFTMAX_GRAD, [dy, y], [floats(dy.length)], outer, n, inner)[0],
    softmaxCrossEntropy: (logits, labels, rows, classes) => lossAndGrad("softmaxCrossEntropy", SOFTMAX_CROSS_ENTROPY, logits, labels, rows, classes),
    sparseSoftmaxCrossEntropy(logits, labels, rows, classes) {
      // labels made on the CPU are checked there, as the reference does; labels still on the GPU
      // cannot be read synchronously, and a bad one gives its row a NaN loss instead
      if (!gpu.isStale(labels))
        for (let r = 0; r < rows; r++) {
          const label = labels[r];
          if (!(label >= 0 && label < classes)) throw new RangeError(`sparseSoftmaxCrossEntropy: label ${label} at row ${r} is outside [0, ${classes})`);
        }
      return lossAndGrad("sparseSoftmaxCrossEntropy", SPARSE_SOFTMAX_CROSS_ENTROPY, logits, labels, rows, classes);
    },
    sigmoidCrossEntropy(logits, labels) {
      const n = logits.length;
      const [loss, dlogits] = gpu.run({
        label: "sigmoidCrossEntropy",
        code: SIGMOID_CROSS_ENTROPY,
        inputs: [logits, labels],
        outputs: [floats(n), floats(n)],
        params: [u32(n)],
        workgroups: grid(n),
      }) as F32[];
      return { loss, dlogits };
    },
  };
}
