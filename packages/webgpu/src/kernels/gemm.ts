/**
 * The tiled matrix product that matMul and the convolutions share: out[b, m, n] = store(sum over k
 * of A(b, m, k) B(b, k, n)), where each use writes how an element of A and of B is read (a matrix,
 * or an im2col patch computed on the fly: implicit GEMM) and how a sum is stored (bias and
 * activation). A workgroup of 16x16 invocations computes a (16 RM) x (16 RN) tile, each
 * invocation an RM x RN block of it in registers, over K in steps of 16 staged in workgroup
 * memory. Where the tiles are too few to fill the GPU and K is long (a filter's gradient: a sum
 * over every output pixel), K is split: each split writes its partial tile, and a second pass adds
 * them in order and stores. On SwiftShader (a CPU Vulkan: the tests' WebGPU) the tile is not staged
 * in workgroup memory: each invocation reads its own rows and columns, since there a barrier costs
 * more than the loads it saves (here the conformance cases ran 4x faster, and a training step's
 * products and convolutions of the MNIST CNN 1.3x: most of all the layers with few k per tile).
 */
import type { TypedArray } from "@kerno/core/tensor/dtype.js";
import { type Gpu, type Param, u32 } from "../gpu.js";
import { bindings, flatKernel, grid, MAX_GROUPS } from "../wgsl.js";

const KT = 16;
/** Fewer output tiles than this, with K long enough, split K. */
const TARGET_TILES = 64;
/** The least K a split sums. */
const MIN_SPLIT_K = 256;

export interface GemmInput {
  name: string;
  array: TypedArray;
  type?: "f32" | "i32" | "u32";
}

/**
 * One product. An element of A is read in two steps: what depends on its row alone (`rowA`, once
 * per row) and on its k alone (`kA`, once per k), then `loadA` from both; B likewise by column.
 * Each snippet is the body of a WGSL function returning a vec4i (an index, offsets: what it
 * needs); `loadA` and `loadB` return the f32 and are called only inside [0, M) x [0, K) and
 * [0, K) x [0, N).
 */
export interface Gemm {
  label: string;
  batches: number;
  M: number;
  N: number;
  K: number;
  /** Bindings the loads read. */
  inputs: readonly GemmInput[];
  /** Bindings only the store reads (a bias). */
  storeInputs?: readonly GemmInput[];
  /** More fields of the uniform struct `p`, after M, N, K, batches, mTiles, splits, kChunk. */
  params?: readonly [string, Param][];
  /** fn rowA(b: u32, m: u32) -> vec4i */
  rowA: string;
  /** fn kA(k: u32) -> vec4i */
  kA?: string;
  /** fn loadA(r: vec4i, q: vec4i, m: u32, k: u32) -> f32, given rowA(b, m) and kA(k) */
  loadA: string;
  /** fn colB(b: u32, n: u32) -> vec4i */
  colB: string;
  kB?: string;
  /** fn loadB(c: vec4i, q: vec4i, n: u32, k: u32) -> f32 */
  loadB: string;
  /** Given b, gm < M, gn < N and the sum v: writes `out`. */
  store: string;
  /** WGSL functions the snippets call. */
  helpers?: string;
  /** The length of `out`. */
  outLength: number;
}

/** Registers per invocation along a dimension: enough for the tile to cover small sizes without waste. */
const blockFor = (size: number) => (size <= 16 ? 1 : size <= 32 ? 2 : 4);

/** The uniform block's fields: the product's sizes, then the extra params. */
const paramFields = (extra: readonly [string, Param][]): string =>
  ["M", "N", "K", "batches", "mTiles", "splits", "kChunk"]
    .map((f) => `${f}: u32`)
    .concat(extra.map(([name, p]) => `${name}: ${p.type}`))
    .join(", ");
/** The storage declarations of inputs. */
const inputArrays = (inputs: readonly GemmInput[]): string[] => inputs.map((g) => `${g.name}: array<${g.type ?? "f32"}>`);

function declarations(inputs: readonly GemmInput[], extra: readonly [string, Param][], out: string): string {
  return `struct Params { ${paramFields(extra)} }\n${bindings(inputArrays(inputs), [`${out}: array<f32>`])}`;
}

