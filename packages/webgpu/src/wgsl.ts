/**
 * WGSL pieces the kernels share. A 1-D kernel runs WORKGROUP invocations per workgroup over
 * `grid(n)` workgroups (spread over y past WebGPU's 65535 per dimension) and finds its element
 * with `flatIndex`; `flatKernel` writes that shader around its body:
 *
 *   const SCALE = flatKernel({
 *     params: "n: u32, factor: f32",   // struct Params, bound last as `p`
 *     reads: ["xs: array<f32>"],       // gpu.run's inputs, in order
 *     writes: ["ys: array<f32>"],      // then its inouts and outputs
 *     body: "  ys[i] = xs[i] * p.factor;", // after `let i = ...; if (i >= p.n) { return; }`
 *   });
 *
 * Kernels of another shape (workgroup reductions, tiles) declare their arrays with `bindings`.
 */

export const WORKGROUP = 256;
/** WebGPU's most workgroups per dimension of a dispatch. */
export const MAX_GROUPS = 65535;

/** Workgroups for n invocations of `perGroup` each: [x, y], x at most 65535. */
export function grid(n: number, perGroup = WORKGROUP): [number, number] {
  const groups = Math.ceil(n / perGroup);
  if (groups <= MAX_GROUPS) return [groups, 1];
  return [MAX_GROUPS, Math.ceil(groups / MAX_GROUPS)];
}

/** The flat invocation index of a grid() launch (with @workgroup_size(256)). */
export const FLAT_INDEX = /* wgsl */ `
fn flatIndex(id: vec3u, groups: vec3u) -> u32 {
  return id.x + id.y * groups.x * ${WORKGROUP}u;
}
`;

/** WGSL: the image, row and column (i32s named `names`) of flat pixel `index` of NHWC images of h rows and w columns. */
export const pixelOf = (index: string, [image, y, x]: readonly [string, string, string], h: string, w: string): string => /* wgsl */ `
  let ${x} = i32(${index}) % ${w};
  let ${y} = (i32(${index}) / ${w}) % ${h};
  let ${image} = i32(${index}) / (${w} * ${h});`;

/** WGSL's NaN test on the bits, which a compiler cannot assume away. */
export const IS_NAN = /* wgsl */ `
fn isNan(v: f32) -> bool { return (bitcast<u32>(v) & 0x7fffffffu) > 0x7f800000u; }
`;

/** WGSL's name of each dtype's element on the GPU (bool is a u32 0 or 1). */
export const WGSL_TYPE = { float32: "f32", int32: "i32", bool: "u32" } as const;

/**
 * Group 0's bindings in gpu.run's order: storage `reads` (`name: type`, read only), then `writes`
 * (read_write: inouts, then outputs), then the uniform block `p: Params`.
 */
export function bindings(reads: readonly string[], writes: readonly string[]): string {
  return [
    ...reads.map((b, k) => `@group(0) @binding(${k}) var<storage, read> ${b};`),
    ...writes.map((b, k) => `@group(0) @binding(${reads.length + k}) var<storage, read_write> ${b};`),
    `@group(0) @binding(${reads.length + writes.length}) var<uniform> p: Params;`,
  ].join("\n");
}

/** Storage declarations `name: array<f32>` of `names`, for bindings(). */
export const floatArrays = (names: readonly string[]): string[] => names.map((name) => `${name}: array<f32>`);

/** A 1-D kernel (one invocation per element, launched over grid(count)). */
export interface FlatKernel {
  /** The uniform block's fields, as in `struct Params { n: u32, c: u32 }`. */
  params: string;
  reads: readonly string[];
  writes: readonly string[];
  /** WGSL functions and constants the body uses. */
  helpers?: string;
  /** The invocation's index (`i`) and the count past which it returns (`p.n`). */
  index?: string;
  count?: string;
  body: string;
}

/** The WGSL of a 1-D kernel: its Params, bindings(), helpers, and `main` up to its index's bound check, then `body`. */
export function flatKernel({ params, reads, writes, helpers = "", index = "i", count = "p.n", body }: FlatKernel): string {
  return /* wgsl */ `
struct Params { ${params} }
${bindings(reads, writes)}
${FLAT_INDEX}
${helpers}
@compute @workgroup_size(${WORKGROUP})
fn main(@builtin(global_invocation_id) id: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let ${index} = flatIndex(id, groups);
  if (${index} >= ${count}) { return; }
${body}
}
`;
}