/** The snippets as WGSL functions. */
const snippets = (g: Gemm) => /* wgsl */ `
fn rowA(b: u32, m: u32) -> vec4i { ${g.rowA} }
fn kA(k: u32) -> vec4i { ${g.kA ?? "return vec4i();"} }
fn loadA(r: vec4i, q: vec4i, m: u32, k: u32) -> f32 { ${g.loadA} }
fn colB(b: u32, n: u32) -> vec4i { ${g.colB} }
fn kB(k: u32) -> vec4i { ${g.kB ?? "return vec4i();"} }
fn loadB(c: vec4i, q: vec4i, n: u32, k: u32) -> f32 { ${g.loadB} }`;

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

/**
 * The product's shader: `tiled` stages 16 k at a time of A's and B's tiles in workgroup memory;
 * else each invocation reads its rows and columns itself (no barriers: on SwiftShader a barrier
 * switches fibers for every 4 invocations, which costs more than the loads it saves).
 */
function gemmShader(g: Gemm, RM: number, RN: number, partial: boolean, tiled: boolean): string {
  const TM = 16 * RM,
    TN = 16 * RN;
  const inputs = partial ? g.inputs : [...g.inputs, ...(g.storeInputs ?? [])];
  const pairs = range(RM).flatMap((i) => range(RN).map((j) => [i, j]));
  const store = partial ? "out[((split * p.batches + b) * p.M + gm) * p.N + gn] = v;" : g.store;
  const products = pairs.map(([i, j]) => `acc${i}_${j} += a${i} * b${j};`).join(" ");
  const tiledLoop = /* wgsl */ `
  let tid = lid.y * 16u + lid.x;
  let am = m0 + tid % ${TM}u;
  let akOff = tid / ${TM}u;
  let bn = n0 + tid % ${TN}u;
  let bkOff = tid / ${TN}u;
  let ra = rowA(b, am);
  let cb = colB(b, bn);
  for (var k0 = kStart; k0 < kEnd; k0 += ${KT}u) {
    for (var r = 0u; r < ${(KT * TM) / 256}u; r++) {
      let kk = akOff + r * ${256 / TM}u;
      let ak = k0 + kk;
      var v = 0.0;
      if (am < p.M && ak < kEnd) { v = loadA(ra, kA(ak), am, ak); }
      As[kk * ${TM}u + tid % ${TM}u] = v;
    }
    for (var r = 0u; r < ${(KT * TN) / 256}u; r++) {
      let kk = bkOff + r * ${256 / TN}u;
      let bk = k0 + kk;
      var v = 0.0;
      if (bn < p.N && bk < kEnd) { v = loadB(cb, kB(bk), bn, bk); }
      Bs[kk * ${TN}u + tid % ${TN}u] = v;
    }
    workgroupBarrier();
    for (var kk = 0u; kk < ${KT}u; kk++) {
      ${range(RM)
        .map((i) => `let a${i} = As[kk * ${TM}u + lid.y + ${16 * i}u];`)
        .join(" ")}
      ${range(RN)
        .map((j) => `let b${j} = Bs[kk * ${TN}u + lid.x + ${16 * j}u];`)
        .join(" ")}
      ${products}
    }
    workgroupBarrier();
  }`;
  const directLoop = /* wgsl */ `
  ${range(RM)
    .map((i) => `let row${i} = m0 + lid.y + ${16 * i}u; let r${i} = rowA(b, row${i});`)
    .join("\n  ")}
  ${range(RN)
    .map((j) => `let col${j} = n0 + lid.x + ${16 * j}u; let c${j} = colB(b, col${j});`)
    .join("\n  ")}
  for (var k = kStart; k < kEnd; k++) {
    let qa = kA(k);
    let qb = kB(k);
    ${range(RM)
      .map((i) => `var a${i} = 0.0; if (row${i} < p.M) { a${i} = loadA(r${i}, qa, row${i}, k); }`)
      .join("\n    ")}
    ${range(RN)
      .map((j) => `var b${j} = 0.0; if (col${j} < p.N) { b${j} = loadB(c${j}, qb, col${j}, k); }`)
      .join("\n    ")}
    ${products}
  }`;
  return /* wgsl */ `
${declarations(inputs, g.params ?? [], "out")}
${g.helpers ?? ""}
${snippets(g)}
${tiled ? `var<workgroup> As: array<f32, ${KT * TM}>;\nvar<workgroup> Bs: array<f32, ${KT * TN}>;` : ""}

@compute @workgroup_size(16, 16)
fn main(@builtin(local_invocation_id) lid: vec3u, @builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let flat = wid.y + wid.z * groups.y;
  if (flat >= p.batches * p.splits * p.mTiles) { return; }
  let mTile = flat % p.mTiles;
  let split = (flat / p.mTiles) % p.splits;
  let b = flat / (p.mTiles * p.splits);
  let m0 = mTile * ${TM}u;
  let n0 = wid.x * ${TN}u;
  let kStart = split * p.kChunk;
  let kEnd = min(p.K, kStart + p.kChunk);
  ${pairs.map(([i, j]) => `var acc${i}_${j} = 0.0;`).join(" ")}
  ${tiled ? tiledLoop : directLoop}
  ${pairs
    .map(
      ([i, j]) => `{
    let gm = m0 + lid.y + ${16 * i}u;
    let gn = n0 + lid.x + ${16 * j}u;
    let v = acc${i}_${j};
    if (gm < p.M && gn < p.N) { ${store} }
  }`,
    )
    .join("\n  ")}
}
`;
}

/** The second pass of a split K: adds the splits' partial sums in order and stores. */
function reduceShader(g: Gemm): string {
  return flatKernel({
    params: paramFields(g.params ?? []),
    reads: inputArrays([{ name: "partial", array: new Float32Array(0) }, ...(g.storeInputs ?? [])]),
    writes: ["out: array<f32>"],
    helpers: g.helpers,
    count: "p.batches * p.M * p.N",
    body: /* wgsl */ `  let total = p.batches * p.M * p.N;
  var v = 0.0;
  for (var s = 0u; s < p.splits; s++) { v += partial[s * total + i]; }
  let gn = i % p.N;
  let gm = (i / p.N) % p.M;
  let b = i / (p.N * p.M);
  ${g.store}`,
  });
}

/** Runs the product on the GPU and gives `out`. */
export function runGemm(gpu: Gpu, g: Gemm): Float32Array {
  const tiled = !/swiftshader/i.test(gpu.adapter);
  const RN = blockFor(g.N);
  // without workgroup memory, loads cost more than products: a taller block where N is narrow
  const RM = !tiled && g.M >= 2048 ? Math.min(8, 16 / RN) : blockFor(g.M);
  const mTiles = Math.ceil(g.M / (16 * RM)),
    nTiles = Math.ceil(g.N / (16 * RN));
  const tiles = g.batches * mTiles * nTiles;
  let splits = 1;
  let kChunk = Math.max(KT, Math.ceil(g.K / KT) * KT);
  if (tiles > 0 && tiles < TARGET_TILES && g.K >= 2 * MIN_SPLIT_K) {
    const want = Math.min(Math.ceil(TARGET_TILES / tiles), Math.floor(g.K / MIN_SPLIT_K));
    kChunk = Math.ceil(g.K / want / KT) * KT;
    splits = Math.ceil(g.K / kChunk);
  }
  const params = [u32(g.M), u32(g.N), u32(g.K), u32(g.batches), u32(mTiles), u32(splits), u32(kChunk), ...(g.params ?? []).map(([, p]) => p)];
  const rows = g.batches * splits * mTiles;
  const workgroups = tiles === 0 ? [0] : [nTiles, Math.min(rows, MAX_GROUPS), Math.ceil(rows / MAX_GROUPS)];
  const arrays = (list: readonly GemmInput[] | undefined) => (list ?? []).map((i) => i.array);
  if (splits === 1) {
    return gpu.run({
      label: g.label,
      code: gemmShader(g, RM, RN, false, tiled),
      inputs: [...arrays(g.inputs), ...arrays(g.storeInputs)],
      outputs: [{ dtype: "float32", length: g.outLength }],
      params,
      workgroups,
    })[0] as Float32Array;
  }
  const [partial] = gpu.run({
    label: `${g.label} (split K)`,
    code: gemmShader(g, RM, RN, true, tiled),
    inputs: arrays(g.inputs),
    outputs: [{ dtype: "float32", length: splits * g.batches * g.M * g.N }],
    params,
    workgroups,
  });
  return gpu.run({
    label: `${g.label} (sum of splits)`,
    code: reduceShader(g),
    inputs: [partial, ...arrays(g.storeInputs)],
    outputs: [{ dtype: "float32", length: g.outLength }],
    params,
    workgroups: grid(g.batches * g.M * g.N),
  })[0] as Float32Array;
}
